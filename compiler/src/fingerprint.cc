#include "fingerprint.h"

#include <set>
#include <vector>

namespace cxx2go::compiler {
namespace {

// Writes canonical type spellings with an explicit stack of pending work instead of recursion.
class CanonicalWriter {
 public:
  CanonicalWriter(std::string& out, size_t max_size) : out_(out), max_size_(max_size) {}

  // Appends the canonical spelling of `type`; false once the output exceeds the maximum size.
  bool write(const Type& type) {
    work_.push_back(Work{Work::Kind::Type, &type, {}, nullptr});
    while (!work_.empty()) {
      if (out_.size() > max_size_) return false;
      Work item = work_.back();
      work_.pop_back();
      switch (item.kind) {
        case Work::Kind::Text:
          out_ += item.text;
          break;
        case Work::Kind::EndStruct:
          expanding_.erase(item.struct_def);
          break;
        case Work::Kind::Type:
          expand(*item.type);
          break;
      }
    }
    return out_.size() <= max_size_;
  }

 private:
  struct Work {
    enum class Kind { Type, Text, EndStruct } kind;
    const Type* type;
    std::string_view text;
    const StructDef* struct_def;
  };

  // Work is a stack: push what must be written last first.
  void then_text(std::string_view text) { work_.push_back(Work{Work::Kind::Text, nullptr, text, nullptr}); }
  void then_type(const Type& type) { work_.push_back(Work{Work::Kind::Type, &type, {}, nullptr}); }

  void expand(const Type& type) {
    switch (type.kind) {
      case TypeKind::Enum: {
        const EnumDef& def = *type.enum_def;
        out_ += "enum " + def.name + "{";
        for (size_t i = 0; i < def.values.size(); ++i) {
          out_ += (i == 0 ? "" : ",") + def.values[i].name + "=" + std::to_string(def.values[i].value);
        }
        out_ += "}";
        return;
      }
      case TypeKind::Struct: {
        const StructDef& def = *type.struct_def;
        out_ += "struct " + def.name;
        if (!expanding_.insert(&def).second) return;  // a struct already being expanded: its name only
        out_ += "{";
        work_.push_back(Work{Work::Kind::EndStruct, nullptr, {}, &def});
        then_text("}");
        for (size_t i = def.fields.size(); i-- > 0;) {
          then_type(*def.fields[i].type);
          then_text(":");
          then_text(def.fields[i].name);
          if (i > 0) then_text(",");
        }
        return;
      }
      default: {
        // A built-in type: its schema name, then its type arguments as in map<K,V>.
        out_ += builtin_type(type).name;
        std::vector<const Type*> args = type_arguments(type);
        if (args.empty()) return;
        out_ += "<";
        then_text(">");
        for (size_t i = args.size(); i-- > 0;) {
          then_type(*args[i]);
          if (i > 0) then_text(",");
        }
        return;
      }
    }
  }

  std::string& out_;
  size_t max_size_;
  std::vector<Work> work_;
  std::set<const StructDef*> expanding_;  // structs on the path from the top-level type
};

}  // namespace

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::optional<std::string> canonical_signature(std::string_view package, const ServiceDef& service,
                                               const Method& method, size_t max_size) {
  std::string out;
  out += package;
  out += "." + service.name + "." + method.name + "(";
  CanonicalWriter writer(out, max_size);
  for (size_t i = 0; i < method.params.size(); ++i) {
    if (i > 0) out += ",";
    if (!writer.write(*method.params[i].type)) return std::nullopt;
  }
  out += ")";
  if (method.result != nullptr) {
    out += "->";
    if (!writer.write(*method.result)) return std::nullopt;
  }
  if (method.oneway) out += " oneway";
  if (out.size() > max_size) return std::nullopt;
  return out;
}

}  // namespace cxx2go::compiler
