// The parser: tokens → ast::File. It reports every syntax error it finds: after an error it skips to the
// end of the member (`;`) or of the declaration (`}`) and carries on, reporting at most one error per
// member, so one typo does not produce a cascade.
#pragma once

#include <cstdint>
#include <vector>

#include "ast.h"
#include "diagnostics.h"
#include "lexer.h"

namespace cxx2go::compiler {

// The deepest type the parser accepts (`list<list<…>>`), so that no input can exhaust the stack of the
// recursive parts of the compiler.
inline constexpr uint32_t kMaxTypeDepth = 64;

// Parses a complete token sequence (ending with TokenKind::End). The result is only meaningful when the
// reporter got no errors.
ast::File parse(const std::vector<Token>& tokens, Reporter& reporter);

}  // namespace cxx2go::compiler
