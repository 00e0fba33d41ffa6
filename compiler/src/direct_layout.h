// How the arguments and result of a @direct method travel (cxx2go/abi.h, docs/design.md, "Direct calls"):
// one rule, which both emitters and the checker read, so that the Go and C++ sides always agree.
//
// The arguments are split into leaves: a struct argument into its fields, recursively, and every other
// argument is a leaf itself. In parameter and field order, each leaf takes
// - one word, if it is a scalar, bool or enum and words remain;
// - one view, if it is a string, bytes or list<number> and views remain (the view points into the
//   caller's value: the reference layout);
// - one view of views, one per element, if it is a list<string> or list<bytes>, the caller is C++ and
//   views remain. Go may not hand C memory of its own that holds Go pointers, so when Go calls, such a
//   list is encoded;
// - otherwise it is encoded (docs/wire-format.md), in leaf order, and the encoding is passed as one more
//   view after the others (the last view leaf gives its view up to the encoding when all are taken).
// The result is flat and takes one word per leaf, at most kDirectResultWords.
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

enum class DirectPassing {
  Word,          // one word
  View,          // one view of the value's bytes or elements
  ElementViews,  // one view of an array of views, one per element (only when C++ calls)
  Encoded,       // in the encoding
};

// One leaf of an argument or result: its type and the fields that lead to it from the value (empty for
// the value itself), and how it travels.
struct DirectLeaf {
  const Type* type = nullptr;
  std::vector<const Field*> path;
  DirectPassing passing = DirectPassing::Encoded;
  size_t index = 0;  // its word (Word) or view (View, ElementViews)
};

// The leaves of a flat type (a scalar, bool, enum, or a struct of them) in field order, as words from 0;
// nothing when it is not flat.
std::optional<std::vector<DirectLeaf>> flat_leaves(const Type& type);

struct DirectParam {
  std::vector<DirectLeaf> leaves;  // none for a struct without fields
  bool split = false;              // a struct, travelling as its fields' leaves
};

struct DirectLayout {
  std::vector<DirectParam> params;  // one per parameter
  size_t words = 0;                 // words the arguments use
  size_t views = 0;                 // views of the leaves (the encoding, if any, is view `views`)
  bool encoded = false;             // some leaf is encoded
  std::vector<DirectLeaf> result;   // the result's leaves, as words (empty for none)
  bool result_fits = true;          // the result is flat and has at most kDirectResultWords leaves
};

// `side` is the side of the method's service: C++ calls the methods of a go service, Go those of a cpp one.
DirectLayout direct_layout(const Method& method, ServiceSide side);

}  // namespace cxx2go::compiler
