// The schema's `option`s and the names of the generated packages they determine.
#pragma once

#include <string>

#include "ast.h"
#include "diagnostics.h"

namespace cxx2go::compiler {

struct PackageNames {
  std::string go_package;       // import path of the generated Go package
  std::string go_package_name;  // the name in `package …`: after ';', else the last element made an identifier
  bool go_package_set = false;  // false: go_package is the default derived from the package
  SourceLoc go_package_loc;     // the option's value, or the `package` keyword when it is not set
  std::string cpp_namespace;    // e.g. "app::shop"
};

// Checks the options (known names, each set once, valid values) and computes the package names, with
// the defaults of docs: go_package = package with '.' → '/', cpp_namespace = package with '.' → '::'.
// A default that is not valid in its language (e.g. `package app.class;`) is reported too, with a hint
// to set the option.
PackageNames check_options(const ast::File& file, Reporter& reporter);

}  // namespace cxx2go::compiler
