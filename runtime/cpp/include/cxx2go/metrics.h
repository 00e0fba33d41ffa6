// cxx2go/metrics.h — per-method metrics of the calls across the boundary (docs/debugging.md, "Metrics").
//
// Off by default: RuntimeOptions::metrics, the environment variable CXX2GO_METRICS=1 or
// set_metrics_enabled(true) turn them on (from then on; counts start at zero). Each thread counts the calls
// it makes, serves and completes in counters of its own, so that a call pays no shared atomic; a snapshot
// adds them up. The C++ runtime sees every call in both directions, so one snapshot covers the process (the
// Go runtime exports the same numbers: cxx2go.Metrics, its expvar and Prometheus exporters).
#ifndef CXX2GO_METRICS_H_
#define CXX2GO_METRICS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cxx2go/error.h"

namespace cxx2go {

enum class Direction : uint8_t {
  cpp_to_go,  // a method of a go service, called from C++
  go_to_cpp,  // a method of a cpp service, called from Go
};

// Latency histogram buckets: bucket i counts calls that took less than latency_bucket_bound_ns(i) (and
// at least the bound of bucket i - 1); the last bucket has no bound (it returns 0).
inline constexpr size_t kLatencyBuckets = 32;
constexpr uint64_t latency_bucket_bound_ns(size_t i) noexcept {
  return i + 1 < kLatencyBuckets ? uint64_t{64} << i : 0;  // 64 ns, 128 ns, …, ~68.7 s
}

struct MethodMetrics {
  std::string method;  // "package.Service.method"
  Direction direction = Direction::cpp_to_go;
  uint64_t calls = 0;      // started (admitted) calls
  uint64_t in_flight = 0;  // started and not finished
  // Finished calls by their code (Code::ok included), codes with a count only, in code order.
  std::vector<std::pair<Code, uint64_t>> finished;
  uint64_t request_bytes = 0;   // arguments: the encoded part and the views (not counted for @direct calls)
  uint64_t response_bytes = 0;  // results or error messages (not counted for @direct calls)
  // Latency from the runtime's start of a call to its answer, timed on one call in kLatencySampleEvery
  // per thread (a clock read costs as much as a whole short call): the histogram counts the sampled calls.
  std::array<uint64_t, kLatencyBuckets> latency_buckets{};
  uint64_t latency_samples = 0;
  uint64_t latency_sum_ns = 0;
};

// One call in this many (per thread) is timed.
inline constexpr uint32_t kLatencySampleEvery = 16;

struct MetricsSnapshot {
  bool enabled = false;
  std::vector<MethodMetrics> methods;  // every method called since metrics were enabled, by name, direction
  uint64_t executor_queued = 0;        // tasks waiting for a thread of the shared executor (0 when stopped)
  // The ring transport's occupancy (docs/ring.md): messages in each ring not yet read, of ring_capacity
  // slots each (0 when the rings do not run).
  uint64_t ring_to_go_queued = 0;
  uint64_t ring_to_cpp_queued = 0;
  uint64_t ring_capacity = 0;
};

// Turns counting on or off, for every thread, from the next call on. Counts are kept while off.
void set_metrics_enabled(bool enabled) noexcept;
bool metrics_enabled() noexcept;

// The counts so far. Takes a lock that threads take only when they first count a method or exit: calls go
// on meanwhile. Throws std::bad_alloc when out of memory.
MetricsSnapshot metrics_snapshot();

}  // namespace cxx2go

#endif  // CXX2GO_METRICS_H_
