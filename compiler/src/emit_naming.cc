#include "emit_naming.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "name_rules.h"

namespace cxx2go::compiler {
namespace {

template <size_t N>
bool contains(const std::array<std::string_view, N>& table, std::string_view name) {
  return std::find(table.begin(), table.end(), name) != table.end();
}

// Go's predeclared identifiers (a parameter named `string` would shadow the type), and the names generated
// Go code uses next to user parameters. Keywords come from the front end's table (name_rules.h).
constexpr std::array<std::string_view, 53> kGoPredeclaredAndGenerated = {
    "any", "bool", "byte", "comparable", "complex64", "complex128", "error", "float32", "float64", "int",
    "int8", "int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64",
    "uintptr", "true", "false", "iota", "nil", "append", "cap", "clear", "close", "complex", "copy",
    "delete", "imag", "len", "make", "max", "min", "new", "panic", "print", "println", "real", "recover",
    "ctx", "err", "impl", "in", "out", "cxx2go", "c2gimpl", "context", "strconv"};

// golint's common initialisms.
constexpr std::array<std::string_view, 40> kGoInitialisms = {
    "acl", "api", "ascii", "cpu", "css", "dns", "eof", "guid", "html", "http", "https", "id", "ip",
    "json", "lhs", "qps", "ram", "rhs", "rpc", "sla", "smtp", "sql", "ssh", "tcp", "tls", "ttl",
    "udp", "ui", "uid", "uuid", "uri", "url", "utf8", "vm", "xml", "xmpp", "xsrf", "xss", "gid", "io"};

// Macros that common headers define (<cerrno>, <cassert>, <cstdio>, <sys/sysmacros.h>) and the predefined
// `unix`/`linux`: not keywords, but a field named like them would not compile either.
constexpr std::array<std::string_view, 12> kCppMacros = {
    "errno", "assert", "major", "minor", "makedev", "NULL", "EOF", "stdin", "stdout", "stderr", "unix", "linux"};
// Parameters that generated C++ signatures add after the schema's own.
constexpr std::array<std::string_view, 2> kCppGeneratedParams = {"context", "options"};

std::string capitalize_part(std::string_view part) {
  std::string lower(part);
  if (contains(kGoInitialisms, lower)) {
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return lower;
  }
  std::string out(part);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// Splits on '_' and applies `first` to the first non-empty part and `rest` to the others.
template <class First, class Rest>
std::string join_camel(std::string_view snake, First first, Rest rest) {
  std::string out;
  bool at_first = true;
  size_t start = 0;
  while (start <= snake.size()) {
    size_t end = snake.find('_', start);
    if (end == std::string_view::npos) end = snake.size();
    std::string_view part = snake.substr(start, end - start);
    if (!part.empty()) {
      out += at_first ? first(part) : rest(part);
      at_first = false;
    }
    start = end + 1;
  }
  return out;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string go_exported_name(std::string_view snake) {
  return join_camel(snake, capitalize_part, capitalize_part);
}

std::string go_param_name(std::string_view snake) {
  std::string name = join_camel(
      snake, [](std::string_view part) { return std::string(part); }, capitalize_part);
  if (is_go_keyword(name) || contains(kGoPredeclaredAndGenerated, name)) name += '_';
  return name;
}

std::string go_enum_constant(std::string_view enum_name, std::string_view value) {
  // Enum values are UPPER_SNAKE: lower-case them so initialisms and capitalisation apply as for fields.
  return std::string(enum_name) + go_exported_name(lower_ascii(value));
}

std::string qualified_service_name(std::string_view package, std::string_view service) {
  return std::string(package) + "." + std::string(service);
}

std::string qualified_method_name(std::string_view package, std::string_view service,
                                  std::string_view method) {
  return qualified_service_name(package, service) + "." + std::string(method);
}

std::string go_client_type(std::string_view service) { return std::string(service) + "Client"; }
std::string go_client_constructor(std::string_view service) { return "New" + go_client_type(service); }
std::string go_register_function(std::string_view service) { return "Register" + std::string(service); }
std::string go_unregister_function(std::string_view service) { return "Unregister" + std::string(service); }

std::string go_struct_encoder(std::string_view struct_name) { return "c2gEncode" + std::string(struct_name); }
std::string go_struct_decoder(std::string_view struct_name) { return "c2gDecode" + std::string(struct_name); }

std::string go_method_var(std::string_view service, std::string_view method) {
  return "c2gMethod" + std::string(service) + "_" + go_exported_name(method);
}

std::string go_handler_factory(std::string_view service, std::string_view method) {
  return "c2gHandle" + std::string(service) + "_" + go_exported_name(method);
}

std::string go_direct_handler_factory(std::string_view service, std::string_view method) {
  return "c2gDirect" + std::string(service) + "_" + go_exported_name(method);
}

std::string cpp_client_class(std::string_view service) { return cpp_name(service) + "Client"; }

std::string cpp_async_method(std::string_view method) {
  return cpp_name(method) + std::string(kCppAsyncSuffix);
}

std::string cpp_method_info(std::string_view service, std::string_view method) {
  return "c2g_method_" + std::string(service) + "_" + std::string(method);
}

std::string cpp_invoke_thunk(std::string_view service, std::string_view method) {
  return "c2g_invoke_" + std::string(service) + "_" + std::string(method);
}

std::string cpp_direct_thunk(std::string_view service, std::string_view method) {
  return "c2g_direct_" + std::string(service) + "_" + std::string(method);
}

std::string cpp_direct_binding(std::string_view service) { return "c2g_" + std::string(service) + "_binding"; }

std::string cpp_method_table(std::string_view service) { return "c2g_" + std::string(service) + "_methods"; }
std::string cpp_service_descriptor(std::string_view service) {
  return "c2g_" + std::string(service) + "_descriptor";
}

std::string cpp_name(std::string_view name) {
  std::string out(name);
  if (is_cpp_keyword(name) || contains(kCppMacros, name)) out += '_';
  return out;
}

std::string cpp_param_name(std::string_view name) {
  std::string out = cpp_name(name);
  if (contains(kCppGeneratedParams, out)) out += '_';
  return out;
}

std::string cpp_factory_function(std::string_view service) { return "make_" + to_snake_case(service); }

std::string cgo_register_function(std::string_view package, std::string_view service) {
  std::string name = "c2g_register_" + std::string(package) + "_" + std::string(service);
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

}  // namespace cxx2go::compiler
