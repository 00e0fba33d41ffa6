#include "diagnostics.h"

#include <gtest/gtest.h>

namespace cxx2go::compiler {
namespace {

TEST(Diagnostics, FillsPlaceholdersFromTheCentralTable) {
  std::vector<Diagnostic> out;
  Reporter reporter(out);
  reporter.error(DiagId::NotSnakeCase, SourceLoc{3, 5}, {"field", "Sku", "sku"});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, DiagId::NotSnakeCase);
  EXPECT_EQ(out[0].message, "field name 'Sku' must be snake_case");
  EXPECT_EQ(out[0].hint, "rename it to 'sku'");
  EXPECT_FALSE(out[0].note.has_value());
}

TEST(Diagnostics, BracesThatAreNotPlaceholdersStayLiteral) {
  std::vector<Diagnostic> out;
  Reporter reporter(out);
  reporter.error(DiagId::ExpectedServiceKeyword, SourceLoc{1, 1}, {"go", "'struct'"});
  EXPECT_EQ(out[0].hint, "a service is declared as `go service Name {...}`");
}

TEST(Diagnostics, FormatsErrorNoteAndHint) {
  std::vector<Diagnostic> out;
  Reporter reporter(out);
  reporter.error_with_note(DiagId::DuplicateDefinition, SourceLoc{4, 8}, SourceLoc{2, 8}, {"Item"});
  reporter.error(DiagId::ExpectedToken, SourceLoc{5, 1}, {"';'", "'}'"});
  EXPECT_EQ(format_diagnostics("dir/shop.c2g", out),
            "dir/shop.c2g:4:8: error: 'Item' is already defined\n"
            "dir/shop.c2g:2:8: note: 'Item' is first defined here\n"
            "  hint: types and services share one namespace per schema\n"
            "dir/shop.c2g:5:1: error: expected ';', found '}'\n");
}

TEST(Diagnostics, SortsOnlyItsOwnPhaseStably) {
  std::vector<Diagnostic> out;
  Reporter earlier(out);
  earlier.error(DiagId::EmptyEnum, SourceLoc{9, 1}, {"Late"});
  Reporter reporter(out);
  EXPECT_FALSE(reporter.has_errors());
  reporter.error(DiagId::EmptyEnum, SourceLoc{2, 7}, {"B"});
  reporter.error(DiagId::EmptyEnum, SourceLoc{2, 3}, {"A"});
  reporter.error(DiagId::EmptyEnum, SourceLoc{1, 9}, {"First"});
  reporter.error(DiagId::EmptyEnum, SourceLoc{2, 3}, {"A2"});
  EXPECT_TRUE(reporter.has_errors());
  reporter.sort_by_position();
  std::vector<std::string> order;
  for (const Diagnostic& d : out) order.push_back(d.message);
  EXPECT_EQ(order, (std::vector<std::string>{"enum 'Late' has no values", "enum 'First' has no values",
                                             "enum 'A' has no values", "enum 'A2' has no values",
                                             "enum 'B' has no values"}));
}

}  // namespace
}  // namespace cxx2go::compiler
