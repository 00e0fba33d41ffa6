// Per-language naming: how schema names become identifiers in generated code. The rules are data
// (keyword and initialism tables in naming.cc); emitters call these functions and never spell a
// conversion themselves, so every generated file names things the same way.
#pragma once

#include <string>
#include <string_view>

namespace cxx2go::compiler {

// snake_case → PascalCase for exported Go identifiers, with Go's initialisms upper-cased
// ("user_id" → "UserID", "http_url" → "HTTPURL").
std::string go_exported_name(std::string_view snake);
// snake_case → lowerCamelCase for Go parameters; escaped with a trailing '_' when it would collide with
// a Go keyword, a predeclared identifier, or a name the generated code uses ("type" → "type_").
std::string go_param_name(std::string_view snake);
// UPPER_SNAKE enum value → Go constant name: "Color" + "LIGHT_BLUE" → "ColorLightBlue".
std::string go_enum_constant(std::string_view enum_name, std::string_view value);

// The package-level Go names a service generates beside its own: a `cpp service` S gets the client type
// SClient and its constructor NewSClient; a `go service` S gets RegisterS and UnregisterS.
std::string go_client_type(std::string_view service);
std::string go_client_constructor(std::string_view service);
std::string go_register_function(std::string_view service);
std::string go_unregister_function(std::string_view service);

// A schema name as a C++ identifier: unchanged unless it is a C++ keyword, an alternative token or a
// macro that common headers define (errno, major, …): then a trailing '_' is added.
std::string cpp_name(std::string_view name);
// A parameter name in generated C++: like cpp_name, also escaping the names of the parameters the
// generated signatures add (context, options).
std::string cpp_param_name(std::string_view name);
// The C++ class that calls a `go service` S: SClient.
std::string cpp_client_class(std::string_view service);

// The factory of a `cpp service` S's implementation that the user defines for --go_opt=cgo, declared in
// the generated header in the schema's namespace: "Pricer" → make_pricer.
std::string cpp_factory_function(std::string_view service);
// The C function of STEM.c2g.cgo.cc that registers it (unique per service name, as registration is):
// package "acme.shop", "Pricer" → c2g_register_acme_shop_Pricer.
std::string cgo_register_function(std::string_view package, std::string_view service);

}  // namespace cxx2go::compiler
