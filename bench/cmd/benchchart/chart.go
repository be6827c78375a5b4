package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	// The output formats, chosen by file extension.
	_ "gonum.org/v1/plot/vg/vgimg"
	_ "gonum.org/v1/plot/vg/vgsvg"
)

// palette is Tableau's ten colours (distinct, and readable by most colour
// blind people), then two more.
var palette = []color.RGBA{
	{0x4e, 0x79, 0xa7, 0xff}, // blue
	{0xf2, 0x8e, 0x2b, 0xff}, // orange
	{0xe1, 0x57, 0x59, 0xff}, // red
	{0x76, 0xb7, 0xb2, 0xff}, // teal
	{0x59, 0xa1, 0x4f, 0xff}, // green
	{0xed, 0xc9, 0x48, 0xff}, // yellow
	{0xb0, 0x7a, 0xa1, 0xff}, // purple
	{0xff, 0x9d, 0xa7, 0xff}, // pink
	{0x9c, 0x75, 0x5f, 0xff}, // brown
	{0xba, 0xb0, 0xac, 0xff}, // grey
	{0x1f, 0x3a, 0x5f, 0xff}, // navy
	{0x8c, 0xd1, 0x7d, 0xff}, // light green
}

// Chart is a drawing of a Table.
type Chart struct {
	Width, Height vg.Length
	Title         string // the first title line; the machine is the second
}

// Render draws t as a grouped bar chart of operations per second (1e9 /
// ns per op) on a log scale, one bar per impl in each group, the legend to
// the right, and writes it to w in format ("svg", "png", "pdf", ...).
func (ch Chart) Render(w io.Writer, t *Table, format string) error {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range t.Impls {
		for _, ns := range t.NsPerOp[i] {
			if ns > 0 {
				lo = math.Min(lo, 1e9/ns)
				hi = math.Max(hi, 1e9/ns)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return fmt.Errorf("no %s result to draw", t.Op)
	}
	// Whole decades, with the shortest bar at least twice the bottom, and
	// room above the tallest for its label.
	ymin := math.Pow(10, math.Floor(math.Log10(lo/2)))
	ymax := math.Pow(10, math.Ceil(math.Log10(hi*1.6)))

	p := plot.New()
	p.Title.Text = ch.Title
	if t.Machine != "" {
		p.Title.Text += "\n" + t.Machine
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = t.GroupLabel
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = siTicks{}
	p.Y.Min, p.Y.Max = ymin, ymax
	p.X.Min, p.X.Max = -0.5, float64(len(t.Groups))-0.5
	p.NominalX(t.Groups...)
	p.X.Tick.Label.Font.Size = vg.Points(11)
	p.X.Tick.Width = 0
	p.X.Tick.Length = 0
	p.X.Padding = vg.Points(4)
	p.Y.Padding = 0
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	grid.Horizontal.Color = color.Gray{0xdd}
	p.Add(grid)

	legend := plot.NewLegend()
	legend.TextStyle.Font.Size = vg.Points(11)
	legend.ThumbnailWidth = vg.Points(14)
	legend.Padding = vg.Points(3)
	legend.Left = true
	legend.Top = true

	// The plot's data area is about the canvas less the legend and the Y
	// axis; a group takes 80 % of its share of it.
	legendWidth := ch.legendWidth(legend, t.Impls)
	dataWidth := ch.Width - legendWidth - vg.Points(90)
	barWidth := min(dataWidth/vg.Length(len(t.Groups))*0.8/vg.Length(len(t.Impls)), vg.Points(48))

	// Bars start at the bottom of the axis, not at zero, which a log scale
	// cannot show: each bar stands on an invisible one of height ymin.
	floor := &plotter.BarChart{Values: plotter.Values{ymin}}
	labelStyle := text.Style{
		Font:     font.From(plot.DefaultFont, vg.Points(math.Min(8, math.Max(5, barWidth.Points()*0.8)))),
		Handler:  plot.DefaultTextHandler,
		Rotation: math.Pi / 2,
		XAlign:   draw.XLeft,
		YAlign:   draw.YCenter,
		Color:    color.Gray{0x44},
	}
	for i, impl := range t.Impls {
		offset := (vg.Length(i) - vg.Length(len(t.Impls)-1)/2) * barWidth
		colour := palette[i%len(palette)]
		var labels plotter.XYLabels
		first := true
		for g, ns := range t.NsPerOp[i] {
			if !(ns > 0) {
				continue
			}
			ops := 1e9 / ns
			bar := &plotter.BarChart{
				Values: plotter.Values{ops - ymin},
				Width:  barWidth,
				Color:  colour,
			}
			bar.LineStyle.Width = 0
			bar.StackOn(floor) // sets XMin and Offset from floor's
			bar.XMin = float64(g)
			bar.Offset = offset
			p.Add(bar)
			if first {
				legend.Add(label(impl), bar)
				first = false
			}
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(g), Y: ops})
			labels.Labels = append(labels.Labels, humanize(ops))
		}
		if len(labels.Labels) == 0 {
			continue
		}
		l, err := plotter.NewLabels(labels)
		if err != nil {
			return err
		}
		for j := range l.TextStyle {
			l.TextStyle[j] = labelStyle
		}
		l.Offset = vg.Point{X: offset, Y: vg.Points(2)}
		p.Add(l)
	}

	c, err := draw.NewFormattedCanvas(ch.Width, ch.Height, format)
	if err != nil {
		return err
	}
	dc := draw.New(c)
	// White behind everything: an SVG is otherwise transparent, which dark
	// page themes show badly.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	// The Y axis's label is drawn here, not by the plot, which centres it
	// on the arithmetic middle of the axis: wrong for a log scale.
	yLabel := text.Style{
		Font:     font.From(plot.DefaultFont, vg.Points(12)),
		Handler:  plot.DefaultTextHandler,
		Rotation: math.Pi / 2,
		XAlign:   draw.XCenter,
		YAlign:   draw.YTop,
		Color:    color.Black,
	}
	titleHeight := p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding
	dc.FillText(yLabel, vg.Point{X: vg.Points(4), Y: (ch.Height - titleHeight) / 2}, yAxisLabel)
	p.Draw(draw.Crop(dc, yLabel.Height(yAxisLabel)+vg.Points(8), -legendWidth, 0, 0))
	lc := draw.Crop(dc, ch.Width-legendWidth+vg.Points(8), 0, 0, -titleHeight-p.Title.Padding)
	legend.Draw(lc)
	_, err = c.WriteTo(w)
	return err
}

const yAxisLabel = "operations per second (log scale, higher is better)"

// label is the legend's name for an impl ("" when results had no impl=).
func label(impl string) string {
	if impl == "" {
		return "(no impl)"
	}
	return impl
}

// legendWidth is the width the legend's longest entry needs, plus margins.
func (ch Chart) legendWidth(l plot.Legend, impls []string) vg.Length {
	var w vg.Length
	for _, impl := range impls {
		w = max(w, l.TextStyle.Width(label(impl)))
	}
	return w + l.ThumbnailWidth + l.TextStyle.Width(" ") + vg.Points(20)
}

// siTicks are log ticks at each decade, labelled 1, 10, 100, 1k, 10k, ...,
// with unlabelled minor ticks at 2..9 times each.
type siTicks struct{}

func (siTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.LogTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = humanize(ticks[i].Value)
		}
	}
	return ticks
}

// humanize writes x with at most three significant digits and an SI
// suffix: 950, 12.3k, 1.5M.
func humanize(x float64) string {
	suffix := ""
	for _, s := range []string{"k", "M", "G"} {
		if x < 999.5 {
			break
		}
		x /= 1000
		suffix = s
	}
	var s string
	switch {
	case x >= 99.95:
		s = fmt.Sprintf("%.0f", x)
	case x >= 9.995:
		s = fmt.Sprintf("%.1f", x)
	case x >= 1:
		s = fmt.Sprintf("%.2f", x)
	default:
		s = fmt.Sprintf("%.2g", x)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + suffix
}
