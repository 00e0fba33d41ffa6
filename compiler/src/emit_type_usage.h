// Which structs cross the boundary in which direction. Emitters generate an encoder or decoder for a
// struct only where some method needs it: C++ builds with -Werror, and an unused static function is an
// error there, and dead code in generated files is noise for reviewers of the goldens.
#pragma once

#include <set>

#include "model.h"

namespace cxx2go::compiler {

struct TypeUsage {
  std::set<const StructDef*> cpp_to_go;  // go-service arguments, cpp-service results
  std::set<const StructDef*> go_to_cpp;  // go-service results, cpp-service arguments

  // C++ encodes what travels to Go and decodes what comes back; Go the other way round.
  const std::set<const StructDef*>& cpp_encodes() const { return cpp_to_go; }
  const std::set<const StructDef*>& cpp_decodes() const { return go_to_cpp; }
  const std::set<const StructDef*>& go_encodes() const { return go_to_cpp; }
  const std::set<const StructDef*>& go_decodes() const { return cpp_to_go; }
};

TypeUsage compute_type_usage(const Schema& schema);

}  // namespace cxx2go::compiler
