// Package symbolizer makes cxx2go's crash reports name the function and file:line of every C++ frame,
// from the program's DWARF debug information, through libbacktrace. Import it for its effect:
//
//	import _ "github.com/cxx2go/cxx2go/runtime/go/cxx2go/symbolizer"
//
// Without it a crash report prints each C++ frame as an address and module+offset (docs/debugging.md).
// It needs GCC's libbacktrace (Debian: libgcc-12-dev, which g++ installs) and libiberty (Debian:
// libiberty-dev) at build time, and debug information in the binary (cgo compiles C++ with -g by default).
package symbolizer

/*
#cgo CXXFLAGS: -std=c++20 -I${SRCDIR}/../../../cpp/include -I${SRCDIR}/../../../cpp/symbolizer/include
#cgo LDFLAGS: -lbacktrace -liberty -lstdc++
int cxx2go_install_libbacktrace_symbolizer(void);
*/
import "C"

import (
	_ "github.com/cxx2go/cxx2go/runtime/cpp"               // the C++ this package compiles: rebuild when it changes
	_ "github.com/cxx2go/cxx2go/runtime/go/cxx2go/c2gimpl" // the runtime that prints the reports
)

// Installed is whether the symbolizer could read this program (it reads its debug information on the first
// crash, not here).
var Installed = C.cxx2go_install_libbacktrace_symbolizer() != 0
