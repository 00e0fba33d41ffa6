// The checker: every rule of the schema language that is not syntax or name resolution (naming,
// duplicates within a scope, attributes, enum numbers, map keys, options, struct containment).
#pragma once

#include "ast.h"
#include "containment.h"
#include "diagnostics.h"
#include "schema_options.h"

namespace cxx2go::compiler {

// What the checker derives from a file, beyond validating it; build_schema turns it into the model.
struct CheckedFacts {
  PackageNames names;
  Containment containment;
};

// Checks the resolved `file`. The result is only meaningful when nothing was reported.
CheckedFacts check(const ast::File& file, Reporter& reporter);

}  // namespace cxx2go::compiler
