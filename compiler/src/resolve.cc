#include "resolve.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "type_vocabulary.h"

namespace cxx2go::compiler {
namespace {

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

  void resolve_type(ast::TypeRef& ref) {
    const std::string& name = ref.name.text;
    if (const BuiltinType* builtin = find_builtin_type(name)) {
      ref.target = ast::TypeRefTarget::Builtin;
      ref.builtin_kind = builtin->kind;
      if (builtin->arity == 0 && !ref.args.empty()) {
        reporter_.error(DiagId::NotGeneric, ref.name.loc, {name});
      } else if (ref.args.size() != builtin->arity) {
        reporter_.error(DiagId::WrongTypeArgumentCount, ref.name.loc,
                        {name, builtin->arity == 1 ? "one type argument" : "two type arguments",
                         std::to_string(ref.args.size()), builtin->pattern});
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
    for (const BuiltinType& builtin : builtin_types()) candidates.push_back(builtin.name);
    for (const ast::EnumDecl& decl : file_.enums) candidates.push_back(decl.name.text);
    for (const ast::StructDecl& decl : file_.structs) candidates.push_back(decl.name.text);

    const std::string lower = lowercase(unknown);
    for (std::string_view candidate : candidates) {
      if (lowercase(candidate) == lower) return std::string(candidate);
    }
    if (const BuiltinType* ours = builtin_type_for_alias(lower)) return std::string(ours->name);
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
