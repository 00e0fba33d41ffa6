#include "name_rules.h"

#include <gtest/gtest.h>

namespace cxx2go::compiler {
namespace {

TEST(NameRules, PascalCase) {
  for (const char* good : {"Item", "HTTPServer", "V2", "X"}) EXPECT_TRUE(is_pascal_case(good)) << good;
  for (const char* bad : {"", "item", "Item_List", "_Item", "2Item"})
    EXPECT_FALSE(is_pascal_case(bad)) << bad;
}

TEST(NameRules, SnakeCase) {
  for (const char* good : {"sku", "price_cents", "sha_256", "v2", "a_b_c"})
    EXPECT_TRUE(is_snake_case(good)) << good;
  for (const char* bad : {"", "Sku", "priceCents", "a__b", "a_", "_a", "2a", "a_B"}) {
    EXPECT_FALSE(is_snake_case(bad)) << bad;
  }
}

TEST(NameRules, UpperSnakeCase) {
  for (const char* good : {"RED", "LIGHT_BLUE", "HTTP_2", "A1"})
    EXPECT_TRUE(is_upper_snake_case(good)) << good;
  for (const char* bad : {"", "Red", "LIGHT__BLUE", "RED_", "_RED", "1A", "lightBlue"}) {
    EXPECT_FALSE(is_upper_snake_case(bad)) << bad;
  }
}

TEST(NameRules, ReservedNames) {
  for (const char* reserved : {"c2g", "c2g_x", "C2gThing", "C2G_VALUE", "_x", "_"}) {
    EXPECT_TRUE(is_reserved_name(reserved)) << reserved;
  }
  for (const char* free : {"c2", "cg2", "x_c2g", "abc"}) EXPECT_FALSE(is_reserved_name(free)) << free;
}

TEST(NameRules, CaseConversions) {
  EXPECT_EQ(to_pascal_case("item_list"), "ItemList");
  EXPECT_EQ(to_pascal_case("ITEM_LIST"), "ItemList");
  EXPECT_EQ(to_pascal_case("HTTP_server"), "HTTPServer");
  EXPECT_EQ(to_pascal_case("itemList"), "ItemList");
  EXPECT_EQ(to_snake_case("getItem"), "get_item");
  EXPECT_EQ(to_snake_case("HTTPServer"), "http_server");
  EXPECT_EQ(to_snake_case("get__item_"), "get_item");
  EXPECT_EQ(to_snake_case("Sha256Sum"), "sha256_sum");
  EXPECT_EQ(to_upper_snake_case("lightBlue"), "LIGHT_BLUE");
  EXPECT_EQ(to_upper_snake_case("Red"), "RED");
}

TEST(NameRules, WithoutUnderscores) { EXPECT_EQ(without_underscores("a_b_1"), "ab1"); }

TEST(NameRules, Keywords) {
  EXPECT_TRUE(is_go_keyword("func"));
  EXPECT_TRUE(is_go_keyword("type"));
  EXPECT_FALSE(is_go_keyword("string"));  // predeclared, not a keyword: a valid package name
  EXPECT_TRUE(is_cpp_keyword("class"));
  EXPECT_TRUE(is_cpp_keyword("and"));
  EXPECT_TRUE(is_cpp_keyword("co_await"));
  EXPECT_FALSE(is_cpp_keyword("shop"));
  EXPECT_FALSE(is_cpp_keyword(""));
}

TEST(NameRules, AsciiIdentifiers) {
  for (const char* good : {"a", "_a", "a1", "A_b"}) EXPECT_TRUE(is_ascii_identifier(good)) << good;
  for (const char* bad : {"", "1a", "a-b", "a.b", "é"}) EXPECT_FALSE(is_ascii_identifier(bad)) << bad;
}

}  // namespace
}  // namespace cxx2go::compiler
