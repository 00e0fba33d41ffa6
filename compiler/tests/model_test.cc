// model.h's queries about types, and the interning of types by the front end.
#include "model.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>

#include "test_support.h"

namespace cxx2go::compiler {
namespace {

using testing::compile_body;

// The types of the fields of the first struct of `body`, by field name.
std::map<std::string, const Type*> field_types(const std::optional<Schema>& schema) {
  std::map<std::string, const Type*> out;
  if (!schema) return out;
  for (const StructDef& def : schema->structs) {
    for (const Field& field : def.fields) out[def.name + "." + field.name] = field.type;
  }
  return out;
}

constexpr std::string_view kTypes =
    "enum E { A = 0; }\n"
    "struct Empty {}\n"
    "struct Small { flag: bool; e: E; }\n"
    "struct T {\n"
    "  b: bool; i8v: i8; i16v: i16; i32v: i32; i64v: i64; u8v: u8; u16v: u16; u32v: u32; u64v: u64;\n"
    "  f32v: f32; f64v: f64; s: string; by: bytes; e: E;\n"
    "  bools: list<bool>; bytes_list: list<u8>; doubles: list<f64>; enums: list<E>; strings: list<string>;\n"
    "  lists: list<list<i32>>; m: map<string, i32>; o: optional<i64>; os: optional<string>;\n"
    "  empty: Empty; small: Small;\n"
    "}\n";

TEST(Model, ViewTypes) {
  auto compiled = compile_body(kTypes);
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  auto types = field_types(compiled.schema);
  for (const char* viewed : {"T.s", "T.by", "T.bytes_list", "T.doubles"}) {
    EXPECT_TRUE(is_view_type(*types[viewed])) << viewed;
  }
  // list<bool> and enum lists are encoded (docs/wire-format.md, "Views").
  for (const char* encoded : {"T.b", "T.i32v", "T.e", "T.bools", "T.enums", "T.strings", "T.lists", "T.m",
                              "T.o", "T.os", "T.empty"}) {
    EXPECT_FALSE(is_view_type(*types[encoded])) << encoded;
  }
}

TEST(Model, Scalars) {
  auto compiled = compile_body(kTypes);
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  auto types = field_types(compiled.schema);
  for (const char* scalar : {"T.b", "T.i8v", "T.i16v", "T.i32v", "T.i64v", "T.u8v", "T.u16v", "T.u32v",
                             "T.u64v", "T.f32v", "T.f64v"}) {
    EXPECT_TRUE(is_scalar(*types[scalar])) << scalar;
  }
  for (const char* other : {"T.s", "T.by", "T.e", "T.bools", "T.o", "T.empty"}) {
    EXPECT_FALSE(is_scalar(*types[other])) << other;
  }
}

TEST(Model, MinimumEncodedSizes) {
  auto compiled = compile_body(kTypes);
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  auto types = field_types(compiled.schema);
  const std::map<std::string, uint32_t> expected = {
      {"T.b", 1},     {"T.i8v", 1},  {"T.u8v", 1},   {"T.o", 1}, {"T.os", 1},    {"T.i16v", 2}, {"T.u16v", 2},
      {"T.i32v", 4},  {"T.u32v", 4}, {"T.f32v", 4},  {"T.e", 4}, {"T.i64v", 8},  {"T.u64v", 8}, {"T.f64v", 8},
      {"T.s", 4},     {"T.by", 4},   {"T.bools", 4}, {"T.m", 4}, {"T.empty", 1},  // a struct without fields
                                                                                  // is one byte
      {"T.small", 5},                                                             // bool + enum
  };
  for (const auto& [field, size] : expected) EXPECT_EQ(min_encoded_size(*types[field]), size) << field;
}

TEST(Model, StructSizesSaturate) {
  // Each struct holds four of the next: 4^20 × 8 bytes does not fit in 32 bits.
  std::string body;
  for (int i = 0; i < 20; ++i) {
    std::string next = "S" + std::to_string(i + 1);
    body += "struct S" + std::to_string(i) + " { a: " + next + "; b: " + next + "; c: " + next +
            "; d: " + next + "; }\n";
  }
  body += "struct S20 { x: u64; }\n";
  auto compiled = compile_body(body);
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(compiled.schema->structs.back().name, "S0");
  EXPECT_EQ(compiled.schema->structs.back().min_encoded_size, std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(compiled.schema->structs.front().min_encoded_size, 8u);
}

TEST(Model, EqualTypesAreOneInternedType) {
  auto compiled = compile_body(
      "struct A { x: list<map<string, i32>>; y: list<map<string, i32>>; z: list<map<string, i64>>; }\n"
      "go service S { f(p: list<map<string, i32>>) -> A; }");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  const Schema& schema = *compiled.schema;
  const StructDef& a = schema.structs[0];
  EXPECT_EQ(a.fields[0].type, a.fields[1].type);
  EXPECT_NE(a.fields[0].type, a.fields[2].type);
  EXPECT_EQ(a.fields[0].type->elem->key, a.fields[2].type->elem->key);
  EXPECT_EQ(schema.services[0].methods[0].params[0].type, a.fields[0].type);
  EXPECT_EQ(schema.services[0].methods[0].result->struct_def, &a);
}

TEST(Model, CarriesDocsLocationsAndFlags) {
  auto compiled = testing::compile(
      "/// Package doc.\npackage p;\n/// An enum.\nenum E { /// Value.\nV = 7; }\n"
      "/// A struct.\nstruct S { /// A field.\nf: E; }\n"
      "/// A service.\n@affine cpp service C { /// A method.\n@inline m(); @oneway n(); }\n");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  const Schema& schema = *compiled.schema;
  EXPECT_EQ(schema.file, "test.c2g");
  EXPECT_EQ(schema.package_doc, (Doc{"Package doc."}));
  EXPECT_EQ(schema.enums[0].doc, (Doc{"An enum."}));
  EXPECT_EQ(schema.enums[0].values[0].doc, (Doc{"Value."}));
  EXPECT_EQ(schema.enums[0].values[0].value, 7);
  EXPECT_EQ(schema.structs[0].doc, (Doc{"A struct."}));
  EXPECT_EQ(schema.structs[0].fields[0].doc, (Doc{"A field."}));
  EXPECT_EQ(schema.structs[0].fields[0].loc.line, 8u);
  const ServiceDef& service = schema.services[0];
  EXPECT_EQ(service.doc, (Doc{"A service."}));
  EXPECT_EQ(service.side, ServiceSide::Cpp);
  EXPECT_TRUE(service.affine);
  EXPECT_EQ(service.methods[0].doc, (Doc{"A method."}));
  EXPECT_TRUE(service.methods[0].inline_call);
  EXPECT_FALSE(service.methods[0].oneway);
  EXPECT_TRUE(service.methods[1].oneway);
  EXPECT_EQ(service.methods[1].result, nullptr);
}

TEST(Model, AtMostSixteenViewParameters) {
  auto method_with = [](int views) {
    std::string params;
    for (int i = 0; i < views; ++i) params += (i ? ", p" : "p") + std::to_string(i) + ": string";
    return "go service S { f(" + params + ", n: i32, e: list<bool>); }";
  };
  EXPECT_TRUE(compile_body(method_with(16)).schema.has_value());
  auto compiled = compile_body(method_with(17));
  ASSERT_EQ(compiled.ids(), std::vector<DiagId>{DiagId::TooManyViewParams});
  EXPECT_EQ(compiled.diagnostics[0].message,
            "method 'f' has 17 parameters passed as views; at most 16 are supported");
}

}  // namespace
}  // namespace cxx2go::compiler
