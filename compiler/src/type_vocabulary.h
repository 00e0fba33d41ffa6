// The built-in types of the schema language, in one table: each row says how the type is written in a
// schema (and in canonical signatures), what its encoding is like (docs/wire-format.md) and how each
// generated language spells it. Every phase that needs to know something about a built-in type asks
// this table (resolve: names and type arguments; check: map keys; the model: sizes and views;
// fingerprints: canonical names; the emitters: C++ and Go spellings), so adding a scalar is adding a row
// here (and its codec in each runtime).
//
// Spellings of types with type arguments are patterns: `$0` and `$1` stand for the first and second
// type argument spelled in the same language (for map<K, V>: $0 is K, $1 is V). The view patterns take
// operands too, listed at each column.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace cxx2go::compiler {

// The table: X(Kind, designated initializers of BuiltinType's columns after `kind`), one row per type.
// Rows are in the order in which "did you mean" suggestions consider the built-in names.
// clang-format off
#define CXX2GO_BUILTIN_TYPES(X)                                                                             \
  X(Bool, .name = "bool", .aliases = "boolean", .wire_size = 1, .fixed_size = true, .map_key = true,        \
    .cpp = "bool", .go = "bool", .go_codec = "Bool",                                                        \
    .go_word = "c2gimpl.BoolWord($1)", .go_from_word = "$1 != 0")                                           \
  X(I8, .name = "i8", .aliases = "int8", .wire_size = 1, .fixed_size = true, .map_key = true,               \
    .list_view = true, .cpp = "int8_t", .go = "int8", .go_codec = "I8",                                     \
    .go_word = "uint64($1)", .go_from_word = "$0($1)")                                                      \
  X(I16, .name = "i16", .aliases = "int16", .wire_size = 2, .fixed_size = true, .map_key = true,            \
    .list_view = true, .cpp = "int16_t", .go = "int16", .go_codec = "I16",                                  \
    .go_word = "uint64($1)", .go_from_word = "$0($1)")                                                      \
  X(I32, .name = "i32", .aliases = "int int32", .wire_size = 4, .fixed_size = true, .map_key = true,        \
    .list_view = true, .cpp = "int32_t", .go = "int32", .go_codec = "I32",                                  \
    .go_word = "uint64($1)", .go_from_word = "$0($1)")                                                      \
  X(I64, .name = "i64", .aliases = "int64 long", .wire_size = 8, .fixed_size = true, .map_key = true,       \
    .list_view = true, .cpp = "int64_t", .go = "int64", .go_codec = "I64",                                  \
    .go_word = "uint64($1)", .go_from_word = "$0($1)")                                                      \
  X(U8, .name = "u8", .aliases = "uint8 byte", .wire_size = 1, .fixed_size = true, .map_key = true,         \
    .list_view = true, .cpp = "uint8_t", .go = "uint8", .go_codec = "U8", .go_list_codec = "Bytes",         \
    .go_word = "uint64($1)", .go_from_word = "$0($1)")                                                      \
  X(U16, .name = "u16", .aliases = "uint16", .wire_size = 2, .fixed_size = true, .map_key = true,           \
    .list_view = true, .cpp = "uint16_t", .go = "uint16", .go_codec = "U16",                                \
    .go_word = "uint64($1)", .go_from_word = "$0($1)")                                                      \
  X(U32, .name = "u32", .aliases = "uint uint32", .wire_size = 4, .fixed_size = true, .map_key = true,      \
    .list_view = true, .cpp = "uint32_t", .go = "uint32", .go_codec = "U32",                                \
    .go_word = "uint64($1)", .go_from_word = "$0($1)")                                                      \
  X(U64, .name = "u64", .aliases = "uint64", .wire_size = 8, .fixed_size = true, .map_key = true,           \
    .list_view = true, .cpp = "uint64_t", .go = "uint64", .go_codec = "U64",                                \
    .go_word = "uint64($1)", .go_from_word = "$0($1)")                                                      \
  X(F32, .name = "f32", .aliases = "float float32", .wire_size = 4, .fixed_size = true,                     \
    .list_view = true, .cpp = "float", .go = "float32", .go_codec = "F32",                                  \
    .go_word = "uint64(math.Float32bits($1))", .go_from_word = "math.Float32frombits(uint32($1))")          \
  X(F64, .name = "f64", .aliases = "double float64", .wire_size = 8, .fixed_size = true,                    \
    .list_view = true, .cpp = "double", .go = "float64", .go_codec = "F64",                                 \
    .go_word = "math.Float64bits($1)", .go_from_word = "math.Float64frombits($1)")                          \
  X(String, .name = "string", .aliases = "str", .wire_size = 4, .map_key = true, .view = true,              \
    .cpp = "std::string", .go = "string", .go_codec = "String", .go_list_codec = "Strings",                 \
    .cpp_view = "std::string_view", .cpp_view_reader = "$1.view_string($2)",                                \
    .go_view_writer = "c2gimpl.StringView($1)", .go_view_reader = "$1.ViewString($2)",                      \
    .go_owned_view_reader = "$1.ViewString($2)", .go_elements_reader = "$1.ViewStrings($2)")                \
  X(Bytes, .name = "bytes", .wire_size = 4, .view = true,                                                   \
    .cpp = "std::vector<uint8_t>", .go = "[]byte", .go_codec = "Bytes",                                     \
    .cpp_view = "std::span<const uint8_t>", .cpp_view_reader = "$1.view_bytes($2)",                         \
    .go_view_writer = "c2gimpl.BytesView($1)", .go_view_reader = "$1.ViewBytes($2)",                        \
    .go_owned_view_reader = "$1.CopyViewBytes($2)", .go_elements_reader = "$1.ViewBytesList($2)")           \
  X(List, .name = "list", .aliases = "vector array", .arity = 1, .pattern = "list<T>",                      \
    .wire_size = 4, .view = true, .cpp = "std::vector<$0>", .go = "[]$0",                                   \
    .cpp_view = "std::span<const $0>", .cpp_view_reader = "$1.view_list<$0>($2)",                           \
    .go_view_writer = "c2gimpl.SliceView($1)", .go_view_reader = "c2gimpl.ViewSlice[$0]($1, $2)",           \
    .go_owned_view_reader = "c2gimpl.CopyViewSlice[$0]($1, $2)")                                            \
  X(Map, .name = "map", .aliases = "dict", .arity = 2, .pattern = "map<K, V>",                              \
    .wire_size = 4, .cpp = "std::map<$0, $1>", .go = "map[$0]$1")                                           \
  X(Optional, .name = "optional", .aliases = "option", .arity = 1, .pattern = "optional<T>",                \
    .wire_size = 1, .cpp = "std::optional<$0>", .go = "*$0")
// clang-format on

#define CXX2GO_TYPE_KIND_(kind, ...) kind,
// The built-in kinds in table order, then the kinds of declared types.
enum class TypeKind : uint8_t { CXX2GO_BUILTIN_TYPES(CXX2GO_TYPE_KIND_) Enum, Struct };
#undef CXX2GO_TYPE_KIND_

struct BuiltinType {
  TypeKind kind = TypeKind::Bool;
  std::string_view name = {};     // in schemas and canonical signatures
  std::string_view aliases = {};  // other languages' names for it, space-separated: "did you mean" hints
  uint8_t arity = 0;              // number of type arguments
  std::string_view pattern = {};  // how to write it with its type arguments, for hints: "list<T>"
  // The minimum size of its encoding: the value of a fixed-size type, the length or count of a string,
  // bytes, list or map, the presence byte of an optional.
  uint32_t wire_size = 0;
  bool fixed_size = false;  // a scalar: bool, integers, floats
  bool map_key = false;     // allowed as a map key
  // Passed as a view (borrowed, not encoded) as a top-level parameter. For a type with a type argument,
  // only when the argument's own row sets list_view.
  bool view = false;
  // A list of it is contiguous in both languages (not bool: std::vector<bool> has no storage to view).
  bool list_view = false;
  std::string_view cpp = {};  // the owned C++ type
  std::string_view go = {};   // the Go type
  // The method of the Go runtime's Encoder and Decoder that codes it, if one does, and the one that
  // codes a list of it, if one does ([]uint8 is []byte).
  std::string_view go_codec = {};
  std::string_view go_list_codec = {};
  // Views (with `view` set). $1 is the operand: the value, or the incoming call; $2 the view's index.
  std::string_view cpp_view = {};         // the C++ parameter type of a synchronous call
  std::string_view cpp_view_reader = {};  // reads view $2 of incoming call $1 in C++
  std::string_view go_view_writer = {};   // makes Go value $1 a view argument
  std::string_view go_view_reader = {};   // reads view $2 of incoming call $1 in Go, borrowed
  // Reads view $2 of incoming call $1 in Go as an owned value (for fields of a @direct call's struct).
  std::string_view go_owned_view_reader = {};
  // Reads view $2 of incoming call $1 in Go, a view of views of a list's elements, as an owned list of
  // this type (a @direct call from C++ passes list<string> and list<bytes> so: direct_layout.h).
  std::string_view go_elements_reader = {};
  // Scalars, in the words of a @direct call (direct_layout.h): Go value $1 as a uint64, and word $1 as Go
  // type $0 (the row's type, or an enum).
  std::string_view go_word = {};
  std::string_view go_from_word = {};
};

// The rows, indexed by TypeKind (Enum and Struct have none).
std::span<const BuiltinType> builtin_types();
// The row of a built-in kind; `kind` must not be Enum or Struct.
const BuiltinType& builtin_type(TypeKind kind);
// The row whose schema name is `name`, or nullptr.
const BuiltinType* find_builtin_type(std::string_view name);
// The built-in type whose alias `foreign` is ("int" → i32), or nullptr.
const BuiltinType* builtin_type_for_alias(std::string_view foreign);

// Enums travel and are stored as this built-in type (docs/wire-format.md).
inline constexpr TypeKind kEnumRepresentation = TypeKind::I32;

// `pattern` with each `$N` replaced by args[N]. Patterns come from the table; a `$N` without an
// argument is a bug in a caller and throws std::logic_error.
std::string fill_pattern(std::string_view pattern, std::initializer_list<std::string_view> args);

}  // namespace cxx2go::compiler
