// The checker: every rule of the schema language that is not syntax or name resolution (naming,
// duplicates within a scope, attributes, enum numbers, map keys, options, struct containment).
#pragma once

#include "ast.h"
#include "attributes.h"
#include "containment.h"
#include "diagnostics.h"
#include "schema_options.h"

namespace cxx2go::compiler {

// The attributes of a service and of each of its methods (in declaration order).
struct ServiceAttributes {
  Attributes service;
  std::vector<Attributes> methods;
};

// What the checker derives from a file, beyond validating it; build_schema turns it into the model.
struct CheckedFacts {
  PackageNames names;
  Containment containment;
  std::vector<ServiceAttributes> services;  // of File::services, by index
};

// Checks the resolved `file`. The result is only meaningful when nothing was reported.
CheckedFacts check(const ast::File& file, Reporter& reporter);

}  // namespace cxx2go::compiler
