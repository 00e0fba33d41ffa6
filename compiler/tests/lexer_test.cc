#include "lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cxx2go::compiler {
namespace {

struct Lexed {
  std::vector<Token> tokens;
  std::vector<Diagnostic> diagnostics;
};

Lexed lex_text(std::string_view source) {
  Lexed out;
  Reporter reporter(out.diagnostics);
  out.tokens = lex(source, reporter);
  return out;
}

std::vector<TokenKind> kinds(const std::vector<Token>& tokens) {
  std::vector<TokenKind> out;
  for (const Token& token : tokens) out.push_back(token.kind);
  return out;
}

TEST(Lexer, PunctuationIdentifiersAndLiterals) {
  Lexed lexed = lex_text("get(x: map<string,list<i32>>) -> Item; = . @ { } -12 7 \"a/b\"");
  ASSERT_TRUE(lexed.diagnostics.empty());
  using K = TokenKind;
  EXPECT_EQ(kinds(lexed.tokens),
            (std::vector<K>{K::Identifier, K::LeftParen,  K::Identifier, K::Colon,      K::Identifier,
                            K::LeftAngle,  K::Identifier, K::Comma,      K::Identifier, K::LeftAngle,
                            K::Identifier, K::RightAngle, K::RightAngle, K::RightParen, K::Arrow,
                            K::Identifier, K::Semicolon,  K::Equals,     K::Dot,        K::At,
                            K::LeftBrace,  K::RightBrace, K::Integer,    K::Integer,    K::String,
                            K::End}));
  EXPECT_EQ(lexed.tokens[22].text, "-12");
  EXPECT_EQ(lexed.tokens[24].text, "a/b");  // without the quotes
}

TEST(Lexer, PositionsAreOneBasedLineAndByteColumn) {
  Lexed lexed = lex_text("a\r\n  /* x\n y */ b // c\n\tc \"s\"");
  ASSERT_TRUE(lexed.diagnostics.empty());
  ASSERT_EQ(lexed.tokens.size(), 5u);
  EXPECT_EQ(lexed.tokens[0].loc.line, 1u);
  EXPECT_EQ(lexed.tokens[0].loc.col, 1u);
  EXPECT_EQ(lexed.tokens[1].loc.line, 3u);  // after a block comment spanning lines
  EXPECT_EQ(lexed.tokens[1].loc.col, 7u);
  EXPECT_EQ(lexed.tokens[2].loc.line, 4u);
  EXPECT_EQ(lexed.tokens[2].loc.col, 2u);  // a tab is one byte
  EXPECT_EQ(lexed.tokens[3].loc.col, 4u);  // a string is at its opening quote
}

TEST(Lexer, ColumnsCountBytesNotCharacters) {
  Lexed lexed = lex_text("/* ééé */ x");
  ASSERT_TRUE(lexed.diagnostics.empty());
  EXPECT_EQ(lexed.tokens[0].loc.col, 14u);
}

TEST(Lexer, DocCommentsAttachToTheNextToken) {
  Lexed lexed = lex_text("/// First line.\n///  indented\n///\n// plain\n//// not doc\nstruct ///tight\nX");
  ASSERT_TRUE(lexed.diagnostics.empty());
  ASSERT_EQ(lexed.tokens.size(), 3u);
  EXPECT_EQ(lexed.tokens[0].doc, (Doc{"First line.", " indented", ""}));
  EXPECT_EQ(lexed.tokens[0].doc_loc.line, 1u);
  EXPECT_EQ(lexed.tokens[1].doc, (Doc{"tight"}));
  EXPECT_TRUE(lexed.tokens[2].doc.empty());
}

TEST(Lexer, DocCommentLinesLoseTrailingWhitespaceAndCarriageReturns) {
  Lexed lexed = lex_text("/// text  \t\r\nx");
  ASSERT_TRUE(lexed.diagnostics.empty());
  EXPECT_EQ(lexed.tokens[0].doc, (Doc{"text"}));
}

TEST(Lexer, DocCommentAtEndOfFileGoesToTheEndToken) {
  Lexed lexed = lex_text("x\n/// trailing\n");
  ASSERT_EQ(lexed.tokens.size(), 2u);
  EXPECT_EQ(lexed.tokens[1].kind, TokenKind::End);
  EXPECT_EQ(lexed.tokens[1].doc, (Doc{"trailing"}));
}

TEST(Lexer, SkipsAByteOrderMark) {
  Lexed lexed = lex_text("\xEF\xBB\xBFpackage");
  ASSERT_TRUE(lexed.diagnostics.empty());
  EXPECT_EQ(lexed.tokens[0].text, "package");
}

TEST(Lexer, EndTokenIsAfterTheLastCharacter) {
  Lexed lexed = lex_text("ab\ncd");
  EXPECT_EQ(lexed.tokens.back().loc.line, 2u);
  EXPECT_EQ(lexed.tokens.back().loc.col, 3u);
}

struct BadInput {
  const char* name;  // of the test case
  const char* source;
  DiagId id;
  uint32_t line;
  uint32_t col;
  const char* message;
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const BadInput& bad, std::ostream* out) { *out << bad.name; }

class LexerErrors : public ::testing::TestWithParam<BadInput> {};

TEST_P(LexerErrors, ReportsPositionAndMessage) {
  const BadInput& bad = GetParam();
  Lexed lexed = lex_text(bad.source);
  ASSERT_EQ(lexed.diagnostics.size(), 1u) << bad.source;
  EXPECT_EQ(lexed.diagnostics[0].id, bad.id);
  EXPECT_EQ(lexed.diagnostics[0].loc.line, bad.line);
  EXPECT_EQ(lexed.diagnostics[0].loc.col, bad.col);
  EXPECT_EQ(lexed.diagnostics[0].message, bad.message);
}

INSTANTIATE_TEST_SUITE_P(
    All, LexerErrors,
    ::testing::Values(
        BadInput{"Dollar", "a $", DiagId::UnexpectedCharacter, 1, 3, "unexpected character '$'"},
        BadInput{"ControlCharacter", "a\n\x01", DiagId::UnexpectedCharacter, 2, 1,
                 "unexpected character U+0001"},
        BadInput{"NonAsciiCharacter", "caf\xC3\xA9", DiagId::UnexpectedCharacter, 1, 4,
                 "unexpected character 'é' (U+00E9)"},
        BadInput{"LoneMinus", "- x", DiagId::UnexpectedCharacter, 1, 1, "unexpected character '-'"},
        BadInput{"InvalidByte", "x \xFF", DiagId::InvalidUtf8, 1, 3, "invalid UTF-8 byte 0xFF"},
        BadInput{"InvalidByteInLineComment", "// caf\xE9!", DiagId::InvalidUtf8, 1, 7,
                 "invalid UTF-8 byte 0xE9"},
        BadInput{"InvalidByteInBlockComment", "/* \n \x80 */", DiagId::InvalidUtf8, 2, 2,
                 "invalid UTF-8 byte 0x80"},
        BadInput{"OverlongEncoding", "\"a\xC0\x80\"", DiagId::InvalidUtf8, 1, 3,
                 "invalid UTF-8 byte 0xC0"},  // overlong
        BadInput{"Surrogate", "/*\xED\xA0\x80*/", DiagId::InvalidUtf8, 1, 3,
                 "invalid UTF-8 byte 0xED"},  // surrogate
        BadInput{"AboveMaxCodePoint", "//\xF4\x90\x80\x80", DiagId::InvalidUtf8, 1, 3,
                 "invalid UTF-8 byte 0xF4"},  // > U+10FFFF
        BadInput{"UnterminatedBlockComment", "x /* never\nclosed *", DiagId::UnterminatedBlockComment, 1, 3,
                 "unterminated block comment"},
        BadInput{"UnterminatedStringAtNewline", "x = \"abc\ny", DiagId::UnterminatedString, 1, 5,
                 "unterminated string literal"},
        BadInput{"UnterminatedStringAtEnd", "\"abc", DiagId::UnterminatedString, 1, 1,
                 "unterminated string literal"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

TEST(Lexer, ValidMultiByteCharactersInCommentsAndStringsAreAccepted) {
  Lexed lexed = lex_text("// 日本語 😀\n/* ü */ \"ß\"");
  EXPECT_TRUE(lexed.diagnostics.empty());
}

TEST(Lexer, ReportsEveryErrorAndResumes) {
  Lexed lexed = lex_text("$ x # \xFF \"open\ny");
  ASSERT_EQ(lexed.diagnostics.size(), 4u);
  EXPECT_EQ(lexed.diagnostics[0].loc.col, 1u);
  EXPECT_EQ(lexed.diagnostics[1].loc.col, 5u);
  EXPECT_EQ(lexed.diagnostics[2].id, DiagId::InvalidUtf8);
  EXPECT_EQ(lexed.diagnostics[3].id, DiagId::UnterminatedString);
  EXPECT_EQ(lexed.tokens[lexed.tokens.size() - 2].text, "y");  // lexing resumed on the next line
}

TEST(Lexer, DescribesTokensForMessages) {
  Lexed lexed = lex_text("name 42 \"s\" ;");
  EXPECT_EQ(describe_token(lexed.tokens[0]), "'name'");
  EXPECT_EQ(describe_token(lexed.tokens[1]), "integer 42");
  EXPECT_EQ(describe_token(lexed.tokens[2]), "string \"s\"");
  EXPECT_EQ(describe_token(lexed.tokens[3]), "';'");
  EXPECT_EQ(describe_token(lexed.tokens[4]), "end of file");
}

}  // namespace
}  // namespace cxx2go::compiler
