package c2gimpl

import (
	"os"
	"testing"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go/internal/cppsources"
)

// The C++ runtime reaches Go processes only through cxx2go_runtime.cc, generated from the list of
// runtime/cpp/src/**/*.cc: a stale one means Go binaries without a source file of the runtime.
func TestGeneratedCppSourcesAreCurrent(t *testing.T) {
	sources, err := cppsources.Sources(cppsources.CppDir)
	if err != nil {
		t.Fatal(err)
	}
	unity, err := os.ReadFile("cxx2go_runtime.cc")
	if err != nil {
		t.Fatal(err)
	}
	if string(unity) != cppsources.UnityFile(sources) {
		t.Errorf("cxx2go_runtime.cc does not include exactly runtime/cpp/src/**/*.cc %v: run go generate ./runtime/go/cxx2go/c2gimpl", sources)
	}
}
