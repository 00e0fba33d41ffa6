// Where the Go emitter's files go: protoc-gen-go's rules for --go_out, --go_opt=paths=… and
// --go_opt=module=…, so that protobuf users find what they expect.
//
//   paths=import (default)   DIR/<go_package import path>/<stem>.c2g.go
//   module=PREFIX            the same, with PREFIX/ removed from the import path (an import path not
//                            under PREFIX is an error): DIR is then the root of module PREFIX
//   paths=source_relative    DIR/<directory of the schema path as given>/<stem>.c2g.go; the path must
//                            be relative and stay below the current directory
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "emitter.h"

namespace cxx2go::compiler {

// Adds one --go_opt's comma-separated options to `options`. Returns false and sets `error` (naming the
// option) on an unknown or malformed one.
bool parse_go_options(std::string_view list, GoOptions& options, std::string& error);

// Checks the options that do not depend on the schema's contents: module= with paths=source_relative,
// and for paths=source_relative a schema path that is absolute or leaves the current directory.
// Returns the problem, or empty.
std::string go_options_problem(const GoOptions& options, std::string_view schema_path);

// The directory of the Go files relative to --go_out ("" for --go_out itself), or nullopt when the import
// path is not inside options.module (the caller reports it at the go_package option).
std::optional<std::string> go_output_subdir(const GoOptions& options, std::string_view import_path,
                                            std::string_view schema_path);

}  // namespace cxx2go::compiler
