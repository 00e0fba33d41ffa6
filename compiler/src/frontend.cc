#include "frontend.h"

#include "build_schema.h"
#include "check.h"
#include "emit_generated_names.h"
#include "lexer.h"
#include "parser.h"
#include "resolve.h"

namespace cxx2go::compiler {
namespace {

// Ends a phase: sorts what it reported and tells whether the pipeline may go on.
bool phase_succeeded(Reporter& reporter) {
  reporter.sort_by_position();
  return !reporter.has_errors();
}

}  // namespace

std::optional<Schema> compile_schema(std::string_view path, std::string_view source,
                                     std::vector<Diagnostic>& diagnostics) {
  Reporter lex_reporter(diagnostics);
  std::vector<Token> tokens = lex(source, lex_reporter);
  if (!phase_succeeded(lex_reporter)) return std::nullopt;

  Reporter parse_reporter(diagnostics);
  ast::File file = parse(tokens, parse_reporter);
  if (!phase_succeeded(parse_reporter)) return std::nullopt;

  Reporter resolve_reporter(diagnostics);
  resolve(file, resolve_reporter);
  if (!phase_succeeded(resolve_reporter)) return std::nullopt;

  Reporter check_reporter(diagnostics);
  CheckedFacts facts = check(file, check_reporter);
  if (!phase_succeeded(check_reporter)) return std::nullopt;

  Reporter build_reporter(diagnostics);
  Schema schema = build_schema(path, file, facts, build_reporter);
  if (!phase_succeeded(build_reporter)) return std::nullopt;

  // Last, on the finished model: names that differ in the schema but coincide in generated code.
  Reporter names_reporter(diagnostics);
  check_generated_names(schema, names_reporter);
  if (!phase_succeeded(names_reporter)) return std::nullopt;
  return schema;
}

}  // namespace cxx2go::compiler
