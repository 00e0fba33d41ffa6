#include "diagnostics.h"

#include <algorithm>

namespace cxx2go::compiler {
namespace {

struct MessageSpec {
  DiagId id;
  const char* message;
  const char* hint;  // nullptr: none
  const char* note;  // nullptr: the diagnostic has no related location
};

// Every text the compiler prints about a schema. Placeholders {0}…{9} are filled from the
// arguments of Reporter::error; names are quoted with '…', code in hints with `…`.
constexpr MessageSpec kMessages[] = {
    // lexer
    {DiagId::InvalidUtf8, "invalid UTF-8 byte 0x{0}", "schema files must be encoded in UTF-8", nullptr},
    {DiagId::UnexpectedCharacter, "unexpected character {0}", nullptr, nullptr},
    {DiagId::UnterminatedBlockComment, "unterminated block comment",
     "a block comment ends with `*/`; block comments do not nest", nullptr},
    {DiagId::UnterminatedString, "unterminated string literal",
     "a string literal ends with `\"` on the same line", nullptr},

    // parser
    {DiagId::EmptyFile, "empty schema file", "a schema starts with `package name;`", nullptr},
    {DiagId::MissingPackage, "missing package declaration",
     "a schema starts with `package name;`, before any other declaration", nullptr},
    {DiagId::PackageNotFirst, "the package declaration must come first",
     "move `package {0};` to the top of the file", nullptr},
    {DiagId::DuplicatePackage, "duplicate package declaration", "a schema file declares one package",
     "the package is first declared here"},
    {DiagId::ExpectedToken, "expected {0}, found {1}", nullptr, nullptr},
    {DiagId::ExpectedDeclaration, "expected a declaration, found {0}",
     "declarations are `struct`, `enum`, `go service`, `cpp service` and `option`", nullptr},
    {DiagId::MissingServiceSide, "service '{0}' does not say which language implements it",
     "write `go service {0}` (implemented in Go, called from C++) or `cpp service {0}` (implemented in "
     "C++, called from Go)",
     nullptr},
    {DiagId::UnknownServiceSide, "unknown service language '{0}'",
     "write `go service {1}` (implemented in Go, called from C++) or `cpp service {1}` (implemented in "
     "C++, called from Go)",
     nullptr},
    {DiagId::ExpectedServiceKeyword, "expected 'service' after '{0}', found {1}",
     "a service is declared as `{0} service Name {...}`", nullptr},
    {DiagId::TypeTooDeep, "type is nested more than {0} levels deep",
     "name an inner part of the type with a struct", nullptr},
    {DiagId::EnumValueOutOfRange, "enum value {0} does not fit in i32",
     "enum values range from -2147483648 to 2147483647", nullptr},
    {DiagId::UnattachedDocComment, "doc comment does not document anything",
     "`///` documents the package, type, field, enum value, service or method that follows it; use `//` "
     "for other comments",
     nullptr},

    // resolve
    {DiagId::DuplicateDefinition, "'{0}' is already defined",
     "types and services share one namespace per schema", "'{0}' is first defined here"},
    {DiagId::UnknownType, "unknown type '{0}'", nullptr, nullptr},
    {DiagId::UnknownTypeDidYouMean, "unknown type '{0}'", "did you mean '{1}'?", nullptr},
    {DiagId::ServiceUsedAsType, "'{0}' is a service, not a type",
     "services cannot be passed as values; use a struct or an enum", nullptr},
    {DiagId::WrongTypeArgumentCount, "'{0}' takes {1}, found {2}", "write `{3}`", nullptr},
    {DiagId::NotGeneric, "'{0}' does not take type arguments",
     "only list<T>, map<K, V> and optional<T> take type arguments", nullptr},

    // check: names
    {DiagId::ReservedName, "{0} name '{1}' is reserved",
     "names starting with `c2g` (in any case) or `_` are reserved for generated code", nullptr},
    {DiagId::NotPascalCase, "{0} name '{1}' must be PascalCase", "rename it to '{2}'", nullptr},
    {DiagId::NotSnakeCase, "{0} name '{1}' must be snake_case", "rename it to '{2}'", nullptr},
    {DiagId::NotUpperSnakeCase, "enum value '{0}' must be UPPER_SNAKE_CASE", "rename it to '{1}'", nullptr},
    {DiagId::DuplicateMember, "duplicate {0} '{1}' in {2} '{3}'", nullptr, "'{1}' is first declared here"},
    {DiagId::NamesDifferOnlyInUnderscores, "{0} '{1}' differs from '{2}' only in underscores",
     "generated names drop underscores (Go uses PascalCase), so the two can collide; rename one of them",
     "'{2}' is declared here"},
    {DiagId::AsyncTwinClash, "method '{0}' clashes with the asynchronous twin of method '{1}'",
     "generated C++ declares '{1}_async' next to every method '{1}'; rename one of them",
     "'{1}' is declared here"},

    // check: enums and types
    {DiagId::EmptyEnum, "enum '{0}' has no values", "an enum needs at least one value, e.g. `UNKNOWN = 0;`",
     nullptr},
    {DiagId::DuplicateEnumNumber, "enum value '{0}' reuses the number {1}",
     "every value of an enum needs its own number", "'{2}' is {1}"},
    {DiagId::UnsupportedMapKey, "map key type '{0}' is not supported",
     "map keys must be integers, bool, string or an enum", nullptr},
    {DiagId::NestedOptional, "optional<optional<...>> is not supported",
     "Go and JSON cannot tell the two absent states apart; use one optional<> and an enum if needed",
     nullptr},
    {DiagId::StructContainsItself, "struct '{0}' contains itself: {1}",
     "a struct cannot contain itself by value; break the cycle with optional<>, list<> or map<>", nullptr},

    // check: attributes and methods
    {DiagId::UnknownAttribute, "unknown attribute '@{0}'",
     "known attributes are @oneway and @direct (methods), @inline (cpp methods), @affine (cpp services) and "
     "@transport(ring) (services)",
     nullptr},
    {DiagId::DuplicateAttribute, "duplicate attribute '@{0}'", nullptr, nullptr},
    {DiagId::MisplacedOneway, "'@oneway' is not allowed on {0}", "@oneway applies to methods", nullptr},
    {DiagId::MisplacedInline, "'@inline' is not allowed on {0}",
     "@inline applies to methods of a cpp service: the C++ implementation runs on the calling Go thread",
     nullptr},
    {DiagId::MisplacedDirect, "'@direct' is not allowed on {0}",
     "@direct applies to methods: the caller calls the bound implementation without dispatch", nullptr},
    {DiagId::MisplacedAffine, "'@affine' is not allowed on {0}",
     "@affine applies to cpp services: every call runs on one dedicated C++ thread", nullptr},
    {DiagId::MisplacedTransport, "'@transport' is not allowed on {0}",
     "@transport applies to a whole service: `@transport(ring) go service Catalog { ... }`", nullptr},
    {DiagId::UnknownTransport, "unknown transport '{0}'",
     "known transports are ring (shared-memory rings, docs/ring.md) and cgo (the default)", nullptr},
    {DiagId::MissingAttributeArgument, "'@{0}' needs an argument", "write it as @{0}({1})", nullptr},
    {DiagId::UnexpectedAttributeArgument, "'@{0}' takes no argument", "write it as @{0}", nullptr},
    {DiagId::OnewayWithResult, "@oneway method '{0}' cannot return a result",
     "a fire-and-forget call has no result; remove `-> {1}` or `@oneway`", nullptr},
    {DiagId::InlineOneway, "method '{0}' cannot be both @inline and @oneway",
     "an @inline call runs to completion on the caller's thread, so it cannot be fire-and-forget", nullptr},
    {DiagId::DirectOneway, "method '{0}' cannot be both @direct and @oneway",
     "a @direct call runs to completion on the caller's thread, so it cannot be fire-and-forget", nullptr},
    {DiagId::DirectResultTooLarge, "@direct method '{0}' returns {1}, which does not fit in {2} words",
     "the result of a @direct method travels in words: a scalar, bool, enum, or a struct of up to {2} of "
     "them (nested structs count their fields); use @inline for other results",
     nullptr},
    {DiagId::TooManyViewParams, "method '{0}' has {1} parameters passed as views; at most {2} are supported",
     "parameters of type string, bytes and list<number> travel as views; group some of them in a struct",
     nullptr},

    // check: options
    {DiagId::UnknownOption, "unknown option '{0}'", "known options are go_package and cpp_namespace",
     nullptr},
    {DiagId::DuplicateOption, "duplicate option '{0}'", nullptr, "'{0}' is first set here"},
    {DiagId::InvalidGoPackage, "invalid go_package \"{0}\": {1}",
     "go_package is a Go import path, e.g. \"example.com/app/shop\"", nullptr},
    {DiagId::InvalidGoPackageName, "Go package name '{0}' (the last element of go_package \"{1}\") {2}",
     "set `option go_package = \"...\";` to an import path whose last element is a Go identifier", nullptr},
    {DiagId::InvalidExplicitGoPackageName, "Go package name '{0}' (after ';' in go_package \"{1}\") {2}",
     "the form is \"import/path;name\", the name a Go identifier that is not a keyword", nullptr},
    {DiagId::InvalidCppNamespace, "invalid cpp_namespace \"{0}\": {1}",
     "cpp_namespace is a C++ namespace, e.g. \"app::shop\"", nullptr},
    {DiagId::InvalidDefaultCppNamespace, "the C++ namespace '{0}' derived from the package is invalid: {1}",
     "set `option cpp_namespace = \"...\";`", nullptr},

    // model building
    {DiagId::SignatureTooLarge, "the signature of method '{0}' is too large to fingerprint (over {1} bytes)",
     "the fingerprint spells out every struct the method uses; pass fewer or smaller structs", nullptr},
    {DiagId::SignaturesTooLargeInTotal,
     "the signatures of the methods up to '{0}' are too large to fingerprint (over {1} bytes in total)",
     "the fingerprints spell out every struct each method uses; pass fewer or smaller structs", nullptr},

    // emitters: names the generated code declares
    {DiagId::GeneratedNameClash, "'{0}' is declared twice in the generated {1} code: by {2} and by {3}",
     "rename one of them", "{3} is declared here"},

    // driver: what the requested output needs
    {DiagId::MissingGoPackage, "--go_out needs `option go_package`: the Go import path decides where the "
     "generated package goes and what its name is",
     "add e.g. `option go_package = \"example.com/app/{0}\";` after the package declaration", nullptr},
    {DiagId::GoPackageOutsideModule, "go_package \"{0}\" is not inside module {1} (--go_opt=module={1})",
     "with module=, --go_out is the root of that module: the import path must start with {1}/", nullptr},
};

constexpr bool messages_are_indexed_by_id() {
  for (size_t i = 0; i < std::size(kMessages); ++i) {
    if (static_cast<size_t>(kMessages[i].id) != i) return false;
  }
  return std::size(kMessages) == static_cast<size_t>(DiagId::GoPackageOutsideModule) + 1;  // the last DiagId
}
static_assert(messages_are_indexed_by_id(), "kMessages must list every DiagId once, in enum order");

// Replaces {0}…{9} in `text` by `args`; other braces are literal.
std::string fill(const char* text, std::initializer_list<std::string_view> args) {
  std::string out;
  std::string_view rest(text);
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == '{' && i + 2 < rest.size() && rest[i + 1] >= '0' && rest[i + 1] <= '9' && rest[i + 2] == '}') {
      size_t index = static_cast<size_t>(rest[i + 1] - '0');
      if (index < args.size()) out += args.begin()[index];
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string location(std::string_view path, SourceLoc loc) {
  return std::string(path) + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

}  // namespace

void Reporter::error(DiagId id, SourceLoc loc, std::initializer_list<std::string_view> args) {
  const MessageSpec& spec = kMessages[static_cast<size_t>(id)];
  Diagnostic diagnostic;
  diagnostic.id = id;
  diagnostic.loc = loc;
  diagnostic.message = fill(spec.message, args);
  if (spec.hint != nullptr) diagnostic.hint = fill(spec.hint, args);
  out_.push_back(std::move(diagnostic));
}

void Reporter::error_with_note(DiagId id, SourceLoc loc, SourceLoc note_loc,
                               std::initializer_list<std::string_view> args) {
  error(id, loc, args);
  const MessageSpec& spec = kMessages[static_cast<size_t>(id)];
  if (spec.note != nullptr) out_.back().note = DiagnosticNote{note_loc, fill(spec.note, args)};
}

void Reporter::sort_by_position() {
  std::stable_sort(out_.begin() + static_cast<std::ptrdiff_t>(first_), out_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
                     return a.loc.col < b.loc.col;
                   });
}

std::string format_diagnostics(std::string_view path, const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) {
    out += location(path, diagnostic.loc) + ": error: " + diagnostic.message + "\n";
    if (diagnostic.note) {
      out += location(path, diagnostic.note->loc) + ": note: " + diagnostic.note->message + "\n";
    }
    if (!diagnostic.hint.empty()) out += "  hint: " + diagnostic.hint + "\n";
  }
  return out;
}

}  // namespace cxx2go::compiler
