#include "name_rules.h"

#include <algorithm>
#include <iterator>
#include <vector>

namespace cxx2go::compiler {
namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
char to_upper(char c) { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

// Words separated by single underscores, each made of characters accepted by `word_char`; the first
// word starts with a character accepted by `first_char`.
template <class FirstChar, class WordChar>
bool is_underscore_separated(std::string_view name, FirstChar first_char, WordChar word_char) {
  if (name.empty() || !first_char(name.front()) || name.back() == '_') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '_') {
      if (name[i + 1] == '_') return false;  // name.back() is not '_', so i + 1 is in range
    } else if (!word_char(c)) {
      return false;
    }
  }
  return true;
}

// Splits an identifier into words at underscores and case changes: "HTTPServer_v2" → HTTP, Server, v2.
std::vector<std::string> words_of(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '_') {
      flush();
      continue;
    }
    if (is_upper(c) && !word.empty()) {
      char previous = name[i - 1];
      bool after_lower_or_digit = is_lower(previous) || is_digit(previous);
      bool ends_acronym = is_upper(previous) && i + 1 < name.size() && is_lower(name[i + 1]);
      if (after_lower_or_digit || ends_acronym) flush();
    }
    word += c;
  }
  flush();
  return words;
}

constexpr std::string_view kGoKeywords[] = {
    "break", "case",   "chan",   "const",  "continue", "default", "defer",     "else", "fallthrough",
    "for",   "func",   "go",     "goto",   "if",       "import",  "interface", "map",  "package",
    "range", "return", "select", "struct", "switch",   "type",    "var"};

constexpr std::string_view kCppKeywords[] = {
    "alignas",     "alignof",   "and",        "and_eq",    "asm",      "auto",         "bitand",
    "bitor",       "bool",      "break",      "case",      "catch",    "char",         "char8_t",
    "char16_t",    "char32_t",  "class",      "compl",     "concept",  "const",        "consteval",
    "constexpr",   "constinit", "const_cast", "continue",  "co_await", "co_return",    "co_yield",
    "decltype",    "default",   "delete",     "do",        "double",   "dynamic_cast", "else",
    "enum",        "explicit",  "export",     "extern",    "false",    "float",        "for",
    "friend",      "goto",      "if",         "inline",    "int",      "long",         "mutable",
    "namespace",   "new",       "noexcept",   "not",       "not_eq",   "nullptr",      "operator",
    "or",          "or_eq",     "private",    "protected", "public",   "register",     "reinterpret_cast",
    "requires",    "return",    "short",      "signed",    "sizeof",   "static",       "static_assert",
    "static_cast", "struct",    "switch",     "template",  "this",     "thread_local", "throw",
    "true",        "try",       "typedef",    "typeid",    "typename", "union",        "unsigned",
    "using",       "virtual",   "void",       "volatile",  "wchar_t",  "while",        "xor",
    "xor_eq"};

template <size_t N>
bool contains(const std::string_view (&table)[N], std::string_view word) {
  return std::find(std::begin(table), std::end(table), word) != std::end(table);
}

}  // namespace

bool is_reserved_name(std::string_view name) {
  if (!name.empty() && name.front() == '_') return true;
  return name.size() >= 3 && to_lower(name[0]) == 'c' && name[1] == '2' && to_lower(name[2]) == 'g';
}

bool is_pascal_case(std::string_view name) {
  if (name.empty() || !is_upper(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_lower(c) || is_upper(c) || is_digit(c); });
}

bool is_snake_case(std::string_view name) {
  return is_underscore_separated(name, is_lower, [](char c) { return is_lower(c) || is_digit(c); });
}

bool is_upper_snake_case(std::string_view name) {
  return is_underscore_separated(name, is_upper, [](char c) { return is_upper(c) || is_digit(c); });
}

std::string to_pascal_case(std::string_view name) {
  // A name in capitals is shouted, not a sequence of acronyms: "ITEM_LIST" → "ItemList", but
  // "HTTP_server" → "HTTPServer".
  bool shouted = std::none_of(name.begin(), name.end(), is_lower);
  std::string out;
  for (const std::string& word : words_of(name)) {
    out += to_upper(word[0]);
    for (size_t i = 1; i < word.size(); ++i) out += shouted ? to_lower(word[i]) : word[i];
  }
  return out;
}

std::string to_snake_case(std::string_view name) {
  std::string out;
  for (const std::string& word : words_of(name)) {
    if (!out.empty()) out += '_';
    for (char c : word) out += to_lower(c);
  }
  return out;
}

std::string to_upper_snake_case(std::string_view name) {
  std::string out;
  for (const std::string& word : words_of(name)) {
    if (!out.empty()) out += '_';
    for (char c : word) out += to_upper(c);
  }
  return out;
}

std::string without_underscores(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c != '_') out += c;
  }
  return out;
}

bool is_go_keyword(std::string_view word) { return contains(kGoKeywords, word); }
bool is_cpp_keyword(std::string_view word) { return contains(kCppKeywords, word); }

bool is_ascii_identifier(std::string_view word) {
  if (word.empty() || is_digit(word.front())) return false;
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return is_lower(c) || is_upper(c) || is_digit(c) || c == '_'; });
}

}  // namespace cxx2go::compiler
