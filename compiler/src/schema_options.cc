#include "schema_options.h"

#include "name_rules.h"

namespace cxx2go::compiler {
namespace {

bool is_import_path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+';
}

// Why `path` is not a Go import path (a subset of the rules of golang.org/x/mod/module.CheckImportPath),
// or empty when it is one.
std::string import_path_problem(std::string_view path) {
  if (path.empty()) return "it is empty";
  for (char c : path) {
    if (!is_import_path_char(c))
      return "it may only contain ASCII letters, digits and the characters / - . _ ~ +";
  }
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view element =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (element.empty()) return "it has an empty path element";
    if (element.front() == '.' || element.back() == '.') {
      return "path element '" + std::string(element) + "' starts or ends with '.'";
    }
    if (slash == std::string_view::npos) return {};
    start = slash + 1;
  }
}

std::string go_package_name_problem(std::string_view name) {
  if (!is_ascii_identifier(name)) return "is not a Go identifier";
  if (is_go_keyword(name)) return "is a Go keyword";
  return {};
}

// protoc-gen-go's GoSanitized: every character that cannot appear in a Go identifier becomes '_', and
// a name that would start with a digit or be a keyword gets a leading '_' ("shop-v2" → "shop_v2").
std::string go_sanitized(std::string_view element) {
  std::string name(element);
  for (char& c : name) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!keep) c = '_';
  }
  if ((name.front() >= '0' && name.front() <= '9') || is_go_keyword(name)) name.insert(0, "_");
  return name;
}

bool is_reserved_in_cpp(std::string_view identifier, bool at_global_scope) {
  if (identifier.find("__") != std::string_view::npos) return true;
  if (identifier.front() != '_') return false;
  return at_global_scope || (identifier.size() > 1 && identifier[1] >= 'A' && identifier[1] <= 'Z');
}

std::string cpp_namespace_problem(std::string_view name) {
  if (name.empty()) return "it is empty";
  size_t start = 0;
  while (true) {
    size_t separator = name.find("::", start);
    std::string_view component =
        name.substr(start, separator == std::string_view::npos ? std::string_view::npos : separator - start);
    std::string quoted = "'" + std::string(component) + "'";
    if (component.empty()) return "it has an empty component";
    if (!is_ascii_identifier(component)) return quoted + " is not a C++ identifier";
    if (is_cpp_keyword(component)) return quoted + " is a C++ keyword";
    if (is_reserved_in_cpp(component, start == 0)) return quoted + " is reserved in C++";
    if (separator == std::string_view::npos) return {};
    start = separator + 2;
  }
}

}  // namespace

PackageNames check_options(const ast::File& file, Reporter& reporter) {
  const ast::OptionDecl* go_package = nullptr;
  const ast::OptionDecl* cpp_namespace = nullptr;
  for (const ast::OptionDecl& option : file.options) {
    const ast::OptionDecl** slot = option.name.text == "go_package"      ? &go_package
                                   : option.name.text == "cpp_namespace" ? &cpp_namespace
                                                                         : nullptr;
    if (slot == nullptr) {
      reporter.error(DiagId::UnknownOption, option.name.loc, {option.name.text});
    } else if (*slot != nullptr) {
      reporter.error_with_note(DiagId::DuplicateOption, option.name.loc, (*slot)->name.loc,
                               {option.name.text});
    } else {
      *slot = &option;
    }
  }

  PackageNames names;
  names.go_package_loc = file.package.loc;
  const std::vector<ast::Name>& segments = file.package.segments;
  if (segments.empty()) return names;  // the parser reported the missing package

  if (go_package != nullptr) {
    // protoc-gen-go's form: "import/path" or "import/path;name", the name overriding the last element.
    const std::string& value = go_package->value;
    size_t semicolon = value.find(';');
    names.go_package = value.substr(0, semicolon);
    names.go_package_set = true;
    names.go_package_loc = go_package->value_loc;
    if (std::string problem = import_path_problem(names.go_package); !problem.empty()) {
      reporter.error(DiagId::InvalidGoPackage, go_package->value_loc, {value, problem});
    } else if (semicolon != std::string::npos) {
      names.go_package_name = value.substr(semicolon + 1);
      if (std::string problem = go_package_name_problem(names.go_package_name); !problem.empty()) {
        reporter.error(DiagId::InvalidExplicitGoPackageName, go_package->value_loc,
                       {names.go_package_name, value, problem});
      }
    } else {
      names.go_package_name = go_sanitized(names.go_package.substr(names.go_package.rfind('/') + 1));
    }
  } else {
    for (const ast::Name& segment : segments)
      names.go_package += (names.go_package.empty() ? "" : "/") + segment.text;
    names.go_package_name = segments.back().text;
    // Package segments are identifiers already (the naming rules check their case), but may be keywords.
    if (is_go_keyword(names.go_package_name)) {
      reporter.error(DiagId::InvalidGoPackageName, segments.back().loc,
                     {names.go_package_name, names.go_package, "is a Go keyword"});
    }
  }

  if (cpp_namespace != nullptr) {
    names.cpp_namespace = cpp_namespace->value;
    if (std::string problem = cpp_namespace_problem(names.cpp_namespace); !problem.empty()) {
      reporter.error(DiagId::InvalidCppNamespace, cpp_namespace->value_loc, {names.cpp_namespace, problem});
    }
  } else {
    for (const ast::Name& segment : segments) {
      names.cpp_namespace += (names.cpp_namespace.empty() ? "" : "::") + segment.text;
    }
    for (const ast::Name& segment : segments) {
      if (is_cpp_keyword(segment.text)) {
        reporter.error(DiagId::InvalidDefaultCppNamespace, segment.loc,
                       {names.cpp_namespace, "'" + segment.text + "' is a C++ keyword"});
      }
    }
  }
  return names;
}

}  // namespace cxx2go::compiler
