// libFuzzer target for the schema compiler: any bytes must end in a model that both emitters turn into
// code, or in diagnostics that each carry a position inside the input (file:line:col), without a crash, a
// hang, undefined behaviour or a leak. Build with Clang (see compiler/CMakeLists.txt):
//   cmake -S compiler -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCXX2GO_COMPILER_FUZZER=ON
//   ninja -C build/fuzz cxx2go_frontend_fuzzer
//   build/fuzz/cxx2go_frontend_fuzzer -dict=compiler/fuzz/c2g.dict build/fuzz/corpus compiler/fuzz/corpus \
//     tests/schemas tests/diagnostics
// scripts/run-sanitizers.sh runs it for a bounded time (tests/sanitizers/README.md).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "emitter.h"
#include "frontend.h"

namespace {

// The position of a diagnostic (or its note) must exist in the input: line 1..lines, column 1..length+1.
bool in_input(std::string_view source, cxx2go::compiler::SourceLoc loc) {
  if (loc.line == 0 || loc.col == 0) return false;
  const size_t lines = static_cast<size_t>(std::count(source.begin(), source.end(), '\n')) + 1;
  if (loc.line > lines) return false;
  size_t start = 0;
  for (uint32_t l = 1; l < loc.line; ++l) start = source.find('\n', start) + 1;
  size_t end = source.find('\n', start);
  if (end == std::string_view::npos) end = source.size();
  return loc.col <= end - start + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cxx2go::compiler;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  std::vector<Diagnostic> diagnostics;
  std::optional<Schema> schema = compile_schema("fuzz.c2g", source, diagnostics);
  // The front end's contract: exactly one of a schema and diagnostics.
  if (schema.has_value() == !diagnostics.empty()) std::abort();
  if (!schema) {
    for (const Diagnostic& d : diagnostics) {
      if (!in_input(source, d.loc) || d.message.empty()) std::abort();
      if (d.note && !in_input(source, d.note->loc)) std::abort();
    }
    if (format_diagnostics("fuzz.c2g", diagnostics).rfind("fuzz.c2g:", 0) != 0) std::abort();
    return 0;
  }
  // A valid schema: both emitters must produce non-empty files.
  const std::unique_ptr<Emitter> emitters[] = {make_cpp_emitter(), make_go_emitter()};
  for (const auto& emitter : emitters) {
    for (const OutputFile& file : emitter->emit(*schema)) {
      if (file.name.empty() || file.contents.empty()) std::abort();
    }
  }
  return 0;
}
