// cpphost: the C++ host of `make bench` (bench/README.md). C++ calls Go synchronously (cxx2go, and the raw
// cgo baseline: //export'ed Go functions of bench/cppside) and asynchronously with 1, 64 and 1,024 calls in
// flight. Prints one JSON object per measured row.
//
//   cpphost [--reps N] [--rep-ms MS] [--async-ms MS] [--filter TEXT] [--calls N] [--async-only [--in-flight K]]
//
// --filter: only the sync rows whose "row mechanism" contains TEXT (or equals it, after a leading =), and the latency and async rows only if
// "async" does; with --async-only, only the async rows whose "row mechanism" matches. --calls N: each sync row runs exactly N calls, once, without warm-up or calibration, and no
// latency or async rows (instruction counts under callgrind: docs/design.md). --async-only: only the async
// rows; --in-flight K: of those only K in flight (1, 64 or 1024: one row to profile).
// BENCH_CONDITION (environment): appended to the mechanism of the async rows, e.g. "under load" while
// scripts/run-bench.sh runs bench/load beside it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "bench.c2g.h"
#include "cxx2go/cxx2go.h"
#include "libbench_cppside.h"  // the //export'ed raw baseline

extern "C" uint64_t bench_cpp_allocs(void);  // cpp/counting_new.cc

namespace {

using Clock = std::chrono::steady_clock;

int g_reps = 7;
double g_rep_ns = 40e6;
double g_async_ns = 500e6;
std::string g_filter;
bool g_async_only = false;
long g_calls = 0;
int g_in_flight = 0;  // 0: every async row
// The mechanism label of the async rows: over the rings when the run has CXX2GO_TRANSPORT=ring (docs/ring.md),
// with the consumers' spin time before parking.
bool ring_run() {
  const char* transport = std::getenv("CXX2GO_TRANSPORT");
  return transport != nullptr && std::strcmp(transport, "ring") == 0;
}

// ", under load" while scripts/run-bench.sh runs bench/load beside the async rows (BENCH_CONDITION).
std::string condition_suffix() {
  const char* condition = std::getenv("BENCH_CONDITION");
  return condition != nullptr && *condition != 0 ? std::string(", ") + condition : std::string();
}

std::string async_mechanism() {
  std::string mech = "cxx2go async (Future)";
  if (ring_run()) {
    const char* spin = std::getenv("CXX2GO_RING_SPIN_US");
    mech += std::string(" over ring, spin ") + (spin != nullptr && *spin != 0 ? spin : "20") + " µs";
  }
  return mech + condition_suffix();
}

// CPU time of the whole process (every thread, user and system), in ns.
double process_cpu_ns() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e9 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e3;
}

// What a row's per-call cost columns are computed from: process CPU time, Go heap objects allocated and
// C++ operator new calls.
struct Costs {
  double cpu_ns;
  uint64_t go_allocs;
  uint64_t cpp_allocs;

  static Costs now() { return {process_cpu_ns(), bench_go_heap_objects(), bench_cpp_allocs()}; }
  // The JSON fields of the cost per call since this sample, over `calls` calls.
  std::string per_call(double calls) const {
    const Costs after = now();
    char buf[160];
    std::snprintf(buf, sizeof buf, ",\"cpu_ns_per_call\":%.0f,\"go_allocs_per_call\":%.3f,\"cpp_allocs_per_call\":%.3f",
                  (after.cpu_ns - cpu_ns) / calls, static_cast<double>(after.go_allocs - go_allocs) / calls,
                  static_cast<double>(after.cpp_allocs - cpp_allocs) / calls);
    return buf;
  }
};

double ns_since(Clock::time_point t) { return std::chrono::duration<double, std::nano>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

template <class R>
void check(const R& ok, const char* what) {
  if (!static_cast<bool>(ok)) {
    std::fprintf(stderr, "cpphost: %s failed\n", what);
    std::exit(1);
  }
}

// Whether --filter selects the row "row mechanism".
bool selected(const std::string& row, const std::string& mech) {
  if (g_filter.empty()) return true;
  const std::string name = row + " " + mech;
  return g_filter[0] == '=' ? name == g_filter.substr(1) : name.find(g_filter) != std::string::npos;
}

void sync_row(const std::string& row, size_t payload, const std::string& mech, const std::function<void(long)>& fn) {
  if (!selected(row, mech)) return;
  if (g_calls > 0) {
    auto t = Clock::now();
    fn(g_calls);
    std::printf(
        "{\"direction\":\"cpp->go\",\"kind\":\"sync\",\"row\":\"%s\",\"payload_bytes\":%zu,\"mechanism\":\"%s\","
        "\"ns_per_call\":%.2f}\n",
        row.c_str(), payload, mech.c_str(), ns_since(t) / static_cast<double>(g_calls));
    std::fflush(stdout);
    return;
  }
  fn(100);  // warm-up
  long n = 1;
  for (;;) {
    auto t = Clock::now();
    fn(n);
    double d = ns_since(t);
    if (d >= g_rep_ns / 4 || n >= (1L << 30)) {
      n = std::max(1L, static_cast<long>(n * g_rep_ns / std::max(d, 1.0)));
      break;
    }
    n *= 4;
  }
  std::vector<double> res;
  res.reserve(g_reps);
  const Costs before = Costs::now();
  for (int i = 0; i < g_reps; ++i) {
    auto t = Clock::now();
    fn(n);
    res.push_back(ns_since(t) / static_cast<double>(n));
  }
  const std::string costs = before.per_call(static_cast<double>(n) * g_reps);
  std::string reps;
  for (double r : res) {
    if (!reps.empty()) reps += ',';
    reps += std::to_string(r);
  }
  std::printf(
      "{\"direction\":\"cpp->go\",\"kind\":\"sync\",\"row\":\"%s\",\"payload_bytes\":%zu,\"mechanism\":\"%s\","
      "\"ns_per_call\":%.2f,\"reps_ns\":[%s]%s}\n",
      row.c_str(), payload, mech.c_str(), median(res), reps.c_str(), costs.c_str());
  std::fflush(stdout);
}

std::string size_label(size_t n) {
  if (n >= (1u << 20)) return std::to_string(n >> 20) + " MiB";
  if (n >= (1u << 10)) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " B";
}

// K calls in flight from one C++ thread, in K slots used in turn: issue(slot) starts a call in the slot and
// wait(slot) waits for its answer and checks it. Before a slot is reused, its call (the oldest in flight)
// is waited for. Latency = issue → answer of that call (in issue order: an upper bound when K > 1).
template <class Issue, class Wait>
void window_row(int k, const std::string& row, size_t payload, const std::string& mech, Issue&& issue,
                Wait&& wait) {
  if (g_async_only && !selected(row, mech)) return;
  for (int i = 0; i < 100; ++i) {
    issue(0);
    wait(0);
  }
  std::vector<Clock::time_point> issued(k);
  std::vector<double> lat;
  lat.reserve(1 << 20);
  const Costs before = Costs::now();
  auto start = Clock::now();
  auto end = start + std::chrono::nanoseconds(static_cast<long>(g_async_ns));
  long calls = 0;
  for (; Clock::now() < end || calls % k != 0; ++calls) {
    const int slot = static_cast<int>(calls % k);
    if (calls >= k) {
      wait(slot);
      lat.push_back(ns_since(issued[slot]));
    }
    issued[slot] = Clock::now();
    issue(slot);
  }
  for (long i = calls; i < calls + k; ++i) {  // the last k, in issue order
    const int slot = static_cast<int>(i % k);
    wait(slot);
    lat.push_back(ns_since(issued[slot]));
  }
  double elapsed = ns_since(start);
  const std::string costs = before.per_call(static_cast<double>(lat.size()));
  std::sort(lat.begin(), lat.end());
  std::printf(
      "{\"direction\":\"cpp->go\",\"kind\":\"async\",\"row\":\"%s, %d in flight\",\"payload_bytes\":%zu,"
      "\"mechanism\":\"%s\",\"in_flight\":%d,\"calls_per_s\":%.0f,\"p50_ns\":%.0f,\"p99_ns\":%.0f%s}\n",
      row.c_str(), k, payload, mech.c_str(), k, lat.size() / (elapsed / 1e9), lat[lat.size() / 2],
      lat[lat.size() * 99 / 100], costs.c_str());
  std::fflush(stdout);
}

void async_row(int k, const benchgen::GoBenchClient& go) {
  const benchgen::Small v{1, 2, 3};
  std::vector<cxx2go::Future<benchgen::Small>> futures(k);
  window_row(
      k, "small struct", 20, async_mechanism(), [&](int s) { futures[s] = go.small_async(v); },
      [&](int s) { check(futures[s].get(), "small_async"); });
}

// The echo workload (bench/README.md): the request, and a check of every answer.
struct Echo {
  benchgen::Req req{42, "0123456789abcdef", {"alpha", "beta", "gamma"}};
  uint32_t n = static_cast<uint32_t>(req.name.size() + 5 + 4 + 5);
  size_t payload = 8 + n;

  void check_answer(uint64_t id, uint32_t got) const {
    if (id != req.id || got != n) {
      std::fprintf(stderr, "cpphost: echo answered id %llu, n %u; want %llu, %u\n", static_cast<unsigned long long>(id),
                   got, static_cast<unsigned long long>(req.id), n);
      std::exit(1);
    }
  }
  void check_answer(const cxx2go::Result<benchgen::Resp>& r) const {
    check(r, "echo");
    check_answer(r->id, r->n);
  }
};

// The raw baseline's request: a C struct of views of the C++ strings (libbench_cppside.h).
struct RawEchoReq {
  std::vector<bench_view> tags;
  bench_echo_req c{};

  explicit RawEchoReq(const benchgen::Req& req) {
    for (const auto& t : req.tags) tags.push_back(bench_view{t.data(), t.size()});
    c = bench_echo_req{req.id, bench_view{req.name.data(), req.name.size()}, tags.data(), tags.size()};
  }
};

// The raw async baseline's minimal promise: Go's callback stores the answer and wakes the waiter.
struct RawPromise {
  std::atomic<uint32_t> done{0};
  uint64_t id = 0;
  uint32_t n = 0;

  static void complete(void* p, uint64_t id, uint32_t n) {
    auto* promise = static_cast<RawPromise*>(p);
    promise->id = id;
    promise->n = n;
    promise->done.store(1, std::memory_order_release);
    promise->done.notify_one();
  }
  void wait() {
    while (done.load(std::memory_order_acquire) == 0) done.wait(0, std::memory_order_acquire);
    done.store(0, std::memory_order_relaxed);
  }
};

void echo_async_rows(int k, const benchgen::GoBenchClient& go, const Echo& echo, bool with_raw) {
  std::vector<cxx2go::Future<benchgen::Resp>> futures(k);
  window_row(
      k, "echo", echo.payload, async_mechanism(), [&](int s) { futures[s] = go.echo_async(echo.req); },
      [&](int s) { echo.check_answer(futures[s].get()); });
  if (!with_raw) return;
  // The raw baseline does not change with the transport: only in the cgo run.
  RawEchoReq raw(echo.req);
  std::vector<RawPromise> promises(k);
  window_row(
      k, "echo", echo.payload, "raw async cgo" + condition_suffix(),
      [&](int s) { bench_go_raw_echo_async(&raw.c, &RawPromise::complete, &promises[s]); },
      [&](int s) {
        promises[s].wait();
        echo.check_answer(promises[s].id, promises[s].n);
      });
}

// Per-call latency of sequential sync calls (for the gRPC comparison: the same percentiles).
void latency_row(const std::string& row, const std::string& mech, const std::function<void()>& call) {
  for (int i = 0; i < 1000; ++i) call();
  std::vector<double> lat;
  auto end = Clock::now() + std::chrono::nanoseconds(static_cast<long>(g_async_ns));
  while (Clock::now() < end) {
    auto t = Clock::now();
    call();
    lat.push_back(ns_since(t));
  }
  std::sort(lat.begin(), lat.end());
  std::printf(
      "{\"direction\":\"cpp->go\",\"kind\":\"latency\",\"row\":\"%s\",\"payload_bytes\":20,\"mechanism\":\"%s\","
      "\"in_flight\":1,\"calls_per_s\":%.0f,\"p50_ns\":%.0f,\"p99_ns\":%.0f}\n",
      row.c_str(), mech.c_str(), lat.size() / (g_async_ns / 1e9), lat[lat.size() / 2], lat[lat.size() * 99 / 100]);
  std::fflush(stdout);
}

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "cpphost: %s\nusage: cpphost [--reps N] [--rep-ms MS] [--async-ms MS] [--filter TEXT] [--calls N] "
               "[--async-only [--in-flight K]]\n",
               why.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {

  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--async-only") {
      g_async_only = true;
      continue;
    }
    if (i + 1 >= argc) usage("missing value after " + flag);
    const char* value = argv[++i];
    if (flag == "--reps") {
      g_reps = std::atoi(value);
    } else if (flag == "--rep-ms") {
      g_rep_ns = std::atof(value) * 1e6;
    } else if (flag == "--async-ms") {
      g_async_ns = std::atof(value) * 1e6;
    } else if (flag == "--filter") {
      g_filter = value;
    } else if (flag == "--calls") {
      g_calls = std::atol(value);
    } else if (flag == "--in-flight") {
      g_in_flight = std::atoi(value);
    } else {
      usage("unknown flag " + flag);
    }
  }
  check(cxx2go::start(), "cxx2go::start");
  benchgen::GoBenchClient go;
  benchgen::GoBenchDirectClient direct;
  // --async-only: the ring runs of scripts/run-bench.sh (sync C++ → Go calls never use the rings).
  if (g_async_only) {
    const Echo echo;
    for (int k : {1, 64, 1024}) {
      if (g_in_flight != 0 && g_in_flight != k) continue;
      async_row(k, go);
      echo_async_rows(k, go, echo, !ring_run());
    }
    check(cxx2go::stop(), "cxx2go::stop");
    return 0;
  }

  sync_row("empty", 0, "raw cgo", [](long n) {
    for (long i = 0; i < n; ++i) bench_go_raw_ping();
  });
  sync_row("empty", 0, "cxx2go", [&](long n) {
    for (long i = 0; i < n; ++i) check(go.ping(), "ping");
  });
  sync_row("empty", 0, "cxx2go @direct", [&](long n) {
    for (long i = 0; i < n; ++i) check(direct.ping(), "ping");
  });
  // What per-method metrics cost (docs/debugging.md): the cheapest calls, right after their rows.
  cxx2go::set_metrics_enabled(true);
  sync_row("empty", 0, "cxx2go, metrics on", [&](long n) {
    for (long i = 0; i < n; ++i) check(go.ping(), "ping");
  });
  sync_row("empty", 0, "cxx2go @direct, metrics on", [&](long n) {
    for (long i = 0; i < n; ++i) check(direct.ping(), "ping");
  });
  cxx2go::set_metrics_enabled(false);

  sync_row("small struct", 20, "raw cgo", [](long n) {
    bench_small in{1, 2, 3}, out{};
    for (long i = 0; i < n; ++i) bench_go_raw_small(&in, &out);
  });
  const benchgen::Small small{1, 2, 3};
  sync_row("small struct", 20, "cxx2go", [&](long n) {
    for (long i = 0; i < n; ++i) check(go.small(small), "small");
  });
  sync_row("small struct", 20, "cxx2go @direct", [&](long n) {
    for (long i = 0; i < n; ++i) check(direct.small(small), "small");
  });

  for (size_t size : {size_t{16}, size_t{4} << 10, size_t{64} << 10, size_t{1} << 20}) {
    std::string text(size, 'x');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + i % 26);
    std::vector<uint8_t> blob(text.begin(), text.end());
    const std::string label = size_label(size);
    sync_row("string " + label, size, "raw cgo", [&](long n) {
      for (long i = 0; i < n; ++i) bench_go_raw_bytes(reinterpret_cast<uint8_t*>(text.data()), text.size());
    });
    sync_row("string " + label, size, "cxx2go", [&](long n) {
      for (long i = 0; i < n; ++i) check(go.text(text), "text");
    });
    sync_row("string " + label, size, "cxx2go @direct", [&](long n) {
      for (long i = 0; i < n; ++i) check(direct.text(text), "text");
    });
    sync_row("bytes " + label, size, "raw cgo", [&](long n) {
      for (long i = 0; i < n; ++i) bench_go_raw_bytes(blob.data(), blob.size());
    });
    sync_row("bytes " + label, size, "cxx2go", [&](long n) {
      for (long i = 0; i < n; ++i) check(go.blob(blob), "blob");
    });
  }

  std::vector<std::string> names;
  size_t names_len = 0;
  for (int i = 0; i < 100; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "name-%03d-xxxxxxxx", i);
    names.emplace_back(buf);
    names_len += names.back().size();
  }
  sync_row("list<string> x100", names_len, "raw cgo", [&](long n) {
    std::string packed;
    std::vector<uint64_t> lens;
    for (long i = 0; i < n; ++i) {
      packed.clear();
      lens.clear();
      for (const auto& s : names) {
        packed += s;
        lens.push_back(s.size());
      }
      bench_go_raw_names(reinterpret_cast<uint8_t*>(packed.data()), packed.size(), lens.data(), lens.size());
    }
  });
  sync_row("list<string> x100", names_len, "cxx2go", [&](long n) {
    for (long i = 0; i < n; ++i) check(go.names(names), "names");
  });

  benchgen::Nested nested{7, small, {"inner", {1, 2, 3, 4}}, "a nested struct", {{"c1", {5}}, {"c2", {6, 7}}}};
  sync_row("nested struct", 0, "cxx2go", [&](long n) {
    for (long i = 0; i < n; ++i) check(go.nested(nested), "nested");
  });

  const Echo echo;
  const RawEchoReq raw_echo(echo.req);
  sync_row("echo", echo.payload, "raw cgo", [&](long n) {
    bench_echo_resp resp{};
    for (long i = 0; i < n; ++i) {
      bench_go_raw_echo(const_cast<bench_echo_req*>(&raw_echo.c), &resp);
      echo.check_answer(resp.id, resp.n);
    }
  });
  sync_row("echo", echo.payload, "cxx2go", [&](long n) {
    for (long i = 0; i < n; ++i) echo.check_answer(go.echo(echo.req));
  });
  sync_row("echo", echo.payload, "cxx2go @direct", [&](long n) {
    for (long i = 0; i < n; ++i) echo.check_answer(direct.echo(echo.req));
  });

  if (g_calls > 0 || (!g_filter.empty() && std::string("async").find(g_filter) == std::string::npos)) {
    check(cxx2go::stop(), "cxx2go::stop");
    return 0;
  }
  latency_row("small struct, 1 in flight", "cxx2go sync", [&] { check(go.small(small), "small"); });
  latency_row("small struct, 1 in flight", "raw cgo", [] {
    bench_small in{1, 2, 3}, out{};
    bench_go_raw_small(&in, &out);
  });
  for (int k : {1, 64, 1024}) {
    async_row(k, go);
    echo_async_rows(k, go, echo, true);
    if (k == 64) {
      cxx2go::set_metrics_enabled(true);
      std::vector<cxx2go::Future<benchgen::Resp>> futures(k);
      window_row(
          k, "echo", echo.payload, async_mechanism() + ", metrics on",
          [&](int s) { futures[s] = go.echo_async(echo.req); }, [&](int s) { echo.check_answer(futures[s].get()); });
      cxx2go::set_metrics_enabled(false);
    }
  }

  check(cxx2go::stop(), "cxx2go::stop");
  return 0;
}
