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

// The shapes listed in emit_naming.h's comment.
TEST(SymbolShapes, QualifiedNames) {
  EXPECT_EQ(qualified_service_name("acme.shop", "Pricer"), "acme.shop.Pricer");
  EXPECT_EQ(qualified_method_name("acme.shop", "Pricer", "quote_all"), "acme.shop.Pricer.quote_all");
}

TEST(SymbolShapes, Go) {
  EXPECT_EQ(go_client_type("Pricer"), "PricerClient");
  EXPECT_EQ(go_client_constructor("Pricer"), "NewPricerClient");
  EXPECT_EQ(go_register_function("Catalog"), "RegisterCatalog");
  EXPECT_EQ(go_unregister_function("Catalog"), "UnregisterCatalog");
  EXPECT_EQ(go_struct_encoder("Item"), "c2gEncodeItem");
  EXPECT_EQ(go_struct_decoder("Item"), "c2gDecodeItem");
  EXPECT_EQ(go_method_var("Pricer", "quote_by_id"), "c2gMethodPricer_QuoteByID");
  EXPECT_EQ(go_handler_factory("Catalog", "get"), "c2gHandleCatalog_Get");
}

TEST(SymbolShapes, Cpp) {
  EXPECT_EQ(cpp_client_class("Catalog"), "CatalogClient");
  EXPECT_EQ(cpp_async_method("get"), "get_async");
  EXPECT_EQ(cpp_async_method("delete"), "delete__async");  // the escaped name, then the suffix
  EXPECT_EQ(cpp_method_info("Pricer", "quote"), "c2g_method_Pricer_quote");
  EXPECT_EQ(cpp_invoke_thunk("Pricer", "quote"), "c2g_invoke_Pricer_quote");
  EXPECT_EQ(cpp_method_table("Pricer"), "c2g_Pricer_methods");
  EXPECT_EQ(cpp_service_descriptor("Pricer"), "c2g_Pricer_descriptor");
  EXPECT_EQ(cpp_factory_function("PriceList"), "make_price_list");
  EXPECT_EQ(cgo_register_function("acme.shop", "Pricer"), "c2g_register_acme_shop_Pricer");
}

}  // namespace
}  // namespace cxx2go::compiler
