// The naming rules of the schema language, and the keyword tables of the generated languages that the
// front end needs to validate package and namespace names.
//
//   types, services      PascalCase        [A-Z][A-Za-z0-9]*
//   fields, methods,     snake_case        [a-z][a-z0-9]*(_[a-z0-9]+)*
//   parameters, package segments
//   enum values          UPPER_SNAKE_CASE  [A-Z][A-Z0-9]*(_[A-Z0-9]+)*
//
// Underscores separate words, one at a time: no leading, trailing or doubled underscores, which C++
// reserves (`__`) or emitters use to escape keywords (`type_`). Names starting with `c2g` (in any case)
// or `_` are reserved for generated code.
#pragma once

#include <string>
#include <string_view>

namespace cxx2go::compiler {

bool is_reserved_name(std::string_view name);
bool is_pascal_case(std::string_view name);
bool is_snake_case(std::string_view name);
bool is_upper_snake_case(std::string_view name);

// The same words in the other cases, for "rename it to …" hints: "getItem" → "get_item",
// "item_list" → "ItemList", "redLight" → "RED_LIGHT".
std::string to_pascal_case(std::string_view name);
std::string to_snake_case(std::string_view name);
std::string to_upper_snake_case(std::string_view name);

// `name` without its underscores: two names of one scope that are equal this way could be equal in
// generated code, which joins words (Go's PascalCase).
std::string without_underscores(std::string_view name);

bool is_go_keyword(std::string_view word);
bool is_cpp_keyword(std::string_view word);  // including alternative tokens such as `and`
// An ASCII identifier of Go or C++: [A-Za-z_][A-Za-z0-9_]* (keywords included).
bool is_ascii_identifier(std::string_view word);

}  // namespace cxx2go::compiler
