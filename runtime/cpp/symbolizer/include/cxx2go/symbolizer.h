// cxx2go/symbolizer.h — function names and file:line in crash reports (cxx2go/debug.h), from the
// program's DWARF debug information through libbacktrace (GCC's; Debian: libgcc-12-dev), with C++ names
// demangled by libiberty (Debian: libiberty-dev). Both read and demangle without malloc, as code running
// in a crashing thread's signal handler must. An optional part of cxx2go, compiled by the Go package
// github.com/cxx2go/cxx2go/runtime/go/cxx2go/symbolizer, which calls this from its init.
#ifndef CXX2GO_SYMBOLIZER_H_
#define CXX2GO_SYMBOLIZER_H_

#include <cstdint>

#include "cxx2go/debug.h"

namespace cxx2go {

// Makes crash reports symbolize their frames (cxx2go::set_crash_symbolizer). Returns false, changing
// nothing, if libbacktrace cannot read this program. Debug information is read on the first crash, not
// here. Safe to call more than once.
bool install_libbacktrace_symbolizer() noexcept;

// The symbolizer itself (a CrashSymbolizer): false before install_libbacktrace_symbolizer() succeeded.
bool symbolize_with_libbacktrace(uintptr_t pc, SymbolizedFrameSink sink, void* context) noexcept;

}  // namespace cxx2go

#endif  // CXX2GO_SYMBOLIZER_H_
