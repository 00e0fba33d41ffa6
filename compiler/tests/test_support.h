// Helpers shared by the compiler's unit tests: compile a schema held in a string, and look at the
// outcome as a model, as diagnostic ids, or as rendered text.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend.h"

namespace cxx2go::compiler::testing {

struct Compiled {
  std::optional<Schema> schema;
  std::vector<Diagnostic> diagnostics;

  std::vector<DiagId> ids() const {
    std::vector<DiagId> out;
    for (const Diagnostic& d : diagnostics) out.push_back(d.id);
    return out;
  }
  std::string text() const { return format_diagnostics("test.c2g", diagnostics); }
};

inline Compiled compile(std::string_view source) {
  Compiled result;
  result.schema = compile_schema("test.c2g", source, result.diagnostics);
  return result;
}

// Compiles `body` after a `package test;` line, so that tests can focus on declarations. Diagnostics
// on the body's first line are then at line 2.
inline Compiled compile_body(std::string_view body) { return compile("package test;\n" + std::string(body)); }

// The ids of the diagnostics of `body` (see compile_body); empty when it compiles.
inline std::vector<DiagId> errors_of(std::string_view body) { return compile_body(body).ids(); }

inline std::string read_repo_file(const std::string& relative_path) {
  std::ifstream in(std::string(CXX2GO_REPO_ROOT) + "/" + relative_path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << relative_path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace cxx2go::compiler::testing

namespace cxx2go::compiler {
// Lets gtest print DiagId values by name-independent number in failure messages.
inline std::ostream& operator<<(std::ostream& out, DiagId id) {
  return out << "DiagId(" << static_cast<int>(id) << ")";
}
}  // namespace cxx2go::compiler
