// The syntax tree of one schema file, as written: names are unresolved strings and every node keeps its
// position. The parser builds it; resolve fills in TypeRef's resolution; check and build_schema read it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model.h"

namespace cxx2go::compiler::ast {

struct Name {
  std::string text;
  SourceLoc loc;
};

// `@name` or `@name(argument)` before a declaration, member or method. Which attributes are allowed where,
// and with which arguments, is checked later.
struct Attribute {
  std::string name;      // without '@'
  SourceLoc loc;         // of the '@'
  bool has_argument = false;
  Name argument;         // `ring` in `@transport(ring)`
};

// What a type reference denotes, set by resolve.
enum class TypeRefTarget : uint8_t {
  Unresolved,
  Builtin,  // a scalar, string, bytes, list, map or optional: see builtin_kind
  Enum,     // File::enums[decl_index]
  Struct,   // File::structs[decl_index]
};

// A type as written: `Item`, `list<Item>`, `map<string, list<i32>>`.
struct TypeRef {
  Name name;
  std::vector<TypeRef> args;  // type arguments between < >; the parser limits nesting depth

  TypeRefTarget target = TypeRefTarget::Unresolved;
  TypeKind builtin_kind = TypeKind::Bool;
  uint32_t decl_index = 0;
};

// A type as written, for messages: "map<string, list<i32>>".
inline std::string spell(const TypeRef& type) {
  std::string out = type.name.text;
  if (type.args.empty()) return out;
  out += '<';
  for (size_t i = 0; i < type.args.size(); ++i) out += (i == 0 ? "" : ", ") + spell(type.args[i]);
  return out + '>';
}

struct EnumValueDecl {
  Name name;
  int32_t value = 0;
  SourceLoc value_loc;
  std::vector<Attribute> attributes;
  Doc doc;
};

struct EnumDecl {
  Name name;
  std::vector<EnumValueDecl> values;
  std::vector<Attribute> attributes;
  Doc doc;
};

struct FieldDecl {
  Name name;
  TypeRef type;
  std::vector<Attribute> attributes;
  Doc doc;
};

struct StructDecl {
  Name name;
  std::vector<FieldDecl> fields;
  std::vector<Attribute> attributes;
  Doc doc;
};

struct ParamDecl {
  Name name;
  TypeRef type;
};

struct MethodDecl {
  Name name;
  std::vector<ParamDecl> params;
  std::optional<TypeRef> result;
  std::vector<Attribute> attributes;
  Doc doc;
};

struct ServiceDecl {
  Name name;
  ServiceSide side = ServiceSide::Go;
  std::vector<MethodDecl> methods;
  std::vector<Attribute> attributes;
  Doc doc;
};

struct OptionDecl {
  Name name;
  std::string value;
  SourceLoc value_loc;
  std::vector<Attribute> attributes;
};

struct PackageDecl {
  std::vector<Name> segments;  // `acme.shop` → acme, shop
  SourceLoc loc;               // of the `package` keyword
  std::vector<Attribute> attributes;
  Doc doc;

  std::string dotted() const {
    std::string out;
    for (const Name& segment : segments) out += (out.empty() ? "" : ".") + segment.text;
    return out;
  }
};

struct File {
  PackageDecl package;
  std::vector<OptionDecl> options;
  std::vector<EnumDecl> enums;      // declaration order
  std::vector<StructDecl> structs;  // declaration order
  std::vector<ServiceDecl> services;
};

}  // namespace cxx2go::compiler::ast
