// The C++ side of the Go host, compiled by cgo as one translation unit: the generated C++ of the e2e
// schema and the C++ implementation and battery (tests/e2e/cppimpl). cgo compiles only the files of this
// directory, hence the includes of .cc files.
//
// Go's build cache does not see files included from outside the package directory: after editing them,
// rebuild with scripts/run-e2e.sh (which keys the cache on their contents) or `go test -a`.
#include "../../gen/e2e/cpp/e2e.c2g.cc"
#include "../cppimpl/battery.cc"
#include "../cppimpl/contexts.cc"
#include "../cppimpl/cpp_side.cc"
#include "../cppimpl/values.cc"
