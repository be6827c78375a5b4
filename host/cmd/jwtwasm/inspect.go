package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jwtwasm/jwtwasm/core"
	"github.com/jwtwasm/jwtwasm/host"
)

const inspectAbout = `
Decode a JWT without verifying it: header, claims, signature size, every
date as UTC and relative to now, and findings in the spirit of RFC 8725
(alg none or HMAC, no exp, long lifetime, no kid, keys in the header, no
aud, iat in the future, sensitive-looking claims, a weak key with --key).
Nothing printed here is verified: use "jwtwasm verify" to trust a token.`

const inspectExamples = `  jwtwasm inspect token.jwt
  echo "$TOKEN" | jwtwasm inspect -
  jwtwasm inspect --key public.pem --json "$TOKEN"`

func runInspect(e *env, args []string) error {
	fs := newFlags(e, "inspect", "[flags] TOKEN|FILE|-", inspectAbout, inspectExamples)
	var keyFile, passFile, now string
	var asJSON bool
	var engineName string
	engineFlag(fs, &engineName)
	fs.StringVar(&keyFile, "key", "", "the key `FILE` the token would be verified with, to check it is strong enough and fits")
	fs.StringVar(&passFile, "passphrase-file", "", "`FILE` holding the passphrase of an encrypted --key")
	fs.StringVar(&now, "now", "", "judge dates as of this `TIME` (RFC 3339 or Unix seconds)")
	fs.BoolVar(&asJSON, "json", false, "print the inspection as JSON")
	var out outputFile
	out.addFlags(fs, "the inspection")
	pos, eng, err := begin(e, fs, args, &out, &engineName,
		func([]string) error { return inspectFlagsApply(keyFile, passFile) })
	if err != nil {
		return err
	}
	token, err := readToken(e, pos)
	if err != nil {
		return rejected(err)
	}
	clk, err := clock(now)
	if err != nil {
		return err
	}
	opts := []host.CallOption{host.WithTime(clk())}
	ks := keySources{key: keyFile, passphraseFile: passFile}
	if keyFile != "" {
		doc, err := ks.document(e)
		if err != nil {
			return err
		}
		opts = append(append(opts, host.WithKeys(doc.keys)), doc.opts()...)
	}
	in, err := eng.Inspect(e.ctx, token, opts...)
	if err != nil {
		return rejected(ks.keyHint(err))
	}
	if asJSON {
		// Arrays, never null, whatever the engine.
		if in.Dates == nil {
			in.Dates = []core.DateClaim{}
		}
		if in.Findings == nil {
			in.Findings = []core.Finding{}
		}
		out := map[string]any{
			"header":         json.RawMessage(in.Header.JSON()),
			"signature_size": in.SignatureSize,
			"dates":          in.Dates,
			"findings":       in.Findings,
		}
		if in.Claims != nil {
			out["claims"] = json.RawMessage(in.Claims.JSON())
		} else {
			out["payload"] = string(in.Payload)
		}
		writeJSON(e.stdout, out)
		return nil
	}
	printInspection(e.stdout, in, colorEnabled(e.stdout))
	return nil
}

func printInspection(w io.Writer, in *core.Inspection, color bool) {
	c := palette(color)
	fmt.Fprintf(w, "%sHeader%s\n%s\n", c.bold, c.reset, indentJSON(in.Header.JSON()))
	if in.Claims != nil {
		fmt.Fprintf(w, "\n%sClaims%s\n%s\n", c.bold, c.reset, indentJSON(in.Claims.JSON()))
	} else {
		fmt.Fprintf(w, "\n%sPayload%s (not a JSON claims set)\n%q\n", c.bold, c.reset, in.Payload)
	}
	if len(in.Dates) > 0 {
		fmt.Fprintf(w, "\n%sDates%s\n", c.bold, c.reset)
		for _, d := range in.Dates {
			when := d.Time.UTC().Format(time.RFC3339)
			if d.Time.IsZero() { // out of range: the number as sent
				when = d.Seconds.String()
			}
			fmt.Fprintf(w, "  %s  %s  %s\n", d.Name, when, d.Relative)
		}
	}
	fmt.Fprintf(w, "\n%sSignature%s\n  %d bytes (not verified)\n", c.bold, c.reset, in.SignatureSize)
	fmt.Fprintf(w, "\n%sFindings%s\n", c.bold, c.reset)
	if len(in.Findings) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, f := range in.Findings {
		col := c.dim
		switch f.Severity {
		case core.SeverityHigh:
			col = c.red
		case core.SeverityMedium:
			col = c.yellow
		}
		fmt.Fprintf(w, "  %s%-6s%s %s: %s\n", col, f.Severity, c.reset, f.Code, f.Message)
	}
}

type colors struct{ bold, red, yellow, dim, green, reset string }

func palette(on bool) colors {
	if !on {
		return colors{}
	}
	return colors{bold: "\x1b[1m", red: "\x1b[31m", yellow: "\x1b[33m", dim: "\x1b[2m", green: "\x1b[32m", reset: "\x1b[0m"}
}

// colorEnabled reports whether w is a terminal and NO_COLOR is unset
// (https://no-color.org: any non-empty value turns colour off).
func colorEnabled(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
