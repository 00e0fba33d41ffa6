// The model's queries about types, as docs/wire-format.md defines them. What each built-in type is
// like comes from type_vocabulary.h's table.
#include "model.h"

namespace cxx2go::compiler {

std::vector<const Type*> type_arguments(const Type& t) {
  if (!is_builtin(t)) return {};
  switch (builtin_type(t).arity) {
    case 1:
      return {t.elem};
    case 2:
      return {t.key, t.elem};
    default:
      return {};
  }
}

bool is_scalar(const Type& t) { return is_builtin(t) && builtin_type(t).fixed_size; }

bool is_view_type(const Type& t) {
  if (!is_builtin(t) || !builtin_type(t).view) return false;
  // A container is a view when its elements are contiguous: numbers, not bools or enums.
  for (const Type* arg : type_arguments(t)) {
    if (!is_builtin(*arg) || !builtin_type(*arg).list_view) return false;
  }
  return true;
}

uint32_t min_encoded_size(const Type& t) {
  switch (t.kind) {
    case TypeKind::Enum:
      return builtin_type(kEnumRepresentation).wire_size;
    case TypeKind::Struct:
      return t.struct_def->min_encoded_size;
    default:
      return builtin_type(t).wire_size;
  }
}

}  // namespace cxx2go::compiler
