#include "cxx2go/box.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace cxx2go {
namespace {

// The case Box exists for: an optional field whose type is the enclosing, still incomplete, struct.
struct Node {
  int v = 0;
  Box<Node> next;
  friend bool operator==(const Node&, const Node&) = default;
};

TEST(Box, RecursiveStructHasValueSemantics) {
  Node list{1, Node{2, Node{3, std::nullopt}}};
  Node copy = list;
  EXPECT_EQ(copy, list);
  ASSERT_TRUE(copy.next);
  EXPECT_NE(&*copy.next, &*list.next);  // deep copy, not shared
  copy.next->next->v = 30;
  EXPECT_EQ(list.next->next->v, 3);
  EXPECT_NE(copy, list);
}

TEST(Box, EmptyByDefault) {
  Box<int> b;
  EXPECT_FALSE(b.has_value());
  EXPECT_FALSE(b);
  EXPECT_EQ(b, std::nullopt);
  EXPECT_EQ(std::nullopt, b);
  EXPECT_THROW((void)b.value(), std::bad_optional_access);
  EXPECT_EQ(b.value_or(9), 9);
}

TEST(Box, ValueAccess) {
  Box<std::string> b = std::string("hi");
  EXPECT_EQ(*b, "hi");
  EXPECT_EQ(b->size(), 2u);
  EXPECT_EQ(b.value(), "hi");
  EXPECT_NE(b, std::nullopt);
}

TEST(Box, MoveEmptiesTheSource) {
  Box<std::string> a = std::string("x");
  Box<std::string> b = std::move(a);
  EXPECT_FALSE(a.has_value());  // NOLINT(bugprone-use-after-move): documented behaviour
  EXPECT_EQ(*b, "x");
  a = std::move(b);
  EXPECT_EQ(*a, "x");
  EXPECT_FALSE(b.has_value());  // NOLINT(bugprone-use-after-move)
}

TEST(Box, AssignmentAndEmplace) {
  Box<std::string> b;
  b = std::string("one");
  EXPECT_EQ(*b, "one");
  Box<std::string> c;
  c = b;
  EXPECT_EQ(c, b);
  b.emplace(3, 'z');
  EXPECT_EQ(*b, "zzz");
  EXPECT_EQ(*c, "one");
  b = std::nullopt;
  EXPECT_FALSE(b);
  c.reset();
  EXPECT_EQ(b, c);  // both empty
}

TEST(Box, EmplaceFromOwnValue) {
  Box<std::string> b = std::string("self");
  b.emplace(*b);  // the new value is built before the old one is destroyed
  EXPECT_EQ(*b, "self");
}

TEST(Box, SelfAssignment) {
  Node n{1, Node{2, std::nullopt}};
  Node& same = n;
  n = same;
  EXPECT_EQ(n.next->v, 2);
  n.next = n.next->next;  // assigning a Box from inside its own value
  EXPECT_FALSE(n.next);
}

}  // namespace
}  // namespace cxx2go
