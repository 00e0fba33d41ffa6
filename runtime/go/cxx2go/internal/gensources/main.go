// Command gensources writes cxx2go_runtime.cc of the Go runtime package from the list of the C++ runtime's
// sources (see internal/cppsources). Run it through `go generate ./runtime/go/cxx2go/c2gimpl`.
package main

import (
	"fmt"
	"os"

	"github.com/cxx2go/cxx2go/runtime/go/cxx2go/internal/cppsources"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gensources:", err)
		os.Exit(1)
	}
}

// run works in the package directory (go generate's working directory).
func run() error {
	sources, err := cppsources.Sources(cppsources.CppDir)
	if err != nil {
		return err
	}
	return os.WriteFile("cxx2go_runtime.cc", []byte(cppsources.UnityFile(sources)), 0o644)
}
