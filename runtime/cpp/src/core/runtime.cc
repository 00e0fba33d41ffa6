// The runtime's life cycle: the one state machine of the process (docs/design.md, "Failures").
#include "cxx2go/runtime.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "../calls/direct_calls.h"
#include "../debug/crash.h"
#include "../debug/live.h"
#include "../debug/metrics.h"
#include "../exec/spin_wait.h"
#include "../transport/transport.h"
#include "core.h"
#include "cxx2go/detail/direct.h"
#include "cxx2go/detail/link_check.h"
#include "cxx2go/detail/testing.h"

// Exactly one definition per program: see cxx2go/detail/link_check.h.
extern "C" const int CXX2GO_DETAIL_LINK_CHECK = 1;

namespace cxx2go {
namespace detail {

// Zero until the first core(): constant-initialized, so that static constructors of other files (which may
// register services) find it either null or set, never garbage.
constinit std::atomic<Core*> core_instance{nullptr};

// Never destroyed: Go threads, and C++ threads the user did not join, may still call in while static
// destructors run at exit (Go's exit does not wait for them). A leaked singleton cannot be used after
// destruction.
Core& create_core() noexcept {
  static Core* const instance = new Core();
  core_instance.store(instance, std::memory_order_release);
  return *instance;
}

thread_local uint64_t t_outgoing_depth = 0;
thread_local uint64_t t_incoming_depth = 0;

std::atomic<bool> forked_child{false};

// pthread_atfork child handler. A child of fork() without exec has one thread, the one that forked: the
// Go runtime's threads, the executors and the timer thread are gone, and mutexes they held stay locked
// forever (golang/go#14767). The runtime cannot work there, so every call fails at once instead of
// hanging. Only atomic stores: nothing else is safe in a forked child.
void on_fork_child() noexcept {
  forked_child.store(true);
  core().state.store(State::stopped);
  direct_calls_open.store(false);
}

// Registered while the program loads (a static initializer), so that a fork before the first call is
// covered too. Neither posix_spawn nor Go's os/exec run atfork handlers: only a real fork() does.
[[maybe_unused]] const int atfork_registration = pthread_atfork(nullptr, nullptr, &on_fork_child);

Error forked_child_error() noexcept {
  return error_nothrow(Code::failed_precondition,
                       "the cxx2go runtime is unusable in a child of fork() without exec (the Go runtime and "
                       "the runtime's threads do not survive fork)");
}

Error not_running_error(State s) noexcept {
  if (forked_child.load()) return forked_child_error();
  if (s == State::not_started) {
    return error_nothrow(Code::not_started, "the cxx2go runtime is not started (call cxx2go::start())");
  }
  return error_nothrow(Code::stopped, "the cxx2go runtime is stopped");
}

Result<void> refuse_call(std::atomic<uint64_t>& counter, State s) noexcept {
  release_call(counter);
  return not_running_error(s);
}

void notify_drained() noexcept {
  // Under the mutex, so that stop() cannot miss the wake-up between its check and its wait.
  Core& c = core();
  std::lock_guard lock(c.calls_mu);
  c.drained.notify_all();
}

void install_go_peer(const cxx2go_go_entry_points& peer) {
  Core& c = core();
  std::lock_guard lock(c.lifecycle_mu);
  c.installed_peer = peer;
}

Result<void> reset_for_testing() {
  Core& c = core();
  std::lock_guard lock(c.lifecycle_mu);
  const State s = c.state.load();
  if (s == State::running || s == State::stopping) {
    return Error(Code::failed_precondition, "reset_for_testing: the runtime is running");
  }
  if (c.outgoing_count.load() != 0 || c.incoming_count.load() != 0 || c.record_count.load() != 0 ||
      c.executors_joining.load() || !wait_for_direct_calls(std::chrono::steady_clock::now())) {
    return Error(Code::failed_precondition, "reset_for_testing: calls are still alive");
  }
  if (c.pool) c.pool->stop();
  for (auto& [name, pool] : c.affine_pools) pool->stop();
  if (c.timers) c.timers->stop();
  {
    std::unique_lock registry(c.registry_mu);
    c.methods.clear();
    c.registry_generation.fetch_add(1, std::memory_order_release);
    for (auto& [name, slot] : c.services) {
      if (DirectBinding* binding = slot->descriptor->direct_binding) binding->impl.store(nullptr);
    }
    c.services.clear();
  }
  c.pool.reset();
  c.affine_pools.clear();
  c.timers.reset();
  c.installed_peer.reset();
  c.go = {};
  c.inline_stop = std::stop_source(std::nostopstate);
  c.state.store(State::not_started);
  return {};
}

// Sets up everything calls need. Called with lifecycle_mu held, in state not_started.
Result<void> start_locked(Core& c, const RuntimeOptions& options) {
  cxx2go_go_entry_points peer{};
  if (c.installed_peer) {
    peer = *c.installed_peer;
  } else {
#ifdef CXX2GO_WITH_GO
    cxx2go_go_attach(&peer);
#else
    return Error(Code::failed_precondition,
                 "no Go peer: this build has no Go runtime (CXX2GO_WITH_GO) and none was installed");
#endif
  }
  if (peer.abi_version != CXX2GO_ABI_VERSION) {
    return Error(Code::failed_precondition, "ABI mismatch: the C++ runtime has version " +
                                                std::to_string(CXX2GO_ABI_VERSION) + ", the Go runtime " +
                                                std::to_string(peer.abi_version));
  }
  if (peer.invoke == nullptr || peer.submit == nullptr || peer.cancel == nullptr || peer.complete == nullptr) {
    return Error(Code::failed_precondition,
                 "the Go peer refused to start, or its entry points are incomplete (see its message on stderr)");
  }
  const size_t threads = options.executor_threads > 0
                             ? static_cast<size_t>(options.executor_threads)
                             : std::max<size_t>(2, std::thread::hardware_concurrency());
  auto pool = std::make_unique<ThreadPool>(threads, "cxx2go", options.spin_before_park);
  auto timers = std::make_unique<TimerQueue>();
  c.go = peer;
  c.options = options;
  g_wait_spin_nanos.store(std::max<int64_t>(options.spin_before_park.count(), 0));
  c.pool = std::move(pool);
  c.timers = std::move(timers);
  c.inline_stop = std::stop_source();
  enable_asymmetric_direct_fence();
  if (options.crash_reports) install_crash_reports();
  enable_metrics_at_start(options.metrics);
  if (Result<void> started = start_transports(c); !started) {
    c.pool->stop();
    c.timers->stop();
    return started;
  }
  c.state.store(State::running);  // publishes everything above to the calls that read `running`
  direct_calls_open.store(true);
  serve_transports();
  try {
    start_stuck_call_watchdog(options);
  } catch (...) {
    std::fprintf(stderr, "cxx2go: start: the stuck-call watchdog could not start; the runtime runs without it\n");
  }
  return {};
}

// Waits until every call in flight, except those of the calling thread, is over, or until `deadline`.
bool wait_drained(Core& c, std::chrono::steady_clock::time_point deadline) {
  const uint64_t own_outgoing = t_outgoing_depth;
  const uint64_t own_incoming = t_incoming_depth;
  std::unique_lock lock(c.calls_mu);
  return c.drained.wait_until(lock, deadline, [&] {
    return c.outgoing_count.load() <= own_outgoing && c.incoming_count.load() <= own_incoming;
  });
}

// Stops the executors (queued calls fail with Code::stopped) and joins their threads, waiting at most
// `bound`: an implementation that ignores its stop token may keep a thread forever, and stop() must not
// hang on it. Joining then finishes on a background thread when the implementations return (their
// callers were answered with Code::stopped already; their late answers are dropped). The pools are never
// destroyed while that thread runs: only reset_for_testing destroys them, and it refuses while
// c.executors_joining is set.
void stop_executors(Core& c, std::chrono::steady_clock::duration bound) {
  struct Joining {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
  };
  std::shared_ptr<Joining> joining;
  std::thread joiner;
  try {
    std::vector<ThreadPool*> pools{c.pool.get()};
    {
      std::lock_guard lock(c.lifecycle_mu);
      for (auto& [name, pool] : c.affine_pools) pools.push_back(pool.get());
    }
    joining = std::make_shared<Joining>();
    c.executors_joining.store(true);
    joiner = std::thread([pools, joining, &flag = c.executors_joining] {
      for (ThreadPool* pool : pools) pool->stop();
      flag.store(false);
      std::lock_guard lock(joining->mu);
      joining->done = true;
      joining->cv.notify_all();
    });
  } catch (...) {
    // No memory or no thread to join in the background: join here, unbounded.
    c.pool->stop();
    std::lock_guard lock(c.lifecycle_mu);
    for (auto& [name, pool] : c.affine_pools) pool->stop();
    c.executors_joining.store(false);
    return;
  }
  bool done = false;
  {
    std::unique_lock lock(joining->mu);
    done = joining->cv.wait_for(lock, bound, [&] { return joining->done; });
  }
  if (done) {
    joiner.join();
    return;
  }
  joiner.detach();
  std::fprintf(stderr,
               "cxx2go: stop: C++ implementation(s) still running on executor threads after stop_timeout; stop() "
               "returns without joining those threads (they exit when the implementations return)\n");
}

bool on_executor_thread(Core& c) {
  if (c.pool && c.pool->is_current()) return true;
  std::lock_guard lock(c.lifecycle_mu);
  return std::any_of(c.affine_pools.begin(), c.affine_pools.end(),
                     [](const auto& entry) { return entry.second->is_current(); });
}

}  // namespace detail

Result<void> start(RuntimeOptions options) {
  if (detail::forked_child.load()) return detail::forked_child_error();
  detail::Core& c = detail::core();
  std::lock_guard lock(c.lifecycle_mu);
  switch (c.state.load()) {
    case State::not_started:
      break;
    case State::running:
      return Error(Code::failed_precondition, "the cxx2go runtime is already running");
    case State::stopping:
    case State::stopped:
      return Error(Code::stopped, "the cxx2go runtime was stopped; it cannot be started again");
  }
  try {
    return detail::start_locked(c, options);
  } catch (...) {  // e.g. std::system_error: no thread could be created
    return error_from_current_exception();
  }
}

Result<void> stop() {
  using std::chrono::steady_clock;
  if (detail::forked_child.load()) return detail::forked_child_error();
  detail::Core& c = detail::core();
  if (detail::on_transport_thread()) {
    return Error(Code::failed_precondition,
                 "cxx2go::stop() called on the ring transport's thread (in a continuation of a ring call), which "
                 "it would have to join");
  }
  if (detail::on_executor_thread(c)) {
    return Error(Code::failed_precondition,
                 "cxx2go::stop() called on a runtime executor thread, which it would have to join");
  }
  {
    std::lock_guard lock(c.lifecycle_mu);
    const State s = c.state.load();
    if (s != State::running) return detail::not_running_error(s);
    // A call listing itself in a table of calls in flight checks the state under its shard's mutex, which
    // abort_all_outgoing and cancel_all_incoming take after this, so after this it either is in the tables
    // they walk or has seen `stopping` (and failed). Under calls_mu too, for wait_drained.
    std::lock_guard calls(c.calls_mu);
    c.state.store(State::stopping);
    detail::direct_calls_open.store(false);  // direct calls admitted from now on back out (direct.h)
  }
  // From here on, only this thread changes the state, and nothing it uses is torn down under it.
  const auto deadline = steady_clock::now() + c.options.stop_timeout;
  detail::stop_stuck_call_watchdog();

  // Cancel everything in flight. C++ → Go futures first: resolved now with `stopped`, as runtime.h
  // promises — a Go handler that returns as soon as its context ends would otherwise complete its call
  // in between and resolve the future with its own answer. Then Go: every handler's context, synchronous
  // calls included (they have no call id). Then C++ implementations: their stop tokens.
  detail::abort_all_outgoing(Error(Code::stopped, "the cxx2go runtime stopped"));
  detail::cgo_send_cancel(c, 0);  // synchronous calls have no id and only cgo carries them
  c.inline_stop.request_stop();
  detail::cancel_all_incoming();

  if (!detail::wait_drained(c, deadline) || !detail::wait_for_direct_calls(deadline)) {
    // Go callers still waiting for C++ implementations get their answer now; the implementations' own
    // answers will be dropped. Calls Go has not completed keep their memory (see outgoing.cc).
    detail::fail_unfinished_incoming();
    detail::report_unfinished_outgoing();
  }

  // Queued calls fail with Code::stopped (a task sees the state, or is destroyed unrun); running ones
  // finish, or are left running after a second stop_timeout (stop_executors).
  detail::stop_executors(c, c.options.stop_timeout);
  // After the executors: their last answers to Go may still go over the ring.
  detail::stop_transports(c, std::max(deadline, steady_clock::now() + std::chrono::seconds(1)));
  c.timers->stop();
  {
    std::lock_guard calls(c.calls_mu);
    c.state.store(State::stopped);
    c.drained.notify_all();
  }
  return {};
}

State state() noexcept { return detail::core().state.load(); }

LiveCounts live_counts() noexcept {
  detail::Core& c = detail::core();
  return LiveCounts{c.outgoing_count.load(), c.incoming_count.load(), c.record_count.load()};
}

}  // namespace cxx2go

// ---- the C ABI of the life cycle, for Go hosts (abi.h) ----

extern "C" int32_t cxx2go_cpp_start(int32_t executor_threads, int64_t spin_nanos, int64_t stuck_call_nanos) {
  try {
    cxx2go::RuntimeOptions options;
    options.executor_threads = executor_threads;
    if (spin_nanos >= 0) options.spin_before_park = std::chrono::nanoseconds(spin_nanos);
    if (stuck_call_nanos > 0) {
      options.stuck_call_threshold =
          std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     std::chrono::nanoseconds(stuck_call_nanos)));
    }
    const cxx2go::State before = cxx2go::state();
    cxx2go::Result<void> r = cxx2go::start(options);
    // Only a status code crosses: the reason of a real failure (e.g. an ABI mismatch) goes to stderr. Starting
    // a running or stopped runtime is fully described by its code.
    if (!r && before == cxx2go::State::not_started) {
      std::fprintf(stderr, "cxx2go: start: %s\n", r.error().to_string().c_str());
    }
    return static_cast<int32_t>(r.error().code);
  } catch (...) {
    cxx2go::detail::report_uncaught_exception("cxx2go_cpp_start");
    return CXX2GO_INTERNAL;
  }
}

extern "C" int32_t cxx2go_cpp_stop(void) {
  try {
    cxx2go::Result<void> r = cxx2go::stop();
    return static_cast<int32_t>(r.error().code);
  } catch (...) {
    cxx2go::detail::report_uncaught_exception("cxx2go_cpp_stop");
    return CXX2GO_INTERNAL;
  }
}

extern "C" int32_t cxx2go_cpp_state(void) { return static_cast<int32_t>(cxx2go::state()); }
