// cxx2go/detail/call_metrics.h — the metrics hooks of the call paths (cxx2go/metrics.h,
// src/debug/metrics.cc), inline where generated code calls them (run_direct, detail/direct.h).
#ifndef CXX2GO_DETAIL_CALL_METRICS_H_
#define CXX2GO_DETAIL_CALL_METRICS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "cxx2go/metrics.h"

namespace cxx2go::detail {

struct MethodInfo;

// Whether calls are counted: one relaxed load per call when they are not.
extern constinit std::atomic<bool> metrics_on;

// A call that is counted: count_call_start begins it; count_call_end_here ends it on the same thread (the
// counters it writes are that thread's), count_call_end on any thread (it finds its own). started_ns is the
// clock at the start of a timed call, 0 for an untimed one, and kNotCounted when the call is not counted.
inline constexpr int64_t kNotCounted = -1;
struct CountedCall {
  void* counters = nullptr;  // the starting thread's counters of the method; null: not counted
  int64_t started_ns = kNotCounted;
};

CountedCall count_call_start(const MethodInfo& method, Direction direction, size_t request_bytes) noexcept;
void count_call_end_here(const CountedCall& call, int32_t code, size_t response_bytes) noexcept;
void count_call_end(const MethodInfo& method, Direction direction, int32_t code, size_t response_bytes,
                    int64_t started_ns) noexcept;

inline CountedCall maybe_count_call_start(const MethodInfo& method, Direction direction, size_t request_bytes) noexcept {
  if (!metrics_on.load(std::memory_order_relaxed)) [[likely]] return {};
  return count_call_start(method, direction, request_bytes);
}
inline void maybe_count_call_end_here(const CountedCall& call, int32_t code, size_t response_bytes) noexcept {
  if (call.counters != nullptr) [[unlikely]] count_call_end_here(call, code, response_bytes);
}
inline void maybe_count_call_end(const MethodInfo& method, Direction direction, int32_t code, size_t response_bytes,
                                 int64_t started_ns) noexcept {
  if (started_ns != kNotCounted) [[unlikely]] count_call_end(method, direction, code, response_bytes, started_ns);
}

}  // namespace cxx2go::detail

#endif  // CXX2GO_DETAIL_CALL_METRICS_H_
