// Lowering: the resolved, checked syntax tree → the semantic model (model.h) that emitters read.
#pragma once

#include <string_view>

#include "ast.h"
#include "check.h"
#include "diagnostics.h"
#include "model.h"

namespace cxx2go::compiler {

// The largest number of parameters of one method that travel as views (string, bytes, list of
// numbers): the C++ runtime's detail::ViewList holds 16.
inline constexpr size_t kMaxViewParams = 16;

// Builds the Schema of `file`, computing struct sizes and method fingerprints. Reports methods with
// more view parameters than kMaxViewParams and signatures too large to fingerprint; the result is only
// meaningful when nothing was reported. The Schema points into itself: move it, never copy it.
Schema build_schema(std::string_view path, const ast::File& file, const CheckedFacts& facts,
                    Reporter& reporter);

}  // namespace cxx2go::compiler
