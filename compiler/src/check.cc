#include "check.h"

#include <map>
#include <string>
#include <unordered_map>

#include "attributes.h"
#include "emit_naming.h"
#include "name_rules.h"
#include "type_vocabulary.h"

namespace cxx2go::compiler {
namespace {

enum class NameStyle { Pascal, Snake, UpperSnake };

// Reports `name` when it is reserved or not in `style`; returns whether it is valid. `what` names the
// kind of thing in messages.
bool check_name(const ast::Name& name, std::string_view what, NameStyle style, Reporter& reporter) {
  const std::string& text = name.text;
  if (is_reserved_name(text)) {
    reporter.error(DiagId::ReservedName, name.loc, {what, text});
    return false;
  }
  switch (style) {
    case NameStyle::Pascal:
      if (is_pascal_case(text)) return true;
      reporter.error(DiagId::NotPascalCase, name.loc, {what, text, to_pascal_case(text)});
      return false;
    case NameStyle::Snake:
      if (is_snake_case(text)) return true;
      reporter.error(DiagId::NotSnakeCase, name.loc, {what, text, to_snake_case(text)});
      return false;
    case NameStyle::UpperSnake:
      if (is_upper_snake_case(text)) return true;
      reporter.error(DiagId::NotUpperSnakeCase, name.loc, {text, to_upper_snake_case(text)});
      return false;
  }
  return false;
}

// The names of one scope (the fields of a struct, the parameters of a method, …): each must differ from
// the others, and by more than underscores. Only names that follow the naming rules take part, so that
// a misspelt name is not reported twice.
class Scope {
 public:
  Scope(std::string_view member_kind, std::string_view owner_kind, std::string_view owner_name,
        Reporter& reporter)
      : member_kind_(member_kind), owner_kind_(owner_kind), owner_name_(owner_name), reporter_(reporter) {}

  void add(const ast::Name& name) {
    if (auto it = exact_.find(name.text); it != exact_.end()) {
      reporter_.error_with_note(DiagId::DuplicateMember, name.loc, it->second->loc,
                                {member_kind_, name.text, owner_kind_, owner_name_});
      return;
    }
    exact_.emplace(name.text, &name);
    auto [it, inserted] = squashed_.emplace(without_underscores(name.text), &name);
    if (!inserted) {
      reporter_.error_with_note(DiagId::NamesDifferOnlyInUnderscores, name.loc, it->second->loc,
                                {member_kind_, name.text, it->second->text});
    }
  }

  const ast::Name* find(const std::string& text) const {
    auto it = exact_.find(text);
    return it == exact_.end() ? nullptr : it->second;
  }

 private:
  std::string_view member_kind_;
  std::string_view owner_kind_;
  std::string_view owner_name_;
  Reporter& reporter_;
  std::unordered_map<std::string, const ast::Name*> exact_;
  std::unordered_map<std::string, const ast::Name*> squashed_;
};

bool is_builtin(const ast::TypeRef& type, TypeKind kind) {
  return type.target == ast::TypeRefTarget::Builtin && type.builtin_kind == kind;
}

bool is_valid_map_key(const ast::TypeRef& key) {
  if (key.target == ast::TypeRefTarget::Enum) return true;
  return key.target == ast::TypeRefTarget::Builtin && builtin_type(key.builtin_kind).map_key;
}

// Map keys and nested optionals, everywhere in `type` (whose depth the parser bounded).
void check_type(const ast::TypeRef& type, Reporter& reporter) {
  if (is_builtin(type, TypeKind::Map) && type.args.size() == 2 && !is_valid_map_key(type.args[0])) {
    reporter.error(DiagId::UnsupportedMapKey, type.args[0].name.loc, {spell(type.args[0])});
  }
  if (is_builtin(type, TypeKind::Optional) && type.args.size() == 1 &&
      is_builtin(type.args[0], TypeKind::Optional)) {
    reporter.error(DiagId::NestedOptional, type.args[0].name.loc);
  }
  for (const ast::TypeRef& arg : type.args) check_type(arg, reporter);
}

void check_enum(const ast::EnumDecl& decl, Reporter& reporter) {
  check_attributes(decl.attributes, AttributePlace::Enum, reporter);
  check_name(decl.name, "enum", NameStyle::Pascal, reporter);
  if (decl.values.empty()) reporter.error(DiagId::EmptyEnum, decl.name.loc, {decl.name.text});
  Scope scope("enum value", "enum", decl.name.text, reporter);
  std::map<int32_t, const ast::EnumValueDecl*> numbers;
  for (const ast::EnumValueDecl& value : decl.values) {
    check_attributes(value.attributes, AttributePlace::EnumValue, reporter);
    if (check_name(value.name, "enum value", NameStyle::UpperSnake, reporter)) scope.add(value.name);
    auto [it, inserted] = numbers.emplace(value.value, &value);
    if (!inserted) {
      reporter.error_with_note(DiagId::DuplicateEnumNumber, value.value_loc, it->second->name.loc,
                               {value.name.text, std::to_string(value.value), it->second->name.text});
    }
  }
}

void check_struct(const ast::StructDecl& decl, Reporter& reporter) {
  check_attributes(decl.attributes, AttributePlace::Struct, reporter);
  check_name(decl.name, "struct", NameStyle::Pascal, reporter);
  Scope scope("field", "struct", decl.name.text, reporter);
  for (const ast::FieldDecl& field : decl.fields) {
    check_attributes(field.attributes, AttributePlace::Field, reporter);
    if (check_name(field.name, "field", NameStyle::Snake, reporter)) scope.add(field.name);
    check_type(field.type, reporter);
  }
}

Attributes check_method(const ast::MethodDecl& method, ServiceSide side, Reporter& reporter) {
  Attributes attributes = check_attributes(
      method.attributes, side == ServiceSide::Cpp ? AttributePlace::CppMethod : AttributePlace::GoMethod,
      reporter);
  Scope scope("parameter", "method", method.name.text, reporter);
  for (const ast::ParamDecl& param : method.params) {
    if (check_name(param.name, "parameter", NameStyle::Snake, reporter)) scope.add(param.name);
    check_type(param.type, reporter);
  }
  if (method.result) check_type(*method.result, reporter);
  if (attributes.oneway && method.result) {
    reporter.error(DiagId::OnewayWithResult, method.result->name.loc,
                   {method.name.text, spell(*method.result)});
  }
  if (attributes.oneway && attributes.inline_call) {
    reporter.error(DiagId::InlineOneway, method.name.loc, {method.name.text});
  }
  if (attributes.oneway && attributes.direct) {
    reporter.error(DiagId::DirectOneway, method.name.loc, {method.name.text});
  }
  return attributes;
}

ServiceAttributes check_service(const ast::ServiceDecl& service, Reporter& reporter) {
  ServiceAttributes attributes;
  const AttributePlace place =
      service.side == ServiceSide::Cpp ? AttributePlace::CppService : AttributePlace::GoService;
  attributes.service = check_attributes(service.attributes, place, reporter);
  check_name(service.name, "service", NameStyle::Pascal, reporter);
  Scope scope("method", "service", service.name.text, reporter);
  for (const ast::MethodDecl& method : service.methods) {
    if (check_name(method.name, "method", NameStyle::Snake, reporter)) scope.add(method.name);
    attributes.methods.push_back(check_method(method, service.side, reporter));
  }
  // Generated C++ has `name_async` beside every method `name` (cpp_async_method).
  constexpr std::string_view kAsyncSuffix = kCppAsyncSuffix;
  for (const ast::MethodDecl& method : service.methods) {
    std::string_view name = method.name.text;
    if (name.size() <= kAsyncSuffix.size() || name.substr(name.size() - kAsyncSuffix.size()) != kAsyncSuffix)
      continue;
    std::string base(name.substr(0, name.size() - kAsyncSuffix.size()));
    if (const ast::Name* twin = scope.find(base)) {
      reporter.error_with_note(DiagId::AsyncTwinClash, method.name.loc, twin->loc, {method.name.text, base});
    }
  }
  return attributes;
}

}  // namespace

CheckedFacts check(const ast::File& file, Reporter& reporter) {
  CheckedFacts facts;
  check_attributes(file.package.attributes, AttributePlace::Package, reporter);
  for (const ast::Name& segment : file.package.segments)
    check_name(segment, "package", NameStyle::Snake, reporter);
  for (const ast::OptionDecl& option : file.options)
    check_attributes(option.attributes, AttributePlace::Option, reporter);
  for (const ast::EnumDecl& decl : file.enums) check_enum(decl, reporter);
  for (const ast::StructDecl& decl : file.structs) check_struct(decl, reporter);
  for (const ast::ServiceDecl& service : file.services) {
    facts.services.push_back(check_service(service, reporter));
  }

  facts.names = check_options(file, reporter);
  facts.containment = analyze_containment(file, reporter);
  return facts;
}

}  // namespace cxx2go::compiler
