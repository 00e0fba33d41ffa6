// The C++ side of the fault-injection tests (tests/stress/README.md, "Fault injection"): allocation failure
// injected through a replaced global operator new, and C++ → Go calls that the Go test keeps in flight
// while it stalls, cancels, unregisters or stops.
//
// Allocation failure is injected here, in the test binary, rather than by a hook inside the runtime: every
// allocation of the runtime, of the generated code and of the standard library (call records, shared
// states, std::function, strings, hash-table nodes, coroutine frames, threads) goes through operator new,
// so replacing it reaches every allocation point with no code and no cost in the runtime itself.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <unordered_map>

#include "../../gen/stress/cpp/stress.c2g.h"
#include "cxx2go/cxx2go.h"
#include "fault_hooks.h"
#include "stall_gate.h"

// ---- allocation failure ----

namespace {

std::atomic<int64_t> g_alloc_countdown{0};  // > 0: armed, the allocation that takes it to 0 fails
std::atomic<int64_t> g_alloc_failed{0};

bool inject_alloc_failure() noexcept {
  int64_t n = g_alloc_countdown.load(std::memory_order_relaxed);
  while (n > 0) {
    if (g_alloc_countdown.compare_exchange_weak(n, n - 1)) {
      if (n != 1) return false;
      g_alloc_failed.fetch_add(1);
      return true;
    }
  }
  return false;
}

void* allocate(std::size_t n, std::size_t align) {
  if (inject_alloc_failure()) throw std::bad_alloc();
  if (n == 0) n = 1;
  void* p = align <= alignof(std::max_align_t) ? std::malloc(n) : std::aligned_alloc(align, (n + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* allocate_nothrow(std::size_t n, std::size_t align) noexcept {
  try {
    return allocate(n, align);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

// The replaceable global allocation functions ([new.delete]): all of them, so that every form fails
// alike and every pointer is freed by the matching (malloc-based) deallocation.
void* operator new(std::size_t n) { return allocate(n, 0); }
void* operator new[](std::size_t n) { return allocate(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return allocate(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocate(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate_nothrow(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate_nothrow(n, 0); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_nothrow(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_nothrow(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

extern "C" void fault_alloc_arm(int64_t n) {
  g_alloc_failed.store(0);
  g_alloc_countdown.store(n);
}

extern "C" int64_t fault_alloc_disarm(void) {
  g_alloc_countdown.store(0);
  return g_alloc_failed.load();
}

// ---- the stall gate (stall_gate.h) ----


extern "C" int64_t fault_cpp_stalled(void) {
  StallGate& g = cpp_stall_gate();
  std::lock_guard lock(g.mu);
  return g.waiting + static_cast<int64_t>(g.held.size());
}

extern "C" void fault_cpp_gate(int32_t open) {
  StallGate& g = cpp_stall_gate();
  std::vector<std::pair<cxx2go::Promise<int64_t>, int64_t>> held;
  {
    std::lock_guard lock(g.mu);
    g.open = open != 0;
    if (g.open) held.swap(g.held);
  }
  g.cv.notify_all();
  // Outside the lock: resolving resumes the awaiting coroutines, which answer their Go callers.
  for (auto& [promise, x] : held) promise.set_value(x + 1);
}

extern "C" uint64_t fault_cpp_work_started(void) { return g_cpp_work_started.load(); }

// ---- C++ → Go calls kept in flight ----

namespace {

using cxx2go::Code;
namespace s = ::cxx2go_stress;

cxx2go::CallOptions options_for(int64_t timeout_us) {
  if (timeout_us < 0) return {};
  return cxx2go::CallOptions::with_timeout(std::chrono::microseconds(timeout_us));
}

// One call: an async Future (with a counting continuation) or a sync call on its own thread.
struct GoCall {
  cxx2go::Future<int64_t> future;
  std::shared_ptr<std::atomic<int32_t>> then_runs = std::make_shared<std::atomic<int32_t>>(0);
  std::thread thread;
  std::shared_ptr<std::atomic<bool>> sync_done = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<cxx2go::Result<int64_t>> sync_result = std::make_shared<cxx2go::Result<int64_t>>(cxx2go::Error());
};

std::mutex g_calls_mu;
std::unordered_map<int64_t, std::shared_ptr<GoCall>> g_calls;
int64_t g_last_handle = 0;

std::shared_ptr<GoCall> find_call(int64_t handle) {
  std::lock_guard lock(g_calls_mu);
  auto it = g_calls.find(handle);
  return it == g_calls.end() ? nullptr : it->second;
}

void copy_message(const std::string& m, char* msg, int32_t cap) {
  if (msg != nullptr && cap > 0) std::snprintf(msg, static_cast<size_t>(cap), "%s", m.c_str());
}

}  // namespace

extern "C" int64_t fault_go_start(int32_t how, int64_t x, int32_t mode, int64_t timeout_us) {
  auto call = std::make_shared<GoCall>();
  if (how == 1) {
    call->future = s::GoWorkClient().work_async(x, mode, options_for(timeout_us));
    call->then_runs->store(1);  // no continuation: counts as run once
  } else if (how == 2) {
    call->future = s::GoWorkClient().work_async(x, mode, options_for(timeout_us)).then(
        [runs = call->then_runs](cxx2go::Result<int64_t>&& r) {
          runs->fetch_add(1);
          return std::move(r);
        });
  } else {
    call->thread = std::thread([x, mode, timeout_us, done = call->sync_done, result = call->sync_result] {
      *result = s::GoWorkClient().work(x, mode, options_for(timeout_us));
      done->store(true);
    });
  }
  std::lock_guard lock(g_calls_mu);
  g_calls.emplace(++g_last_handle, std::move(call));
  return g_last_handle;
}

extern "C" int32_t fault_go_ready(int64_t handle) {
  std::shared_ptr<GoCall> call = find_call(handle);
  if (!call) return 0;
  return (call->thread.joinable() ? call->sync_done->load() : call->future.ready()) ? 1 : 0;
}

extern "C" void fault_go_cancel(int64_t handle) {
  if (std::shared_ptr<GoCall> call = find_call(handle); call && call->future.valid()) call->future.cancel();
}

extern "C" int32_t fault_go_wait(int64_t handle, int64_t* value, int32_t* then_runs, char* msg, int32_t cap) {
  std::shared_ptr<GoCall> call = find_call(handle);
  if (!call) {
    copy_message("no such handle", msg, cap);
    return -1;
  }
  cxx2go::Result<int64_t> r = cxx2go::Error();
  if (call->thread.joinable()) {
    for (int i = 0; i < 60000 && !call->sync_done->load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!call->sync_done->load()) {
      copy_message("the synchronous call did not return within 60 s", msg, cap);
      return -1;
    }
    call->thread.join();
    r = std::move(*call->sync_result);
    *then_runs = 1;
  } else {
    if (!call->future.wait_for(std::chrono::seconds(60))) {
      copy_message("the future did not resolve within 60 s", msg, cap);
      return -1;
    }
    r = call->future.get();
    *then_runs = call->then_runs->load();
  }
  {
    std::lock_guard lock(g_calls_mu);
    g_calls.erase(handle);
  }
  *value = r ? *r : 0;
  copy_message(r ? "" : r.error().message, msg, cap);
  return static_cast<int32_t>(r.error().code);
}

// ---- the C++ → Go allocation sweep ----

namespace {

// Waits until the C++ runtime has no call and no record alive (at most 30 s).
bool wait_no_live_calls() {
  for (int i = 0; i < 30000; ++i) {
    const cxx2go::LiveCounts c = cxx2go::live_counts();
    if (c.outgoing_calls == 0 && c.incoming_calls == 0 && c.records == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// One call of `kind` while the n-th allocation fails.
struct SweepOutcome {
  bool thrown = false;  // std::bad_alloc reached the caller (from the client call itself)
  cxx2go::Result<int64_t> result = cxx2go::Error();
  int32_t then_runs = -1;  // kind 3
};

SweepOutcome call_once(int32_t kind, int64_t x) {
  SweepOutcome out;
  s::GoWorkClient go;
  try {
    switch (kind) {
      case 0:
        out.result = go.work(x, 0);
        break;
      case 1:
        out.result = go.work_async(x, 0).get();
        break;
      case 2:
        out.result = go.work_async(x, 0, cxx2go::CallOptions::with_timeout(std::chrono::seconds(30))).get();
        break;
      case 3: {
        auto runs = std::make_shared<std::atomic<int32_t>>(0);
        cxx2go::Future<int64_t> f = go.work_async(x, 0).then([runs](cxx2go::Result<int64_t>&& r) {
          runs->fetch_add(1);
          return std::move(r);
        });
        out.result = f.get();
        out.then_runs = runs->load();
        break;
      }
    }
  } catch (const std::bad_alloc&) {
    out.thrown = true;
  }
  return out;
}

}  // namespace

extern "C" int32_t fault_alloc_sweep_cpp(int32_t kind, int64_t* points, uint64_t* failed_calls, uint64_t* thrown,
                                         char* msg, int32_t cap) {
  *points = 0;
  *failed_calls = 0;
  *thrown = 0;
  const std::string what = "C++ → Go kind " + std::to_string(kind);
  for (int64_t n = 1; n <= 100000; ++n) {
    const int64_t x = 1000 * n + kind;
    fault_alloc_arm(n);
    SweepOutcome out = call_once(kind, x);
    const bool injected = fault_alloc_disarm() != 0;
    // Checked unarmed: building the message allocates.
    if (out.thrown) {
      ++*thrown;
    } else if (out.result) {
      if (*out.result != x + 1) {
        copy_message(what + ", failing allocation " + std::to_string(n) + ": wrong value " +
                         std::to_string(*out.result),
                     msg, cap);
        return -1;
      }
    } else if (out.result.error().code == Code::resource_exhausted) {
      ++*failed_calls;
    } else {
      copy_message(what + ", failing allocation " + std::to_string(n) + ": " + out.result.error().to_string() +
                       " (want a value or resource_exhausted)",
                   msg, cap);
      return -1;
    }
    if (kind == 3 && !out.thrown && out.then_runs != 1) {
      copy_message(what + ", failing allocation " + std::to_string(n) + ": the continuation ran " +
                       std::to_string(out.then_runs) + " times",
                   msg, cap);
      return -1;
    }
    if (!wait_no_live_calls()) {
      const cxx2go::LiveCounts c = cxx2go::live_counts();
      copy_message(what + ", failing allocation " + std::to_string(n) + ": calls still alive: " +
                       std::to_string(c.outgoing_calls) + " outgoing, " + std::to_string(c.incoming_calls) +
                       " incoming, " + std::to_string(c.records) + " records",
                   msg, cap);
      return -1;
    }
    SweepOutcome after = call_once(kind, x + 1);
    if (after.thrown || !after.result || *after.result != x + 2) {
      copy_message(what + ", after failing allocation " + std::to_string(n) + ": the next call failed: " +
                       (after.thrown ? std::string("bad_alloc") : after.result.error().to_string()),
                   msg, cap);
      return -1;
    }
    if (!injected) {
      *points = n - 1;  // allocations 1..n-1 each failed once
      return 0;
    }
  }
  copy_message(what + ": more than 100000 allocations in one call", msg, cap);
  return -1;
}

// ---- negative controls ----

extern "C" void faultPanicNoRecover(void);  // fault.go

extern "C" void fault_unwrapped_throw_int(void) { throw 7; }

extern "C" void fault_call_unrecovered_panic(int32_t new_thread) {
  if (new_thread != 0) {
    std::thread([] { faultPanicNoRecover(); }).join();
  } else {
    faultPanicNoRecover();
  }
}
