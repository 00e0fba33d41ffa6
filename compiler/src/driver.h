// The `cxx2go` command line: argument parsing and the run of the front end and the emitters.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "emitter.h"
#include "versions.h"

namespace cxx2go::compiler {

struct CommandLine {
  std::string schema_path;
  std::string cpp_out;  // empty: no C++ output
  std::string go_out;   // empty: no Go output; else the root the Go files are placed under (GoOptions)
  GoOptions go_options;  // every --go_opt, in order
  bool check_only = false;
  bool help = false;
  bool version = false;
};

// Parses the arguments after the program name. On a usage error returns nullopt and sets `error`.
std::optional<CommandLine> parse_command_line(const std::vector<std::string_view>& args, std::string& error);

// Runs cxx2go with the arguments after the program name; returns the exit status: 0 success, 1 schema
// errors or output failures, 2 usage errors.
int run_cxx2go(const std::vector<std::string_view>& args, std::ostream& out, std::ostream& err);

}  // namespace cxx2go::compiler
