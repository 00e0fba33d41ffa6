// Emitter properties that goldens alone would not pin down: determinism, what is emitted only when
// used, and the escaping of generated-code names. (The goldens under tests/gen show the full output;
// the end-to-end tests prove it compiles and runs.)
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "emit_naming.h"
#include "emitter.h"
#include "test_support.h"

namespace cxx2go::compiler {
namespace {

std::string emit_all(const Schema& schema) {
  std::string out;
  for (const auto& emitter : {make_cpp_emitter(), make_go_emitter()}) {
    for (const OutputFile& file : emitter->emit(schema)) out += "== " + file.name + "\n" + file.contents;
  }
  return out;
}

const char* kSchema = R"(package shop;
option go_package = "example.com/app/shop";
enum Color { RED = 0; GREEN = 1; }
struct Item { sku: string; color: Color; parts: list<Item>; next: optional<Item>; }
struct OnlyReturned { n: i64; }
struct Unused { n: i64; }
go service Catalog {
  get(sku: string) -> Item;
  latest() -> OnlyReturned;
}
cpp service Pricer {
  quote(items: list<Item>, class: string, options: i32) -> map<string, i64>;
  @inline fast(x: i64) -> i64;
}
)";

TEST(Emitters, OutputIsDeterministic) {
  auto first = testing::compile(kSchema);
  auto second = testing::compile(kSchema);
  ASSERT_TRUE(first.schema && second.schema) << first.text();
  EXPECT_EQ(emit_all(*first.schema), emit_all(*second.schema));
}

TEST(Emitters, FileNamesFollowTheSchema) {
  auto compiled = testing::compile(kSchema);
  ASSERT_TRUE(compiled.schema);
  auto cpp = make_cpp_emitter()->emit(*compiled.schema);
  ASSERT_EQ(cpp.size(), 2u);
  EXPECT_EQ(cpp[0].name, "test.c2g.h");
  EXPECT_EQ(cpp[1].name, "test.c2g.cc");
  auto go = make_go_emitter()->emit(*compiled.schema);
  ASSERT_EQ(go.size(), 1u);
  EXPECT_EQ(go[0].name, "test.c2g.go");
  EXPECT_NE(go[0].contents.find("package shop\n"), std::string::npos);
}

TEST(Emitters, CodecsAreEmittedOnlyInTheDirectionsUsed) {
  auto compiled = testing::compile(kSchema);
  ASSERT_TRUE(compiled.schema);
  std::string cc = make_cpp_emitter()->emit(*compiled.schema)[1].contents;
  // C++ decodes Item (Catalog.get's result, Pricer.quote's argument) and OnlyReturned, but encodes
  // neither; Unused crosses nowhere.
  EXPECT_NE(cc.find("c2g_decode(::cxx2go::detail::Decoder& d, Item& v)"), std::string::npos);
  EXPECT_NE(cc.find("c2g_decode(::cxx2go::detail::Decoder& d, OnlyReturned& v)"), std::string::npos);
  EXPECT_EQ(cc.find("c2g_encode(::cxx2go::detail::Encoder& e, const OnlyReturned& v)"), std::string::npos);
  EXPECT_EQ(cc.find("Unused& v"), std::string::npos);
  std::string go = make_go_emitter()->emit(*compiled.schema)[0].contents;
  EXPECT_NE(go.find("func c2gEncodeOnlyReturned("), std::string::npos);
  EXPECT_EQ(go.find("func c2gDecodeOnlyReturned("), std::string::npos);
  EXPECT_EQ(go.find("c2gEncodeUnused"), std::string::npos);
  EXPECT_NE(go.find("type Unused struct"), std::string::npos);  // the type itself is always there
}

TEST(Emitters, RecursiveOptionalIsBoxedInCpp) {
  auto compiled = testing::compile(kSchema);
  ASSERT_TRUE(compiled.schema);
  std::string header = make_cpp_emitter()->emit(*compiled.schema)[0].contents;
  EXPECT_NE(header.find("::cxx2go::Box<Item> next{};"), std::string::npos) << header;
  std::string go = make_go_emitter()->emit(*compiled.schema)[0].contents;
  EXPECT_NE(go.find("Next  *Item  `json:\"next,omitempty\"`"), std::string::npos) << go;
}

TEST(Emitters, ParametersNamedLikeGeneratedOnesAreEscaped) {
  auto compiled = testing::compile(kSchema);
  ASSERT_TRUE(compiled.schema);
  std::string header = make_cpp_emitter()->emit(*compiled.schema)[0].contents;
  EXPECT_NE(header.find("std::string_view class_, int32_t options_, const ::cxx2go::Context& context"),
            std::string::npos)
      << header;
  std::string go = make_go_emitter()->emit(*compiled.schema)[0].contents;
  EXPECT_NE(go.find("Quote(ctx context.Context, items []Item, class string, options int32)"), std::string::npos)
      << go;
}

TEST(Emitters, InlineMethodsHaveOnlyTheSynchronousForm) {
  auto compiled = testing::compile(kSchema);
  ASSERT_TRUE(compiled.schema);
  std::string header = make_cpp_emitter()->emit(*compiled.schema)[0].contents;
  EXPECT_NE(header.find("virtual ::cxx2go::Result<int64_t> fast(int64_t x, const ::cxx2go::Context& context) = 0;"),
            std::string::npos);
  EXPECT_EQ(header.find("fast_async"), std::string::npos);
}

}  // namespace
}  // namespace cxx2go::compiler

namespace cxx2go::compiler {
namespace {

// The unexported Go names of two services must not coincide: service AB's method c_d and service ABC's
// method d once both became c2gHandleABCD (and c2gMethodXYZW for cpp services), which Go rejects as
// redeclared.
TEST(Emitters, UnexportedGoNamesOfDifferentServicesDiffer) {
  auto compiled = testing::compile(R"(package t;
go service AB { c_d(); }
go service ABC { d(); }
cpp service XY { z_w(); }
cpp service XYZ { w(); }
)");
  ASSERT_TRUE(compiled.schema) << compiled.text();
  std::string go = make_go_emitter()->emit(*compiled.schema).at(0).contents;
  std::regex declaration(R"((?:^|\n)(?:func|var) ([A-Za-z0-9_]+))");
  std::multiset<std::string> names;
  for (std::sregex_iterator it(go.begin(), go.end(), declaration), end; it != end; ++it) names.insert((*it)[1]);
  names.erase("_");  // var _ S = (*SClient)(nil): compile-time checks, not declarations
  for (const std::string& name : names) EXPECT_EQ(names.count(name), 1u) << name << " is declared twice";
  EXPECT_EQ(names.count(go_handler_factory("AB", "c_d")) + names.count(go_handler_factory("ABC", "d")), 2u);
  EXPECT_EQ(names.count(go_method_var("XY", "z_w")) + names.count(go_method_var("XYZ", "w")), 2u);
}

}  // namespace
}  // namespace cxx2go::compiler
