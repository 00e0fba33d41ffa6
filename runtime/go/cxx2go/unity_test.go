package cxx2go

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The C++ runtime reaches Go processes only through cxx2go_runtime.cc: a source file added to
// runtime/cpp/src but not included there would be missing from every Go binary (and only show up as an
// undefined symbol in whatever first uses it).
func TestUnityFileIncludesEveryRuntimeSource(t *testing.T) {
	unity, err := os.ReadFile("cxx2go_runtime.cc")
	if err != nil {
		t.Fatal(err)
	}
	included := map[string]bool{}
	for _, line := range strings.Split(string(unity), "\n") {
		if rest, ok := strings.CutPrefix(line, `#include "../../cpp/src/`); ok {
			included[strings.TrimSuffix(rest, `"`)] = true
		}
	}
	sources, err := filepath.Glob("../../cpp/src/*.cc")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no C++ runtime sources found: %v", err)
	}
	for _, src := range sources {
		name := filepath.Base(src)
		if !included[name] {
			t.Errorf("runtime/cpp/src/%s is not included by cxx2go_runtime.cc", name)
		}
		delete(included, name)
	}
	for name := range included {
		t.Errorf("cxx2go_runtime.cc includes runtime/cpp/src/%s, which does not exist", name)
	}
}
