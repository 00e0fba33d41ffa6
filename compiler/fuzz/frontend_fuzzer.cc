// libFuzzer target for the front end: any bytes must end in a model or in diagnostics, without a crash,
// a hang, undefined behaviour or a leak. Build with Clang (see compiler/CMakeLists.txt):
//   cmake -S compiler -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCXX2GO_COMPILER_FUZZER=ON
//   ninja -C build/fuzz cxx2go_frontend_fuzzer
//   build/fuzz/cxx2go_frontend_fuzzer -dict=compiler/fuzz/c2g.dict tests/schemas tests/diagnostics
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cxx2go::compiler;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  std::vector<Diagnostic> diagnostics;
  std::optional<Schema> schema = compile_schema("fuzz.c2g", source, diagnostics);
  // The front end's contract: exactly one of a schema and diagnostics.
  if (schema.has_value() == !diagnostics.empty()) std::abort();
  if (!schema) format_diagnostics("fuzz.c2g", diagnostics);
  return 0;
}
