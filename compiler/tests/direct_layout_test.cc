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
  const ServiceDef& service = compiled.schema->services.at(0);
  for (const Method& method : service.methods) {
    if (method.name == name) return direct_layout(method, service.side);
  }
  ADD_FAILURE() << "no method " << name;
  return {};
}

// The passing of each leaf of each parameter, e.g. "W0 W1 | V0 E".
std::string passings(const DirectLayout& layout) {
  std::string out;
  for (const DirectParam& param : layout.params) {
    if (&param != &layout.params.front()) out += " |";
    for (const DirectLeaf& leaf : param.leaves) {
      switch (leaf.passing) {
        case DirectPassing::Word: out += " W" + std::to_string(leaf.index); break;
        case DirectPassing::View: out += " V" + std::to_string(leaf.index); break;
        case DirectPassing::ElementViews: out += " L" + std::to_string(leaf.index); break;
        case DirectPassing::Encoded: out += " E"; break;
      }
    }
  }
  return out.starts_with(' ') ? out.substr(1) : out;
}

constexpr std::string_view kTypes =
    "enum Tier { BASIC = 0; GOLD = 1; }\n"
    "struct Inner { a: i8; tier: Tier; }\n"
    "struct Outer { x: f64; inner: Inner; ok: bool; }\n"
    "struct Named { id: i64; name: string; }\n"
    "struct Req { id: u64; name: string; tags: list<string>; }\n";

TEST(DirectLayout, FlatStructsAreTheirLeavesInFieldOrder) {
  DirectLayout l = layout_of(std::string(kTypes) + "cpp service S { @direct m(o: Outer, n: u16) -> Inner; }", "m");
  ASSERT_EQ(l.params.size(), 2u);
  EXPECT_TRUE(l.params[0].split);
  EXPECT_FALSE(l.params[1].split);
  EXPECT_EQ(passings(l), "W0 W1 W2 W3 | W4");  // x, inner.a, inner.tier, ok | n
  EXPECT_EQ(l.params[0].leaves[2].path.size(), 2u);
  EXPECT_EQ(l.params[0].leaves[2].path[1]->name, "tier");
  EXPECT_EQ(l.params[0].leaves[2].type->kind, TypeKind::Enum);
  EXPECT_EQ(l.words, 5u);
  EXPECT_FALSE(l.encoded);
  EXPECT_TRUE(l.result_fits);
  EXPECT_EQ(l.result.size(), 2u);
}

TEST(DirectLayout, StructsWithViewsAreSplitIntoWordsAndViews) {
  DirectLayout l = layout_of(std::string(kTypes) + "cpp service S { @direct m(n: Named, b: bytes); }", "m");
  EXPECT_EQ(passings(l), "W0 V0 | V1");
  EXPECT_EQ(l.views, 2u);
  EXPECT_FALSE(l.encoded);
}

TEST(DirectLayout, ListsOfStringsAreElementViewsOnlyWhenCppCalls) {
  // Go may not give C memory of its own holding Go pointers: when Go calls, the list is encoded.
  DirectLayout go_calls = layout_of(std::string(kTypes) + "cpp service S { @direct m(r: Req, l: list<bytes>); }", "m");
  EXPECT_EQ(passings(go_calls), "W0 V0 E | E");
  EXPECT_TRUE(go_calls.encoded);
  EXPECT_EQ(go_calls.views, 1u);

  DirectLayout cpp_calls = layout_of(std::string(kTypes) + "go service S { @direct m(r: Req, l: list<bytes>); }", "m");
  EXPECT_EQ(passings(cpp_calls), "W0 V0 L1 | L2");
  EXPECT_FALSE(cpp_calls.encoded);
}

TEST(DirectLayout, WhatDoesNotFitIsEncodedLeafByLeaf) {
  // 4 + 4 words fit; the third Outer's leaves do not, nor does f; a list of Named is encoded whole.
  DirectLayout l = layout_of(
      std::string(kTypes) + "cpp service S { @direct m(a: Outer, b: Outer, c: Outer, d: list<Named>, f: i8); }", "m");
  EXPECT_EQ(passings(l), "W0 W1 W2 W3 | W4 W5 W6 W7 | E E E E | E | E");
  EXPECT_EQ(l.words, 8u);
  EXPECT_TRUE(l.encoded);
  EXPECT_EQ(l.views, 0u);
}

TEST(DirectLayout, TheEncodingTakesTheLastViewWhenAllAreUsed) {
  DirectLayout four = layout_of("cpp service S { @direct m(a: string, b: bytes, c: list<i32>, d: string); }", "m");
  EXPECT_EQ(passings(four), "V0 | V1 | V2 | V3");
  EXPECT_FALSE(four.encoded);

  DirectLayout five =
      layout_of("cpp service S { @direct m(a: string, b: bytes, c: list<i32>, d: string, e: string); }", "m");
  EXPECT_EQ(passings(five), "V0 | V1 | V2 | E | E");  // d gives its view to the encoding
  EXPECT_EQ(five.views, 3u);
  EXPECT_TRUE(five.encoded);

  DirectLayout elements = layout_of(
      "go service S { @direct m(a: string, b: string, c: string, d: list<string>, e: optional<i8>); }", "m");
  EXPECT_EQ(passings(elements), "V0 | V1 | V2 | E | E");
}

TEST(DirectLayout, StructsWithoutFieldsHaveNoLeaves) {
  DirectLayout l = layout_of("struct E {} cpp service S { @direct m(e: E, x: i8); }", "m");
  EXPECT_TRUE(l.params[0].split);
  EXPECT_TRUE(l.params[0].leaves.empty());
  EXPECT_EQ(passings(l), "| W0");
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
