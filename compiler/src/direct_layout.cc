#include "direct_layout.h"

namespace cxx2go::compiler {
namespace {

bool is_word(const Type& type) {
  return type.kind == TypeKind::Enum || (is_builtin(type) && builtin_type(type).fixed_size);
}

// list<string> or list<bytes>: a list whose elements are views themselves.
bool is_element_views(const Type& type) {
  return type.kind == TypeKind::List && type.elem != nullptr && is_builtin(*type.elem) &&
         !builtin_type(*type.elem).go_elements_reader.empty();
}

bool add_flat_leaves(const Type& type, std::vector<const Field*>& path, std::vector<DirectLeaf>& out) {
  if (is_word(type)) {
    out.push_back(DirectLeaf{&type, path, DirectPassing::Word, out.size()});
    return true;
  }
  if (type.kind != TypeKind::Struct) return false;
  for (const Field& field : type.struct_def->fields) {
    path.push_back(&field);
    bool flat = add_flat_leaves(*field.type, path, out);
    path.pop_back();
    if (!flat) return false;
  }
  return true;
}

// Splits `type` into leaves: a struct into its fields, recursively (a struct cannot contain itself
// directly: containment.h), anything else is one leaf.
void add_leaves(const Type& type, std::vector<const Field*>& path, std::vector<DirectLeaf>& out) {
  if (type.kind != TypeKind::Struct) {
    out.push_back(DirectLeaf{&type, path});
    return;
  }
  for (const Field& field : type.struct_def->fields) {
    path.push_back(&field);
    add_leaves(*field.type, path, out);
    path.pop_back();
  }
}

}  // namespace

std::optional<std::vector<DirectLeaf>> flat_leaves(const Type& type) {
  std::vector<DirectLeaf> leaves;
  std::vector<const Field*> path;
  if (!add_flat_leaves(type, path, leaves)) return std::nullopt;
  return leaves;
}

DirectLayout direct_layout(const Method& method, ServiceSide side) {
  DirectLayout layout;
  const bool cpp_calls = side == ServiceSide::Go;
  for (const Param& param : method.params) {
    DirectParam placed;
    placed.split = param.type->kind == TypeKind::Struct;
    std::vector<const Field*> path;
    add_leaves(*param.type, path, placed.leaves);
    for (DirectLeaf& leaf : placed.leaves) {
      const Type& type = *leaf.type;
      if (is_word(type) && layout.words < kDirectWords) {
        leaf.passing = DirectPassing::Word;
        leaf.index = layout.words++;
      } else if (!is_word(type) && layout.views < kDirectViews &&
                 (is_view_type(type) || (cpp_calls && is_element_views(type)))) {
        leaf.passing = is_view_type(type) ? DirectPassing::View : DirectPassing::ElementViews;
        leaf.index = layout.views++;
      } else {
        leaf.passing = DirectPassing::Encoded;
        layout.encoded = true;
      }
    }
    layout.params.push_back(std::move(placed));
  }
  // The encoding needs a view of its own: the last view leaf joins it when all views are taken.
  if (layout.encoded && layout.views == kDirectViews) {
    DirectLeaf* last_view = nullptr;
    for (DirectParam& param : layout.params) {
      for (DirectLeaf& leaf : param.leaves) {
        if (leaf.passing == DirectPassing::View || leaf.passing == DirectPassing::ElementViews) last_view = &leaf;
      }
    }
    last_view->passing = DirectPassing::Encoded;
    --layout.views;
  }
  if (method.result != nullptr) {
    auto leaves = flat_leaves(*method.result);
    layout.result_fits = leaves && leaves->size() <= kDirectResultWords;
    if (layout.result_fits) layout.result = std::move(*leaves);
  }
  return layout;
}

}  // namespace cxx2go::compiler
