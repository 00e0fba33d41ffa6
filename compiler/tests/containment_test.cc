// Struct containment: cycles, boxed optionals and the dependency order of Schema::structs.
#include "containment.h"

#include <gtest/gtest.h>

#include <map>

#include "test_support.h"

namespace cxx2go::compiler {
namespace {

using testing::compile_body;
using Ids = std::vector<DiagId>;

std::vector<std::string> struct_order(const Schema& schema) {
  std::vector<std::string> out;
  for (const StructDef& def : schema.structs) out.push_back(def.name);
  return out;
}

// "Struct.field" of every boxed field.
std::vector<std::string> boxed_fields(const Schema& schema) {
  std::vector<std::string> out;
  for (const StructDef& def : schema.structs) {
    for (const Field& field : def.fields) {
      if (field.boxed) out.push_back(def.name + "." + field.name);
    }
  }
  return out;
}

TEST(Containment, ADirectSelfReferenceIsAnError) {
  auto compiled = compile_body("struct Node { value: i32; next: Node; }");
  ASSERT_EQ(compiled.ids(), Ids{DiagId::StructContainsItself});
  EXPECT_EQ(compiled.diagnostics[0].message, "struct 'Node' contains itself: Node.next -> Node");
  EXPECT_EQ(compiled.diagnostics[0].loc.col, 27u);  // at the field that closes the cycle
}

TEST(Containment, ALongerDirectCycleIsReportedOnceWithItsShortestPath) {
  auto compiled = compile_body(
      "struct A { x: i32; b: B; }\n"
      "struct B { c: C; a: A; }\n"
      "struct C { a: A; }\n");
  ASSERT_EQ(compiled.ids(), Ids{DiagId::StructContainsItself}) << compiled.text();
  EXPECT_EQ(compiled.diagnostics[0].message, "struct 'A' contains itself: A.b -> B.a -> A");
  EXPECT_EQ(compiled.diagnostics[0].loc.line, 2u);
}

TEST(Containment, SeparateCyclesAreReportedSeparately) {
  auto compiled = compile_body("struct A { a: A; }\nstruct B { c: C; }\nstruct C { b: B; }\n");
  EXPECT_EQ(compiled.ids(), (Ids{DiagId::StructContainsItself, DiagId::StructContainsItself}))
      << compiled.text();
}

TEST(Containment, ListsMapsAndOptionalsBreakCycles) {
  auto compiled = compile_body(
      "struct A { children: list<A>; by_name: map<string, A>; maybe: optional<A>; }\n"
      "struct B { c: C; }\n"
      "struct C { maybe_b: optional<B>; }\n");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
}

TEST(Containment, OptionalsOnACycleAreBoxed) {
  auto compiled = compile_body(
      "struct Node { next: optional<Node>; leaf: optional<Leaf>; children: list<Node>; }\n"
      "struct Leaf { value: i32; }\n"
      "struct Ping { pong: optional<Pong>; }\n"
      "struct Pong { ping: Ping; other: optional<Leaf>; }\n");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(boxed_fields(*compiled.schema), (std::vector<std::string>{"Node.next", "Ping.pong"}));
}

TEST(Containment, AnOptionalOffTheCycleIsNotBoxed) {
  // Outer reaches the Ping/Pong cycle but is not on it.
  auto compiled = compile_body(
      "struct Outer { ping: optional<Ping>; }\n"
      "struct Ping { pong: optional<Pong>; }\n"
      "struct Pong { ping: optional<Ping>; }\n");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(boxed_fields(*compiled.schema), (std::vector<std::string>{"Ping.pong", "Pong.ping"}));
}

TEST(Containment, OnlyTheOptionalFieldsOfACycleAreBoxedNotItsOptionalParameters) {
  auto compiled =
      compile_body("struct Node { next: optional<Node>; }\ngo service S { f(n: optional<Node>); }");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(boxed_fields(*compiled.schema), (std::vector<std::string>{"Node.next"}));
}

TEST(Containment, StructsComeAfterWhatTheyHoldByValue) {
  auto compiled = compile_body(
      "struct Order { customer: Customer; lines: list<Line>; }\n"
      "struct Line { product: Product; }\n"
      "struct Customer { address: optional<Address>; }\n"
      "struct Product {}\n"
      "struct Address {}\n");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  // Ready structs are taken in declaration order: Line and Order wait for what they contain; lists do
  // not count, so Order does not wait for Line.
  EXPECT_EQ(struct_order(*compiled.schema),
            (std::vector<std::string>{"Product", "Line", "Address", "Customer", "Order"}));
}

TEST(Containment, BoxedOptionalsDoNotConstrainTheOrder) {
  auto compiled = compile_body("struct Ping { pong: optional<Pong>; }\nstruct Pong { ping: Ping; }\n");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(boxed_fields(*compiled.schema), (std::vector<std::string>{"Ping.pong"}));
  EXPECT_EQ(struct_order(*compiled.schema), (std::vector<std::string>{"Ping", "Pong"}));
}

TEST(Containment, UnboxedOptionalsDoConstrainTheOrder) {
  auto compiled = compile_body("struct A { b: optional<B>; }\nstruct B {}\n");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(struct_order(*compiled.schema), (std::vector<std::string>{"B", "A"}));
}

TEST(Containment, FieldTypesPointAtTheReorderedStructs) {
  auto compiled = compile_body("struct A { b: B; }\nstruct B { x: i32; }\n");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  const Schema& schema = *compiled.schema;
  ASSERT_EQ(schema.structs[1].name, "A");
  EXPECT_EQ(schema.structs[1].fields[0].type->struct_def, &schema.structs[0]);
}

TEST(Containment, ManyStructsInAChainDoNotExhaustTheStack) {
  std::string body;
  const int count = 20000;
  for (int i = 0; i < count; ++i)
    body += "struct S" + std::to_string(i) + " { next: S" + std::to_string(i + 1) + "; }\n";
  body += "struct S" + std::to_string(count) + " { back: S0; }\n";  // one direct cycle through all of them
  auto compiled = compile_body(body);
  ASSERT_EQ(compiled.ids(), Ids{DiagId::StructContainsItself});
}

TEST(StronglyConnectedComponents, GroupsNodesThatReachEachOther) {
  // 0 → 1 → 2 → 0, 2 → 3, 3 → 4 → 3, 5 alone, 6 → 6
  std::vector<std::vector<uint32_t>> edges = {{1}, {2}, {0, 3}, {4}, {3}, {}, {6}};
  std::vector<uint32_t> component = strongly_connected_components(edges);
  ASSERT_EQ(component.size(), edges.size());
  EXPECT_EQ(component[0], component[1]);
  EXPECT_EQ(component[1], component[2]);
  EXPECT_EQ(component[3], component[4]);
  EXPECT_NE(component[0], component[3]);
  EXPECT_NE(component[5], component[0]);
  EXPECT_NE(component[5], component[3]);
  EXPECT_NE(component[6], component[5]);
}

}  // namespace
}  // namespace cxx2go::compiler
