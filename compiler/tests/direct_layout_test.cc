#include "direct_layout.h"

#include <gtest/gtest.h>

#include <deque>

#include "test_support.h"

namespace cxx2go::compiler {
namespace {

using testing::compile_body;

// The layout of method `name` of the only service of `body`. Its leaves point into the schema, which is
// kept for the rest of the test program.
DirectLayout layout_of(std::string_view body, std::string_view name) {
  static std::deque<testing::Compiled> schemas;
  testing::Compiled& compiled = schemas.emplace_back(compile_body(body));
  EXPECT_TRUE(compiled.schema) << compiled.text();
  for (const Method& method : compiled.schema->services.at(0).methods) {
    if (method.name == name) return direct_layout(method);
  }
  ADD_FAILURE() << "no method " << name;
  return {};
}

constexpr std::string_view kTypes =
    "enum Tier { BASIC = 0; GOLD = 1; }\n"
    "struct Inner { a: i8; tier: Tier; }\n"
    "struct Outer { x: f64; inner: Inner; ok: bool; }\n"
    "struct Named { id: i64; name: string; }\n";

TEST(DirectLayout, FlatStructsAreTheirLeavesInFieldOrder) {
  DirectLayout l = layout_of(std::string(kTypes) + "cpp service S { @direct m(o: Outer, n: u16) -> Inner; }", "m");
  ASSERT_EQ(l.params.size(), 2u);
  EXPECT_EQ(l.params[0].passing, DirectPassing::Words);
  EXPECT_EQ(l.params[0].index, 0u);
  ASSERT_EQ(l.params[0].leaves.size(), 4u);  // x, inner.a, inner.tier, ok
  EXPECT_EQ(l.params[0].leaves[2].path.size(), 2u);
  EXPECT_EQ(l.params[0].leaves[2].path[1]->name, "tier");
  EXPECT_EQ(l.params[0].leaves[2].type->kind, TypeKind::Enum);
  EXPECT_EQ(l.params[1].passing, DirectPassing::Words);
  EXPECT_EQ(l.params[1].index, 4u);
  EXPECT_EQ(l.words, 5u);
  EXPECT_FALSE(l.encoded);
  EXPECT_TRUE(l.result_fits);
  EXPECT_EQ(l.result.size(), 2u);
}

TEST(DirectLayout, WhatIsNotFlatOrDoesNotFitIsEncoded) {
  // 4 + 4 words fit; the third Outer does not, nor does a struct with a string, nor a list of strings.
  DirectLayout l = layout_of(
      std::string(kTypes) + "cpp service S { @direct m(a: Outer, b: Outer, c: Outer, d: Named, e: list<string>, f: i8); }",
      "m");
  EXPECT_EQ(l.params[0].passing, DirectPassing::Words);
  EXPECT_EQ(l.params[1].passing, DirectPassing::Words);
  EXPECT_EQ(l.params[2].passing, DirectPassing::Encoded);
  EXPECT_EQ(l.params[3].passing, DirectPassing::Encoded);
  EXPECT_EQ(l.params[4].passing, DirectPassing::Encoded);
  EXPECT_EQ(l.params[5].passing, DirectPassing::Encoded);  // the words are used up
  EXPECT_EQ(l.words, 8u);
  EXPECT_TRUE(l.encoded);
  EXPECT_EQ(l.views, 0u);
}

TEST(DirectLayout, TheEncodingTakesTheLastViewWhenAllAreUsed) {
  DirectLayout four = layout_of("cpp service S { @direct m(a: string, b: bytes, c: list<i32>, d: string); }", "m");
  EXPECT_EQ(four.views, 4u);
  EXPECT_FALSE(four.encoded);

  DirectLayout five =
      layout_of("cpp service S { @direct m(a: string, b: bytes, c: list<i32>, d: string, e: string); }", "m");
  EXPECT_EQ(five.params[2].passing, DirectPassing::View);
  EXPECT_EQ(five.params[3].passing, DirectPassing::Encoded);  // gives its view to the encoding
  EXPECT_EQ(five.params[4].passing, DirectPassing::Encoded);
  EXPECT_EQ(five.views, 3u);
  EXPECT_TRUE(five.encoded);
}

TEST(DirectLayout, ResultsFitInFourWords) {
  EXPECT_TRUE(layout_of(std::string(kTypes) + "cpp service S { @direct m() -> Outer; }", "m").result_fits);
  EXPECT_TRUE(layout_of("cpp service S { @direct m(); }", "m").result_fits);
  EXPECT_TRUE(layout_of("struct E {} cpp service S { @direct m() -> E; }", "m").result_fits);
  EXPECT_FALSE(layout_of("cpp service S { m() -> string; }", "m").result_fits);
  EXPECT_FALSE(layout_of(std::string(kTypes) + "cpp service S { m() -> Named; }", "m").result_fits);
  EXPECT_FALSE(layout_of("struct Five { a: i8; b: i8; c: i8; d: i8; e: i8; } cpp service S { m() -> Five; }", "m")
                   .result_fits);
}

TEST(DirectLayout, ResultsThatDoNotFitAreReported) {
  testing::Compiled c = compile_body("cpp service S { @direct m() -> list<i64>; }");
  ASSERT_EQ(c.ids(), std::vector<DiagId>{DiagId::DirectResultTooLarge});
  EXPECT_NE(c.text().find("test.c2g:2:32"), std::string::npos) << c.text();
}

}  // namespace
}  // namespace cxx2go::compiler
