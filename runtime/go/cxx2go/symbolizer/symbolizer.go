// Package symbolizer makes cxx2go's crash reports name the function and file:line of every C++ frame,
// from the program's DWARF debug information, through libbacktrace, and puts C and C++ frames into the Go
// runtime's tracebacks and CPU profiles (runtime.SetCgoTraceback), so that `go tool pprof` shows where
// native time goes. Import it for its effect:
//
//	import _ "github.com/cxx2go/cxx2go/runtime/go/cxx2go/symbolizer"
//
// Without it a crash report prints each C++ frame as an address and module+offset, and a CPU profile stops
// at the cgo call (docs/debugging.md). A program has one cgo traceback: importing this package replaces
// one another package installed before it.
//
// It needs GCC's libbacktrace (Debian: libgcc-12-dev, which g++ installs) and libiberty (Debian:
// libiberty-dev) at build time, and debug information in the binary (cgo compiles C++ with -g by default).
package symbolizer

/*
#cgo CXXFLAGS: -std=c++20 -I${SRCDIR}/../../../cpp/include -I${SRCDIR}/../../../cpp/symbolizer/include
#cgo LDFLAGS: -lbacktrace -liberty -lstdc++
int cxx2go_install_libbacktrace_symbolizer(void);
void cxx2go_cgo_traceback(void*);
void cxx2go_cgo_symbolizer(void*);
*/
import "C"

import (
	"runtime"
	"unsafe"

	_ "github.com/cxx2go/cxx2go/runtime/cpp"               // the C++ this package compiles: rebuild when it changes
	_ "github.com/cxx2go/cxx2go/runtime/go/cxx2go/c2gimpl" // the runtime that prints the reports
)

// Installed is whether the symbolizer could read this program (it reads its debug information on the first
// crash, not here).
var Installed = C.cxx2go_install_libbacktrace_symbolizer() != 0

func init() {
	runtime.SetCgoTraceback(0, unsafe.Pointer(C.cxx2go_cgo_traceback), nil, unsafe.Pointer(C.cxx2go_cgo_symbolizer))
}
