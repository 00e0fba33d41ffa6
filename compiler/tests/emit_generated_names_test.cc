// Names that clash only in generated code, and the check's knowledge of what the emitters declare: the
// lists must match what the emitters really write, or a clash could slip through to a compile error in
// the user's build.
#include "emit_generated_names.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "emitter.h"
#include "test_support.h"

namespace cxx2go::compiler {
namespace {

// The diagnostics of the front end, whose last phase is the generated-names check, rendered; empty when
// the schema compiles.
std::string clashes_of(std::string_view body) {
  auto compiled = testing::compile_body(body);
  EXPECT_EQ(compiled.schema.has_value(), compiled.diagnostics.empty());
  for (const Diagnostic& d : compiled.diagnostics) EXPECT_EQ(d.id, DiagId::GeneratedNameClash) << compiled.text();
  return compiled.text();
}

TEST(GeneratedNames, StructClashesWithAGoEnumConstant) {
  EXPECT_EQ(
      clashes_of("enum Color { RED = 0; }\nstruct ColorRed { a: i32; }\n"),
      "test.c2g:3:8: error: 'ColorRed' is declared twice in the generated Go code: by struct 'ColorRed' "
      "and by enum value 'Color.RED'\n"
      "test.c2g:2:14: note: enum value 'Color.RED' is declared here\n"
      "  hint: rename one of them\n");
  EXPECT_EQ(clashes_of("enum Color { RED = 0; }\nstruct ColorReds { a: i32; }\n"), "");  // control
}

TEST(GeneratedNames, EnumConstantsOfTwoEnumsClash) {
  // "Ab" + "C_D" and "AbC" + "D" are both AbCD in Go.
  EXPECT_NE(clashes_of("enum Ab { C_D = 0; }\nenum AbC { D = 0; }\n").find("'AbCD' is declared twice"),
            std::string::npos);
}

TEST(GeneratedNames, GoServiceNames) {
  for (const char* name : {"RegisterCatalog", "UnregisterCatalog"}) {
    std::string body = "go service Catalog { get() -> i64; }\nstruct " + std::string(name) + " { a: i32; }\n";
    EXPECT_NE(clashes_of(body).find("'" + std::string(name) + "' is declared twice in the generated Go code"),
              std::string::npos)
        << name;
  }
  // C++ calls a go service through SClient.
  EXPECT_NE(clashes_of("go service Catalog { get() -> i64; }\nstruct CatalogClient { a: i32; }\n")
                .find("'CatalogClient' is declared twice in the generated C++ code"),
            std::string::npos);
}

TEST(GeneratedNames, CppServiceNames) {
  for (const char* name : {"PricerClient", "NewPricerClient"}) {
    std::string body =
        "cpp service Pricer { quote() -> i64; }\nstruct " + std::string(name) + " { a: i32; }\n";
    EXPECT_NE(clashes_of(body).find("'" + std::string(name) + "' is declared twice in the generated Go code"),
              std::string::npos)
        << name;
  }
  // Neither clashes in C++ (the C++ class of a cpp service is its own name) nor in Go for a go service.
  EXPECT_EQ(clashes_of("go service Pricer { quote() -> i64; }\nstruct NewPricerClient { a: i32; }\n"), "");
  // Go declares the interface S of a cpp service S too (SClient implements it).
  EXPECT_NE(clashes_of("enum Pri { CER = 0; }\ncpp service PriCer { quote() -> i64; }\n")
                .find("'PriCer' is declared twice in the generated Go code"),
            std::string::npos);
}

// So `cxx2go --check` reports clashes too: tests/diagnostics/generated_name_clash.c2g.

// Every declaration the emitters write at the top level must be in the check's lists, and nothing else.
const char* kEverySortOfDeclaration = R"(package shop;
enum Color { RED = 0; LIGHT_BLUE = 1; }
struct Item { sku: string; color: Color; parts: list<Item>; }
struct Empty {}
go service Catalog { get(sku: string) -> Item; @oneway touch(sku: string); }
cpp service Pricer { quote(items: list<Item>) -> i64; @inline fast(x: i64) -> i64; }
@affine cpp service Ledger { add(x: i64); }
)";

std::set<std::string> names_of(const std::vector<GeneratedName>& names) {
  std::set<std::string> out;
  for (const GeneratedName& name : names) out.insert(name.name);
  return out;
}

std::set<std::string> declared(const std::string& text, const std::regex& declaration) {
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), declaration), end; it != end; ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

TEST(GeneratedNames, GoListMatchesTheGoEmitter) {
  auto compiled = testing::compile(kEverySortOfDeclaration);
  ASSERT_TRUE(compiled.schema) << compiled.text();
  std::string go = make_go_emitter()->emit(*compiled.schema).at(0).contents;
  // Exported package-level declarations: `type X`, `func X(`, `const X`, `var X` at the start of a line
  // (methods start with `func (`; unexported names are c2g-prefixed and reserved).
  std::set<std::string> written =
      declared(go, std::regex(R"((?:^|\n)(?:type|func|const|var) ([A-Z][A-Za-z0-9_]*))"));
  // Enum constants are declared in `const ( … )` blocks: `\tName Type = value`.
  std::set<std::string> constants = declared(go, std::regex(R"(\n\t([A-Z][A-Za-z0-9_]*) +[A-Z]\w* = -?\d+(?=\n))"));
  EXPECT_TRUE(constants.count("ColorRed") && constants.count("ColorLightBlue"));
  written.insert(constants.begin(), constants.end());
  EXPECT_EQ(written, names_of(go_package_names(*compiled.schema)));
  EXPECT_TRUE(written.count("ColorLightBlue") && written.count("NewPricerClient") &&
              written.count("UnregisterCatalog"));
}

TEST(GeneratedNames, CppListMatchesTheCppEmitter) {
  auto compiled = testing::compile(kEverySortOfDeclaration);
  ASSERT_TRUE(compiled.schema) << compiled.text();
  std::string header = make_cpp_emitter()->emit(*compiled.schema).at(0).contents;
  // Types at namespace scope start at the beginning of a line; members are indented.
  std::set<std::string> written =
      declared(header, std::regex(R"((?:^|\n)(?:class|struct|enum class) ([A-Za-z_][A-Za-z0-9_]*))"));
  EXPECT_EQ(written, names_of(cpp_namespace_names(*compiled.schema)));
  EXPECT_TRUE(written.count("CatalogClient") && written.count("Ledger"));
}

}  // namespace
}  // namespace cxx2go::compiler
