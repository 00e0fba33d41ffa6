#include "emit_generated_names.h"

#include <algorithm>
#include <unordered_map>

#include "emit_naming.h"

namespace cxx2go::compiler {
namespace {

std::string quoted(std::string_view kind, std::string_view name) {
  return std::string(kind) + " '" + std::string(name) + "'";
}

std::string service_kind(const ServiceDef& service) {
  return service.side == ServiceSide::Go ? "go service" : "cpp service";
}

bool before(SourceLoc a, SourceLoc b) { return a.line != b.line ? a.line < b.line : a.col < b.col; }

// Reports every name that an earlier declaration (in source order) already declared.
void report_clashes(std::vector<GeneratedName> names, std::string_view language, Reporter& reporter) {
  std::stable_sort(names.begin(), names.end(),
                   [](const GeneratedName& a, const GeneratedName& b) { return before(a.loc, b.loc); });
  std::unordered_map<std::string, const GeneratedName*> first;
  for (const GeneratedName& name : names) {
    auto [it, inserted] = first.emplace(name.name, &name);
    if (inserted) continue;
    reporter.error_with_note(DiagId::GeneratedNameClash, name.loc, it->second->loc,
                             {name.name, language, name.origin, it->second->origin});
  }
}

}  // namespace

std::vector<GeneratedName> go_package_names(const Schema& schema) {
  std::vector<GeneratedName> names;
  for (const EnumDef& def : schema.enums) {
    names.push_back({def.name, quoted("enum", def.name), def.loc});
    for (const EnumValue& value : def.values) {
      names.push_back({go_enum_constant(def.name, value.name),
                       quoted("enum value", def.name + "." + value.name), value.loc});
    }
  }
  for (const StructDef& def : schema.structs)
    names.push_back({def.name, quoted("struct", def.name), def.loc});
  for (const ServiceDef& service : schema.services) {
    std::string origin = quoted(service_kind(service), service.name);
    names.push_back({service.name, origin, service.loc});  // the service's interface
    if (service.side == ServiceSide::Go) {
      names.push_back({go_register_function(service.name), origin, service.loc});
      names.push_back({go_unregister_function(service.name), origin, service.loc});
    } else {
      names.push_back({go_client_type(service.name), origin, service.loc});
      names.push_back({go_client_constructor(service.name), origin, service.loc});
    }
  }
  return names;
}

std::vector<GeneratedName> cpp_namespace_names(const Schema& schema) {
  std::vector<GeneratedName> names;
  for (const EnumDef& def : schema.enums)
    names.push_back({cpp_name(def.name), quoted("enum", def.name), def.loc});
  for (const StructDef& def : schema.structs) {
    names.push_back({cpp_name(def.name), quoted("struct", def.name), def.loc});
  }
  for (const ServiceDef& service : schema.services) {
    std::string origin = quoted(service_kind(service), service.name);
    names.push_back(
        {service.side == ServiceSide::Go ? cpp_client_class(service.name) : cpp_name(service.name), origin,
         service.loc});
  }
  return names;
}

void check_generated_names(const Schema& schema, Reporter& reporter) {
  report_clashes(go_package_names(schema), "Go", reporter);
  report_clashes(cpp_namespace_names(schema), "C++", reporter);
  reporter.sort_by_position();
}

}  // namespace cxx2go::compiler
