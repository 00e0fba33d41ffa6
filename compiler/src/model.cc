// The model's queries about types, as docs/wire-format.md defines them.
#include "model.h"

namespace cxx2go::compiler {

bool is_scalar(const Type& t) {
  switch (t.kind) {
    case TypeKind::Bool:
    case TypeKind::I8:
    case TypeKind::I16:
    case TypeKind::I32:
    case TypeKind::I64:
    case TypeKind::U8:
    case TypeKind::U16:
    case TypeKind::U32:
    case TypeKind::U64:
    case TypeKind::F32:
    case TypeKind::F64:
      return true;
    default:
      return false;
  }
}

bool is_view_type(const Type& t) {
  switch (t.kind) {
    case TypeKind::String:
    case TypeKind::Bytes:
      return true;
    case TypeKind::List:
      // Numbers only: std::vector<bool> has no contiguous storage to view, and enum lists are encoded.
      return is_scalar(*t.elem) && t.elem->kind != TypeKind::Bool;
    default:
      return false;
  }
}

uint32_t min_encoded_size(const Type& t) {
  switch (t.kind) {
    case TypeKind::Bool:
    case TypeKind::I8:
    case TypeKind::U8:
    case TypeKind::Optional:  // the presence byte
      return 1;
    case TypeKind::I16:
    case TypeKind::U16:
      return 2;
    case TypeKind::I32:
    case TypeKind::U32:
    case TypeKind::F32:
    case TypeKind::Enum:
      return 4;
    case TypeKind::I64:
    case TypeKind::U64:
    case TypeKind::F64:
      return 8;
    case TypeKind::String:
    case TypeKind::Bytes:
    case TypeKind::List:
    case TypeKind::Map:  // the length or count
      return 4;
    case TypeKind::Struct:
      return t.struct_def->min_encoded_size;
  }
  return 1;
}

}  // namespace cxx2go::compiler
