#include "emit_go_layout.h"

#include <filesystem>

namespace cxx2go::compiler {
namespace {

// `path` without `.` elements and with `a/..` folded, lexically (the schema need not exist yet).
std::filesystem::path normal(std::string_view path) {
  return std::filesystem::path(path).lexically_normal();
}

bool leaves_current_directory(const std::filesystem::path& normal_path) {
  return !normal_path.empty() && *normal_path.begin() == "..";
}

}  // namespace

bool parse_go_options(std::string_view list, GoOptions& options, std::string& error) {
  while (true) {
    size_t comma = list.find(',');
    std::string_view option = list.substr(0, comma);
    size_t equals = option.find('=');
    std::string_view key = option.substr(0, equals);
    std::string_view value = equals == std::string_view::npos ? std::string_view() : option.substr(equals + 1);
    if (key == "paths" && value == "import") {
      options.paths = GoOptions::Paths::Import;
    } else if (key == "paths" && value == "source_relative") {
      options.paths = GoOptions::Paths::SourceRelative;
    } else if (key == "paths") {
      error = "unknown --go_opt value '" + std::string(option) + "': paths is import or source_relative";
      return false;
    } else if (key == "module") {
      std::string module(value);
      while (!module.empty() && module.back() == '/') module.pop_back();
      if (module.empty()) {
        error = "--go_opt=module needs the module path, e.g. module=example.com/app";
        return false;
      }
      options.module = std::move(module);
    } else if (key == "cgo" && equals == std::string_view::npos) {
      options.cgo = true;
    } else {
      error = "unknown --go_opt '" + std::string(option) +
              "' (known: paths=import, paths=source_relative, module=PATH, cgo)";
      return false;
    }
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

std::string go_options_problem(const GoOptions& options, std::string_view schema_path) {
  if (options.paths != GoOptions::Paths::SourceRelative) return {};
  if (!options.module.empty()) {
    return "--go_opt=module applies to paths=import only; paths=source_relative places files by the "
           "schema's path";
  }
  std::filesystem::path path(schema_path);
  if (path.is_absolute()) {
    return "--go_opt=paths=source_relative places the Go file by the schema's path, but '" +
           std::string(schema_path) +
           "' is absolute: run cxx2go from the directory the output should mirror and give the schema's "
           "path relative to it";
  }
  if (leaves_current_directory(normal(schema_path))) {
    return "--go_opt=paths=source_relative places the Go file by the schema's path, but '" +
           std::string(schema_path) + "' leaves the current directory: run cxx2go from a directory above it";
  }
  return {};
}

std::optional<std::string> go_output_subdir(const GoOptions& options, std::string_view import_path,
                                            std::string_view schema_path) {
  if (options.paths == GoOptions::Paths::SourceRelative) {
    std::string dir = normal(schema_path).parent_path().generic_string();
    return dir == "." ? std::string() : dir;
  }
  if (options.module.empty()) return std::string(import_path);
  if (import_path == options.module) return std::string();
  if (import_path.size() > options.module.size() && import_path.substr(0, options.module.size()) == options.module &&
      import_path[options.module.size()] == '/') {
    return std::string(import_path.substr(options.module.size() + 1));
  }
  return std::nullopt;
}

}  // namespace cxx2go::compiler
