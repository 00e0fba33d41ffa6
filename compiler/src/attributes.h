// The attributes of the schema language (`@oneway`, `@transport(ring)`, …), in one table: each row says
// where the attribute may be written, what argument it takes and which flag it sets. The checker checks
// every attribute list once against the table and hands on typed flags (Attributes); nothing after it
// looks at attribute names again.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ast.h"
#include "diagnostics.h"

namespace cxx2go::compiler {

// Where an attribute list is written.
enum class AttributePlace : uint8_t {
  Package,
  Option,
  Enum,
  EnumValue,
  Struct,
  Field,
  GoService,
  CppService,
  GoMethod,
  CppMethod,
};

// The transports a service may use (docs/ring.md).
enum class Transport : uint8_t { Cgo, Ring };

// What the attributes of one declaration say. Only meaningful when checking reported nothing.
struct Attributes {
  bool oneway = false;                   // @oneway (methods): fire-and-forget, no result
  bool inline_call = false;              // @inline (cpp service methods): runs on the caller's thread
  bool direct = false;                   // @direct (methods): called without dispatch (direct_layout.h)
  bool affine = false;                   // @affine (cpp services): every call on one dedicated thread
  Transport transport = Transport::Cgo;  // @transport(…) (services)
};

// Checks `attributes`, written at `place`, against the table: unknown, duplicate or misplaced attributes
// and missing, unexpected or unknown arguments are reported in the order written. Returns the flags of
// the attributes that are allowed there.
Attributes check_attributes(const std::vector<ast::Attribute>& attributes, AttributePlace place,
                            Reporter& reporter);

// "a method of a cpp service": `place` in messages.
std::string_view place_name(AttributePlace place);

}  // namespace cxx2go::compiler
