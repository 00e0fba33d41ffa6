// The libbacktrace symbolizer of the C++ runtime's optional part (runtime/cpp/symbolizer), compiled here by
// cgo: it compiles only the files of this directory.
#include "../../../cpp/symbolizer/libbacktrace_symbolizer.cc"

extern "C" int cxx2go_install_libbacktrace_symbolizer(void) { return cxx2go::install_libbacktrace_symbolizer() ? 1 : 0; }
