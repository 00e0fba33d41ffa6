// Per-method metrics (cxx2go/metrics.h, docs/debugging.md).
//
// Every thread that counts a call gets a ThreadMetrics: for each (method, direction) slot a block of
// counters that only this thread writes (a relaxed load and store, no read-modify-write and no cache line
// shared with another thread), so that counting costs a call a few instructions and no contention. A
// snapshot adds the blocks of every thread up under the registry's lock, which a thread takes only the
// first time it counts a method and when it exits, folding its counts into `retired`.
#include "metrics.h"

#include "live.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../core/core.h"
#include "cxx2go/detail/call.h"
#include "cxx2go/detail/testing.h"
#include "cxx2go/detail/wire.h"
#include "export.h"

namespace cxx2go {
namespace detail {

constinit std::atomic<bool> metrics_on{false};

namespace {

// Codes by slot: 0–16 are themselves, 100–105 take 17–22, anything else 23, which snapshots report as
// Code::unknown (an application's own code number outside the runtime's code space).
constexpr size_t kCodeSlots = 24;
size_t code_slot(int32_t code) noexcept {
  if (code >= 0 && code <= 16) return static_cast<size_t>(code);
  if (code >= 100 && code <= 105) return static_cast<size_t>(code - 100 + 17);
  return kCodeSlots - 1;
}
Code slot_code(size_t slot) noexcept {
  return static_cast<Code>(slot <= 16 ? static_cast<int32_t>(slot) : static_cast<int32_t>(slot - 17 + 100));
}

struct MethodCounters {
  std::atomic<uint64_t> started{0};
  std::atomic<uint64_t> request_bytes{0};
  std::atomic<uint64_t> response_bytes{0};
  std::atomic<uint64_t> latency_samples{0};
  std::atomic<uint64_t> latency_sum_ns{0};
  std::atomic<uint64_t> finished[kCodeSlots]{};
  std::atomic<uint64_t> latency[kLatencyBuckets]{};
};

// Only the owning thread writes its counters.
void bump(std::atomic<uint64_t>& counter, uint64_t by = 1) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

// Method-direction pairs beyond this many are not counted.
constexpr size_t kMaxSlots = 1024;
// The key of an empty cache entry: no (method, direction) has it, as no fingerprint is 2^63 - 1.
constexpr uint64_t kNoKey = ~uint64_t{0};

struct ThreadMetrics {
  std::atomic<MethodCounters*> blocks[kMaxSlots]{};
  uint32_t calls_seen = 0;  // for sampling latency
  // The counters of the methods this thread counted last, direct-mapped by method id.
  struct CacheEntry {
    uint64_t key = 0;
    MethodCounters* counters = nullptr;  // null: empty
  };
  CacheEntry cache[64];
  // Every method this thread counted, for when two share a cache entry: no lock, only this thread uses it.
  std::unordered_map<uint64_t, MethodCounters*> by_key;

  ThreadMetrics() noexcept {
    for (CacheEntry& e : cache) e.key = kNoKey;  // matches no method: a hit always has counters
  }
  ~ThreadMetrics() {
    for (auto& b : blocks) delete b.load(std::memory_order_relaxed);
  }
};

struct SlotInfo {
  std::string name;  // a copy: a MethodInfo's name need not outlive its service's registration
  Direction direction;
};

struct MetricsRegistry {
  std::mutex mu;
  std::vector<SlotInfo> slots;
  std::unordered_map<uint64_t, uint32_t> slot_by_key;
  std::vector<ThreadMetrics*> threads;
  ThreadMetrics retired;  // the counts of threads that exited (written under mu, by many threads: RMWs)
};

// Never destroyed: threads may count, and exit, while static destructors run.
MetricsRegistry& registry() noexcept {
  static MetricsRegistry* const r = new MetricsRegistry();
  return *r;
}

uint64_t slot_key(const MethodInfo& method, Direction direction) noexcept {
  return method.id * 2 + static_cast<uint64_t>(direction);
}

void retire(ThreadMetrics* t) noexcept {
  MetricsRegistry& r = registry();
  std::lock_guard lock(r.mu);
  for (size_t s = 0; s < kMaxSlots; ++s) {
    MethodCounters* from = t->blocks[s].load(std::memory_order_relaxed);
    if (from == nullptr) continue;
    MethodCounters* to = r.retired.blocks[s].load(std::memory_order_relaxed);
    if (to == nullptr) {
      to = new (std::nothrow) MethodCounters();
      if (to == nullptr) continue;  // out of memory: this thread's counts of the method are lost
      r.retired.blocks[s].store(to, std::memory_order_relaxed);
    }
    auto add = [](std::atomic<uint64_t>& into, const std::atomic<uint64_t>& c) {
      into.fetch_add(c.load(std::memory_order_relaxed), std::memory_order_relaxed);
    };
    add(to->started, from->started);
    add(to->request_bytes, from->request_bytes);
    add(to->response_bytes, from->response_bytes);
    add(to->latency_samples, from->latency_samples);
    add(to->latency_sum_ns, from->latency_sum_ns);
    for (size_t i = 0; i < kCodeSlots; ++i) add(to->finished[i], from->finished[i]);
    for (size_t i = 0; i < kLatencyBuckets; ++i) add(to->latency[i], from->latency[i]);
  }
  std::erase(r.threads, t);
  delete t;
}

// The thread's metrics: a trivially destructible thread_local, so that reading it is one load; the owner,
// whose destructor retires them when the thread exits, is touched once per thread.
constinit thread_local ThreadMetrics* t_metrics = nullptr;
constinit thread_local bool t_metrics_retired = false;
struct ThreadMetricsOwner {
  ~ThreadMetricsOwner() {
    t_metrics_retired = true;
    if (t_metrics != nullptr) retire(std::exchange(t_metrics, nullptr));
  }
};
thread_local ThreadMetricsOwner t_metrics_owner;

[[gnu::noinline]] ThreadMetrics* new_thread_metrics() noexcept {
  if (t_metrics_retired) return nullptr;  // counting from another thread_local's destructor: not counted
  auto* t = new (std::nothrow) ThreadMetrics();
  if (t == nullptr) return nullptr;
  MetricsRegistry& r = registry();
  try {
    std::lock_guard lock(r.mu);
    r.threads.push_back(t);
  } catch (...) {
    delete t;
    return nullptr;
  }
  (void)&t_metrics_owner;  // constructs it: its destructor will retire t
  t_metrics = t;
  return t;
}

// The slow half of counters(): the method's slot, and this thread's block for it.
[[gnu::noinline]] MethodCounters* find_counters(ThreadMetrics& t, const MethodInfo& method, Direction direction,
                                                uint64_t key) noexcept {
  if (auto it = t.by_key.find(key); it != t.by_key.end()) {  // counted before; its cache entry was taken
    t.cache[method.id & 63] = {key, it->second};
    return it->second;
  }
  uint32_t slot;
  MetricsRegistry& r = registry();
  try {
    std::lock_guard lock(r.mu);
    auto [it, added] = r.slot_by_key.try_emplace(key, static_cast<uint32_t>(r.slots.size()));
    if (added) {
      if (r.slots.size() == kMaxSlots) {
        r.slot_by_key.erase(it);
        return nullptr;
      }
      r.slots.push_back({method.name, direction});
    }
    slot = it->second;
  } catch (...) {
    return nullptr;
  }
  MethodCounters* block = t.blocks[slot].load(std::memory_order_relaxed);
  if (block == nullptr) {
    block = new (std::nothrow) MethodCounters();
    if (block == nullptr) return nullptr;
    t.blocks[slot].store(block, std::memory_order_release);  // the snapshot reads it under the registry lock
  }
  try {
    t.by_key.emplace(key, block);
  } catch (...) {
    // out of memory: the next miss takes the registry's lock again, nothing worse
  }
  t.cache[method.id & 63] = {key, block};
  return block;
}

// This thread's counters of (method, direction), or null (too many methods, or out of memory).
inline MethodCounters* counters(ThreadMetrics& t, const MethodInfo& method, Direction direction) noexcept {
  const uint64_t key = slot_key(method, direction);
  const ThreadMetrics::CacheEntry& cached = t.cache[method.id & 63];
  if (cached.key == key) [[likely]] return cached.counters;
  return find_counters(t, method, direction, key);
}

inline ThreadMetrics* thread_metrics() noexcept {
  if (ThreadMetrics* t = t_metrics; t != nullptr) [[likely]] return t;
  return new_thread_metrics();
}

[[gnu::noinline]] void time_call(MethodCounters& m, int64_t started_ns) noexcept {
  const auto took = static_cast<uint64_t>(std::max<int64_t>(steady_now_ns() - started_ns, 0));
  const size_t bucket =
      std::min<size_t>(took < 64 ? 0 : static_cast<size_t>(std::bit_width(took)) - 6, kLatencyBuckets - 1);
  bump(m.latency[bucket]);
  bump(m.latency_samples);
  bump(m.latency_sum_ns, took);
}

inline void end_call(MethodCounters& m, int32_t code, size_t response_bytes, int64_t started_ns) noexcept {
  bump(m.finished[code_slot(code)]);
  bump(m.response_bytes, response_bytes);
  if (started_ns > 0) [[unlikely]] time_call(m, started_ns);
}

}  // namespace

// The rest of count_call_start: a thread's first call, a method it has not counted lately, or a timed call.
[[gnu::noinline]] CountedCall count_call_start_slow(const MethodInfo& method, Direction direction,
                                                    size_t request_bytes, MethodCounters* m) noexcept {
  ThreadMetrics* t = thread_metrics();
  if (t == nullptr) return {};
  if (m == nullptr) {
    m = counters(*t, method, direction);
    if (m == nullptr) return {};
    bump(m->started);
    bump(m->request_bytes, request_bytes);
    if (++t->calls_seen % kLatencySampleEvery != 0) return {m, 0};
  }
  return {m, std::max<int64_t>(steady_now_ns(), 1)};
}

// The common case stays in registers, with the rest a tail call: counting costs a call a few dozen
// instructions (docs/debugging.md, "What metrics cost").
CountedCall count_call_start(const MethodInfo& method, Direction direction, size_t request_bytes) noexcept {
  ThreadMetrics* t = t_metrics;
  if (t != nullptr) [[likely]] {
    const ThreadMetrics::CacheEntry& e = t->cache[method.id & 63];
    if (e.key == slot_key(method, direction)) [[likely]] {
      MethodCounters* m = e.counters;
      bump(m->started);
      bump(m->request_bytes, request_bytes);
      if (++t->calls_seen % kLatencySampleEvery != 0) [[likely]] return {m, 0};
      return count_call_start_slow(method, direction, request_bytes, m);  // timed
    }
  }
  return count_call_start_slow(method, direction, request_bytes, nullptr);
}

void count_call_end_here(const CountedCall& call, int32_t code, size_t response_bytes) noexcept {
  end_call(*static_cast<MethodCounters*>(call.counters), code, response_bytes, call.started_ns);
}

void count_call_end(const MethodInfo& method, Direction direction, int32_t code, size_t response_bytes,
                    int64_t started_ns) noexcept {
  ThreadMetrics* t = thread_metrics();
  if (t == nullptr) [[unlikely]] return;
  MethodCounters* m = counters(*t, method, direction);
  if (m == nullptr) [[unlikely]] return;
  end_call(*m, code, response_bytes, started_ns);
}

size_t metrics_threads_for_testing() {
  MetricsRegistry& r = registry();
  std::lock_guard lock(r.mu);
  return r.threads.size();
}

void enable_metrics_at_start(bool requested) noexcept {
  const char* env = std::getenv("CXX2GO_METRICS");
  if (requested || (env != nullptr && std::string_view(env) == "1")) metrics_on.store(true);
}

}  // namespace detail

void set_metrics_enabled(bool enabled) noexcept { detail::metrics_on.store(enabled); }
bool metrics_enabled() noexcept { return detail::metrics_on.load(); }

MetricsSnapshot metrics_snapshot() {
  using namespace detail;
  MetricsSnapshot out;
  out.enabled = metrics_on.load();
  {
    MetricsRegistry& r = registry();
    std::lock_guard lock(r.mu);
    out.methods.reserve(r.slots.size());
    for (size_t s = 0; s < r.slots.size(); ++s) {
      MethodMetrics m;
      m.method = r.slots[s].name;
      m.direction = r.slots[s].direction;
      uint64_t finished[kCodeSlots] = {};
      auto add_block = [&](const MethodCounters* b) {
        if (b == nullptr) return;
        auto get = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
        m.calls += get(b->started);
        m.request_bytes += get(b->request_bytes);
        m.response_bytes += get(b->response_bytes);
        m.latency_samples += get(b->latency_samples);
        m.latency_sum_ns += get(b->latency_sum_ns);
        for (size_t i = 0; i < kCodeSlots; ++i) finished[i] += get(b->finished[i]);
        for (size_t i = 0; i < kLatencyBuckets; ++i) m.latency_buckets[i] += get(b->latency[i]);
      };
      add_block(r.retired.blocks[s].load(std::memory_order_relaxed));
      for (ThreadMetrics* t : r.threads) add_block(t->blocks[s].load(std::memory_order_acquire));
      uint64_t by_code[kCodeSlots - 1] = {};  // the "other" slot counts as Code::unknown
      for (size_t i = 0; i < kCodeSlots; ++i) by_code[i == kCodeSlots - 1 ? code_slot(CXX2GO_UNKNOWN) : i] += finished[i];
      uint64_t done = 0;
      for (size_t i = 0; i + 1 < kCodeSlots; ++i) {
        if (by_code[i] == 0) continue;
        m.finished.emplace_back(slot_code(i), by_code[i]);
        done += by_code[i];
      }
      // Another thread's counts may be read a moment apart from this one's: never report below zero.
      m.in_flight = m.calls > done ? m.calls - done : 0;
      out.methods.push_back(std::move(m));
    }
  }
  std::sort(out.methods.begin(), out.methods.end(), [](const MethodMetrics& a, const MethodMetrics& b) {
    return a.method != b.method ? a.method < b.method : a.direction < b.direction;
  });
  Core& c = core();
  if (std::unique_lock lock(c.lifecycle_mu, std::try_to_lock); lock.owns_lock() && c.pool != nullptr) {
    out.executor_queued = c.pool->queued();  // while stop() holds the lock, the pool is going away: 0
  }
  const RingCounters ring = ring_counters();
  out.ring_to_go_queued = ring.to_go_queued;
  out.ring_to_cpp_queued = ring.to_cpp_queued;
  out.ring_capacity = ring.capacity;
  return out;
}

}  // namespace cxx2go

extern "C" void cxx2go_cpp_set_metrics(int32_t enabled) { cxx2go::set_metrics_enabled(enabled != 0); }

// The snapshot for Go (runtime/go/cxx2go/c2gimpl/metrics.go reads it): enabled u8, executor_queued,
// ring_to_go_queued, ring_to_cpp_queued, ring_capacity (u64 each),
// the number of methods u32, and per method: name str, direction u8, calls, in_flight, request_bytes,
// response_bytes, latency_samples, latency_sum_ns (u64 each), kLatencyBuckets u64 counts, the number of
// codes u32 and per code: code i32, count u64.
extern "C" void cxx2go_cpp_metrics_snapshot(uint8_t** data, size_t* len) {
  *data = nullptr;
  *len = 0;
  try {
    const cxx2go::MetricsSnapshot s = cxx2go::metrics_snapshot();
    cxx2go::detail::Encoder e;
    e.u8(s.enabled ? 1 : 0);
    e.u64(s.executor_queued);
    e.u64(s.ring_to_go_queued);
    e.u64(s.ring_to_cpp_queued);
    e.u64(s.ring_capacity);
    e.u32(static_cast<uint32_t>(s.methods.size()));
    for (const cxx2go::MethodMetrics& m : s.methods) {
      e.str(m.method);
      e.u8(static_cast<uint8_t>(m.direction));
      for (uint64_t v : {m.calls, m.in_flight, m.request_bytes, m.response_bytes, m.latency_samples, m.latency_sum_ns}) {
        e.u64(v);
      }
      for (uint64_t n : m.latency_buckets) e.u64(n);
      e.u32(static_cast<uint32_t>(m.finished.size()));
      for (auto [code, n] : m.finished) {
        e.i32(static_cast<int32_t>(code));
        e.u64(n);
      }
    }
    cxx2go::detail::export_encoded(e, data, len);
  } catch (...) {
    // out of memory: no snapshot
  }
}
