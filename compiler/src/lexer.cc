#include "lexer.h"

#include <cstdio>
#include <string>
#include <utility>

namespace cxx2go::compiler {
namespace {

bool is_identifier_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Decodes one UTF-8 sequence at the start of `s` (which is not empty and starts with a byte >= 0x80).
// Returns its length, or 0 when it is not well-formed UTF-8 (overlong forms, surrogates and code points
// above U+10FFFF are not).
size_t decode_utf8(std::string_view s, uint32_t& code_point) {
  auto byte = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  unsigned char lead = byte(0);
  size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0Fu;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07u;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (byte(1) < second_min || byte(1) > second_max) return 0;
  for (size_t i = 1; i < length; ++i) {
    if (!is_continuation(static_cast<unsigned char>(byte(i)))) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3Fu);
  }
  return length;
}

std::string hex_byte(unsigned char c) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned>(c));
  return buf;
}

std::string code_point_name(uint32_t code_point) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(code_point));
  return buf;
}

constexpr std::pair<char, TokenKind> kPunctuation[] = {
    {'{', TokenKind::LeftBrace},  {'}', TokenKind::RightBrace}, {'(', TokenKind::LeftParen},
    {')', TokenKind::RightParen}, {'<', TokenKind::LeftAngle},  {'>', TokenKind::RightAngle},
    {',', TokenKind::Comma},      {';', TokenKind::Semicolon},  {':', TokenKind::Colon},
    {'=', TokenKind::Equals},     {'.', TokenKind::Dot},        {'@', TokenKind::At},
};

class Lexer {
 public:
  Lexer(std::string_view source, Reporter& reporter) : src_(source), reporter_(reporter) {}

  std::vector<Token> run() {
    if (src_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a UTF-8 byte order mark carries no meaning
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '\n') {
        new_line(pos_ + 1);
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '/' && peek(1) == '/') {
        line_comment();
      } else if (c == '/' && peek(1) == '*') {
        block_comment();
      } else if (c == '"') {
        string_literal();
      } else if (is_identifier_start(c)) {
        size_t start = pos_;
        while (pos_ < src_.size() && is_identifier_char(src_[pos_])) ++pos_;
        push(TokenKind::Identifier, start, pos_ - start);
      } else if (is_digit(c) || (c == '-' && is_digit(peek(1)))) {
        size_t start = pos_++;
        while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
        push(TokenKind::Integer, start, pos_ - start);
      } else if (c == '-' && peek(1) == '>') {
        push(TokenKind::Arrow, pos_, 2);
        pos_ += 2;
      } else if (TokenKind kind; punctuation(c, kind)) {
        push(kind, pos_, 1);
        ++pos_;
      } else {
        unexpected_character();
      }
    }
    tokens_.push_back(Token{TokenKind::End, {}, loc_at(pos_), std::move(doc_), doc_loc_});
    return std::move(tokens_);
  }

 private:
  char peek(size_t ahead) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }
  SourceLoc loc_at(size_t offset) const {
    return SourceLoc{line_, static_cast<uint32_t>(offset - line_start_ + 1)};
  }
  void new_line(size_t next_line_start) {
    ++line_;
    line_start_ = next_line_start;
    pos_ = next_line_start;
  }

  void push(TokenKind kind, size_t start, size_t length) {
    tokens_.push_back(Token{kind, src_.substr(start, length), loc_at(start), std::move(doc_), doc_loc_});
    doc_.clear();
  }

  static bool punctuation(char c, TokenKind& kind) {
    for (const auto& [spelling, punctuation_kind] : kPunctuation) {
      if (spelling == c) {
        kind = punctuation_kind;
        return true;
      }
    }
    return false;
  }

  // Reports the non-ASCII bytes of src_[begin, end) that are not UTF-8. Comments and strings may hold
  // any text, but it must be UTF-8 because it is copied into generated files.
  void check_utf8(size_t begin, size_t end) {
    for (size_t i = begin; i < end;) {
      auto c = static_cast<unsigned char>(src_[i]);
      if (c < 0x80) {
        ++i;
        continue;
      }
      uint32_t code_point = 0;
      size_t length = decode_utf8(src_.substr(i, end - i), code_point);
      i += length == 0 ? invalid_utf8(i, end) : length;
    }
  }

  // Reports the malformed UTF-8 sequence at `at` and returns its length: the byte there and the
  // continuation bytes after it (before `end`), so that one bad sequence is one error.
  size_t invalid_utf8(size_t at, size_t end) {
    reporter_.error(DiagId::InvalidUtf8, loc_at(at), {hex_byte(static_cast<unsigned char>(src_[at]))});
    size_t length = 1;
    while (at + length < end && is_continuation(static_cast<unsigned char>(src_[at + length]))) ++length;
    return length;
  }

  // `// …` or a doc comment `/// …` (but `////…` is an ordinary comment, as in Rust).
  void line_comment() {
    size_t start = pos_;
    size_t end = src_.find('\n', pos_);
    if (end == std::string_view::npos) end = src_.size();
    check_utf8(start, end);
    pos_ = end;
    std::string_view body = src_.substr(start, end - start);
    if (body.size() >= 3 && body[2] == '/' && (body.size() == 3 || body[3] != '/')) {
      std::string_view text = body.substr(3);
      if (!text.empty() && text[0] == ' ') text.remove_prefix(1);
      while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
      }
      if (doc_.empty()) doc_loc_ = loc_at(start);
      doc_.emplace_back(text);
    }
  }

  void block_comment() {
    SourceLoc start_loc = loc_at(pos_);
    size_t i = pos_ + 2;
    size_t checked = i;  // bytes before `checked` were already checked as UTF-8
    while (i < src_.size()) {
      if (src_[i] == '*' && i + 1 < src_.size() && src_[i + 1] == '/') {
        check_utf8(checked, i);
        pos_ = i + 2;
        return;
      }
      if (src_[i] == '\n') {
        check_utf8(checked, i);
        new_line(i + 1);
        checked = i + 1;
      }
      ++i;
    }
    check_utf8(checked, src_.size());
    reporter_.error(DiagId::UnterminatedBlockComment, start_loc);
    pos_ = src_.size();
  }

  void string_literal() {
    size_t start = pos_;
    size_t i = pos_ + 1;
    while (i < src_.size() && src_[i] != '"' && src_[i] != '\n') ++i;
    check_utf8(start + 1, i);
    if (i < src_.size() && src_[i] == '"') {
      push(TokenKind::String, start + 1, i - start - 1);
      tokens_.back().loc = loc_at(start);  // a string's position is its opening quote
      pos_ = i + 1;
    } else {
      reporter_.error(DiagId::UnterminatedString, loc_at(start));
      pos_ = i;  // continue on the next line
    }
  }

  void unexpected_character() {
    auto c = static_cast<unsigned char>(src_[pos_]);
    if (c < 0x80) {
      std::string name = c < 0x20 || c == 0x7F ? code_point_name(c) : "'" + std::string(1, char(c)) + "'";
      reporter_.error(DiagId::UnexpectedCharacter, loc_at(pos_), {name});
      ++pos_;
      return;
    }
    uint32_t code_point = 0;
    size_t length = decode_utf8(src_.substr(pos_), code_point);
    if (length == 0) {
      pos_ += invalid_utf8(pos_, src_.size());
      return;
    }
    // Non-ASCII characters are named by code point too: many are invisible or look like ASCII.
    std::string name =
        "'" + std::string(src_.substr(pos_, length)) + "' (" + code_point_name(code_point) + ")";
    reporter_.error(DiagId::UnexpectedCharacter, loc_at(pos_), {name});
    pos_ += length;
  }

  std::string_view src_;
  Reporter& reporter_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  Doc doc_;  // doc lines waiting for the next token
  SourceLoc doc_loc_;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> lex(std::string_view source, Reporter& reporter) { return Lexer(source, reporter).run(); }

std::string describe_token(const Token& token) {
  switch (token.kind) {
    case TokenKind::Identifier:
      return "'" + std::string(token.text) + "'";
    case TokenKind::Integer:
      return "integer " + std::string(token.text);
    case TokenKind::String:
      return "string \"" + std::string(token.text) + "\"";
    case TokenKind::End:
      return "end of file";
    default:
      return "'" + std::string(token.text) + "'";
  }
}

}  // namespace cxx2go::compiler
