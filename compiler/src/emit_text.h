// Small text helpers shared by the emitters.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace cxx2go::compiler {

// "dir/shop.c2g" → "shop": the stem of every generated file's name.
inline std::string schema_file_stem(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".c2g") == 0) base.resize(base.size() - 4);
  return base;
}

// A string literal valid in both C++ and Go. Schema names and paths need no escapes beyond these.
inline std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A 64-bit value as a fixed-width hex literal, so fingerprints line up in generated code.
inline std::string hex64(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016" PRIx64, value);
  return buf;
}

}  // namespace cxx2go::compiler
