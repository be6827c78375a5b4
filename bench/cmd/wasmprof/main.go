// Command wasmprof says where a verification's time goes inside the
// module: it verifies one token of bench/testdata/tokens.json many times
// through the host, with a wazero function listener on the guest functions
// whose names match a pattern, and prints each one's calls and time per
// verification. It is the guest-side profile behind the overhead target of
// the fast verify path (whole verification against the bare check):
//
//	scripts/build-wasm.sh --names /tmp/m.wasm
//	go run ./bench/cmd/wasmprof [-alg RS256] [-n 20000] [-match REGEXP] /tmp/m.wasm
//
// Build with --names: the listener finds functions by the names of the
// module's name section. Times are inclusive (a function's callees count
// in it) and include the listener's own cost on entry and exit, about a
// microsecond per listened call: listen to a few functions at a time.
// Go cannot profile code running inside wazero, and the module has no
// profiler of its own, hence this.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/jwtwasm/jwtwasm/core/abi"
	"github.com/jwtwasm/jwtwasm/host"
)

// defaultMatch names the stages of a verification inside the module. Go
// writes names into the name section with "_" for "/", "(" and "*", and
// for ")": core.(*Verifier).VerifyAt is
// github.com_jwtwasm_jwtwasm_core.__Verifier_.VerifyAt.
const defaultMatch = `^github\.com_jwtwasm_jwtwasm_(core\.(splitCompact|parseHeader|parseClaimsInto|checkSignature|__Verifier_\.(checkClaims|candidates|VerifyAt))|wasm_internal_guest\.(__Guest_\.(Verify|VerifyInput)|appendToken))$|^encoding_base64\.__Encoding_\.Decode$`

func main() {
	alg := flag.String("alg", "RS256", "the entry of the tokens file to verify")
	n := flag.Int("n", 20000, "verifications")
	match := flag.String("match", defaultMatch, "regular expression: the guest functions to time, by their names in the module (\"/\", \"(\", \"*\" and \")\" written \"_\")")
	tokens := flag.String("tokens", "bench/testdata/tokens.json", "the tokens file")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wasmprof [-alg ALG] [-n N] [-match REGEXP] [-tokens FILE] module.wasm")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(os.Stdout, flag.Arg(0), *tokens, *alg, *match, *n); err != nil {
		fmt.Fprintln(os.Stderr, "wasmprof:", err)
		os.Exit(1)
	}
}

// entry is the part of a tokens.json entry that wasmprof needs.
type entry struct {
	JWKS   json.RawMessage `json:"jwks"`
	Token  string          `json:"token"`
	Policy abi.Policy      `json:"policy"`
}

func run(w io.Writer, modulePath, tokensPath, alg, match string, n int) error {
	if n < 1 {
		return fmt.Errorf("-n %d: want at least one verification", n)
	}
	re, err := regexp.Compile(match)
	if err != nil {
		return fmt.Errorf("-match: %w", err)
	}
	module, err := os.ReadFile(modulePath)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(tokensPath)
	if err != nil {
		return err
	}
	var entries map[string]entry
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("%s: %w", tokensPath, err)
	}
	e, ok := entries[alg]
	if !ok {
		return fmt.Errorf("%s has no entry %q", tokensPath, alg)
	}

	p := &profile{match: re, stats: map[string]*stat{}}
	// The listener factory travels in the context of compilation; no file
	// cache, so that listened code never reaches one.
	ctx := experimental.WithFunctionListenerFactory(context.Background(), p)
	rt, err := host.New(ctx, host.WithModule(module), host.WithPoolSize(1))
	if err != nil {
		return err
	}
	defer rt.Close(ctx)
	if len(p.stats) == 0 {
		return errors.New("no function of the module matches -match: was it built with --names (scripts/build-wasm.sh --names)?")
	}
	v, err := rt.NewVerifier(ctx, e.JWKS, e.Policy.Core())
	if err != nil {
		return err
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) // inside the bench tokens' validity
	if _, err := v.VerifyAt(ctx, e.Token, now); err != nil {
		return fmt.Errorf("the %s token does not verify: %w", alg, err)
	}
	p.reset()
	start := time.Now()
	for range n {
		if _, err := v.VerifyAt(ctx, e.Token, now); err != nil {
			return err
		}
	}
	elapsed := time.Since(start)
	verifyStats := make(map[string]stat, len(p.stats))
	for name, s := range p.stats {
		verifyStats[name] = *s
	}
	checkStart := time.Now()
	for range n {
		if _, err := host.CheckSignature(ctx, v, e.Token); err != nil {
			return err
		}
	}
	checkElapsed := time.Since(checkStart)

	per := func(d time.Duration) string { return (d / time.Duration(n)).Round(10 * time.Nanosecond).String() }
	fmt.Fprintf(w, "%s, %d verifications: %s per Verify, %s per CheckSignature (listeners included in both); the functions of Verify:\n\n", alg, n, per(elapsed), per(checkElapsed))
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "calls/verify\ttime/verify\t\tfunction\t")
	names := make([]string, 0, len(verifyStats))
	for name := range verifyStats {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return verifyStats[names[i]].total > verifyStats[names[j]].total })
	for _, name := range names {
		s := verifyStats[name]
		if s.calls == 0 {
			continue
		}
		fmt.Fprintf(tw, "%.2f\t%s\t\t%s\t\n", float64(s.calls)/float64(n), per(s.total), name)
	}
	return tw.Flush()
}

// profile is the function listener: inclusive time per listened function.
// A module instance runs one call at a time and the pool has one instance,
// so one stack of entry times serves.
type profile struct {
	match   *regexp.Regexp
	stats   map[string]*stat
	entered []time.Time
}

type stat struct {
	calls int
	total time.Duration
}

func (p *profile) reset() {
	for _, s := range p.stats {
		*s = stat{}
	}
}

// NewFunctionListener implements experimental.FunctionListenerFactory.
func (p *profile) NewFunctionListener(def api.FunctionDefinition) experimental.FunctionListener {
	if !p.match.MatchString(def.Name()) {
		return nil
	}
	p.stats[def.Name()] = &stat{}
	return p
}

// Before implements experimental.FunctionListener.
func (p *profile) Before(context.Context, api.Module, api.FunctionDefinition, []uint64, experimental.StackIterator) {
	p.entered = append(p.entered, time.Now())
}

// After implements experimental.FunctionListener.
func (p *profile) After(_ context.Context, _ api.Module, def api.FunctionDefinition, _ []uint64) {
	p.exit(def)
}

// Abort implements experimental.FunctionListener.
func (p *profile) Abort(_ context.Context, _ api.Module, def api.FunctionDefinition, _ error) {
	p.exit(def)
}

func (p *profile) exit(def api.FunctionDefinition) {
	last := len(p.entered) - 1
	if last < 0 {
		return
	}
	s := p.stats[def.Name()]
	s.calls++
	s.total += time.Since(p.entered[last])
	p.entered = p.entered[:last]
}
