#include "emit_naming.h"

#include <gtest/gtest.h>

namespace cxx2go::compiler {
namespace {

TEST(GoNaming, ExportedNamesAreCamelCaseWithInitialisms) {
  EXPECT_EQ(go_exported_name("price_cents"), "PriceCents");
  EXPECT_EQ(go_exported_name("sku"), "Sku");
  EXPECT_EQ(go_exported_name("user_id"), "UserID");
  EXPECT_EQ(go_exported_name("http_url"), "HTTPURL");
  EXPECT_EQ(go_exported_name("i8_value"), "I8Value");
  EXPECT_EQ(go_exported_name("type"), "Type");  // exported names cannot collide with keywords
}

TEST(GoNaming, ParametersAreLowerCamelAndEscaped) {
  EXPECT_EQ(go_param_name("price_cents"), "priceCents");
  EXPECT_EQ(go_param_name("user_id"), "userID");
  EXPECT_EQ(go_param_name("id"), "id");
  for (const char* reserved : {"type", "func", "range", "select", "interface", "map", "string", "len",
                               "error", "nil", "ctx", "err", "impl", "in", "out", "cxx2go", "context"}) {
    EXPECT_EQ(go_param_name(reserved), std::string(reserved) + "_") << reserved;
  }
}

TEST(GoNaming, EnumConstantsArePrefixedWithTheirType) {
  EXPECT_EQ(go_enum_constant("Color", "RED"), "ColorRed");
  EXPECT_EQ(go_enum_constant("Color", "LIGHT_BLUE"), "ColorLightBlue");
  EXPECT_EQ(go_enum_constant("Kind", "HTTP_ERROR"), "KindHTTPError");
}

TEST(CppNaming, KeywordsAndMacrosAreEscaped) {
  EXPECT_EQ(cpp_name("price_cents"), "price_cents");
  for (const char* reserved : {"class", "delete", "default", "register", "and", "co_await", "errno",
                               "major", "minor", "NULL", "unix"}) {
    EXPECT_EQ(cpp_name(reserved), std::string(reserved) + "_") << reserved;
  }
  EXPECT_EQ(cpp_name("type"), "type");  // not a C++ keyword
  EXPECT_EQ(cpp_name("func"), "func");
}

TEST(CppNaming, ParametersAvoidTheGeneratedOnes) {
  EXPECT_EQ(cpp_param_name("options"), "options_");
  EXPECT_EQ(cpp_param_name("context"), "context_");
  EXPECT_EQ(cpp_param_name("class"), "class_");
  EXPECT_EQ(cpp_param_name("currency"), "currency");
}

}  // namespace
}  // namespace cxx2go::compiler
