// The attribute table: typed flags for the attributes allowed where they are written, and the
// diagnostics for everything else, in the order written.
#include "attributes.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace cxx2go::compiler {
namespace {

ast::Attribute attribute(std::string name, uint32_t col, std::optional<std::string> argument = std::nullopt) {
  ast::Attribute a;
  a.name = std::move(name);
  a.loc = {1, col};
  if (argument) {
    a.has_argument = true;
    a.argument = ast::Name{*argument, {1, col + 1}};
  }
  return a;
}

struct Checked {
  Attributes flags;
  std::vector<DiagId> ids;
};

Checked check(std::vector<ast::Attribute> attributes, AttributePlace place) {
  std::vector<Diagnostic> diagnostics;
  Reporter reporter(diagnostics);
  Checked out;
  out.flags = check_attributes(attributes, place, reporter);
  for (const Diagnostic& d : diagnostics) out.ids.push_back(d.id);
  return out;
}

using Ids = std::vector<DiagId>;

TEST(Attributes, AllowedAttributesBecomeFlags) {
  Checked method = check({attribute("oneway", 1)}, AttributePlace::GoMethod);
  EXPECT_TRUE(method.ids.empty());
  EXPECT_TRUE(method.flags.oneway);
  EXPECT_FALSE(method.flags.inline_call);

  Checked fast = check({attribute("inline", 1)}, AttributePlace::CppMethod);
  EXPECT_TRUE(fast.ids.empty());
  EXPECT_TRUE(fast.flags.inline_call);

  Checked service =
      check({attribute("affine", 1), attribute("transport", 9, "ring")}, AttributePlace::CppService);
  EXPECT_TRUE(service.ids.empty());
  EXPECT_TRUE(service.flags.affine);
  EXPECT_EQ(service.flags.transport, Transport::Ring);

  Checked cgo = check({attribute("transport", 1, "cgo")}, AttributePlace::GoService);
  EXPECT_TRUE(cgo.ids.empty());
  EXPECT_EQ(cgo.flags.transport, Transport::Cgo);

  Checked none = check({}, AttributePlace::CppService);
  EXPECT_FALSE(none.flags.oneway || none.flags.inline_call || none.flags.affine);
  EXPECT_EQ(none.flags.transport, Transport::Cgo);
}

TEST(Attributes, MisplacedAttributesAreReportedAndSetNothing) {
  Checked inline_on_go = check({attribute("inline", 1)}, AttributePlace::GoMethod);
  EXPECT_EQ(inline_on_go.ids, Ids{DiagId::MisplacedInline});
  EXPECT_FALSE(inline_on_go.flags.inline_call);

  Checked affine_on_go = check({attribute("affine", 1)}, AttributePlace::GoService);
  EXPECT_EQ(affine_on_go.ids, Ids{DiagId::MisplacedAffine});
  EXPECT_FALSE(affine_on_go.flags.affine);

  EXPECT_EQ(check({attribute("oneway", 1)}, AttributePlace::Struct).ids, Ids{DiagId::MisplacedOneway});
  Checked ring_on_method = check({attribute("transport", 1, "ring")}, AttributePlace::CppMethod);
  EXPECT_EQ(ring_on_method.ids, Ids{DiagId::MisplacedTransport});
  EXPECT_EQ(ring_on_method.flags.transport, Transport::Cgo);
  for (AttributePlace place : {AttributePlace::Package, AttributePlace::Option, AttributePlace::Enum,
                               AttributePlace::EnumValue, AttributePlace::Field}) {
    EXPECT_EQ(check({attribute("oneway", 1)}, place).ids, Ids{DiagId::MisplacedOneway});
    EXPECT_FALSE(place_name(place).empty());
  }
}

TEST(Attributes, Arguments) {
  EXPECT_EQ(check({attribute("oneway", 1, "x")}, AttributePlace::GoMethod).ids,
            Ids{DiagId::UnexpectedAttributeArgument});
  Checked missing = check({attribute("transport", 1)}, AttributePlace::GoService);
  EXPECT_EQ(missing.ids, Ids{DiagId::MissingAttributeArgument});
  Checked unknown = check({attribute("transport", 1, "pipe")}, AttributePlace::GoService);
  EXPECT_EQ(unknown.ids, Ids{DiagId::UnknownTransport});
  EXPECT_EQ(unknown.flags.transport, Transport::Cgo);
}

TEST(Attributes, UnknownAndDuplicateInTheOrderWritten) {
  EXPECT_EQ(check({attribute("fast", 1), attribute("oneway", 7), attribute("oneway", 15)},
                  AttributePlace::CppMethod)
                .ids,
            (Ids{DiagId::UnknownAttribute, DiagId::DuplicateAttribute}));
  // A duplicate is reported as such, not also as misplaced.
  EXPECT_EQ(check({attribute("inline", 1), attribute("inline", 9)}, AttributePlace::GoMethod).ids,
            (Ids{DiagId::MisplacedInline, DiagId::DuplicateAttribute}));
}

// build_schema takes the flags from the checker.
TEST(Attributes, ReachTheModel) {
  auto compiled = testing::compile_body(
      "@affine @transport(ring) cpp service S { @inline f() -> i32; @oneway g(); h(); }\n"
      "go service G { @oneway g(); }\n");
  ASSERT_TRUE(compiled.schema) << compiled.text();
  const ServiceDef& s = compiled.schema->services[0];
  EXPECT_TRUE(s.affine && s.ring);
  EXPECT_TRUE(s.methods[0].inline_call && !s.methods[0].oneway);
  EXPECT_TRUE(s.methods[1].oneway && !s.methods[1].inline_call);
  EXPECT_FALSE(s.methods[2].oneway || s.methods[2].inline_call);
  const ServiceDef& g = compiled.schema->services[1];
  EXPECT_FALSE(g.affine || g.ring);
  EXPECT_TRUE(g.methods[0].oneway);
}

}  // namespace
}  // namespace cxx2go::compiler
