#include "fingerprint.h"

#include <gtest/gtest.h>

#include <map>

#include "test_support.h"

namespace cxx2go::compiler {
namespace {

using testing::compile;
using testing::compile_body;

const Method* find_method(const Schema& schema, std::string_view name) {
  for (const ServiceDef& service : schema.services) {
    for (const Method& method : service.methods) {
      if (method.name == name) return &method;
    }
  }
  return nullptr;
}

// method name → id
std::map<std::string, uint64_t> ids_of(std::string_view source) {
  auto compiled = compile(source);
  EXPECT_TRUE(compiled.schema.has_value()) << compiled.text();
  std::map<std::string, uint64_t> out;
  if (!compiled.schema) return out;
  for (const ServiceDef& service : compiled.schema->services) {
    for (const Method& method : service.methods) out[method.name] = method.id;
  }
  return out;
}

TEST(Fnv1a64, KnownValues) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

constexpr std::string_view kShop = R"(package shop;
enum Color { RED = 0; GREEN = 1; BLUE = 2; }
struct Item {
  sku: string;
  price_cents: i64;
  color: Color;
  note: optional<string>;
  tags: list<string>;
  image: bytes;
  attrs: map<string, f64>;
  parts: list<Item>;
}
go service Catalog {
  get(sku: string) -> Item;
  put(item: Item);
  search(query: string, limit: u32) -> list<Item>;
  @oneway touch(sku: string);
}
@affine cpp service Pricer {
  quote(items: list<Item>, currency: string) -> map<string, i64>;
  @inline fast(x: i64) -> i64;
}
)";

TEST(Fingerprint, CanonicalSignaturesOfTheShop) {
  auto compiled = compile(kShop);
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  const std::string item =
      "struct Item{sku:string,price_cents:i64,color:enum Color{RED=0,GREEN=1,BLUE=2},note:optional<string>,"
      "tags:list<string>,image:bytes,attrs:map<string,f64>,parts:list<struct Item>}";
  const std::map<std::string, std::string> expected = {
      {"get", "shop.Catalog.get(string)->" + item},
      {"put", "shop.Catalog.put(" + item + ")"},
      {"search", "shop.Catalog.search(string,u32)->list<" + item + ">"},
      {"touch", "shop.Catalog.touch(string) oneway"},
      {"quote", "shop.Pricer.quote(list<" + item + ">,string)->map<string,i64>"},
      {"fast", "shop.Pricer.fast(i64)->i64"},
  };
  for (const auto& [name, canonical] : expected) {
    const Method* method = find_method(*compiled.schema, name);
    ASSERT_NE(method, nullptr) << name;
    EXPECT_EQ(method->canonical, canonical);
    EXPECT_EQ(method->id, fnv1a64(canonical));
  }
  // Computed independently of this implementation.
  EXPECT_EQ(find_method(*compiled.schema, "touch")->id, 0xf9dd53ee7bc98ef0ull);
  EXPECT_EQ(find_method(*compiled.schema, "fast")->id, 0x9bc02011175f837cull);
}

TEST(Fingerprint, EachUseOfAStructIsExpandedButNotARecursiveOne) {
  auto compiled = compile_body(
      "struct Pair { a: Point; b: Point; }\n"
      "struct Point { x: i32; }\n"
      "struct Ping { pong: optional<Pong>; }\n"
      "struct Pong { ping: Ping; }\n"
      "struct Empty {}\n"
      "go service S { pair(p: Pair); ping(p: Ping); empty() -> Empty; keyed(m: map<u8, list<bool>>); }");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(find_method(*compiled.schema, "pair")->canonical,
            "test.S.pair(struct Pair{a:struct Point{x:i32},b:struct Point{x:i32}})");
  EXPECT_EQ(find_method(*compiled.schema, "ping")->canonical,
            "test.S.ping(struct Ping{pong:optional<struct Pong{ping:struct Ping}>})");
  EXPECT_EQ(find_method(*compiled.schema, "empty")->canonical, "test.S.empty()->struct Empty{}");
  EXPECT_EQ(find_method(*compiled.schema, "keyed")->canonical, "test.S.keyed(map<u8,list<bool>>)");
}

TEST(Fingerprint, UsesTheDottedPackage) {
  auto compiled = compile("package acme.shop;\ncpp service S { f(x: i8) -> u64; }");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(compiled.schema->services[0].methods[0].canonical, "acme.shop.S.f(i8)->u64");
}

TEST(Fingerprint, ChangingAFieldTypeChangesTheIdsOfMethodsThatUseTheStruct) {
  const std::string before =
      "package p;\nstruct Item { price: i64; }\ngo service S { get() -> Item; ping(); }";
  const std::string after =
      "package p;\nstruct Item { price: i32; }\ngo service S { get() -> Item; ping(); }";
  auto old_ids = ids_of(before);
  auto new_ids = ids_of(after);
  EXPECT_NE(old_ids["get"], new_ids["get"]);
  EXPECT_EQ(old_ids["ping"], new_ids["ping"]);
}

TEST(Fingerprint, NestedChangesPropagate) {
  auto old_ids = ids_of(
      "package p;\nenum E { A = 0; }\nstruct In { e: E; }\nstruct Out { in: list<In>; }\n"
      "go service S { f(o: optional<Out>); }");
  auto new_ids = ids_of(
      "package p;\nenum E { A = 0; B = 1; }\nstruct In { e: E; }\nstruct Out { in: list<In>; }\n"
      "go service S { f(o: optional<Out>); }");
  EXPECT_NE(old_ids["f"], new_ids["f"]);
}

TEST(Fingerprint, FieldNamesCountParameterNamesDoNot) {
  auto base = ids_of("package p;\nstruct A { x: i32; }\ngo service S { f(a: A); }");
  auto renamed_field = ids_of("package p;\nstruct A { y: i32; }\ngo service S { f(a: A); }");
  auto renamed_param = ids_of("package p;\nstruct A { x: i32; }\ngo service S { f(b: A); }");
  EXPECT_NE(base["f"], renamed_field["f"]);
  EXPECT_EQ(base["f"], renamed_param["f"]);
}

TEST(Fingerprint, OnewayIsPartOfTheSignature) {
  auto plain = ids_of("package p;\ngo service S { f(); }");
  auto oneway = ids_of("package p;\ngo service S { @oneway f(); }");
  EXPECT_NE(plain["f"], oneway["f"]);
}

TEST(Fingerprint, SignaturesThatGrowExponentiallyAreRejected) {
  // Each struct holds two of the next: the signature of `f` expands 2^24 copies of the last one.
  std::string body;
  for (int i = 0; i < 24; ++i) {
    std::string next = "S" + std::to_string(i + 1);
    body += "struct S" + std::to_string(i) + " { a: " + next + "; b: " + next + "; }\n";
  }
  body += "struct S24 { x: i32; }\ngo service S { f(s: S0); g(s: S20); }\n";
  auto compiled = compile_body(body);
  ASSERT_EQ(compiled.ids(), std::vector<DiagId>{DiagId::SignatureTooLarge}) << compiled.text();
  EXPECT_EQ(compiled.diagnostics[0].message,
            "the signature of method 'f' is too large to fingerprint (over 1048576 bytes)");
}

TEST(Fingerprint, TheSignaturesOfASchemaAreBoundedInTotal) {
  // Each signature spells out 2^14 copies of S14 (about 650 KB): under the limit of one signature, but
  // 40 of them are over the limit of a schema, which is reported once, at the first method over it.
  std::string structs;
  for (int i = 0; i < 14; ++i) {
    std::string next = "S" + std::to_string(i + 1);
    structs += "struct S" + std::to_string(i) + " { a: " + next + "; b: " + next + "; }\n";
  }
  structs += "struct S14 { value: i32; }\n";

  auto single = compile_body(structs + "go service S { m(s: S0); }\n");
  ASSERT_TRUE(single.schema.has_value()) << single.text();
  const size_t size_of_m = single.schema->services[0].methods[0].canonical.size();
  size_t first_over = 0;
  for (size_t total = 0;; ++first_over) {
    size_t size = size_of_m + std::to_string(first_over).size();  // method mN
    if (total + size > kMaxTotalSignatureSize) break;
    total += size;
  }
  ASSERT_LT(first_over, 40u);

  std::string body = structs + "go service S {\n";
  for (int i = 0; i < 40; ++i) body += "  m" + std::to_string(i) + "(s: S0);\n";
  auto compiled = compile_body(body + "}\n");
  ASSERT_EQ(compiled.ids(), std::vector<DiagId>{DiagId::SignaturesTooLargeInTotal}) << compiled.text();
  EXPECT_EQ(compiled.diagnostics[0].message,
            "the signatures of the methods up to 'm" + std::to_string(first_over) +
                "' are too large to fingerprint (over 16777216 bytes in total)");
}

TEST(Fingerprint, CanonicalSignatureRespectsTheSizeLimit) {
  auto compiled = compile_body("go service S { f(x: i32); }");
  ASSERT_TRUE(compiled.schema.has_value());
  const ServiceDef& service = compiled.schema->services[0];
  const Method& method = service.methods[0];
  ASSERT_EQ(method.canonical, "test.S.f(i32)");
  EXPECT_EQ(canonical_signature("test", service, method, method.canonical.size()), method.canonical);
  EXPECT_EQ(canonical_signature("test", service, method, method.canonical.size() - 1), std::nullopt);
}

}  // namespace
}  // namespace cxx2go::compiler
