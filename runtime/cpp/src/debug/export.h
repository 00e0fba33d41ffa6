// Handing an encoded snapshot (metrics, live calls) to the Go runtime: internal to the runtime's sources.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "cxx2go/detail/wire.h"

namespace cxx2go::detail {

// Copies what `e` encoded into malloc()ed memory that the caller frees: *data, *len; *data stays null
// if `e` failed or there is no memory.
inline void export_encoded(const Encoder& e, uint8_t** data, size_t* len) noexcept {
  *data = nullptr;
  *len = 0;
  if (!e.ok()) return;
  auto* copy = static_cast<uint8_t*>(std::malloc(std::max<size_t>(e.size(), 1)));
  if (copy == nullptr) return;
  std::memcpy(copy, e.data(), e.size());
  *data = copy;
  *len = e.size();
}

}  // namespace cxx2go::detail
