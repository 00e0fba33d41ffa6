#include "driver.h"

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "emit_go_layout.h"
#include "emitter.h"
#include "frontend.h"
#include "output_files.h"

namespace cxx2go::compiler {
namespace {

constexpr std::string_view kUsage =
    "usage: cxx2go [--cpp_out=DIR] [--go_out=DIR [--go_opt=OPT[,OPT]...]...] [--check] FILE.c2g\n"
    "\n"
    "Compiles a cxx2go schema into C++ and Go bindings.\n"
    "\n"
    "  --cpp_out=DIR  write the generated C++ files (STEM.c2g.h, STEM.c2g.cc) into DIR\n"
    "  --go_out=DIR   write the generated Go package under DIR, placed like protoc-gen-go places it:\n"
    "                 by default in DIR/<import path of option go_package>/STEM.c2g.go\n"
    "  --go_opt=OPT   options of the Go output; may repeat, and take comma-separated lists:\n"
    "      paths=import           (default) DIR/<import path>/\n"
    "      module=PATH            DIR is the root of module PATH: DIR/<import path without PATH/>/\n"
    "                             (an import path outside PATH is an error)\n"
    "      paths=source_relative  DIR/<directory of FILE.c2g as given, which must be relative>/\n"
    "      cgo                    also write STEM.c2g.cgo.go and STEM.c2g.cgo.cc into the Go package:\n"
    "                             it becomes a cgo package that registers the C++ implementations of\n"
    "                             the schema's cpp services at cxx2go.Start (give --cpp_out the same\n"
    "                             directory)\n"
    "  --check        only check the schema; write nothing\n"
    "  --help         print this help\n"
    "  --version      print the version\n"
    "\n"
    "The schema's `option go_package` is the Go import path (\"example.com/app/shop\"), optionally\n"
    "followed by the package name (\"example.com/app/shop;shopv1\"); by default the name is the path's\n"
    "last element made a Go identifier. --go_out needs the option.\n"
    "\n"
    "Files whose contents did not change are not rewritten. Exit status: 0 on success, 1 when the\n"
    "schema has errors or output cannot be written, 2 on a usage error.\n";

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct OutputRequest {
  std::string_view language;
  std::unique_ptr<Emitter> emitter;
  std::filesystem::path dir;  // empty: not requested
};

// Do `a` and `b` name the same directory (which need not exist yet)?
bool same_directory(const std::filesystem::path& a, const std::filesystem::path& b) {
  auto normal = [](const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ignored).lexically_normal();
    return canonical.has_filename() ? canonical : canonical.parent_path();  // "dir/" → "dir"
  };
  return normal(a) == normal(b);
}

// Where --go_out's files go for this schema (emit_go_layout.h), or nullopt after reporting why they
// cannot go anywhere.
std::optional<std::filesystem::path> go_output_dir(const CommandLine& command, const Schema& schema,
                                                   Reporter& reporter) {
  if (!schema.go_package_set) {
    reporter.error(DiagId::MissingGoPackage, schema.go_package_loc, {schema.go_package});
    return std::nullopt;
  }
  std::optional<std::string> subdir = go_output_subdir(command.go_options, schema.go_package, schema.file);
  if (!subdir) {
    reporter.error(DiagId::GoPackageOutsideModule, schema.go_package_loc,
                   {schema.go_package, command.go_options.module});
    return std::nullopt;
  }
  return std::filesystem::path(command.go_out) / *subdir;
}

// If args[i] is `flag VALUE` or `flag=VALUE`, stores VALUE in `value` (advancing `i` past a separate
// VALUE) and returns true; sets `error` when VALUE is missing.
bool take_value(const std::vector<std::string_view>& args, size_t& i, std::string_view flag,
                std::string_view what, std::string& value, std::string& error) {
  std::string_view arg = args[i];
  if (arg == flag) {
    value = i + 1 < args.size() ? std::string(args[++i]) : std::string();
  } else if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
    value = std::string(arg.substr(flag.size() + 1));
  } else {
    return false;
  }
  if (value.empty()) error = std::string(flag) + " needs " + std::string(what);
  return true;
}

}  // namespace

std::optional<CommandLine> parse_command_line(const std::vector<std::string_view>& args, std::string& error) {
  CommandLine command;
  bool go_opt_given = false;
  std::string go_opt;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (take_value(args, i, "--cpp_out", "a directory", command.cpp_out, error) ||
        take_value(args, i, "--go_out", "a directory", command.go_out, error)) {
      if (!error.empty()) return std::nullopt;
    } else if (take_value(args, i, "--go_opt", "an option, e.g. --go_opt=paths=source_relative", go_opt, error)) {
      if (!error.empty() || !parse_go_options(go_opt, command.go_options, error)) return std::nullopt;
      go_opt_given = true;
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
  } else if (go_opt_given && command.go_out.empty()) {
    error = "--go_opt needs --go_out";
  } else {
    error = go_options_problem(command.go_options, command.schema_path);
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
  std::optional<std::filesystem::path> go_dir;
  if (schema && !command->go_out.empty()) {
    Reporter placement(diagnostics);
    go_dir = go_output_dir(*command, *schema, placement);
    if (placement.has_errors()) schema.reset();
  }
  if (!schema) {
    err << format_diagnostics(path, diagnostics);
    return kExitFailure;
  }
  if (command->check_only) return kExitOk;
  // go build compiles the C++ of a cgo package only from the package's own directory: C++ written
  // anywhere else would leave the generated functions undefined at link time.
  if (command->go_options.cgo && go_dir && !command->cpp_out.empty()) {
    if (!same_directory(*go_dir, command->cpp_out)) {
      err << "cxx2go: error: --go_opt=cgo puts the C++ in the Go package, where go build compiles it: give "
             "--cpp_out the Go package's directory '"
          << go_dir->generic_string() << "', not '" << command->cpp_out << "'\n";
      return kExitUsage;
    }
  }

  // Every emitter runs before anything is written, so a failing emitter leaves no half-updated output.
  OutputRequest requests[] = {
      {"cpp", make_cpp_emitter(), command->cpp_out},
      {"go", make_go_emitter(command->go_options), go_dir.value_or(std::filesystem::path())},
  };
  std::vector<std::pair<const std::filesystem::path*, std::vector<OutputFile>>> outputs;
  for (const OutputRequest& request : requests) {
    if (request.dir.empty()) continue;
    try {
      outputs.emplace_back(&request.dir, request.emitter->emit(*schema));
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
