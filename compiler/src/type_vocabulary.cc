#include "type_vocabulary.h"

#include <stdexcept>

namespace cxx2go::compiler {
namespace {

#define CXX2GO_BUILTIN_ROW_(kind_name, ...) BuiltinType{.kind = TypeKind::kind_name, __VA_ARGS__},
constexpr BuiltinType kBuiltinTypes[] = {CXX2GO_BUILTIN_TYPES(CXX2GO_BUILTIN_ROW_)};
#undef CXX2GO_BUILTIN_ROW_

constexpr bool rows_in_kind_order() {
  for (size_t i = 0; i < std::size(kBuiltinTypes); ++i) {
    if (static_cast<size_t>(kBuiltinTypes[i].kind) != i) return false;
  }
  return std::size(kBuiltinTypes) == static_cast<size_t>(TypeKind::Enum);
}
static_assert(rows_in_kind_order(), "builtin_type(kind) indexes the table by kind");

}  // namespace

std::span<const BuiltinType> builtin_types() { return kBuiltinTypes; }

const BuiltinType& builtin_type(TypeKind kind) {
  size_t index = static_cast<size_t>(kind);
  if (index >= std::size(kBuiltinTypes)) throw std::logic_error("builtin_type: not a built-in kind");
  return kBuiltinTypes[index];
}

const BuiltinType* find_builtin_type(std::string_view name) {
  for (const BuiltinType& type : kBuiltinTypes) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

const BuiltinType* builtin_type_for_alias(std::string_view foreign) {
  if (foreign.empty()) return nullptr;
  for (const BuiltinType& type : kBuiltinTypes) {
    std::string_view aliases = type.aliases;
    while (!aliases.empty()) {
      size_t space = aliases.find(' ');
      if (aliases.substr(0, space) == foreign) return &type;
      aliases.remove_prefix(space == std::string_view::npos ? aliases.size() : space + 1);
    }
  }
  return nullptr;
}

std::string fill_pattern(std::string_view pattern, std::initializer_list<std::string_view> args) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '$' || i + 1 == pattern.size() || pattern[i + 1] < '0' || pattern[i + 1] > '9') {
      out += pattern[i];
      continue;
    }
    size_t n = static_cast<size_t>(pattern[++i] - '0');
    if (n >= args.size()) throw std::logic_error("fill_pattern: no argument for $" + std::to_string(n));
    out += args.begin()[n];
  }
  return out;
}

}  // namespace cxx2go::compiler
