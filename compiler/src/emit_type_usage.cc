#include "emit_type_usage.h"

namespace cxx2go::compiler {
namespace {

// Adds every struct reachable from `type` (through fields and containers) to `out`.
void collect_structs(const Type* type, std::set<const StructDef*>& out) {
  if (type == nullptr) return;
  switch (type->kind) {
    case TypeKind::List:
    case TypeKind::Optional:
      collect_structs(type->elem, out);
      return;
    case TypeKind::Map:
      collect_structs(type->key, out);
      collect_structs(type->elem, out);
      return;
    case TypeKind::Struct:
      if (!out.insert(type->struct_def).second) return;  // already visited: recursion ends here
      for (const Field& field : type->struct_def->fields) collect_structs(field.type, out);
      return;
    default:
      return;
  }
}

}  // namespace

TypeUsage compute_type_usage(const Schema& schema) {
  TypeUsage usage;
  for (const ServiceDef& service : schema.services) {
    bool go_side = service.side == ServiceSide::Go;
    auto& arguments = go_side ? usage.cpp_to_go : usage.go_to_cpp;
    auto& results = go_side ? usage.go_to_cpp : usage.cpp_to_go;
    for (const Method& method : service.methods) {
      for (const Param& param : method.params) collect_structs(param.type, arguments);
      collect_structs(method.result, results);
    }
  }
  return usage;
}

}  // namespace cxx2go::compiler
