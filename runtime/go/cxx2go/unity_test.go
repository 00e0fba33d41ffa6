package cxx2go

import (
	"os"
	"testing"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go/internal/cppsources"
)

// The C++ runtime reaches Go processes only through cxx2go_runtime.cc, and Go rebuilds it only when
// cpp_sources.go changes (see internal/cppsources). Both are generated from runtime/cpp; stale ones mean
// Go binaries built from other C++ than the tree's.
func TestGeneratedCppSourcesAreCurrent(t *testing.T) {
	const cppDir = "../../cpp"
	sources, err := cppsources.Sources(cppDir)
	if err != nil {
		t.Fatal(err)
	}
	unity, err := os.ReadFile("cxx2go_runtime.cc")
	if err != nil {
		t.Fatal(err)
	}
	if string(unity) != cppsources.UnityFile(sources) {
		t.Errorf("cxx2go_runtime.cc does not include exactly runtime/cpp/src/*.cc %v: run go generate ./runtime/go/cxx2go", sources)
	}
	digest, err := cppsources.Digest(cppDir)
	if err != nil {
		t.Fatal(err)
	}
	if digest != cppSourcesDigest {
		t.Errorf("runtime/cpp changed since cpp_sources.go was generated, so Go builds may use a stale C++ "+
			"runtime: run go generate ./runtime/go/cxx2go (digest %s, generated %s)", digest, cppSourcesDigest)
	}
}
