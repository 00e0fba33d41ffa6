#include "resolve.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

namespace cxx2go::compiler {
namespace {

struct Builtin {
  std::string_view name;
  TypeKind kind;
  size_t arity;              // number of type arguments
  std::string_view takes;    // for messages: "one type argument"
  std::string_view pattern;  // for hints: "list<T>"
};

constexpr Builtin kBuiltins[] = {
    {"bool", TypeKind::Bool, 0, "", ""},
    {"i8", TypeKind::I8, 0, "", ""},
    {"i16", TypeKind::I16, 0, "", ""},
    {"i32", TypeKind::I32, 0, "", ""},
    {"i64", TypeKind::I64, 0, "", ""},
    {"u8", TypeKind::U8, 0, "", ""},
    {"u16", TypeKind::U16, 0, "", ""},
    {"u32", TypeKind::U32, 0, "", ""},
    {"u64", TypeKind::U64, 0, "", ""},
    {"f32", TypeKind::F32, 0, "", ""},
    {"f64", TypeKind::F64, 0, "", ""},
    {"string", TypeKind::String, 0, "", ""},
    {"bytes", TypeKind::Bytes, 0, "", ""},
    {"list", TypeKind::List, 1, "one type argument", "list<T>"},
    {"map", TypeKind::Map, 2, "two type arguments", "map<K, V>"},
    {"optional", TypeKind::Optional, 1, "one type argument", "optional<T>"},
};

// Type names of other languages that people write out of habit.
constexpr std::pair<std::string_view, std::string_view> kForeignTypeNames[] = {
    {"int", "i32"},    {"int8", "i8"},        {"int16", "i16"},  {"int32", "i32"},   {"int64", "i64"},
    {"long", "i64"},   {"uint", "u32"},       {"uint8", "u8"},   {"uint16", "u16"},  {"uint32", "u32"},
    {"uint64", "u64"}, {"byte", "u8"},        {"float", "f32"},  {"float32", "f32"}, {"float64", "f64"},
    {"double", "f64"}, {"boolean", "bool"},   {"str", "string"}, {"vector", "list"}, {"array", "list"},
    {"dict", "map"},   {"option", "optional"}};

// Names longer than this get no "did you mean" from edit distance, which costs length².
constexpr size_t kMaxSuggestionLength = 64;

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Edit distance counting insertions, deletions, substitutions and swaps of neighbours as one edit.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> before_previous(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], before_previous[j - 2] + 1);
      }
    }
    before_previous.swap(previous);
    previous.swap(row);
  }
  return previous[b.size()];
}

enum class SymbolKind { Enum, Struct, Service };

struct Symbol {
  SymbolKind kind;
  uint32_t index;  // into File::enums, structs or services
  SourceLoc loc;
};

class Resolver {
 public:
  Resolver(ast::File& file, Reporter& reporter) : file_(file), reporter_(reporter) {}

  void run() {
    declare_all();
    for (ast::StructDecl& decl : file_.structs) {
      for (ast::FieldDecl& field : decl.fields) resolve_type(field.type);
    }
    for (ast::ServiceDecl& service : file_.services) {
      for (ast::MethodDecl& method : service.methods) {
        for (ast::ParamDecl& param : method.params) resolve_type(param.type);
        if (method.result) resolve_type(*method.result);
      }
    }
  }

 private:
  // Enters every type and service into the symbol table, in source order so that of two definitions
  // the first one written wins and the second is reported.
  void declare_all() {
    std::vector<std::pair<const ast::Name*, Symbol>> declarations;
    for (uint32_t i = 0; i < file_.enums.size(); ++i) {
      declarations.push_back({&file_.enums[i].name, Symbol{SymbolKind::Enum, i, file_.enums[i].name.loc}});
    }
    for (uint32_t i = 0; i < file_.structs.size(); ++i) {
      declarations.push_back(
          {&file_.structs[i].name, Symbol{SymbolKind::Struct, i, file_.structs[i].name.loc}});
    }
    for (uint32_t i = 0; i < file_.services.size(); ++i) {
      declarations.push_back(
          {&file_.services[i].name, Symbol{SymbolKind::Service, i, file_.services[i].name.loc}});
    }
    std::stable_sort(declarations.begin(), declarations.end(), [](const auto& a, const auto& b) {
      return a.second.loc.line != b.second.loc.line ? a.second.loc.line < b.second.loc.line
                                                    : a.second.loc.col < b.second.loc.col;
    });
    for (const auto& [name, symbol] : declarations) {
      auto [it, inserted] = symbols_.emplace(name->text, symbol);
      if (!inserted)
        reporter_.error_with_note(DiagId::DuplicateDefinition, name->loc, it->second.loc, {name->text});
    }
  }

  static const Builtin* find_builtin(std::string_view name) {
    for (const Builtin& builtin : kBuiltins) {
      if (builtin.name == name) return &builtin;
    }
    return nullptr;
  }

  void resolve_type(ast::TypeRef& ref) {
    const std::string& name = ref.name.text;
    if (const Builtin* builtin = find_builtin(name)) {
      ref.target = ast::TypeRefTarget::Builtin;
      ref.builtin_kind = builtin->kind;
      if (builtin->arity == 0 && !ref.args.empty()) {
        reporter_.error(DiagId::NotGeneric, ref.name.loc, {name});
      } else if (ref.args.size() != builtin->arity) {
        reporter_.error(DiagId::WrongTypeArgumentCount, ref.name.loc,
                        {name, builtin->takes, std::to_string(ref.args.size()), builtin->pattern});
      }
    } else if (auto it = symbols_.find(name); it != symbols_.end()) {
      const Symbol& symbol = it->second;
      if (symbol.kind == SymbolKind::Service) {
        reporter_.error(DiagId::ServiceUsedAsType, ref.name.loc, {name});
      } else {
        ref.target = symbol.kind == SymbolKind::Enum ? ast::TypeRefTarget::Enum : ast::TypeRefTarget::Struct;
        ref.decl_index = symbol.index;
        if (!ref.args.empty()) reporter_.error(DiagId::NotGeneric, ref.name.loc, {name});
      }
    } else if (std::string suggestion = suggest(name); !suggestion.empty()) {
      reporter_.error(DiagId::UnknownTypeDidYouMean, ref.name.loc, {name, suggestion});
    } else {
      reporter_.error(DiagId::UnknownType, ref.name.loc, {name});
    }
    for (ast::TypeRef& arg : ref.args) resolve_type(arg);
  }

  // A known type name close to `unknown`: the same but for case, the schema spelling of a type name
  // of another language, or a name one or two typos away. Empty when nothing is close.
  std::string suggest(std::string_view unknown) const {
    std::vector<std::string_view> candidates;
    for (const Builtin& builtin : kBuiltins) candidates.push_back(builtin.name);
    for (const ast::EnumDecl& decl : file_.enums) candidates.push_back(decl.name.text);
    for (const ast::StructDecl& decl : file_.structs) candidates.push_back(decl.name.text);

    const std::string lower = lowercase(unknown);
    for (std::string_view candidate : candidates) {
      if (lowercase(candidate) == lower) return std::string(candidate);
    }
    for (const auto& [foreign, ours] : kForeignTypeNames) {
      if (foreign == lower) return std::string(ours);
    }
    if (unknown.size() > kMaxSuggestionLength) return {};
    const size_t max_distance = std::max<size_t>(1, unknown.size() / 3);
    std::string_view best;
    size_t best_distance = max_distance + 1;
    for (std::string_view candidate : candidates) {
      if (candidate.size() > kMaxSuggestionLength) continue;
      size_t distance = edit_distance(lower, lowercase(candidate));
      // A name that must be replaced entirely ('Y' → 'A') is no suggestion.
      if (distance < best_distance && distance < unknown.size()) {
        best = candidate;
        best_distance = distance;
      }
    }
    return std::string(best);
  }

  ast::File& file_;
  Reporter& reporter_;
  std::unordered_map<std::string, Symbol> symbols_;
};

}  // namespace

void resolve(ast::File& file, Reporter& reporter) { Resolver(file, reporter).run(); }

}  // namespace cxx2go::compiler
