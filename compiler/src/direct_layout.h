// How the arguments and result of a @direct method travel (cxx2go/abi.h, docs/design.md, "Direct calls"):
// one rule, which both emitters and the checker read, so that the Go and C++ sides always agree.
//
// Arguments, in parameter order: a flat argument (a scalar, bool, enum, or a struct of them) takes one
// word per leaf while the words last; a view argument (string, bytes, list<number>) takes a view while
// the views last; every other argument, and those that did not fit, is encoded (docs/wire-format.md) in
// parameter order, and the encoding is passed as one more view after the others. The result is flat
// and takes one word per leaf, at most kDirectResultWords.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "../../runtime/cpp/include/cxx2go/abi.h"
#include "model.h"

namespace cxx2go::compiler {

inline constexpr size_t kDirectWords = CXX2GO_DIRECT_WORDS;
inline constexpr size_t kDirectViews = CXX2GO_DIRECT_VIEWS;
inline constexpr size_t kDirectResultWords = CXX2GO_DIRECT_RESULT_WORDS;

// One scalar of a flat type: its type (a built-in scalar or an enum) and the fields that lead to it from
// the value (empty for a scalar itself).
struct DirectLeaf {
  const Type* type = nullptr;
  std::vector<const Field*> path;
};

// The leaves of `type` in field order, or nothing when it is not flat (strings, containers, optionals).
std::optional<std::vector<DirectLeaf>> flat_leaves(const Type& type);

enum class DirectPassing { Words, View, Encoded };

struct DirectParam {
  DirectPassing passing = DirectPassing::Encoded;
  size_t index = 0;  // the first word (Words) or the view (View)
  std::vector<DirectLeaf> leaves;  // Words
};

struct DirectLayout {
  std::vector<DirectParam> params;  // one per parameter
  size_t words = 0;                 // words the arguments use
  size_t views = 0;                 // views of view arguments (the encoding, if any, is view `views`)
  bool encoded = false;             // some argument is encoded
  std::vector<DirectLeaf> result;   // the result's leaves (empty for none)
  bool result_fits = true;          // the result is flat and has at most kDirectResultWords leaves
};

DirectLayout direct_layout(const Method& method);

}  // namespace cxx2go::compiler
