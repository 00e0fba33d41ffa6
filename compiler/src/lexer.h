// The lexer: splits a schema into tokens, each carrying its position and the `///` doc comment lines
// that precede it. Keywords are not tokens of their own: `struct`, `service`, … are identifiers that the
// parser recognises where a declaration can start, so they remain usable as field and method names.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "diagnostics.h"
#include "model.h"

namespace cxx2go::compiler {

enum class TokenKind : uint8_t {
  Identifier,  // [A-Za-z_][A-Za-z0-9_]*
  Integer,     // -?[0-9]+
  String,      // "…" on one line, no escapes; `text` is the contents without quotes
  LeftBrace,
  RightBrace,
  LeftParen,
  RightParen,
  LeftAngle,
  RightAngle,
  Comma,
  Semicolon,
  Colon,
  Equals,
  Dot,
  At,
  Arrow,  // ->
  End,    // end of file, always the last token
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;  // points into the source
  SourceLoc loc;
  Doc doc;            // `///` lines directly before this token (other comments may be in between)
  SourceLoc doc_loc;  // position of the first of those lines
};

// Tokenizes `source`. Reports invalid UTF-8 (anywhere, comments included), unexpected characters and
// unterminated block comments and strings. When it reports anything, the tokens are incomplete and the
// caller stops: parsing them would only report consequences of the same mistakes.
std::vector<Token> lex(std::string_view source, Reporter& reporter);

// How a token is named in "expected …, found …" messages: 'name', '{', integer 42, end of file.
std::string describe_token(const Token& token);

}  // namespace cxx2go::compiler
