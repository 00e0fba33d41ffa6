// cxx2go/detail/testing.h — hooks into the runtime for its tests and benchmarks (a fake Go peer, a reset,
// the ring transport's counters). Neither users nor generated code need them.
#pragma once

#include <cstdint>

#include "cxx2go/abi.h"
#include "cxx2go/error.h"

namespace cxx2go {

namespace detail {
// Uses `peer` as the Go side from the next start() on. Tests install a fake Go written in C++; builds with
// CXX2GO_WITH_GO get the real one from cxx2go_go_attach() when none is installed.
void install_go_peer(const cxx2go_go_entry_points& peer);
// Tests only: returns a stopped (or never started) runtime to not_started, forgetting services, executors
// and the Go peer. Fails with Code::failed_precondition while running or stopping, or while calls are alive.
Result<void> reset_for_testing();

// Messages the process's ring transport carried so far (also after stop), for tests and benchmarks: all
// zero if it was never started (CXX2GO_TRANSPORT, docs/ring.md).
struct RingCounters {
  bool started = false;   // a region was attached to Go at start
  uint64_t to_go = 0;     // messages C++ → Go
  uint64_t to_cpp = 0;    // messages Go → C++
  uint64_t go_wakeups = 0;   // times a C++ producer woke the parked Go dispatcher
  uint64_t cpp_wakeups = 0;  // times a Go producer woke the parked C++ ring thread
  uint64_t to_go_queued = 0;   // messages in the C++ → Go ring now, not yet read (claimed slots included)
  uint64_t to_cpp_queued = 0;  // the same, Go → C++
  uint64_t capacity = 0;       // slots of each ring
};
RingCounters ring_counters() noexcept;

// The threads whose metrics counters are live (not yet folded into the total when they exited).
size_t metrics_threads_for_testing();
}  // namespace detail

}  // namespace cxx2go
