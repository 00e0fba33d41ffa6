#include "attributes.h"

#include <set>
#include <string>

namespace cxx2go::compiler {
namespace {

constexpr uint16_t at(AttributePlace place) {
  return static_cast<uint16_t>(1u << static_cast<unsigned>(place));
}

constexpr uint16_t kMethods = at(AttributePlace::GoMethod) | at(AttributePlace::CppMethod);
constexpr uint16_t kServices = at(AttributePlace::GoService) | at(AttributePlace::CppService);

// The argument an attribute takes.
enum class Argument : uint8_t {
  None,
  Transport,  // a Transport's name: kTransports
};

struct TransportName {
  std::string_view name;
  Transport transport;
};
constexpr TransportName kTransports[] = {{"ring", Transport::Ring}, {"cgo", Transport::Cgo}};

struct AttributeSpec {
  std::string_view name;  // without '@'
  uint16_t allowed;       // the places where it may be written (bits of at())
  DiagId misplaced;       // reported where it may not
  Argument argument;
  std::string_view example;                             // an argument, for the hint when it is missing
  void (*set)(Attributes&, std::string_view argument);  // records it; `argument` is valid when it takes one
};

constexpr AttributeSpec kAttributes[] = {
    {"oneway", kMethods, DiagId::MisplacedOneway, Argument::None, "",
     [](Attributes& a, std::string_view) { a.oneway = true; }},
    {"inline", at(AttributePlace::CppMethod), DiagId::MisplacedInline, Argument::None, "",
     [](Attributes& a, std::string_view) { a.inline_call = true; }},
    {"direct", kMethods, DiagId::MisplacedDirect, Argument::None, "",
     [](Attributes& a, std::string_view) { a.direct = true; }},
    {"affine", at(AttributePlace::CppService), DiagId::MisplacedAffine, Argument::None, "",
     [](Attributes& a, std::string_view) { a.affine = true; }},
    {"transport", kServices, DiagId::MisplacedTransport, Argument::Transport, "ring",
     [](Attributes& a, std::string_view argument) {
       for (const TransportName& t : kTransports) {
         if (t.name == argument) a.transport = t.transport;
       }
     }},
};

const AttributeSpec* find_attribute(std::string_view name) {
  for (const AttributeSpec& spec : kAttributes) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool known_transport(std::string_view name) {
  for (const TransportName& t : kTransports) {
    if (t.name == name) return true;
  }
  return false;
}

}  // namespace

std::string_view place_name(AttributePlace place) {
  switch (place) {
    case AttributePlace::Package:
      return "a package declaration";
    case AttributePlace::Option:
      return "an option";
    case AttributePlace::Enum:
      return "an enum";
    case AttributePlace::EnumValue:
      return "an enum value";
    case AttributePlace::Struct:
      return "a struct";
    case AttributePlace::Field:
      return "a field";
    case AttributePlace::GoService:
      return "a go service";
    case AttributePlace::CppService:
      return "a cpp service";
    case AttributePlace::GoMethod:
      return "a method of a go service";
    case AttributePlace::CppMethod:
      return "a method of a cpp service";
  }
  return "";
}

Attributes check_attributes(const std::vector<ast::Attribute>& attributes, AttributePlace place,
                            Reporter& reporter) {
  Attributes found;
  std::set<std::string> seen;
  for (const ast::Attribute& attribute : attributes) {
    const std::string& name = attribute.name;
    const AttributeSpec* spec = find_attribute(name);
    if (spec == nullptr) {
      reporter.error(DiagId::UnknownAttribute, attribute.loc, {name});
      continue;
    }
    const bool allowed = (spec->allowed & at(place)) != 0;
    bool valid_argument = true;
    switch (spec->argument) {
      case Argument::None:
        if (attribute.has_argument) {
          reporter.error(DiagId::UnexpectedAttributeArgument, attribute.argument.loc, {name});
        }
        break;
      case Argument::Transport:
        if (!attribute.has_argument) {
          reporter.error(DiagId::MissingAttributeArgument, attribute.loc, {name, spec->example});
          valid_argument = false;
        } else if (!known_transport(attribute.argument.text)) {
          reporter.error(DiagId::UnknownTransport, attribute.argument.loc, {attribute.argument.text});
          valid_argument = false;
        }
        break;
    }
    if (!seen.insert(name).second) {
      reporter.error(DiagId::DuplicateAttribute, attribute.loc, {name});
    } else if (!allowed) {
      reporter.error(spec->misplaced, attribute.loc, {place_name(place)});
    }
    if (allowed && valid_argument) spec->set(found, attribute.argument.text);
  }
  return found;
}

}  // namespace cxx2go::compiler
