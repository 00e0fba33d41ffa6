#include "driver.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>

#include "emit_generated_names.h"
#include "emitter.h"
#include "frontend.h"
#include "output_files.h"

namespace cxx2go::compiler {
namespace {

constexpr std::string_view kUsage =
    "usage: cxx2go [--cpp_out=DIR] [--go_out=DIR] [--check] FILE.c2g\n"
    "\n"
    "Compiles a cxx2go schema into C++ and Go bindings.\n"
    "\n"
    "  --cpp_out=DIR  write the generated C++ files into DIR\n"
    "  --go_out=DIR   write the generated Go file into DIR\n"
    "  --check        only check the schema; write nothing\n"
    "  --help         print this help\n"
    "  --version      print the version\n"
    "\n"
    "Files whose contents did not change are not rewritten. Exit status: 0 on success, 1 when the\n"
    "schema has errors or output cannot be written, 2 on a usage error.\n";

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct OutputRequest {
  std::string_view language;
  std::unique_ptr<Emitter> (*make_emitter)();
  const std::string& dir;
};

// If args[i] is `flag DIR` or `flag=DIR`, stores DIR in `dir` (advancing `i` past a separate DIR) and
// returns true; sets `error` when DIR is missing.
bool take_directory(const std::vector<std::string_view>& args, size_t& i, std::string_view flag,
                    std::string& dir, std::string& error) {
  std::string_view arg = args[i];
  if (arg == flag) {
    dir = i + 1 < args.size() ? std::string(args[++i]) : std::string();
  } else if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
    dir = std::string(arg.substr(flag.size() + 1));
  } else {
    return false;
  }
  if (dir.empty()) error = std::string(flag) + " needs a directory";
  return true;
}

}  // namespace

std::optional<CommandLine> parse_command_line(const std::vector<std::string_view>& args, std::string& error) {
  CommandLine command;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (take_directory(args, i, "--cpp_out", command.cpp_out, error) ||
        take_directory(args, i, "--go_out", command.go_out, error)) {
      if (!error.empty()) return std::nullopt;
    } else if (arg == "--check") {
      command.check_only = true;
    } else if (arg == "--help" || arg == "-h") {
      command.help = true;
    } else if (arg == "--version") {
      command.version = true;
    } else if (arg.size() > 1 && arg.front() == '-') {
      error = "unknown option '" + std::string(arg) + "'";
      return std::nullopt;
    } else if (!command.schema_path.empty()) {
      error = "more than one schema file ('" + command.schema_path + "', '" + std::string(arg) + "')";
      return std::nullopt;
    } else {
      command.schema_path = std::string(arg);
    }
  }
  if (command.help || command.version) return command;
  if (command.schema_path.empty()) {
    error = "no schema file given";
  } else if (command.check_only && (!command.cpp_out.empty() || !command.go_out.empty())) {
    error = "--check writes nothing: do not combine it with --cpp_out or --go_out";
  } else if (!command.check_only && command.cpp_out.empty() && command.go_out.empty()) {
    error = "nothing to do: give --cpp_out, --go_out or --check";
  }
  if (!error.empty()) return std::nullopt;
  return command;
}

int run_cxx2go(const std::vector<std::string_view>& args, std::ostream& out, std::ostream& err) {
  std::string usage_error;
  std::optional<CommandLine> command = parse_command_line(args, usage_error);
  if (!command) {
    err << "cxx2go: error: " << usage_error << "\n"
        << "try 'cxx2go --help'\n";
    return kExitUsage;
  }
  if (command->help) {
    out << kUsage;
    return kExitOk;
  }
  if (command->version) {
    out << "cxx2go " << kVersion << "\n";
    return kExitOk;
  }

  const std::string& path = command->schema_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "cxx2go: error: cannot read '" << path << "': " << std::strerror(errno) << "\n";
    return kExitFailure;
  }
  std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    err << "cxx2go: error: cannot read '" << path << "'\n";
    return kExitFailure;
  }

  std::vector<Diagnostic> diagnostics;
  std::optional<Schema> schema = compile_schema(path, source, diagnostics);
  if (schema) {
    Reporter names(diagnostics);
    check_generated_names(*schema, names);
    if (names.has_errors()) schema.reset();
  }
  if (!schema) {
    err << format_diagnostics(path, diagnostics);
    return kExitFailure;
  }
  if (command->check_only) return kExitOk;

  // Every emitter runs before anything is written, so a failing emitter leaves no half-updated output.
  const OutputRequest requests[] = {
      {"cpp", make_cpp_emitter, command->cpp_out},
      {"go", make_go_emitter, command->go_out},
  };
  std::vector<std::pair<const std::string*, std::vector<OutputFile>>> outputs;
  for (const OutputRequest& request : requests) {
    if (request.dir.empty()) continue;
    std::unique_ptr<Emitter> emitter = request.make_emitter();
    if (emitter == nullptr) {
      err << "cxx2go: error: this cxx2go was built without the " << request.language << " emitter\n";
      return kExitFailure;
    }
    try {
      outputs.emplace_back(&request.dir, emitter->emit(*schema));
    } catch (const std::exception& e) {
      err << "cxx2go: internal error in the " << request.language << " emitter: " << e.what() << "\n";
      return kExitFailure;
    }
  }
  int status = kExitOk;
  for (const auto& [dir, files] : outputs) {
    for (const std::string& error : write_output_files(*dir, files)) {
      err << "cxx2go: error: " << error << "\n";
      status = kExitFailure;
    }
  }
  return status;
}

}  // namespace cxx2go::compiler
