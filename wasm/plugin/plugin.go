//go:build wasip1

package main

import (
	"fmt"
	"os"

	"github.com/http-wasm/http-wasm-guest-tinygo/handler"
	"github.com/http-wasm/http-wasm-guest-tinygo/handler/api"

	"github.com/jwtwasm/jwtwasm/core/authn"
)

// engine is this instance's; each instance of the module runs init on
// its own, and hosts keep a pool of them.
var engine *authn.Engine

func init() {
	e, err := newEngine(handler.Host.GetConfig())
	if err != nil {
		// Refuse to start: a host that instantiates the module (Traefik
		// does so when it builds the middleware) reports the failure, and
		// the log line names the field that is wrong.
		msg := "jwtwasm: " + err.Error()
		handler.Host.Log(api.LogLevelError, msg)
		fmt.Fprintln(os.Stderr, msg)
		panic(msg)
	}
	engine = e
	handler.HandleRequestFn = handle
}

func newEngine(config []byte) (*authn.Engine, error) {
	cfg, err := authn.ParseConfig(config)
	if err != nil {
		return nil, err
	}
	return authn.New(cfg, authn.Options{
		ReadFile:        os.ReadFile,
		WaitForKeyFiles: true,
		Log:             func(msg string) { handler.Host.Log(api.LogLevelInfo, "jwtwasm: "+msg) },
	})
}

// headers adapts the host's request headers to what the engine reads.
type headers struct{ h api.Header }

func (h headers) Values(name string) []string { return h.h.GetAll(name) }

func handle(req api.Request, resp api.Response) (next bool, reqCtx uint32) {
	h := req.Headers()
	d := engine.Authenticate(authn.Request{Method: req.GetMethod(), Target: req.GetURI(), Header: headers{h}})
	for _, name := range d.Remove {
		h.Remove(name)
	}
	if d.Passed() {
		for _, s := range d.Set {
			h.Set(s.Name, s.Value)
		}
		if d.Target != "" {
			req.SetURI(d.Target)
		}
		return true, 0
	}
	if d.Status == 500 {
		handler.Host.Log(api.LogLevelError, "jwtwasm: "+d.Err.Error())
	}
	rh := resp.Headers()
	if d.Challenge != "" {
		rh.Set("WWW-Authenticate", d.Challenge)
	}
	rh.Set("Content-Type", "application/json")
	rh.Set("Cache-Control", "no-store")
	resp.SetStatusCode(uint32(d.Status))
	resp.Body().Write(d.Body)
	return false, 0
}
