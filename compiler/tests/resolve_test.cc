// Name resolution, through the front end: a file with resolve errors stops before the checker.
#include <gtest/gtest.h>

#include "test_support.h"

namespace cxx2go::compiler {
namespace {

using testing::compile_body;
using testing::errors_of;

TEST(Resolve, TypesMayBeUsedBeforeTheirDeclaration) {
  auto compiled = compile_body(
      "go service S { get(c: Color) -> Item; }\n"
      "struct Item { color: Color; part: optional<Part>; }\n"
      "struct Part { x: i32; }\n"
      "enum Color { RED = 0; }\n");
  EXPECT_TRUE(compiled.schema.has_value()) << compiled.text();
}

TEST(Resolve, EveryBuiltinTypeResolves) {
  auto compiled = compile_body(
      "struct A { a: bool; b: i8; c: i16; d: i32; e: i64; f: u8; g: u16; h: u32; i: u64; j: f32; k: f64;"
      " l: string; m: bytes; n: list<i32>; o: map<string, i32>; p: optional<i32>; }");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  const std::vector<Field>& fields = compiled.schema->structs[0].fields;
  const TypeKind expected[] = {TypeKind::Bool,  TypeKind::I8,   TypeKind::I16, TypeKind::I32,
                               TypeKind::I64,   TypeKind::U8,   TypeKind::U16, TypeKind::U32,
                               TypeKind::U64,   TypeKind::F32,  TypeKind::F64, TypeKind::String,
                               TypeKind::Bytes, TypeKind::List, TypeKind::Map, TypeKind::Optional};
  ASSERT_EQ(fields.size(), std::size(expected));
  for (size_t i = 0; i < fields.size(); ++i) EXPECT_EQ(fields[i].type->kind, expected[i]) << fields[i].name;
}

TEST(Resolve, UnknownTypesAreReportedAtEveryUse) {
  auto compiled = compile_body("struct A { a: Missing; b: list<Missing>; }\ngo service S { f(x: Missing); }");
  EXPECT_EQ(compiled.ids(), std::vector<DiagId>(3, DiagId::UnknownType)) << compiled.text();
  EXPECT_EQ(compiled.diagnostics[1].loc.col, 32u);
}

TEST(Resolve, SuggestsCloseNames) {
  auto hint_for = [](std::string_view type) {
    auto compiled = compile_body("struct Item { a: " + std::string(type) + "; }");
    EXPECT_FALSE(compiled.diagnostics.empty());
    return compiled.diagnostics.empty() ? std::string() : compiled.diagnostics[0].hint;
  };
  EXPECT_EQ(hint_for("Iten"), "did you mean 'Item'?");      // a typo
  EXPECT_EQ(hint_for("item"), "did you mean 'Item'?");      // case
  EXPECT_EQ(hint_for("String"), "did you mean 'string'?");  // case of a built-in
  EXPECT_EQ(hint_for("int"), "did you mean 'i32'?");        // another language's name
  EXPECT_EQ(hint_for("double"), "did you mean 'f64'?");
  EXPECT_EQ(hint_for("i23"), "did you mean 'i32'?");  // swapped characters
  EXPECT_EQ(hint_for("Completely"), "");              // nothing close: no hint
  EXPECT_EQ(hint_for("Y"), "");                       // a one-letter name is no typo of 'A'
  EXPECT_EQ(hint_for(std::string(200, 'x')), "");     // long names are not compared
}

TEST(Resolve, TypesAndServicesShareOneNamespace) {
  auto compiled = compile_body("struct Item {}\nenum Item { A = 0; }\ngo service Item {}\n");
  ASSERT_EQ(compiled.ids(), std::vector<DiagId>(2, DiagId::DuplicateDefinition)) << compiled.text();
  EXPECT_EQ(compiled.diagnostics[0].loc.line, 3u);
  EXPECT_EQ(compiled.diagnostics[1].loc.line, 4u);
  ASSERT_TRUE(compiled.diagnostics[1].note.has_value());
  EXPECT_EQ(compiled.diagnostics[1].note->loc.line, 2u);  // the first definition, in source order
}

TEST(Resolve, UsesOfADuplicatedTypeAreNotReportedAgain) {
  EXPECT_EQ(errors_of("struct A { b: B; }\nstruct B {}\nstruct B {}"),
            (std::vector<DiagId>{DiagId::DuplicateDefinition}));
}

TEST(Resolve, ServicesAreNotTypes) {
  EXPECT_EQ(errors_of("go service S { f(s: S); }"), (std::vector<DiagId>{DiagId::ServiceUsedAsType}));
}

TEST(Resolve, TypeArguments) {
  EXPECT_EQ(errors_of("struct A { a: list; }"), (std::vector<DiagId>{DiagId::WrongTypeArgumentCount}));
  EXPECT_EQ(errors_of("struct A { a: map<i32>; }"), (std::vector<DiagId>{DiagId::WrongTypeArgumentCount}));
  EXPECT_EQ(errors_of("struct A { a: optional<i32, i32>; }"),
            (std::vector<DiagId>{DiagId::WrongTypeArgumentCount}));
  EXPECT_EQ(errors_of("struct A { a: i32<i32>; }"), (std::vector<DiagId>{DiagId::NotGeneric}));
  EXPECT_EQ(errors_of("struct A { a: A<i32>; }"), (std::vector<DiagId>{DiagId::NotGeneric}));
  auto compiled = compile_body("struct A { a: map<i32>; }");
  EXPECT_EQ(compiled.diagnostics[0].message, "'map' takes two type arguments, found 1");
  EXPECT_EQ(compiled.diagnostics[0].hint, "write `map<K, V>`");
}

TEST(Resolve, ErrorsStopThePipelineBeforeTheChecker) {
  // `bad_Name` breaks a naming rule, but the checker does not run after a resolve error.
  EXPECT_EQ(errors_of("struct A { bad_Name: Missing; }"), (std::vector<DiagId>{DiagId::UnknownType}));
}

}  // namespace
}  // namespace cxx2go::compiler
