// Per-method metrics (cxx2go/metrics.h, docs/debugging.md): internal to the runtime's sources.
#pragma once

#include <cstddef>

#include "cxx2go/abi.h"
#include "cxx2go/detail/call_metrics.h"

namespace cxx2go::detail {

// The bytes of a call's arguments: the encoded part and the views.
inline size_t wire_request_bytes(const cxx2go_call& call) noexcept {
  size_t n = call.args_len;
  for (uint32_t i = 0; i < call.nviews; ++i) n += call.views[i].len;
  return n;
}

// count_call_start for a call that travels as `call`, measuring it only when metrics are on.
inline CountedCall maybe_count_wire_call_start(const MethodInfo& method, Direction direction,
                                               const cxx2go_call& call) noexcept {
  if (!metrics_on.load(std::memory_order_relaxed)) [[likely]] return {};
  return count_call_start(method, direction, wire_request_bytes(call));
}

// From start(): RuntimeOptions::metrics, or CXX2GO_METRICS=1 in the environment.
void enable_metrics_at_start(bool requested) noexcept;

}  // namespace cxx2go::detail
