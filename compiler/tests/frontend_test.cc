// The whole front end: the valid schemas of tests/schemas, the phase boundaries, and robustness.
#include "frontend.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "fingerprint.h"
#include "test_support.h"

namespace cxx2go::compiler {
namespace {

using testing::compile;
using testing::compile_body;
using testing::read_repo_file;
using Ids = std::vector<DiagId>;

const StructDef* find_struct(const Schema& schema, std::string_view name) {
  for (const StructDef& def : schema.structs) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

size_t position_of(const Schema& schema, std::string_view name) {
  for (size_t i = 0; i < schema.structs.size(); ++i) {
    if (schema.structs[i].name == name) return i;
  }
  return schema.structs.size();
}

TEST(Frontend, EveryValidSchemaCompiles) {
  size_t count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(CXX2GO_REPO_ROOT) + "/tests/schemas")) {
    if (entry.path().extension() != ".c2g") continue;
    ++count;
    std::string relative = "tests/schemas/" + entry.path().filename().string();
    std::vector<Diagnostic> diagnostics;
    EXPECT_TRUE(compile_schema(relative, read_repo_file(relative), diagnostics).has_value())
        << format_diagnostics(relative, diagnostics);
  }
  EXPECT_GE(count, 2u);
}

TEST(Frontend, Shop) {
  std::vector<Diagnostic> diagnostics;
  std::optional<Schema> schema =
      compile_schema("tests/schemas/shop.c2g", read_repo_file("tests/schemas/shop.c2g"), diagnostics);
  ASSERT_TRUE(schema.has_value()) << format_diagnostics("shop.c2g", diagnostics);
  EXPECT_EQ(schema->file, "tests/schemas/shop.c2g");
  EXPECT_EQ(schema->go_package, "github.com/cxx2go/cxx2go/tests/gen/shop");
  EXPECT_EQ(schema->go_package_name, "shop");
  EXPECT_EQ(schema->cpp_namespace, "cxx2go_test::shop");
  ASSERT_EQ(schema->services.size(), 2u);
  EXPECT_EQ(schema->services[0].side, ServiceSide::Go);
  EXPECT_TRUE(schema->services[1].affine);
  const StructDef* item = find_struct(*schema, "Item");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->fields.back().type->key->kind, TypeKind::Enum);
  EXPECT_EQ(item->fields[0].doc, (Doc{"Stock keeping unit: unique per item."}));
}

TEST(Frontend, Everything) {
  std::vector<Diagnostic> diagnostics;
  std::optional<Schema> schema =
      compile_schema("everything.c2g", read_repo_file("tests/schemas/everything.c2g"), diagnostics);
  ASSERT_TRUE(schema.has_value()) << format_diagnostics("everything.c2g", diagnostics);
  EXPECT_EQ(schema->cpp_namespace, "everything");

  std::vector<std::string> boxed;
  for (const StructDef& def : schema->structs) {
    for (const Field& field : def.fields) {
      if (field.boxed) boxed.push_back(def.name + "." + field.name);
    }
  }
  std::sort(boxed.begin(), boxed.end());
  EXPECT_EQ(boxed, (std::vector<std::string>{"Inner.outer", "Ping.pong", "Pong.ping", "Tree.copy"}));

  EXPECT_LT(position_of(*schema, "Inner"), position_of(*schema, "Outer"));
  for (const char* part :
       {"Scalars", "Empty", "Keywords", "Tree", "Ping", "Outer", "Optionals", "Lists", "Maps"}) {
    EXPECT_LT(position_of(*schema, part), position_of(*schema, "Everything")) << part;
  }
  EXPECT_EQ(schema->structs.back().name, "Everything");

  size_t methods = 0;
  for (const ServiceDef& service : schema->services) {
    for (const Method& method : service.methods) {
      ++methods;
      EXPECT_EQ(method.id, fnv1a64(method.canonical)) << method.name;
      EXPECT_EQ(method.canonical.rfind("everything." + service.name + "." + method.name + "(", 0), 0u);
    }
  }
  EXPECT_EQ(methods, 36u);
}

TEST(Frontend, LexerErrorsStopBeforeTheParser) {
  // Without the lexer's stop, `$` would also break the package declaration.
  EXPECT_EQ(compile("package p $ struct {").ids(), Ids{DiagId::UnexpectedCharacter});
}

TEST(Frontend, ParserErrorsStopBeforeResolve) {
  EXPECT_EQ(compile_body("struct A { a: Missing }").ids(), Ids{DiagId::ExpectedToken});
}

TEST(Frontend, CheckErrorsStopBeforeTheModelIsBuilt) {
  std::string params;
  for (int i = 0; i < 20; ++i) params += (i ? ", p" : "p") + std::to_string(i) + ": string";
  EXPECT_EQ(compile_body("go service S { Bad(" + params + "); }").ids(), Ids{DiagId::NotSnakeCase});
}

TEST(Frontend, DiagnosticsOfAPhaseAreSortedByPosition) {
  auto compiled = compile_body("go service S { f(x: Zed); }\nstruct A { b: Bee; }\nstruct B { a: Qux; }");
  ASSERT_EQ(compiled.ids(), Ids(3, DiagId::UnknownType)) << compiled.text();
  EXPECT_EQ(compiled.diagnostics[0].loc.line, 2u);
  EXPECT_EQ(compiled.diagnostics[1].loc.line, 3u);
  EXPECT_EQ(compiled.diagnostics[2].loc.line, 4u);
}

TEST(Frontend, AppendsToExistingDiagnostics) {
  std::vector<Diagnostic> diagnostics(1);
  EXPECT_FALSE(compile_schema("x.c2g", "", diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 2u);
  EXPECT_EQ(diagnostics[1].id, DiagId::EmptyFile);
}

TEST(Frontend, TheSchemaSurvivesAMove) {
  auto compiled = compile_body("struct A { b: B; }\nstruct B {}\n");
  ASSERT_TRUE(compiled.schema.has_value());
  Schema moved = std::move(*compiled.schema);
  EXPECT_EQ(moved.structs[1].fields[0].type->struct_def, &moved.structs[0]);
}

// Mutates the valid schemas byte by byte (deterministically) and compiles the result: every input must
// end in a schema or in diagnostics, never in a crash or a hang. A coarse stand-in for the fuzzer.
TEST(Frontend, SurvivesMutatedInput) {
  const std::string seeds[] = {read_repo_file("tests/schemas/shop.c2g"),
                               read_repo_file("tests/schemas/everything.c2g")};
  const std::string alphabet = "{}()<>;:,.=@/*\"-_ \n\tAaZz09\x80\xC3\xFF";
  std::mt19937 random(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string source = seeds[round % 2];
    int edits = 1 + static_cast<int>(random() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t at = random() % source.size();
      switch (random() % 4) {
        case 0:
          source[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          source.erase(at, 1 + random() % 20);
          break;
        case 2:
          source.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
        case 3:
          source.insert(at, source.substr(random() % source.size(), random() % 200));
          break;
      }
      if (source.empty()) source = "x";
    }
    std::vector<Diagnostic> diagnostics;
    std::optional<Schema> schema = compile_schema("fuzz.c2g", source, diagnostics);
    EXPECT_NE(schema.has_value(), !diagnostics.empty()) << source;
    if (!diagnostics.empty()) {
      EXPECT_FALSE(format_diagnostics("fuzz.c2g", diagnostics).empty());
    }
  }
}

}  // namespace
}  // namespace cxx2go::compiler
