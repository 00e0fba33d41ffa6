// Struct containment: which struct holds which other struct by value, and what follows from it.
//
// A struct contains another directly (field of that struct type) or optionally (field of type
// optional<that struct>); lists and maps own their elements on the heap in every generated language, so
// they do not contain. From this graph:
//  - a cycle of direct containment is an error: the struct would have infinite size;
//  - an optional field on a cycle is `boxed`: C++ stores it behind a pointer (cxx2go::Box);
//  - structs are ordered so that each comes after the structs it holds by value (direct fields and
//    unboxed optional fields), which is the order C++ needs for complete types.
// All graph walks are iterative, so the number of structs cannot exhaust the stack.
#pragma once

#include <cstdint>
#include <vector>

#include "ast.h"
#include "diagnostics.h"

namespace cxx2go::compiler {

struct Containment {
  // Indices into ast::File::structs in dependency order; ties are broken by declaration order (the
  // order is the lexicographically smallest topological order), so output is deterministic.
  std::vector<uint32_t> order;
  // boxed[s][f]: field f of File::structs[s] is an optional<struct> on a containment cycle.
  std::vector<std::vector<bool>> boxed;
};

// Analyzes the containment of the resolved `file`, reporting each cycle of direct containment once.
// The result is only meaningful when nothing was reported.
Containment analyze_containment(const ast::File& file, Reporter& reporter);

// Strongly connected components (Tarjan), iteratively. Returns, per node, the id of its component.
std::vector<uint32_t> strongly_connected_components(const std::vector<std::vector<uint32_t>>& edges);

}  // namespace cxx2go::compiler
