#include "direct_layout.h"

namespace cxx2go::compiler {
namespace {

bool add_leaves(const Type& type, std::vector<const Field*>& path, std::vector<DirectLeaf>& out) {
  if (type.kind == TypeKind::Enum || (is_builtin(type) && builtin_type(type).fixed_size)) {
    out.push_back(DirectLeaf{&type, path});
    return true;
  }
  if (type.kind != TypeKind::Struct) return false;
  for (const Field& field : type.struct_def->fields) {
    path.push_back(&field);
    bool flat = add_leaves(*field.type, path, out);
    path.pop_back();
    if (!flat) return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<DirectLeaf>> flat_leaves(const Type& type) {
  std::vector<DirectLeaf> leaves;
  std::vector<const Field*> path;
  if (!add_leaves(type, path, leaves)) return std::nullopt;
  return leaves;
}

DirectLayout direct_layout(const Method& method) {
  DirectLayout layout;
  for (const Param& param : method.params) {
    DirectParam placed;
    if (auto leaves = flat_leaves(*param.type); leaves && layout.words + leaves->size() <= kDirectWords) {
      placed.passing = DirectPassing::Words;
      placed.index = layout.words;
      layout.words += leaves->size();
      placed.leaves = std::move(*leaves);
    } else if (!leaves && is_view_type(*param.type) && layout.views < kDirectViews) {
      placed.passing = DirectPassing::View;
      placed.index = layout.views++;
    } else {
      layout.encoded = true;
    }
    layout.params.push_back(std::move(placed));
  }
  // The encoding needs a view of its own: the last view argument joins it when all views are taken.
  if (layout.encoded && layout.views == kDirectViews) {
    for (auto it = layout.params.rbegin(); it != layout.params.rend(); ++it) {
      if (it->passing == DirectPassing::View) {
        it->passing = DirectPassing::Encoded;
        --layout.views;
        break;
      }
    }
  }
  if (method.result != nullptr) {
    auto leaves = flat_leaves(*method.result);
    layout.result_fits = leaves && leaves->size() <= kDirectResultWords;
    if (layout.result_fits) layout.result = std::move(*leaves);
  }
  return layout;
}

}  // namespace cxx2go::compiler
