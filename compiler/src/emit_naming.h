// Every name that generated code declares or refers to by a schema name, in one module: emitters call
// these functions and never spell a conversion or a symbol shape themselves, so every generated file
// names things the same way, and the generated-name check (emit_generated_names.h) sees what the
// emitters write. The rules are data (keyword and initialism tables in emit_naming.cc).
//
// The symbol shapes, for schema names S (service), T (struct), E (enum), V (enum value), m (method,
// snake_case), f (field), p (parameter), in package `pkg` (dotted: `acme.shop`):
//
//   qualified names   "pkg.S" (registration, descriptors, messages), "pkg.S.m" (method names)
//
//   Go, exported      T, E, EV (go_enum_constant: EnumValue → ColorLightBlue), fields F (go_exported_name:
//                     user_id → UserID); go service S: interface S, RegisterS, UnregisterS, methods M;
//                     cpp service S: interface S, SClient (implements S), NewSClient, methods M
//   Go, unexported    c2gEncodeT, c2gDecodeT (struct codecs); c2gMethodS_M (a cpp service's method
//                     descriptor); c2gHandleS_M, c2gDirectS_M (a go service's handler factories). The '_' keeps S and M
//                     apart: without it service AB's method c_d and service ABC's method d coincide.
//   Go, locals        parameters p in lowerCamelCase (go_param_name), escaped with '_' when they would
//                     shadow a keyword, a predeclared name or the locals generated code adds without a
//                     prefix (ctx, err, impl, in, out); every other local starts with c2g (c2gArgs, c2gI0, …)
//
//   C++, namespace    T, E, V, f, m (cpp_name: escaped with '_' when a keyword or common macro);
//                     go service S: class SClient with m and m_async; cpp service S: class S with m and
//                     m_async, and the factory make_s (cpp_factory_function)
//   C++, file scope   c2g_encode / c2g_decode / c2g_min_size overloads for T (the runtime's codec
//                     names); c2g_method_S_m (MethodInfo); c2g_invoke_S_m (dispatch thunk);
//                     c2g_direct_S_m (a @direct method's direct function); c2g_S_methods,
//                     c2g_S_descriptor, c2g_S_binding (a cpp service's method table, descriptor, and
//                     the implementation its @direct methods call)
//   C++, locals       parameters p (cpp_param_name: also escaping the added `context` and `options`);
//                     every other local starts with c2g_ (c2g_args, c2g_call, …)
//   cgo (C)           c2g_register_pkg_S (--go_opt=cgo: registers a cpp service's implementation)
//
// Schema names cannot start with c2g (name_rules.h), so the c2g names never clash with users' names;
// the generated-name check reports the other clashes.
#pragma once

#include <string>
#include <string_view>

namespace cxx2go::compiler {

// ---- Both languages ----

// "pkg.S": how the runtimes and messages name a service.
std::string qualified_service_name(std::string_view package, std::string_view service);
// "pkg.S.m": how the runtimes and messages name a method.
std::string qualified_method_name(std::string_view package, std::string_view service,
                                  std::string_view method);

// ---- Go ----

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

// The unexported package-level Go names: a struct's encoder and decoder, the descriptor variable of a
// cpp service's method, and the functions that make a go service's method handler and, for a @direct
// method, its direct handler.
std::string go_struct_encoder(std::string_view struct_name);
std::string go_struct_decoder(std::string_view struct_name);
std::string go_method_var(std::string_view service, std::string_view method);
std::string go_handler_factory(std::string_view service, std::string_view method);
std::string go_direct_handler_factory(std::string_view service, std::string_view method);

// ---- C++ ----

// A schema name as a C++ identifier: unchanged unless it is a C++ keyword, an alternative token or a
// macro that common headers define (errno, major, …): then a trailing '_' is added.
std::string cpp_name(std::string_view name);
// A parameter name in generated C++: like cpp_name, also escaping the names of the parameters the
// generated signatures add (context, options).
std::string cpp_param_name(std::string_view name);
// The C++ class that calls a `go service` S: SClient.
std::string cpp_client_class(std::string_view service);
// The asynchronous form of method m, beside the synchronous cpp_name(m): m_async. A schema method
// named like that would clash with it (the checker reports it).
inline constexpr std::string_view kCppAsyncSuffix = "_async";
std::string cpp_async_method(std::string_view method);

// The codec functions of the C++ runtime (cxx2go/detail/codec.h) that generated code overloads for
// each struct.
inline constexpr std::string_view kCppEncode = "c2g_encode";
inline constexpr std::string_view kCppDecode = "c2g_decode";
inline constexpr std::string_view kCppMinSize = "c2g_min_size";
// The file-scope names of a generated C++ source: a method's MethodInfo and dispatch thunk, a cpp
// service's method table and descriptor.
std::string cpp_method_info(std::string_view service, std::string_view method);
std::string cpp_invoke_thunk(std::string_view service, std::string_view method);
// A @direct method's cxx2go_direct_fn, and the DirectBinding of its service.
std::string cpp_direct_thunk(std::string_view service, std::string_view method);
std::string cpp_direct_binding(std::string_view service);
std::string cpp_method_table(std::string_view service);
std::string cpp_service_descriptor(std::string_view service);

// The factory of a `cpp service` S's implementation that the user defines for --go_opt=cgo, declared in
// the generated header in the schema's namespace: "Pricer" → make_pricer.
std::string cpp_factory_function(std::string_view service);
// The C function of STEM.c2g.cgo.cc that registers it (unique per service name, as registration is):
// package "acme.shop", "Pricer" → c2g_register_acme_shop_Pricer.
std::string cgo_register_function(std::string_view package, std::string_view service);

}  // namespace cxx2go::compiler
