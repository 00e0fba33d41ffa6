// Name resolution: binds every type reference of the syntax tree to a built-in type, an enum or a
// struct. Declarations may come in any order, so a reference may name a type declared further down.
#pragma once

#include "ast.h"
#include "diagnostics.h"

namespace cxx2go::compiler {

// Fills in TypeRef::target, builtin_kind and decl_index throughout `file`. Reports types and services
// defined twice (they share one namespace: both become names in the same generated scope), unknown
// type names (once per use, with a suggestion when a name is close), services used as types and
// built-in generics with the wrong number of type arguments.
void resolve(ast::File& file, Reporter& reporter);

}  // namespace cxx2go::compiler
