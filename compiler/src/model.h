// The checked semantic model of one schema: what the front end produces and every emitter reads.
//
// Invariants established by the checker (emitters rely on them and do not re-check):
//  - every name is resolved; no duplicates within a scope; names follow the schema's case rules;
//  - structs are in dependency order: a struct appears after every struct it contains by value
//    (direct field, or optional<> field that is not boxed);
//  - an optional<> field is `boxed` exactly when it lies on a containment cycle, so a language with
//    by-value optionals (C++) must store it behind a pointer;
//  - map keys are integers, bool, string or enums;
//  - method fingerprints are computed (docs/design.md, "Method fingerprints").
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "type_vocabulary.h"

namespace cxx2go::compiler {

struct SourceLoc {
  uint32_t line = 0;  // 1-based
  uint32_t col = 0;   // 1-based, in bytes
};

// Lines of `///` comments, without the `///` and one following space.
using Doc = std::vector<std::string>;

struct EnumDef;
struct StructDef;

// Types are interned in Schema::types and referenced by pointer; they never change after checking.
struct Type {
  TypeKind kind = TypeKind::Bool;
  const Type* elem = nullptr;       // List, Optional: element; Map: value
  const Type* key = nullptr;        // Map: key
  const EnumDef* enum_def = nullptr;
  const StructDef* struct_def = nullptr;
};

struct EnumValue {
  std::string name;  // UPPER_SNAKE_CASE as written
  int32_t value = 0;
  Doc doc;
  SourceLoc loc;
};

struct EnumDef {
  std::string name;  // PascalCase as written
  std::vector<EnumValue> values;
  Doc doc;
  SourceLoc loc;
};

struct Field {
  std::string name;  // snake_case as written
  const Type* type = nullptr;
  bool boxed = false;  // optional<Struct> on a containment cycle
  Doc doc;
  SourceLoc loc;
};

struct StructDef {
  std::string name;
  std::vector<Field> fields;
  // Minimum size of its encoding (docs/wire-format.md), saturated at UINT32_MAX. Computed once by the
  // front end because recomputing it through nested structs can take exponential time.
  uint32_t min_encoded_size = 1;
  Doc doc;
  SourceLoc loc;
};

struct Param {
  std::string name;
  const Type* type = nullptr;
  SourceLoc loc;
};

enum class ServiceSide {
  Go,   // implemented in Go, called from C++
  Cpp,  // implemented in C++, called from Go
};

struct Method {
  std::string name;
  std::vector<Param> params;
  const Type* result = nullptr;  // nullptr: no result
  bool oneway = false;           // @oneway: fire-and-forget (implies no result)
  bool inline_call = false;      // @inline or @direct (cpp services only): runs on the caller's thread
  bool direct = false;           // @direct: called without dispatch, synchronously (direct_layout.h)
  std::string canonical;         // canonical signature (docs/design.md)
  uint64_t id = 0;               // fnv1a64(canonical)
  Doc doc;
  SourceLoc loc;
};

struct ServiceDef {
  std::string name;
  ServiceSide side = ServiceSide::Go;
  bool affine = false;  // @affine (cpp services only): every call on one dedicated thread
  bool ring = false;    // @transport(ring): asynchronous and oneway calls use the shared-memory rings
  std::vector<Method> methods;
  Doc doc;
  SourceLoc loc;
};

struct Schema {
  std::string file;           // path as given on the command line (used in headers and diagnostics)
  std::string package;        // e.g. "shop" or "acme.shop"
  std::string go_package;     // import path; default: package with '.' replaced by '/'
  std::string go_package_name;  // `option go_package = "path;name"`'s name, else go_package's last element
                                // made a Go identifier (protoc-gen-go's rule: "shop-v2" → "shop_v2")
  bool go_package_set = false;  // set by the option (--go_out requires it: it places the output)
  SourceLoc go_package_loc;     // the option's value, or the `package` declaration when it is not set
  std::string cpp_namespace;  // e.g. "acme::shop"; default: package with '.' → "::"
  Doc package_doc;
  std::vector<EnumDef> enums;      // declaration order
  std::vector<StructDef> structs;  // dependency order (see above)
  std::vector<ServiceDef> services;  // declaration order
  std::deque<Type> types;          // storage for Type (stable addresses)
};

// The row of type_vocabulary.h's table that describes `t`; `t` must be a built-in type.
inline const BuiltinType& builtin_type(const Type& t) { return builtin_type(t.kind); }
// Is `t` one of the built-in types (not an enum or struct)?
inline bool is_builtin(const Type& t) { return t.kind != TypeKind::Enum && t.kind != TypeKind::Struct; }
// The type arguments of `t` in the order they are written: map<K, V> → K, V; list<T>, optional<T> → T.
std::vector<const Type*> type_arguments(const Type& t);

// `t`'s spelling from `column` of its row (type_vocabulary.h), with its type arguments spelled by `spell`.
template <class Spell>
std::string spell_builtin(const Type& t, std::string_view BuiltinType::*column, Spell spell) {
  std::string args[2];
  std::vector<const Type*> arguments = type_arguments(t);
  for (size_t i = 0; i < arguments.size() && i < 2; ++i) args[i] = spell(*arguments[i]);
  return fill_pattern(builtin_type(t).*column, {args[0], args[1]});
}

// Is `t` passed as a cxx2go_view when it is a top-level parameter? string, bytes, and lists of integers
// and floats (not list<bool>: std::vector<bool> has no contiguous storage; not enum lists).
bool is_view_type(const Type& t);
// Is `t` a fixed-size scalar (bool, integers, floats)? Enums are not.
bool is_scalar(const Type& t);
// Minimum number of bytes of t's encoding (docs/wire-format.md), at least 1 for structs.
uint32_t min_encoded_size(const Type& t);

}  // namespace cxx2go::compiler
