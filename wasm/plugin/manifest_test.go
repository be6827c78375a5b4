//go:build !wasip1

package main

import (
	"encoding/json"
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/jwtwasm/jwtwasm/core/authn"
)

// TestManifest checks the Traefik manifest: the fields Traefik's loader
// reads, a wasmPath that exists, and a testData that the plugin accepts.
func TestManifest(t *testing.T) {
	data, err := os.ReadFile(".traefik.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		DisplayName string         `yaml:"displayName"`
		Type        string         `yaml:"type"`
		Runtime     string         `yaml:"runtime"`
		WasmPath    string         `yaml:"wasmPath"`
		Import      string         `yaml:"import"`
		Summary     string         `yaml:"summary"`
		TestData    map[string]any `yaml:"testData"`
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.DisplayName == "" || m.Summary == "" || m.Import == "" || m.Type != "middleware" || m.Runtime != "wasm" {
		t.Errorf("manifest %+v", m)
	}
	if _, err := os.Stat(m.WasmPath); err != nil {
		t.Errorf("wasmPath: %v", err)
	}
	// Traefik hands the guest its configuration as JSON.
	cfg, err := json.Marshal(m.TestData)
	if err != nil {
		t.Fatal(err)
	}
	c, err := authn.ParseConfig(cfg)
	if err != nil {
		t.Fatalf("testData: %v", err)
	}
	if _, err := authn.New(c, authn.Options{}); err != nil {
		t.Fatalf("testData: %v", err)
	}
}
