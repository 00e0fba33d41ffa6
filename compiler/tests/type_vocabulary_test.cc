// The table of built-in types: its shape (one row per kind, in kind order), the consistency of its
// columns, and the lookups the phases use.
#include "type_vocabulary.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <stdexcept>
#include <string>

#include "model.h"
#include "test_support.h"

namespace cxx2go::compiler {
namespace {

// How many distinct `$N` placeholders `pattern` uses (the highest N + 1).
size_t placeholders(std::string_view pattern) {
  size_t count = 0;
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] == '$' && pattern[i + 1] >= '0' && pattern[i + 1] <= '9') {
      count = std::max(count, static_cast<size_t>(pattern[i + 1] - '0') + 1);
    }
  }
  return count;
}

TEST(TypeVocabulary, OneRowPerBuiltinKindInKindOrder) {
  ASSERT_EQ(builtin_types().size(), static_cast<size_t>(TypeKind::Enum));
  for (size_t i = 0; i < builtin_types().size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(builtin_types()[i].kind), i) << builtin_types()[i].name;
    EXPECT_EQ(&builtin_type(builtin_types()[i].kind), &builtin_types()[i]);
  }
  EXPECT_THROW(builtin_type(TypeKind::Enum), std::logic_error);
  EXPECT_THROW(builtin_type(TypeKind::Struct), std::logic_error);
}

TEST(TypeVocabulary, NamesAndAliasesAreUniqueAndFindTheirRow) {
  std::set<std::string_view> names;
  for (const BuiltinType& type : builtin_types()) {
    EXPECT_TRUE(names.insert(type.name).second) << type.name;
    EXPECT_EQ(find_builtin_type(type.name), &type);
  }
  for (const BuiltinType& type : builtin_types()) {
    std::string_view aliases = type.aliases;
    while (!aliases.empty()) {
      size_t space = aliases.find(' ');
      std::string_view alias = aliases.substr(0, space);
      EXPECT_EQ(names.count(alias), 0u) << alias << " is a schema name, not an alias";
      EXPECT_EQ(builtin_type_for_alias(alias), &type) << alias;
      aliases.remove_prefix(space == std::string_view::npos ? aliases.size() : space + 1);
    }
  }
  EXPECT_EQ(find_builtin_type("int"), nullptr);
  EXPECT_EQ(builtin_type_for_alias("i32"), nullptr);
  EXPECT_EQ(builtin_type_for_alias("in"), nullptr);  // whole aliases only
  EXPECT_EQ(builtin_type_for_alias(""), nullptr);
  EXPECT_EQ(builtin_type_for_alias("double")->kind, TypeKind::F64);
}

TEST(TypeVocabulary, ColumnsAgree) {
  for (const BuiltinType& type : builtin_types()) {
    SCOPED_TRACE(std::string(type.name));
    EXPECT_GT(type.wire_size, 0u);
    EXPECT_FALSE(type.cpp.empty());
    EXPECT_FALSE(type.go.empty());
    // Spellings take exactly the row's type arguments; hints show them.
    EXPECT_EQ(placeholders(type.cpp), type.arity);
    EXPECT_EQ(placeholders(type.go), type.arity);
    EXPECT_EQ(type.pattern.empty(), type.arity == 0);
    // A scalar is coded by one Encoder/Decoder call, and a container never is.
    EXPECT_TRUE(!type.fixed_size || !type.go_codec.empty());
    EXPECT_TRUE(type.arity == 0 || type.go_codec.empty());
    EXPECT_TRUE(!type.list_view || type.fixed_size);
    // Views have every view spelling, and nothing else has any.
    for (std::string_view column :
         {type.cpp_view, type.cpp_view_reader, type.go_view_writer, type.go_view_reader}) {
      EXPECT_EQ(column.empty(), !type.view) << column;
    }
  }
  // The enum representation is a fixed-size integer that may key a map.
  EXPECT_TRUE(builtin_type(kEnumRepresentation).fixed_size && builtin_type(kEnumRepresentation).map_key);
}

TEST(TypeVocabulary, FillPattern) {
  EXPECT_EQ(fill_pattern("std::map<$0, $1>", {"int32_t", "std::string"}), "std::map<int32_t, std::string>");
  EXPECT_EQ(fill_pattern("$1.view_list<$0>($2)", {"double", "c2g_call", "3"}),
            "c2g_call.view_list<double>(3)");
  EXPECT_EQ(fill_pattern("int32_t", {}), "int32_t");
  EXPECT_EQ(fill_pattern("a$", {}), "a$");
  EXPECT_THROW(fill_pattern("[]$0", {}), std::logic_error);
}

// The table drives the model's queries and the spellings of canonical signatures.
TEST(TypeVocabulary, SpellsTypesOfTheModel) {
  auto compiled = testing::compile_body("struct T { m: map<string, list<optional<f32>>>; }\n");
  ASSERT_TRUE(compiled.schema) << compiled.text();
  const Type& m = *compiled.schema->structs[0].fields[0].type;
  auto go = [](const Type& t) {
    std::function<std::string(const Type&)> spell = [&](const Type& u) {
      return spell_builtin(u, &BuiltinType::go, spell);
    };
    return spell(t);
  };
  EXPECT_EQ(go(m), "map[string][]*float32");
  EXPECT_EQ(min_encoded_size(m), 4u);
  EXPECT_FALSE(is_view_type(m));
}

}  // namespace
}  // namespace cxx2go::compiler
