// Method fingerprints (docs/design.md, "Method fingerprints"): a method's id is the FNV-1a 64 hash of
// its canonical signature, which spells out every type the method uses, so that bindings generated from
// different versions of a schema reject each other's calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model.h"

namespace cxx2go::compiler {

// The canonical signature expands each struct at every use, so its size can grow exponentially with
// the nesting of structs; beyond this size the front end reports an error instead of hashing.
inline constexpr size_t kMaxSignatureSize = size_t{1} << 20;
// The same bound for all methods of a schema together, so that many large signatures cannot take
// unbounded time and memory either.
inline constexpr size_t kMaxTotalSignatureSize = size_t{16} << 20;

uint64_t fnv1a64(std::string_view bytes);

// The canonical signature of `method` of `service` in `package`, or nullopt when it is longer than
// `max_size` bytes. Built without recursion, so deep struct graphs cannot exhaust the stack.
std::optional<std::string> canonical_signature(std::string_view package, const ServiceDef& service,
                                               const Method& method, size_t max_size = kMaxSignatureSize);

}  // namespace cxx2go::compiler
