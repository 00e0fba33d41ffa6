// Names that the generated code declares in one scope — the Go package, the C++ namespace — must differ,
// yet the schema's own rules cannot see them all: `struct ColorRed` is fine next to `enum Color { RED }`
// in the schema, but both become `ColorRed` in Go. This check knows how each emitter names things (it
// uses the same functions, emit_naming.h) and is the last phase of the front end (frontend.h): it
// reports such clashes as ordinary diagnostics before any emitter runs, for both languages whichever
// outputs were asked for, so a schema is valid for both or neither.
#pragma once

#include <string>
#include <vector>

#include "diagnostics.h"
#include "model.h"

namespace cxx2go::compiler {

// One name declared at the top level of a generated file, and the schema declaration it comes from.
struct GeneratedName {
  std::string name;
  std::string origin;  // e.g. "enum value 'Color.RED'"; used in messages
  SourceLoc loc;
};

// Every exported name of the generated Go package and every name of the generated C++ namespace, in
// declaration order. (Unexported Go names and C++ names in `detail` start with the reserved `c2g`.)
std::vector<GeneratedName> go_package_names(const Schema& schema);
std::vector<GeneratedName> cpp_namespace_names(const Schema& schema);

void check_generated_names(const Schema& schema, Reporter& reporter);

}  // namespace cxx2go::compiler
