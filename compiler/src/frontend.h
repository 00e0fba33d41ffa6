// The front end of the schema compiler, in one call: lex → parse → resolve → check → build the model →
// check the names of the generated code (emit_generated_names.h). Each phase reports every error it finds, sorted by position, and the pipeline stops after the first
// phase that reported any, so that no error is a consequence of another one. The driver, the tests and
// the fuzzer all compile schemas through this header, and render diagnostics with format_diagnostics()
// from diagnostics.h (docs/diagnostics.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diagnostics.h"
#include "model.h"

namespace cxx2go::compiler {

// Compiles the schema `source`, read from `path` (kept as Schema::file). Returns the checked model, or
// nullopt after appending at least one diagnostic to `diagnostics`. Any input is accepted: invalid text
// is diagnosed, never a crash.
//
// The Schema points into itself (types into Schema::types, Schema::structs, …): it may be moved, but a
// copy would point into the original.
std::optional<Schema> compile_schema(std::string_view path, std::string_view source,
                                     std::vector<Diagnostic>& diagnostics);

}  // namespace cxx2go::compiler
