// Text output with indentation, shared by the emitters. Lines are written whole; the writer adds the
// current indentation, and never emits trailing whitespace, so generated files are gofmt- and
// clang-format-friendly by construction.
#pragma once

#include <string>
#include <string_view>

namespace cxx2go::compiler {

class CodeWriter {
 public:
  explicit CodeWriter(std::string indent_unit) : indent_unit_(std::move(indent_unit)) {}

  // Writes one line at the current indentation (an empty `text` writes an empty line).
  CodeWriter& line(std::string_view text = {}) {
    if (!text.empty()) {
      for (int i = 0; i < depth_; ++i) out_ += indent_unit_;
      out_ += text;
    }
    out_ += '\n';
    return *this;
  }
  // Writes a line and indents what follows, e.g. open("if x {").
  CodeWriter& open(std::string_view text) {
    line(text);
    ++depth_;
    return *this;
  }
  // Dedents and writes a closing line, e.g. close("}").
  CodeWriter& close(std::string_view text) {
    --depth_;
    return line(text);
  }
  void indent() { ++depth_; }
  void dedent() { --depth_; }
  // Appends raw text (already indented by the caller).
  void raw(std::string_view text) { out_ += text; }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string indent_unit_;
  std::string out_;
  int depth_ = 0;
};

}  // namespace cxx2go::compiler
