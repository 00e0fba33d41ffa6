// The runtime's process-wide state, private to runtime.cc, outgoing.cc and incoming.cc.
//
// Unity builds: the Go runtime package compiles every src/*.cc as ONE translation unit
// (runtime/go/cxx2go/cxx2go_runtime.cc), so helpers here and in those files are named, never in an
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

#include "cxx2go/abi.h"
#include "cxx2go/detail/call.h"
#include "cxx2go/detail/timer.h"
#include "cxx2go/error.h"
#include "cxx2go/executor.h"
#include "cxx2go/runtime.h"
#include "cxx2go/service.h"

namespace cxx2go::detail {

// A registered cpp service.
struct ServiceSlot {
  std::shared_ptr<Service> impl;
  const ServiceDescriptor* descriptor = nullptr;
  std::atomic<ThreadPool*> affine_pool{nullptr};  // @affine: its dedicated thread, created on first call
};

struct MethodSlot {
  std::shared_ptr<ServiceSlot> service;
  const MethodEntry* entry = nullptr;
};

// A Go → C++ call that Go may cancel (listed under its call id) and stop() must reach.
struct IncomingEntry {
  std::stop_source stop;
  std::weak_ptr<IncomingCall> call;  // empty while the call runs inline on Go's thread
};

// Asynchronous C++ → Go calls that Go has not completed, by call id. Submitting, completing and cancelling a
// call allocate nothing (each chain runs through the records themselves) and rarely contend: ids are
// consecutive, so consecutive calls land in different shards, each with its own mutex. A record is
// allocated by its caller's thread and completed on the ring's or a Go thread; a table that allocated its
// own nodes made them contend for the caller's malloc arena as well as for one mutex.
class OutgoingTable {
 public:
  struct Shard {
    std::mutex mu;
    std::vector<OutgoingCall*> buckets;  // chain heads, a power of two; grows while calls outnumber them
    size_t size = 0;
  };

  Shard& shard(uint64_t id) noexcept { return shards_[id % kShards].shard; }

  // The *_locked functions need `shard(id).mu` held. insert_locked throws std::bad_alloc only if the
  // shard's first buckets cannot be allocated (a failed growth just leaves longer chains).
  void insert_locked(Shard& shard, OutgoingCall* call);
  OutgoingCall* find_locked(Shard& shard, uint64_t id) noexcept;
  OutgoingCall* erase_locked(Shard& shard, uint64_t id) noexcept;

  // Calls fn(call) for every call, each shard under its mutex in turn.
  template <class F>
  void for_each(F&& fn) {
    for (Padded& p : shards_) {
      std::lock_guard lock(p.shard.mu);
      for (OutgoingCall* head : p.shard.buckets) {
        for (OutgoingCall* call = head; call != nullptr; call = next(call)) fn(call);
      }
    }
  }
  size_t size() noexcept;

 private:
  static constexpr size_t kShards = 16;
  static constexpr size_t kFirstBuckets = 64;
  struct alignas(64) Padded {
    Shard shard;
  };
  static OutgoingCall* next(OutgoingCall* call) noexcept { return call->table_next_; }
  static size_t bucket_of(const Shard& shard, uint64_t id) noexcept {
    return (id / kShards) & (shard.buckets.size() - 1);
  }
  static uint64_t id_of(const OutgoingCall* call) noexcept { return call->call_.call_id; }
  static void push_front(Shard& shard, OutgoingCall* call) noexcept;  // onto its chain; size unchanged
  static void grow(Shard& shard) noexcept;

  Padded shards_[kShards];
};

struct Core {
  // ---- life cycle: transitions under lifecycle_mu; `state` is read lock-free on every call ----
  std::mutex lifecycle_mu;
  std::atomic<State> state{State::not_started};
  cxx2go_go_entry_points go{};  // set before state becomes running, never changed while calls are possible
  std::optional<cxx2go_go_entry_points> installed_peer;
  RuntimeOptions options;
  std::unique_ptr<ThreadPool> pool;  // the shared executor
  std::map<std::string, std::unique_ptr<ThreadPool>, std::less<>> affine_pools;  // by service name
  std::unique_ptr<TimerQueue> timers;
  std::stop_source inline_stop{std::nostopstate};  // token of calls without their own: fired by stop()
  std::atomic<bool> executors_joining{false};  // stop() left a thread joining stalled executor threads

  // ---- calls in flight: tables under calls_mu; counters are atomics that stop() waits on ----
  std::mutex calls_mu;
  std::condition_variable drained;  // notified (under calls_mu) when a counter drops while not running
  std::unordered_map<uint64_t, IncomingEntry> incoming;  // cancellable Go → C++ calls not yet answered
  // Go → C++ ring calls that an idle executor thread took out of the ring and has not listed in `incoming`
  // yet (ring.cc, ring_help_executor). The ring thread may handle a later CANCEL of such a call meanwhile:
  // it is kept here (`cancelled`) and applied when the call is listed. At most one entry per helping thread.
  struct InHandCall {
    uint64_t id;
    bool cancelled;
  };
  std::vector<InHandCall> ring_in_hand;
  // Async C++ → Go calls Go has not completed. Listed under their shard's mutex after a check of `state`
  // there: stop() stores `stopping` before it walks the shards, so a call is either listed or refused.
  OutgoingTable outgoing;
  std::atomic<uint64_t> last_outgoing_id{0};
  std::atomic<uint64_t> outgoing_count{0};  // C++ → Go calls in Go's hands (sync, oneway, async)
  std::atomic<uint64_t> incoming_count{0};  // Go → C++ calls not yet answered
  std::atomic<uint64_t> record_count{0};    // heap call records alive, both directions

  // ---- cpp services ----
  std::shared_mutex registry_mu;
  std::unordered_map<uint64_t, MethodSlot> methods;
  // Changes (under registry_mu, after the change) whenever `methods` does: a thread's cached lookups
  // (lookup_method) are valid while it has not changed.
  std::atomic<uint64_t> registry_generation{1};
  std::map<std::string, std::shared_ptr<ServiceSlot>, std::less<>> services;
};

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
