#include "parser.h"

#include <gtest/gtest.h>

#include <string>

#include "lexer.h"

namespace cxx2go::compiler {
namespace {

struct Parsed {
  ast::File file;
  std::vector<Diagnostic> diagnostics;

  std::vector<DiagId> ids() const {
    std::vector<DiagId> out;
    for (const Diagnostic& d : diagnostics) out.push_back(d.id);
    return out;
  }
  std::string text() const { return format_diagnostics("test.c2g", diagnostics); }
};

Parsed parse_text(std::string_view source) {
  Parsed out;
  Reporter lex_reporter(out.diagnostics);
  std::vector<Token> tokens = lex(source, lex_reporter);
  EXPECT_FALSE(lex_reporter.has_errors()) << "the parser tests need lexically valid input";
  Reporter reporter(out.diagnostics);
  out.file = parse(tokens, reporter);
  reporter.sort_by_position();
  return out;
}

constexpr std::string_view kShop = R"(/// The shop.
package acme.shop;
option go_package = "example.com/app/shop";
enum Color { RED = 0; GREEN = -1; }
/// An item.
struct Item {
  /// Stock keeping unit.
  sku: string;
  attrs: map<string, list<f64>>;
}
/// Implemented in Go.
go service Catalog {
  get(sku: string) -> Item;
  /// Fire and forget.
  @oneway touch(sku: string, n: u32);
  none();
}
@affine cpp service Pricer { @inline fast(x: i64) -> i64; }
)";

TEST(Parser, BuildsTheSyntaxTree) {
  Parsed parsed = parse_text(kShop);
  ASSERT_TRUE(parsed.diagnostics.empty()) << parsed.text();
  const ast::File& file = parsed.file;

  EXPECT_EQ(file.package.dotted(), "acme.shop");
  EXPECT_EQ(file.package.doc, (Doc{"The shop."}));
  ASSERT_EQ(file.options.size(), 1u);
  EXPECT_EQ(file.options[0].name.text, "go_package");
  EXPECT_EQ(file.options[0].value, "example.com/app/shop");

  ASSERT_EQ(file.enums.size(), 1u);
  ASSERT_EQ(file.enums[0].values.size(), 2u);
  EXPECT_EQ(file.enums[0].values[1].name.text, "GREEN");
  EXPECT_EQ(file.enums[0].values[1].value, -1);

  ASSERT_EQ(file.structs.size(), 1u);
  const ast::StructDecl& item = file.structs[0];
  EXPECT_EQ(item.doc, (Doc{"An item."}));
  ASSERT_EQ(item.fields.size(), 2u);
  EXPECT_EQ(item.fields[0].doc, (Doc{"Stock keeping unit."}));
  EXPECT_EQ(item.fields[0].name.loc.line, 8u);
  EXPECT_EQ(item.fields[0].name.loc.col, 3u);
  const ast::TypeRef& attrs = item.fields[1].type;
  EXPECT_EQ(attrs.name.text, "map");
  ASSERT_EQ(attrs.args.size(), 2u);
  EXPECT_EQ(attrs.args[1].name.text, "list");
  EXPECT_EQ(attrs.args[1].args[0].name.text, "f64");

  ASSERT_EQ(file.services.size(), 2u);
  const ast::ServiceDecl& catalog = file.services[0];
  EXPECT_EQ(catalog.side, ServiceSide::Go);
  EXPECT_EQ(catalog.doc, (Doc{"Implemented in Go."}));
  ASSERT_EQ(catalog.methods.size(), 3u);
  EXPECT_TRUE(catalog.methods[0].result.has_value());
  const ast::MethodDecl& touch = catalog.methods[1];
  EXPECT_EQ(touch.doc, (Doc{"Fire and forget."}));  // on the attribute, the method's first token
  ASSERT_EQ(touch.attributes.size(), 1u);
  EXPECT_EQ(touch.attributes[0].name, "oneway");
  ASSERT_EQ(touch.params.size(), 2u);
  EXPECT_EQ(touch.params[1].name.text, "n");
  EXPECT_FALSE(touch.result.has_value());
  EXPECT_TRUE(catalog.methods[2].params.empty());

  const ast::ServiceDecl& pricer = file.services[1];
  EXPECT_EQ(pricer.side, ServiceSide::Cpp);
  ASSERT_EQ(pricer.attributes.size(), 1u);
  EXPECT_EQ(pricer.attributes[0].name, "affine");
}

TEST(Parser, KeywordsAreOrdinaryNamesInsideDeclarations) {
  Parsed parsed = parse_text(
      "package p; struct S { struct: i32; enum: i32; package: i32; service: i32; go: i32; option: i32; }"
      "go service X { struct(service: i32) -> i32; }");
  ASSERT_TRUE(parsed.diagnostics.empty()) << parsed.text();
  EXPECT_EQ(parsed.file.structs[0].fields.size(), 6u);
  EXPECT_EQ(parsed.file.services[0].methods[0].name.text, "struct");
}

TEST(Parser, EmptyFile) {
  EXPECT_EQ(parse_text("").ids(), (std::vector<DiagId>{DiagId::EmptyFile}));
  EXPECT_EQ(parse_text("  // only a comment\n").ids(), (std::vector<DiagId>{DiagId::EmptyFile}));
}

TEST(Parser, ABrokenPackageDeclarationIsNotAlsoMissing) {
  EXPECT_EQ(parse_text("package ;\nstruct A {}").ids(), (std::vector<DiagId>{DiagId::ExpectedToken}));
}

TEST(Parser, PackageMustBeFirstAndUnique) {
  EXPECT_EQ(parse_text("struct A {}").ids(), (std::vector<DiagId>{DiagId::MissingPackage}));
  EXPECT_EQ(parse_text("struct A {} package p;").ids(), (std::vector<DiagId>{DiagId::PackageNotFirst}));
  Parsed duplicate = parse_text("package p;\npackage q;");
  ASSERT_EQ(duplicate.ids(), (std::vector<DiagId>{DiagId::DuplicatePackage}));
  ASSERT_TRUE(duplicate.diagnostics[0].note.has_value());
  EXPECT_EQ(duplicate.diagnostics[0].note->loc.line, 1u);
  EXPECT_EQ(duplicate.file.package.dotted(), "p");
}

TEST(Parser, ServiceLanguage) {
  EXPECT_EQ(parse_text("package p; service S {}").ids(), (std::vector<DiagId>{DiagId::MissingServiceSide}));
  EXPECT_EQ(parse_text("package p; rust service S {}").ids(),
            (std::vector<DiagId>{DiagId::UnknownServiceSide}));
  EXPECT_EQ(parse_text("package p; go S {}").ids(), (std::vector<DiagId>{DiagId::ExpectedServiceKeyword}));
  EXPECT_EQ(parse_text("package p; cpp struct S {}").ids(),
            (std::vector<DiagId>{DiagId::ExpectedServiceKeyword}));
  Parsed missing = parse_text("package p; service Catalog {}");
  EXPECT_EQ(missing.diagnostics[0].hint,
            "write `go service Catalog` (implemented in Go, called from C++) or `cpp service Catalog` "
            "(implemented in C++, called from Go)");
}

TEST(Parser, ErrorsInsideAServiceWithAnUnknownLanguageAreStillFound) {
  Parsed parsed = parse_text("package p; service S { get(; }");
  EXPECT_EQ(parsed.ids(), (std::vector<DiagId>{DiagId::MissingServiceSide, DiagId::ExpectedToken}));
}

TEST(Parser, ExpectedTokenMessagesNameWhatWasExpected) {
  auto message = [](std::string_view source) {
    Parsed parsed = parse_text(source);
    return parsed.diagnostics.empty() ? std::string() : parsed.diagnostics[0].message;
  };
  EXPECT_EQ(message("package p"), "expected ';' after the package name, found end of file");
  EXPECT_EQ(message("package p; struct A { a i32; }"), "expected ':' after field 'a', found 'i32'");
  EXPECT_EQ(message("package p; struct A { a: i32 }"), "expected ';' after field 'a', found '}'");
  EXPECT_EQ(message("package p; struct A { a: map<i32 i32>; }"),
            "expected ',' or '>' in the type arguments of 'map', found 'i32'");
  EXPECT_EQ(message("package p; go service S { f(a: i32 b: i32); }"),
            "expected ',' or ')' in the parameters of 'f', found 'b'");
  EXPECT_EQ(message("package p; go service S { f() -> ; }"), "expected a type, found ';'");
  EXPECT_EQ(message("package p; option go_package = 3;"),
            "expected a string value for option 'go_package', found integer 3");
  EXPECT_EQ(message("package p; enum E { A = B; }"), "expected a number for 'A', found 'B'");
  EXPECT_EQ(message("package p; struct A { @; }"), "expected an attribute name after '@', found ';'");
  EXPECT_EQ(message("package p; 42"), "expected a declaration, found integer 42");
}

TEST(Parser, RecoversAtSemicolonsAndBracesToReportEveryError) {
  Parsed parsed = parse_text(
      "package p;\n"
      "struct A { a i32; b: i32; c: ; }\n"  // two broken fields, one good one
      "struct B C {}\n"                     // broken header: the whole declaration is skipped
      "enum E { X = ; Y = 1; }\n"
      "go service S { f(; g(); }\n");
  EXPECT_EQ(parsed.ids(), std::vector<DiagId>(5, DiagId::ExpectedToken)) << parsed.text();
  std::vector<uint32_t> lines;
  for (const Diagnostic& d : parsed.diagnostics) lines.push_back(d.loc.line);
  EXPECT_EQ(lines, (std::vector<uint32_t>{2, 2, 3, 4, 5}));
}

TEST(Parser, AMissingClosingBraceAfterABrokenMemberIsNotReportedTwice) {
  Parsed parsed = parse_text("package p;\nstruct A { a: i32;\nstruct B { b: i32; }\n");
  EXPECT_EQ(parsed.ids(), (std::vector<DiagId>{DiagId::ExpectedToken})) << parsed.text();
  EXPECT_EQ(parsed.diagnostics[0].loc.line, 3u);
}

TEST(Parser, UnclosedBodyAtEndOfFile) {
  Parsed parsed = parse_text("package p; struct A { a: i32;");
  ASSERT_EQ(parsed.ids(), (std::vector<DiagId>{DiagId::ExpectedToken}));
  EXPECT_EQ(parsed.diagnostics[0].message, "expected '}' to close struct 'A', found end of file");
}

std::string nested_list(int depth) {
  std::string type = "i32";
  for (int i = 1; i < depth; ++i) type = "list<" + type + ">";
  return type;
}

TEST(Parser, TypeNestingIsLimited) {
  EXPECT_TRUE(
      parse_text("package p; struct A { a: " + nested_list(kMaxTypeDepth) + "; }").diagnostics.empty());
  Parsed too_deep = parse_text("package p; struct A { a: " + nested_list(kMaxTypeDepth + 1) + "; }");
  EXPECT_EQ(too_deep.ids(), (std::vector<DiagId>{DiagId::TypeTooDeep}));
  EXPECT_EQ(too_deep.diagnostics[0].message, "type is nested more than 64 levels deep");
}

TEST(Parser, VeryDeepNestingStopsAtTheLimit) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "list<";
  Parsed parsed = parse_text("package p; struct A { a: " + deep + "i32; }");
  EXPECT_EQ(parsed.ids(), (std::vector<DiagId>{DiagId::TypeTooDeep}));
}

TEST(Parser, EnumValuesMustFitInI32) {
  EXPECT_TRUE(parse_text("package p; enum E { A = 2147483647; B = -2147483648; }").diagnostics.empty());
  EXPECT_EQ(parse_text("package p; enum E { A = 2147483648; }").ids(),
            (std::vector<DiagId>{DiagId::EnumValueOutOfRange}));
  EXPECT_EQ(parse_text("package p; enum E { A = -2147483649; }").ids(),
            (std::vector<DiagId>{DiagId::EnumValueOutOfRange}));
  Parsed huge = parse_text("package p; enum E { A = 99999999999999999999999; }");
  ASSERT_EQ(huge.ids(), (std::vector<DiagId>{DiagId::EnumValueOutOfRange}));
  EXPECT_EQ(huge.diagnostics[0].message, "enum value 99999999999999999999999 does not fit in i32");
}

TEST(Parser, DocCommentsMustDocumentSomething) {
  Parsed parsed = parse_text(
      "package p;\n"
      "/// on an option\n"
      "option go_package = \"a/b\";\n"
      "struct A { a: i32; /// before a closing brace\n}\n"
      "go service S { f(/// on a parameter\n x: i32); }\n"
      "/// at the end\n");
  EXPECT_EQ(parsed.ids(), std::vector<DiagId>(4, DiagId::UnattachedDocComment)) << parsed.text();
  std::vector<uint32_t> lines;
  for (const Diagnostic& d : parsed.diagnostics) lines.push_back(d.loc.line);
  EXPECT_EQ(lines, (std::vector<uint32_t>{2, 4, 6, 8}));
}

TEST(Parser, DocCommentsOnEveryDocumentableItemAreAccepted) {
  Parsed parsed = parse_text(
      "/// p\npackage p;\n/// e\nenum E { /// v\n V = 0; }\n/// s\n@x struct S { /// f\n f: i32; }\n"
      "/// svc\ngo service G { /// m\n m(); }\n");
  EXPECT_TRUE(parsed.diagnostics.empty()) << parsed.text();
  EXPECT_EQ(parsed.file.structs[0].doc, (Doc{"s"}));
  EXPECT_EQ(parsed.file.enums[0].values[0].doc, (Doc{"v"}));
  EXPECT_EQ(parsed.file.services[0].methods[0].doc, (Doc{"m"}));
}

}  // namespace
}  // namespace cxx2go::compiler
