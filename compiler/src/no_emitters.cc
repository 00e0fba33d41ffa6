// Stands in for the emitters whose sources (emit_cpp.cc, emit_go.cc) are not part of this build, so
// that the front end and the driver can be built and tested on their own. compiler/CMakeLists.txt
// compiles this file only while an emitter is missing and tells it which one with
// CXX2GO_HAVE_CPP_EMITTER / CXX2GO_HAVE_GO_EMITTER. The driver reports a missing emitter when asked for
// its output.
#include "emitter.h"

namespace cxx2go::compiler {

#if !CXX2GO_HAVE_CPP_EMITTER
std::unique_ptr<Emitter> make_cpp_emitter() { return nullptr; }
#endif

#if !CXX2GO_HAVE_GO_EMITTER
std::unique_ptr<Emitter> make_go_emitter(const GoOptions&) { return nullptr; }
#endif

}  // namespace cxx2go::compiler
