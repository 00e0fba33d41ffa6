// The checker's rules (containment has its own test file), through the front end.
#include "check.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace cxx2go::compiler {
namespace {

using testing::compile;
using testing::compile_body;
using testing::errors_of;
using Ids = std::vector<DiagId>;

TEST(CheckNames, EachKindOfNameHasItsCase) {
  EXPECT_EQ(errors_of("struct item {}"), Ids{DiagId::NotPascalCase});
  EXPECT_EQ(errors_of("enum color { A = 0; }"), Ids{DiagId::NotPascalCase});
  EXPECT_EQ(errors_of("go service my_service {}"), Ids{DiagId::NotPascalCase});
  EXPECT_EQ(errors_of("struct A { Field: i32; }"), Ids{DiagId::NotSnakeCase});
  EXPECT_EQ(errors_of("go service S { getItem(); }"), Ids{DiagId::NotSnakeCase});
  EXPECT_EQ(errors_of("go service S { f(maxCount: i32); }"), Ids{DiagId::NotSnakeCase});
  EXPECT_EQ(errors_of("enum E { Red = 0; }"), Ids{DiagId::NotUpperSnakeCase});
  EXPECT_EQ(compile("package Shop;").ids(), Ids{DiagId::NotSnakeCase});
  EXPECT_EQ(compile("package acme.Shop;").ids(), Ids{DiagId::NotSnakeCase});
}

TEST(CheckNames, HintsSuggestTheNameInTheRightCase) {
  auto hint = [](std::string_view body) {
    auto compiled = compile_body(body);
    return compiled.diagnostics.empty() ? std::string() : compiled.diagnostics[0].hint;
  };
  EXPECT_EQ(hint("struct item_list {}"), "rename it to 'ItemList'");
  EXPECT_EQ(hint("struct A { itemCount: i32; }"), "rename it to 'item_count'");
  EXPECT_EQ(hint("struct A { HTTPServer: i32; }"), "rename it to 'http_server'");
  EXPECT_EQ(hint("enum E { lightBlue = 0; }"), "rename it to 'LIGHT_BLUE'");
}

TEST(CheckNames, UnderscoresSeparateWordsOneAtATime) {
  EXPECT_EQ(errors_of("struct A { a__b: i32; }"), Ids{DiagId::NotSnakeCase});
  EXPECT_EQ(errors_of("struct A { a_: i32; }"), Ids{DiagId::NotSnakeCase});
  EXPECT_EQ(errors_of("enum E { A__B = 0; }"), Ids{DiagId::NotUpperSnakeCase});
  EXPECT_EQ(errors_of("struct A { sha_256: i32; utf8_text: i32; }"), Ids{});
}

TEST(CheckNames, ReservedPrefixes) {
  EXPECT_EQ(errors_of("struct A { c2g_x: i32; }"), Ids{DiagId::ReservedName});
  EXPECT_EQ(errors_of("struct C2gThing {}"), Ids{DiagId::ReservedName});
  EXPECT_EQ(errors_of("struct _A {}"), Ids{DiagId::ReservedName});
  EXPECT_EQ(errors_of("go service S { f(_x: i32); }"), Ids{DiagId::ReservedName});
  EXPECT_EQ(errors_of("enum E { C2G_A = 0; }"), Ids{DiagId::ReservedName});
  EXPECT_EQ(compile("package c2g;").ids(), Ids{DiagId::ReservedName});
}

TEST(CheckNames, DuplicatesInEveryScope) {
  EXPECT_EQ(errors_of("struct A { x: i32; x: i64; }"), Ids{DiagId::DuplicateMember});
  EXPECT_EQ(errors_of("enum E { A = 0; A = 1; }"), Ids{DiagId::DuplicateMember});
  EXPECT_EQ(errors_of("go service S { f(); f(); }"), Ids{DiagId::DuplicateMember});
  auto compiled = compile_body("go service S { f(a: i32, a: i32); }");
  ASSERT_EQ(compiled.ids(), Ids{DiagId::DuplicateMember});
  EXPECT_EQ(compiled.diagnostics[0].message, "duplicate parameter 'a' in method 'f'");
  ASSERT_TRUE(compiled.diagnostics[0].note.has_value());
  EXPECT_EQ(compiled.diagnostics[0].note->loc.col, 18u);
}

TEST(CheckNames, TheSameNameInDifferentScopesIsFine) {
  EXPECT_EQ(errors_of("struct A { x: i32; }\nstruct B { x: i32; }\nenum E { X = 0; }\nenum F { X = 0; }\n"
                      "go service S { x(x: i32); }\ngo service T { x(x: i32); }"),
            Ids{});
}

TEST(CheckNames, NamesMustDifferInMoreThanUnderscores) {
  EXPECT_EQ(errors_of("struct A { foo_1: i32; foo1: i32; }"), Ids{DiagId::NamesDifferOnlyInUnderscores});
  EXPECT_EQ(errors_of("enum E { A_B = 0; AB = 1; }"), Ids{DiagId::NamesDifferOnlyInUnderscores});
  EXPECT_EQ(errors_of("go service S { get_item(); getitem(); }"), Ids{DiagId::NamesDifferOnlyInUnderscores});
}

TEST(CheckNames, AnInvalidNameIsNotAlsoComparedWithItsNeighbours) {
  EXPECT_EQ(errors_of("struct A { _x: i32; x: i32; }"), Ids{DiagId::ReservedName});
}

TEST(CheckNames, AMethodClashesWithTheAsyncTwinOfAnother) {
  for (std::string_view side : {"go", "cpp"}) {
    auto compiled = compile_body(std::string(side) + " service S { get_async(); get(); }");
    ASSERT_EQ(compiled.ids(), Ids{DiagId::AsyncTwinClash}) << compiled.text();
    EXPECT_EQ(compiled.diagnostics[0].message,
              "method 'get_async' clashes with the asynchronous twin of method 'get'");
  }
  EXPECT_EQ(errors_of("go service S { get_async(); }"), Ids{});
  EXPECT_EQ(errors_of("go service S { fetch(); get_async(); }"), Ids{});
}

TEST(CheckEnums, NumbersAreUnique) {
  auto compiled = compile_body("enum E { A = 1; B = 2; C = 1; }");
  ASSERT_EQ(compiled.ids(), Ids{DiagId::DuplicateEnumNumber});
  EXPECT_EQ(compiled.diagnostics[0].message, "enum value 'C' reuses the number 1");
  EXPECT_EQ(compiled.diagnostics[0].note->message, "'A' is 1");
}

TEST(CheckEnums, MustHaveValues) { EXPECT_EQ(errors_of("enum E {}"), Ids{DiagId::EmptyEnum}); }

TEST(CheckTypes, MapKeys) {
  for (std::string_view key :
       {"bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "string", "Color"}) {
    EXPECT_EQ(errors_of("enum Color { RED = 0; }\nstruct A { m: map<" + std::string(key) + ", i32>; }"),
              Ids{})
        << key;
  }
  for (std::string_view key : {"f32", "f64", "bytes", "list<i32>", "map<i32, i32>", "optional<i32>", "B"}) {
    auto compiled = compile_body("struct B {}\nstruct A { m: map<" + std::string(key) + ", i32>; }");
    ASSERT_EQ(compiled.ids(), Ids{DiagId::UnsupportedMapKey}) << key;
    EXPECT_EQ(compiled.diagnostics[0].message, "map key type '" + std::string(key) + "' is not supported");
  }
}

TEST(CheckTypes, MapKeysAreCheckedEverywhere) {
  EXPECT_EQ(errors_of("go service S { f(m: list<map<f32, i32>>) -> optional<map<bytes, i32>>; }"),
            (Ids{DiagId::UnsupportedMapKey, DiagId::UnsupportedMapKey}));
}

TEST(CheckTypes, NestedOptionalsAreRejected) {
  EXPECT_EQ(errors_of("struct A { a: optional<optional<i32>>; }"), Ids{DiagId::NestedOptional});
  EXPECT_EQ(errors_of("struct A { a: optional<list<optional<i32>>>; }"), Ids{});
}

TEST(CheckAttributes, WhereEachAttributeIsAllowed) {
  EXPECT_EQ(errors_of("go service S { @oneway f(); }\ncpp service C { @oneway f(); @inline g(); }\n"
                      "@affine cpp service D {}"),
            Ids{});
  EXPECT_EQ(errors_of("go service S { @inline f(); }"), Ids{DiagId::MisplacedInline});
  EXPECT_EQ(errors_of("@affine go service S {}"), Ids{DiagId::MisplacedAffine});
  EXPECT_EQ(errors_of("@oneway go service S {}"), Ids{DiagId::MisplacedOneway});
  EXPECT_EQ(errors_of("@inline struct A {}"), Ids{DiagId::MisplacedInline});
  EXPECT_EQ(errors_of("struct A { @oneway a: i32; }"), Ids{DiagId::MisplacedOneway});
  EXPECT_EQ(errors_of("@affine enum E { @affine A = 0; }"),
            (Ids{DiagId::MisplacedAffine, DiagId::MisplacedAffine}));
  EXPECT_EQ(errors_of("cpp service S { @affine f(); }"), Ids{DiagId::MisplacedAffine});
  EXPECT_EQ(compile("@oneway package p;").ids(), Ids{DiagId::MisplacedOneway});
  EXPECT_EQ(errors_of("@inline option go_package = \"a/b\";"), Ids{DiagId::MisplacedInline});
  auto compiled = compile_body("go service S { @inline f(); }");
  EXPECT_EQ(compiled.diagnostics[0].message, "'@inline' is not allowed on a method of a go service");
}

TEST(CheckAttributes, UnknownAndDuplicate) {
  auto compiled = compile_body("go service S { @fast f(); @oneway @oneway g(); }");
  ASSERT_EQ(compiled.ids(), (Ids{DiagId::UnknownAttribute, DiagId::DuplicateAttribute}));
  EXPECT_EQ(compiled.diagnostics[0].message, "unknown attribute '@fast'");
  EXPECT_EQ(errors_of("struct A { @deprecated a: i32; }"), Ids{DiagId::UnknownAttribute});
}

TEST(CheckAttributes, OnewayMethodsHaveNoResult) {
  auto compiled = compile_body("go service S { @oneway f() -> list<i32>; }");
  ASSERT_EQ(compiled.ids(), Ids{DiagId::OnewayWithResult});
  EXPECT_EQ(compiled.diagnostics[0].hint,
            "a fire-and-forget call has no result; remove `-> list<i32>` or `@oneway`");
}

TEST(CheckAttributes, InlineMethodsAreNotOneway) {
  EXPECT_EQ(errors_of("cpp service S { @inline @oneway f(); }"), Ids{DiagId::InlineOneway});
}

TEST(CheckOptions, KnownOptionsSetOnce) {
  EXPECT_EQ(errors_of("option go_pkg = \"a/b\";"), Ids{DiagId::UnknownOption});
  auto compiled = compile_body("option cpp_namespace = \"a\";\noption cpp_namespace = \"b\";");
  ASSERT_EQ(compiled.ids(), Ids{DiagId::DuplicateOption});
  EXPECT_EQ(compiled.diagnostics[0].note->loc.line, 2u);
}

TEST(CheckOptions, Defaults) {
  auto compiled = compile("package acme.shop;");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(compiled.schema->package, "acme.shop");
  EXPECT_EQ(compiled.schema->go_package, "acme/shop");
  EXPECT_EQ(compiled.schema->go_package_name, "shop");
  EXPECT_EQ(compiled.schema->cpp_namespace, "acme::shop");
}

TEST(CheckOptions, ExplicitValues) {
  auto compiled =
      compile_body("option go_package = \"example.com/app/shop_v2\";\noption cpp_namespace = \"app::shop\";");
  ASSERT_TRUE(compiled.schema.has_value()) << compiled.text();
  EXPECT_EQ(compiled.schema->go_package, "example.com/app/shop_v2");
  EXPECT_EQ(compiled.schema->go_package_name, "shop_v2");
  EXPECT_EQ(compiled.schema->cpp_namespace, "app::shop");
}

TEST(CheckOptions, InvalidGoPackages) {
  struct Case {
    const char* path;
    DiagId id;
    const char* problem;
  };
  const Case cases[] = {
      {"", DiagId::InvalidGoPackage, "it is empty"},
      {"a//b", DiagId::InvalidGoPackage, "it has an empty path element"},
      {"/a", DiagId::InvalidGoPackage, "it has an empty path element"},
      {"a/b/", DiagId::InvalidGoPackage, "it has an empty path element"},
      {"a b", DiagId::InvalidGoPackage,
       "it may only contain ASCII letters, digits and the characters / - . _ ~ +"},
      {"a/../b", DiagId::InvalidGoPackage, "path element '..' starts or ends with '.'"},
      {"a b;shop", DiagId::InvalidGoPackage,
       "it may only contain ASCII letters, digits and the characters / - . _ ~ +"},
      // An explicit name (protoc-gen-go's "path;name") must be an identifier; a last element need not
      // be one (it is made one: driver_test.cc).
      {"example.com/app/shop;shop-v2", DiagId::InvalidExplicitGoPackageName, "is not a Go identifier"},
      {"example.com/app/shop;v1.2", DiagId::InvalidExplicitGoPackageName, "is not a Go identifier"},
      {"example.com/app/shop;", DiagId::InvalidExplicitGoPackageName, "is not a Go identifier"},
      {"example.com/2fa;2fa", DiagId::InvalidExplicitGoPackageName, "is not a Go identifier"},
      {"example.com/func;func", DiagId::InvalidExplicitGoPackageName, "is a Go keyword"},
  };
  for (const Case& c : cases) {
    auto compiled = compile_body("option go_package = \"" + std::string(c.path) + "\";");
    ASSERT_EQ(compiled.ids(), Ids{c.id}) << c.path;
    EXPECT_NE(compiled.diagnostics[0].message.find(c.problem), std::string::npos)
        << compiled.diagnostics[0].message;
    EXPECT_EQ(compiled.diagnostics[0].loc.col, 21u);  // at the value
  }
}

TEST(CheckOptions, DefaultGoPackageNameMustNotBeAKeyword) {
  auto compiled = compile("package app.go;");
  ASSERT_EQ(compiled.ids(), Ids{DiagId::InvalidGoPackageName});
  EXPECT_EQ(compiled.diagnostics[0].loc.col, 13u);  // at the package segment
  EXPECT_EQ(compile("package app.go;\noption go_package = \"a/app_go\";").ids(), Ids{});
}

TEST(CheckOptions, InvalidCppNamespaces) {
  struct Case {
    const char* name;
    const char* problem;
  };
  const Case cases[] = {
      {"", "it is empty"},
      {"::app", "it has an empty component"},
      {"app::", "it has an empty component"},
      {"app:shop", "'app:shop' is not a C++ identifier"},
      {"app::2x", "'2x' is not a C++ identifier"},
      {"app::class", "'class' is a C++ keyword"},
      {"and", "'and' is a C++ keyword"},
      {"app::a__b", "'a__b' is reserved in C++"},
      {"app::_Shop", "'_Shop' is reserved in C++"},
      {"_app", "'_app' is reserved in C++"},
  };
  for (const Case& c : cases) {
    auto compiled = compile_body("option cpp_namespace = \"" + std::string(c.name) + "\";");
    ASSERT_EQ(compiled.ids(), Ids{DiagId::InvalidCppNamespace}) << c.name;
    EXPECT_EQ(compiled.diagnostics[0].message,
              "invalid cpp_namespace \"" + std::string(c.name) + "\": " + std::string(c.problem));
  }
  EXPECT_EQ(errors_of("option cpp_namespace = \"app::_shop\";"), Ids{});
}

TEST(CheckOptions, DefaultCppNamespaceMustNotContainAKeyword) {
  auto compiled = compile("package acme.class.x;");
  ASSERT_EQ(compiled.ids(), Ids{DiagId::InvalidDefaultCppNamespace});
  EXPECT_EQ(
      compiled.diagnostics[0].message,
      "the C++ namespace 'acme::class::x' derived from the package is invalid: 'class' is a C++ keyword");
  EXPECT_EQ(compile("package acme.class.x;\noption cpp_namespace = \"acme::klass\";").ids(), Ids{});
}

TEST(Check, ReportsAllErrorsSortedByPosition) {
  auto compiled = compile_body("struct b {}\nenum E {}\nstruct A { X: i32; }\ngo service S { @inline f(); }");
  ASSERT_EQ(compiled.ids(),
            (Ids{DiagId::NotPascalCase, DiagId::EmptyEnum, DiagId::NotSnakeCase, DiagId::MisplacedInline}))
      << compiled.text();
  for (size_t i = 1; i < compiled.diagnostics.size(); ++i) {
    EXPECT_LT(compiled.diagnostics[i - 1].loc.line, compiled.diagnostics[i].loc.line);
  }
}

}  // namespace
}  // namespace cxx2go::compiler
