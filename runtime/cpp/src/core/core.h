// The runtime's process-wide state (Core), and how calls are admitted while it runs.
//
// Unity builds: the Go runtime package compiles every src/**/*.cc as ONE translation unit
// (runtime/go/cxx2go/c2gimpl/cxx2go_runtime.cc), so helpers here and in those files are named, never in an
// anonymous namespace where two files could define the same name.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "../calls/tables.h"
#include "../exec/executors.h"
#include "../transport/cgo.h"
#include "cxx2go/error.h"
#include "cxx2go/runtime.h"

namespace cxx2go::detail {

// The runtime's life cycle (started, stopping, …), and Core, the one runtime of the process: made of
// one part per layer, each declared in its folder (calls/tables.h, exec/executors.h, transport/cgo.h).
struct Lifecycle {
  // Transitions under lifecycle_mu; `state` is read lock-free on every call.
  std::mutex lifecycle_mu;
  std::atomic<State> state{State::not_started};
  RuntimeOptions options;
  std::stop_source inline_stop{std::nostopstate};  // token of calls without their own: fired by stop()
};

struct Core : Lifecycle, CgoPeer, Executors, CallTables, ServiceRegistry {};

// The one runtime of the process. Every call reaches it several times: once created, it is a load and a
// branch (a function-local static's initialization guard cost 5 to 13 instructions per use).
extern std::atomic<Core*> core_instance;
Core& create_core() noexcept;
inline Core& core() noexcept {
  if (Core* c = core_instance.load(std::memory_order_acquire)) [[likely]] return *c;
  return create_core();
}

// Calls of this thread that stop() must not wait for, because stop() runs inside them: a C++ → Go call
// whose Go handler calls stop(), or a C++ implementation that does. Per OS thread is exact here: a C++
// thread does not migrate, and a goroutine is locked to its thread during a cgo call or callback.
extern thread_local uint64_t t_outgoing_depth;
extern thread_local uint64_t t_incoming_depth;

// True in a child of fork() (without exec) of a process using the runtime: set by a pthread_atfork
// handler, which also sets the state to stopped. Every call then fails with forked_child_error().
extern std::atomic<bool> forked_child;
Error forked_child_error() noexcept;

// Error{not_started} or Error{stopped} for a runtime in state `s` (or forked_child_error() in a fork child).
Error not_running_error(State s) noexcept;

// The slow halves of admit_call and release_call (runtime.cc).
Result<void> refuse_call(std::atomic<uint64_t>& counter, State s) noexcept;
void notify_drained() noexcept;

// Counts a call into `counter` if the runtime is running. Both sides use sequentially consistent
// operations: the call increments then reads the state, stop() stores `stopping` then reads the counter,
// so either the call sees `stopping` and backs out, or stop() sees (and waits for) the call.
// Inline, like release_call: both run on every call, and their slow paths almost never.
inline Result<void> admit_call(std::atomic<uint64_t>& counter) noexcept {
  counter.fetch_add(1);
  const State s = core().state.load();
  if (s == State::running) [[likely]] return {};
  return refuse_call(counter, s);
}
// Gives back what admit_call took, waking stop() if it is waiting.
inline void release_call(std::atomic<uint64_t>& counter) noexcept {
  counter.fetch_sub(1);
  if (forked_child.load()) return;  // calls_mu may have been held by a thread the fork did not copy
  if (core().state.load() != State::running) [[unlikely]] notify_drained();
}

// Helpers of stop(), one per direction.
void abort_all_outgoing(const Error& error) noexcept;  // outgoing.cc
void report_unfinished_outgoing() noexcept;            // outgoing.cc
void cancel_all_incoming() noexcept;                   // incoming.cc
void fail_unfinished_incoming() noexcept;              // incoming.cc

}  // namespace cxx2go::detail
