// The interface every language emitter implements. The driver runs the front end once, then each
// requested emitter on the same checked model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model.h"

namespace cxx2go::compiler {

struct OutputFile {
  std::string name;      // file name relative to the output directory, e.g. "shop.c2g.go"
  std::string contents;  // deterministic: the same model always yields the same bytes
};

class Emitter {
 public:
  virtual ~Emitter() = default;
  virtual std::string language() const = 0;  // "cpp", "go"
  virtual std::vector<OutputFile> emit(const Schema& schema) const = 0;
};

// The Go emitter's --go_opt options (emit_go_layout.h has the placement rules).
struct GoOptions {
  enum class Paths { Import, SourceRelative };
  Paths paths = Paths::Import;
  std::string module;  // module=…: the import path prefix that --go_out stands for; empty: none
  bool cgo = false;    // cgo: also the files that make the package a cgo package registering the C++
};

std::unique_ptr<Emitter> make_cpp_emitter();
std::unique_ptr<Emitter> make_go_emitter(const GoOptions& options = {});

}  // namespace cxx2go::compiler
