// Diagnostics of the schema compiler. Every message text lives in one table (diagnostics.cc), keyed by
// DiagId, so wording stays consistent and the whole vocabulary of errors can be reviewed in one place.
// Phases report through a Reporter; the front end sorts each phase's diagnostics by position.
// The rendered format is documented in docs/diagnostics.md.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"

namespace cxx2go::compiler {

enum class DiagId : uint16_t {
  // lexer
  InvalidUtf8,
  UnexpectedCharacter,
  UnterminatedBlockComment,
  UnterminatedString,
  // parser
  EmptyFile,
  MissingPackage,
  PackageNotFirst,
  DuplicatePackage,
  ExpectedToken,
  ExpectedDeclaration,
  MissingServiceSide,
  UnknownServiceSide,
  ExpectedServiceKeyword,
  TypeTooDeep,
  EnumValueOutOfRange,
  UnattachedDocComment,
  // resolve
  DuplicateDefinition,
  UnknownType,
  UnknownTypeDidYouMean,
  ServiceUsedAsType,
  WrongTypeArgumentCount,
  NotGeneric,
  // check: names
  ReservedName,
  NotPascalCase,
  NotSnakeCase,
  NotUpperSnakeCase,
  DuplicateMember,
  NamesDifferOnlyInUnderscores,
  AsyncTwinClash,
  // check: enums and types
  EmptyEnum,
  DuplicateEnumNumber,
  UnsupportedMapKey,
  NestedOptional,
  StructContainsItself,
  // check: attributes and methods
  UnknownAttribute,
  DuplicateAttribute,
  MisplacedOneway,
  MisplacedInline,
  MisplacedDirect,
  MisplacedAffine,
  MisplacedTransport,
  UnknownTransport,
  MissingAttributeArgument,
  UnexpectedAttributeArgument,
  OnewayWithResult,
  InlineOneway,
  DirectOneway,
  DirectResultTooLarge,
  TooManyViewParams,
  // check: options
  UnknownOption,
  DuplicateOption,
  InvalidGoPackage,
  InvalidGoPackageName,
  InvalidExplicitGoPackageName,
  InvalidCppNamespace,
  InvalidDefaultCppNamespace,
  // model building
  SignatureTooLarge,
  SignaturesTooLargeInTotal,
  // emitters: names the generated code declares
  GeneratedNameClash,
  // driver: what the requested output needs
  MissingGoPackage,
  GoPackageOutsideModule,
};

struct DiagnosticNote {
  SourceLoc loc;
  std::string message;
};

struct Diagnostic {
  DiagId id = DiagId::ExpectedToken;
  SourceLoc loc;
  std::string message;
  std::string hint;                    // empty when the message needs none
  std::optional<DiagnosticNote> note;  // a related place, e.g. the first of two duplicates
};

// Collects the diagnostics of one phase. Message, hint and note texts come from the central table;
// `args` fill its {0}, {1}, … placeholders.
class Reporter {
 public:
  explicit Reporter(std::vector<Diagnostic>& out) : out_(out), first_(out.size()) {}

  void error(DiagId id, SourceLoc loc, std::initializer_list<std::string_view> args = {});
  // Like error(), with a note pointing at `note_loc` (the table entry must have a note text).
  void error_with_note(DiagId id, SourceLoc loc, SourceLoc note_loc,
                       std::initializer_list<std::string_view> args = {});

  // Has this reporter (not an earlier phase) reported anything?
  bool has_errors() const { return out_.size() > first_; }
  // Orders this reporter's diagnostics by position (stable: same position keeps report order).
  void sort_by_position();

 private:
  std::vector<Diagnostic>& out_;
  size_t first_;
};

// Renders diagnostics as documented in docs/diagnostics.md, e.g.
//   shop.c2g:4:9: error: unknown type 'Iten'
//     hint: did you mean 'Item'?
std::string format_diagnostics(std::string_view path, const std::vector<Diagnostic>& diagnostics);

}  // namespace cxx2go::compiler
