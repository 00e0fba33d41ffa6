// The live view of the calls in flight and the stuck-call watchdog (cxx2go/debug.h, docs/debugging.md).
#include "live.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../core/core.h"
#include "../exec/thread_name.h"
#include "../transport/transport.h"
#include "crash.h"
#include "cxx2go/debug.h"
#include "cxx2go/detail/wire.h"
#include "export.h"

namespace cxx2go {
namespace detail {

// The name the kernel keeps for thread `tid` of this process (/proc/self/task/<tid>/comm), or "?".
std::string name_of_thread(int32_t tid) {
  std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string name;
  if (!std::getline(comm, name) || name.empty()) return "?";
  return name;
}

std::string duration_text(std::chrono::nanoseconds d) {
  char buf[32];
  const double ns = static_cast<double>(d.count());
  if (ns >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.1fs", ns / 1e9);
  } else if (ns >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fms", ns / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.1fµs", ns / 1e3);
  }
  return buf;
}

// ---- the watchdog ----

// The upper bound of the latency bucket that holds method m's 99th percentile, or 0 without samples.
std::chrono::nanoseconds p99_bound(const MethodMetrics& m) noexcept {
  if (m.latency_samples == 0) return std::chrono::nanoseconds(0);
  const uint64_t rank = (m.latency_samples * 99 + 99) / 100;
  uint64_t seen = 0;
  for (size_t i = 0; i < kLatencyBuckets; ++i) {
    seen += m.latency_buckets[i];
    if (seen >= rank) {
      const uint64_t bound = latency_bucket_bound_ns(i);
      return std::chrono::nanoseconds(bound != 0 ? bound : latency_bucket_bound_ns(kLatencyBuckets - 2) * 2);
    }
  }
  return std::chrono::nanoseconds(0);
}

struct StuckCallWatchdog {
  std::chrono::nanoseconds threshold;
  double latency_factor = 0;
  std::function<void(const LiveCall&)> report;
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  void run() {
    set_thread_name("cxx2go-stuck");
    enter_runtime_thread();
    // Checked twice per threshold (at most once per second, at least every 10 ms), so a call is reported
    // between 1 and 1.5 thresholds after it started.
    const auto period = std::clamp<std::chrono::nanoseconds>(threshold / 2, std::chrono::milliseconds(10),
                                                              std::chrono::seconds(1));
    std::set<std::pair<uint64_t, Direction>> reported;  // those still in flight
    std::unique_lock lock(mu);
    while (!wake.wait_for(lock, period, [&] { return stopping; })) {
      lock.unlock();
      try {
        std::set<std::pair<uint64_t, Direction>> still;
        // Each method's own threshold: `latency_factor` times its usual latency, if that is longer.
        std::map<std::pair<std::string, Direction>, std::chrono::nanoseconds> usual;
        if (latency_factor > 0 && metrics_enabled()) {
          for (const MethodMetrics& m : metrics_snapshot().methods) {
            usual[{m.method, m.direction}] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                p99_bound(m) * latency_factor);
          }
        }
        for (const LiveCall& call : live_calls()) {
          auto it = usual.find({call.method, call.direction});
          if (call.age < std::max(threshold, it != usual.end() ? it->second : std::chrono::nanoseconds(0))) continue;
          auto key = std::make_pair(call.call_id, call.direction);
          still.insert(key);
          if (!reported.contains(key)) report(call);
        }
        reported = std::move(still);
      } catch (...) {
        // out of memory: try again next period
      }
      lock.lock();
    }
  }
};

// A plain pointer, never destroyed at exit: a process that ends without stop() must not destroy a
// joinable std::thread (std::terminate).
std::mutex g_watchdog_mu;
StuckCallWatchdog* g_watchdog = nullptr;

void log_stuck_call(const LiveCall& call) {
  std::fprintf(stderr, "cxx2go: stuck call: %s (%s, call %llu over %s) has been %s for %s\n", call.method.c_str(),
               call.direction == Direction::cpp_to_go ? "C++ → Go" : "Go → C++",
               static_cast<unsigned long long>(call.call_id), call.transport.c_str(), call.where.c_str(),
               duration_text(call.age).c_str());
}

void start_stuck_call_watchdog(const RuntimeOptions& options) {
  std::chrono::nanoseconds threshold = options.stuck_call_threshold;
  if (const char* env = std::getenv("CXX2GO_STUCK_CALL_MS"); env != nullptr && threshold.count() <= 0) {
    threshold = std::chrono::milliseconds(std::strtoll(env, nullptr, 10));
  }
  if (threshold.count() <= 0) return;
  auto watchdog = std::make_unique<StuckCallWatchdog>();
  watchdog->threshold = threshold;
  watchdog->latency_factor = options.stuck_call_latency_factor;
  watchdog->report = options.on_stuck_call ? options.on_stuck_call : std::function<void(const LiveCall&)>(&log_stuck_call);
  StuckCallWatchdog* w = watchdog.get();
  watchdog->thread = std::thread([w] { w->run(); });
  std::lock_guard lock(g_watchdog_mu);
  g_watchdog = watchdog.release();
}

void stop_stuck_call_watchdog() noexcept {
  std::unique_ptr<StuckCallWatchdog> watchdog;
  {
    std::lock_guard lock(g_watchdog_mu);
    watchdog.reset(std::exchange(g_watchdog, nullptr));
  }
  if (!watchdog) return;
  {
    std::lock_guard lock(watchdog->mu);
    watchdog->stopping = true;
  }
  watchdog->wake.notify_all();
  if (watchdog->thread.get_id() == std::this_thread::get_id()) {
    // stop() from the watchdog's own callback: it cannot join itself, and it is about to return.
    watchdog->thread.detach();
    (void)watchdog.release();  // the thread still uses it: leaked, once
    return;
  }
  if (watchdog->thread.joinable()) watchdog->thread.join();
}

}  // namespace detail

std::vector<LiveCall> live_calls() {
  using namespace detail;
  Core& c = core();
  const int64_t now = steady_now_ns();
  std::vector<LiveCall> out;
  std::vector<int32_t> tids;  // of the running Go → C++ calls: named after the tables' locks are released
  c.outgoing.for_each([&](OutgoingCall* call) {
    const OutgoingBook& b = book(*call);
    LiveCall live;
    live.method = b.method != nullptr ? b.method->name : (b.call.method_name != nullptr ? b.call.method_name : "?");
    live.direction = Direction::cpp_to_go;
    live.call_id = b.call.call_id;
    live.age = std::chrono::nanoseconds(now - b.submitted_ns);
    live.transport = route_of(b.call.call_id) == Route::ring ? "ring" : "cgo";
    live.where = "in Go";
    out.push_back(std::move(live));
    tids.push_back(0);
  });
  c.incoming.for_each([&](IncomingListing* listing) {
    LiveCall live;
    live.method = listing->method != nullptr ? listing->method->name : "?";
    live.direction = Direction::go_to_cpp;
    live.call_id = listing->id;
    live.age = std::chrono::nanoseconds(now - listing->listed_ns);
    live.transport = route_of(listing->id) == Route::ring ? "ring" : "cgo";
    const int32_t tid = listing->running_tid.load(std::memory_order_relaxed);
    live.where = tid == 0 ? "queued" : tid == kSuspendedTid ? "waiting for its implementation's answer" : "running";
    out.push_back(std::move(live));
    tids.push_back(tid);
  });
  for (size_t i = 0; i < out.size(); ++i) {
    if (tids[i] > 0) out[i].where = "running on thread " + name_of_thread(tids[i]) + " (tid " + std::to_string(tids[i]) + ")";
  }
  std::stable_sort(out.begin(), out.end(), [](const LiveCall& a, const LiveCall& b) { return a.age > b.age; });
  return out;
}

std::string live_calls_text() {
  std::string text;
  for (const LiveCall& call : live_calls()) {
    text += detail::duration_text(call.age) + " " + (call.direction == Direction::cpp_to_go ? "C++ → Go " : "Go → C++ ") +
            call.method + " call " + std::to_string(call.call_id) + " over " + call.transport + ", " + call.where + "\n";
  }
  return text;
}

}  // namespace cxx2go

// The live calls for Go (runtime/go/cxx2go/c2gimpl/live.go reads them): the number of calls u32, and per
// call: method str, direction u8, call id u64, age in nanoseconds u64, transport str, where str.
extern "C" void cxx2go_cpp_live_calls(uint8_t** data, size_t* len) {
  *data = nullptr;
  *len = 0;
  try {
    const std::vector<cxx2go::LiveCall> calls = cxx2go::live_calls();
    cxx2go::detail::Encoder e;
    e.u32(static_cast<uint32_t>(calls.size()));
    for (const cxx2go::LiveCall& c : calls) {
      e.str(c.method);
      e.u8(static_cast<uint8_t>(c.direction));
      e.u64(c.call_id);
      e.u64(static_cast<uint64_t>(std::max<int64_t>(c.age.count(), 0)));
      e.str(c.transport);
      e.str(c.where);
    }
    cxx2go::detail::export_encoded(e, data, len);
  } catch (...) {
    // out of memory: no list
  }
}
