// cxx2go/runtime.h — the runtime's life cycle. There is one runtime per process, shared by both languages,
// and one state machine: not_started → running → stopping → stopped (docs/design.md, "Failures").
#pragma once

#include "cxx2go/require_cxx20.h"

#include <chrono>
#include <cstdint>
#include <functional>

#include "cxx2go/debug.h"
#include "cxx2go/error.h"
#include "cxx2go/executor.h"

namespace cxx2go {

struct RuntimeOptions {
  // Threads of the shared executor ("cxx2go-N") that runs cpp service implementations; 0 means
  // max(2, std::thread::hardware_concurrency()). Each @affine service gets one more dedicated thread.
  int executor_threads = 0;
  // How long stop() waits for calls still running in the other language (and implementations still
  // running here) after cancelling them; then as long again for executor threads still running an
  // implementation, which it then leaves running instead of joining.
  std::chrono::milliseconds stop_timeout{5000};
  // How long an executor thread that just ran a task polls for the next one before it sleeps (one thread
  // per executor at a time; zero: never), and Future::get() for the result. Waking a sleeping thread
  // costs tens of microseconds on a VM.
  std::chrono::nanoseconds spin_before_park = kDefaultSpinBeforePark;
  // Whether a crash in C++ code cxx2go runs is reported on stderr before the process dies (cxx2go/debug.h).
  // The handler is installed once per process and chains to the handlers installed before it; the
  // environment variable CXX2GO_CRASH_REPORTS=0 turns it off too.
  bool crash_reports = true;
  // Whether calls are counted per method (cxx2go/metrics.h); set_metrics_enabled() changes it at any time,
  // and the environment variable CXX2GO_METRICS=1 turns it on too.
  bool metrics = false;
  // The stuck-call watchdog (docs/debugging.md, "Live calls"): when above zero, a thread ("cxx2go-stuck")
  // reports each call in flight (live_calls()) older than this, once, to on_stuck_call or, without it,
  // to stderr. A call running on an executor thread that long is a wedged executor thread. The
  // environment variable CXX2GO_STUCK_CALL_MS sets it too.
  std::chrono::milliseconds stuck_call_threshold{0};
  // With metrics on (RuntimeOptions::metrics), a call is also stuck only once it is this many times slower
  // than its method's usual latency (the upper bound of the bucket of its 99th percentile), when that is
  // more than stuck_call_threshold: slow methods are not reported for being slow. 0: the threshold alone.
  double stuck_call_latency_factor = 0;
  std::function<void(const LiveCall&)> on_stuck_call;
};

// Starts the runtime: calls in both directions are accepted from now on. Fails with
// Code::failed_precondition if it is running (or no Go peer is available), Code::stopped once stopped:
// a stopped runtime cannot be restarted.
Result<void> start(RuntimeOptions options = {});

// Stops the runtime: rejects new calls (Code::stopped), cancels calls in flight in both directions
// (pending Futures resolve with Code::stopped at once; C++ implementations see their stop token fire;
// Go handlers see their context cancelled), fails queued calls with Code::stopped, waits up to
// stop_timeout for Go to complete the calls it is running (C++ implementations that have not answered by
// then are answered Code::stopped), and joins the executor threads, waiting at most stop_timeout more: an
// implementation that ignores its stop token keeps its thread, which stop() then leaves running, so stop()
// returns within about 2 × stop_timeout whatever the peers do. Memory Go may still read is never freed: a
// call Go has not completed by the timeout is reported on stderr and kept until Go completes it. Fails with Code::not_started / Code::stopped if not running. Must not be called
// from an executor thread of the runtime (an implementation), which it would have to join.
Result<void> stop();

enum class State : int32_t { not_started = 0, running = 1, stopping = 2, stopped = 3 };
State state() noexcept;

// fork() without exec: in the child, the runtime is unusable (the Go runtime's threads and the runtime's
// own did not survive the fork). A pthread_atfork handler makes state() stopped there, and every call,
// start() and stop() fail at once with Code::failed_precondition and a message naming fork. The parent is
// unaffected; posix_spawn and Go's os/exec do not run atfork handlers.

// Calls and call records alive right now; all zero once every call has finished (tests check this).
struct LiveCounts {
  uint64_t outgoing_calls;  // C++ → Go calls not yet completed by Go (sync and async)
  uint64_t incoming_calls;  // Go → C++ calls not yet answered
  uint64_t records;         // heap call records (asynchronous calls in either direction)
};
LiveCounts live_counts() noexcept;

}  // namespace cxx2go
