// The C++ side of the stress tests' Go host, compiled by cgo as one translation unit with the generated C++
// of tests/schemas/stress.c2g (included first, so that the static constructor below can use its method
// tables: initialisation order is declaration order within a translation unit). The C++ runtime itself
// comes from the Go runtime package.
#include "../../gen/stress/cpp/stress.c2g.cc"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "hooks.h"
#include "stall_gate.h"

namespace {

using cxx2go::Code;
using namespace std::chrono_literals;
namespace s = ::cxx2go_stress;

uint64_t gettid_u64() { return static_cast<uint64_t>(::syscall(SYS_gettid)); }

std::atomic<uint64_t> g_nanosleep_eintr{0};
std::atomic<uint64_t> g_read_eintr{0};

// Thread-safe tally of outcomes.
struct Tally {
  std::atomic<uint64_t> calls{0}, ok{0}, cancelled{0}, deadline{0}, bad{0}, then_expected{0}, then_ran{0};
  std::mutex mu;
  std::string first_bad;

  void add_bad(const std::string& what) {
    bad.fetch_add(1);
    std::lock_guard lock(mu);
    if (first_bad.empty()) first_bad = what;
  }
  // Classifies r: `want` is the correct value, `may_succeed` whether a value is possible at all.
  void classify(const cxx2go::Result<int64_t>& r, int64_t want, bool may_succeed, const char* what) {
    if (r) {
      if (may_succeed && *r == want) {
        ok.fetch_add(1);
      } else {
        add_bad(std::string(what) + ": unexpected value " + std::to_string(*r) + ", want " + std::to_string(want));
      }
      return;
    }
    switch (r.error().code) {
      case Code::cancelled:
        cancelled.fetch_add(1);
        break;
      case Code::deadline_exceeded:
        deadline.fetch_add(1);
        break;
      default:
        add_bad(std::string(what) + ": " + r.error().to_string());
    }
  }
  void write(stress_outcomes* out) {
    out->calls = calls.load();
    out->ok = ok.load();
    out->cancelled = cancelled.load();
    out->deadline = deadline.load();
    out->bad = bad.load();
    out->then_expected = then_expected.load();
    out->then_ran = then_ran.load();
    std::lock_guard lock(mu);
    std::snprintf(out->first_bad, sizeof out->first_bad, "%s", first_bad.c_str());
  }
};

void copy_msg(const std::string& m, char* msg, int32_t cap) {
  if (msg != nullptr && cap > 0) std::snprintf(msg, static_cast<size_t>(cap), "%s", m.c_str());
}

// ---- implementations ----

// Waits until the stop token fires or the deadline passes. Returns the matching error.
cxx2go::Error wait_for_cancellation(const cxx2go::Context& context) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  std::stop_token token = context.stop_token();
  if (auto deadline = context.deadline()) {
    if (!cv.wait_until(lock, token, *deadline, [] { return false; }) && !token.stop_requested()) {
      return cxx2go::Error(Code::deadline_exceeded, "deadline exceeded");
    }
  } else {
    cv.wait(lock, token, [] { return false; });
  }
  return cxx2go::Error(Code::cancelled, "cancelled");
}

}  // namespace

// ---- what the containment matrix throws (fault_test.go, "containment_matrix") ----

namespace cxx2go_stress_fault {
// A std::exception subclass of the test's own.
struct StressError : std::logic_error {
  using std::logic_error::logic_error;
};
// A class type that is not a std::exception.
struct NotAnException {
  int value;
};
}  // namespace cxx2go_stress_fault

// ---- the stall gate of the fault-injection tests (stall_gate.h) ----

StallGate& cpp_stall_gate() {
  static StallGate* const gate = new StallGate();  // never destroyed: stalled threads may outlive main
  return *gate;
}
std::atomic<uint64_t> g_cpp_work_started{0};

namespace {

// Blocks until the gate opens, ignoring `context` on purpose.
int64_t stall_sync(int64_t x) {
  StallGate& g = cpp_stall_gate();
  std::unique_lock lock(g.mu);
  ++g.waiting;
  g.cv.notify_all();
  g.cv.wait(lock, [&] { return g.open; });
  --g.waiting;
  return x + 1;
}

// A Future resolved with x + 1 when the gate opens.
cxx2go::Future<int64_t> stall_async(int64_t x) {
  StallGate& g = cpp_stall_gate();
  cxx2go::Promise<int64_t> p;
  cxx2go::Future<int64_t> f = p.get_future();
  std::unique_lock lock(g.mu);
  if (g.open) {
    lock.unlock();
    p.set_value(x + 1);
  } else {
    g.held.emplace_back(std::move(p), x);
    g.cv.notify_all();
  }
  return f;
}

// Waits (ignoring the stop token) until the context's deadline has passed, then answers x + 1: the answer
// races the caller's own deadline.
int64_t answer_after_deadline(int64_t x, const cxx2go::Context& context) {
  if (auto d = context.deadline()) std::this_thread::sleep_until(*d);
  return x + 1;
}

// Crashes on purpose (the crash-report tests, crash_test.go), each in a function of its own that the report
// must name, at the line of its marker comment, which the test looks up.
[[gnu::noinline]] void crash_null_deref() {
  volatile int* volatile p = nullptr;
  *p = 42;  // CRASH_LINE null_deref
}
[[gnu::noinline]] void crash_abort() {
  std::abort();  // CRASH_LINE abort
}
[[gnu::noinline]] int crash_divide_by_zero() {
  volatile int dividend = 7;  // both volatile: GCC turns 1 / x into a comparison, which cannot trap
  volatile int zero = 0;
  return dividend / zero;  // CRASH_LINE divide_by_zero
}
[[gnu::noinline]] void crash_illegal_instruction() {
  __builtin_trap();  // CRASH_LINE illegal_instruction
}
// A read past the end of a file mapping: SIGBUS.
[[gnu::noinline]] int crash_bus_error() {
  const int fd = static_cast<int>(::syscall(SYS_memfd_create, "cxx2go-crash", 0));
  if (fd < 0) return -1;
  auto* page = static_cast<volatile char*>(::mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0));  // an empty file
  ::close(fd);
  if (page == MAP_FAILED) return -1;
  return page[0];  // CRASH_LINE bus_error
}
// An exception escaping a noexcept function: std::terminate, then abort(). (GCC knows: -Wterminate.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wterminate"
[[gnu::noinline]] void crash_terminate() noexcept {
  throw std::runtime_error("escaped a noexcept function");  // CRASH_LINE terminate
}
#pragma GCC diagnostic pop
// Keeps the CPU busy for about `millis` in a function of its own, which the CPU-profile test looks for.
[[gnu::noinline]] int64_t burn_cpu(int64_t millis) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(millis);
  uint64_t h = 1469598103934665603ull;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 10000; ++i) h = (h ^ static_cast<uint64_t>(i)) * 1099511628211ull;
  }
  return h == 0 ? 0 : millis + 1;  // h is never 0: the loop is kept, the answer is millis + 1
}

int64_t crash_on_purpose(int32_t kind) {
  switch (kind) {
    case 0:
      crash_null_deref();
      break;
    case 1:
      crash_abort();
      break;
    case 2:
      return crash_divide_by_zero();
    case 4:
      crash_illegal_instruction();
      break;
    case 5:
      return crash_bus_error();
    case 6:
      crash_terminate();
      break;
  }
  return -1;
}

class CppWorkImpl final : public s::CppWork {
 public:
  cxx2go::Result<int64_t> work(int64_t x, int32_t mode, const cxx2go::Context& context) override {
    g_cpp_work_started.fetch_add(1);
    switch (mode) {
      case 6:
        return stall_sync(x);
      case 7:
        return answer_after_deadline(x, context);
      case 8:
        throw cxx2go_stress_fault::StressError("sync " + std::to_string(x));
      case 9:
        throw cxx2go_stress_fault::NotAnException{static_cast<int>(x)};
      case 10: {
        // A callback: a continuation that throws, run by the runtime when Go's answer arrives.
        cxx2go::Result<int64_t> r =
            s::GoWorkClient().work_async(x, 0).then([](cxx2go::Result<int64_t>&& v) -> int64_t {
              throw cxx2go_stress_fault::StressError("then " + std::to_string(v.value_or(-1)));
            }).get();
        return r;
      }
      case 11:
        // A Go handler panicking under this implementation (Go → C++ → Go, on an executor thread): the
        // panic reaches here as an error, which goes back to the Go caller.
        return s::GoWorkClient().work(x, 8);
      case 0:
        return x + 1;
      case 1:
        for (int i = 0; i < 3; ++i) std::this_thread::yield();
        return x + 1;
      case 2:
        return wait_for_cancellation(context);
      case 3:
        std::this_thread::sleep_for(std::chrono::microseconds(x));
        return x + 1;
      case 20:
      case 21:
      case 22:
      case 24:
      case 25:
      case 26:
        return crash_on_purpose(mode - 20);
      case 23:
        return burn_cpu(x);
    }
    return cxx2go::Error(Code::invalid_argument, "bad mode");
  }

  cxx2go::Result<int64_t> direct_sum(int64_t a, int64_t b, std::string_view text, const cxx2go::Context&) override {
    return a + b + static_cast<int64_t>(text.size());
  }
  cxx2go::Result<std::vector<uint8_t>> reverse(std::span<const uint8_t> data, const cxx2go::Context&) override {
    return std::vector<uint8_t>(data.rbegin(), data.rend());
  }
  cxx2go::Result<int64_t> inline_work(int64_t x, int32_t mode, const cxx2go::Context& context) override {
    return work(x, mode, context);
  }

  cxx2go::Future<int64_t> async_work_async(int64_t x, int32_t mode, cxx2go::Context context) override {
    switch (mode) {
      case 0:
        co_return x + 1;
      case 6:
        co_return co_await stall_async(x);
      case 7:
        co_return answer_after_deadline(x, context);
      case 8: {
        cxx2go::Result<int64_t> r = co_await s::GoWorkClient().work_async(x, 0);
        if (!r) co_return r.error();
        throw cxx2go_stress_fault::StressError("async " + std::to_string(*r));
      }
      case 9:
        throw cxx2go_stress_fault::NotAnException{static_cast<int>(x)};  // before the first co_await
      case 10:
        // A continuation that throws, awaited by the coroutine.
        co_return co_await s::GoWorkClient().work_async(x, 0).then([](cxx2go::Result<int64_t>&& v) -> int64_t {
          throw cxx2go_stress_fault::StressError("then " + std::to_string(v.value_or(-1)));
        });
      case 2: {
        // Waits for the Go caller's cancellation by awaiting short calls to Go (GoWork.work mode 3) until
        // the context's stop token fires. The runtime does not cancel an implementation's Future when its
        // Go caller cancels (docs/async.md: implementations watch the token), so the loop checks it.
        while (!context.cancelled()) {
          if (auto d = context.deadline(); d && std::chrono::system_clock::now() >= *d) {
            co_return cxx2go::Error(Code::deadline_exceeded, "deadline exceeded");
          }
          cxx2go::Result<int64_t> r = co_await s::GoWorkClient().work_async(200, 3, cxx2go::CallOptions{context.deadline()});
          if (!r && r.error().code != Code::deadline_exceeded) co_return r.error();
        }
        co_return cxx2go::Error(Code::cancelled, "cancelled");
      }
      case 4: {
        cxx2go::Result<int64_t> r = co_await s::GoWorkClient().work_async(x, 0);
        if (!r) co_return r.error();
        throw std::runtime_error("async boom " + std::to_string(*r));
      }
      case 5: {
        cxx2go::Result<int64_t> r = co_await s::GoWorkClient().work_async(x, 0);
        if (!r) co_return r.error();
        throw static_cast<int>(*r);
      }
    }
    co_return cxx2go::Error(Code::invalid_argument, "bad mode");
  }

  cxx2go::Result<int64_t> block(int32_t kind, int64_t micros, const cxx2go::Context&) override {
    switch (kind) {
      case 0: {  // a condition variable, woken by nobody: wait_for handles spurious wake-ups itself
        std::mutex mu;
        std::condition_variable cv;
        std::unique_lock lock(mu);
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(micros);
        while (cv.wait_until(lock, until) != std::cv_status::timeout) {
        }
        return micros + kind;
      }
      case 1: {  // nanosleep: never restarted by SA_RESTART, so EINTR is expected here and retried
        timespec req{micros / 1000000, (micros % 1000000) * 1000}, rem{};
        while (::nanosleep(&req, &rem) != 0) {
          if (errno != EINTR) return cxx2go::Error(Code::internal, std::string("nanosleep: ") + std::strerror(errno));
          g_nanosleep_eintr.fetch_add(1);
          req = rem;
        }
        return micros + kind;
      }
      case 2: {  // read() of a pipe another thread writes to after `micros`
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return cxx2go::Error(Code::internal, "pipe2 failed");
        std::thread writer([fd = fds[1], micros] {
          std::this_thread::sleep_for(std::chrono::microseconds(micros));
          const char byte = 'x';
          while (::write(fd, &byte, 1) < 0 && errno == EINTR) {
          }
        });
        char byte = 0;
        ssize_t n;
        while ((n = ::read(fds[0], &byte, 1)) < 0 && errno == EINTR) g_read_eintr.fetch_add(1);
        writer.join();
        ::close(fds[0]);
        ::close(fds[1]);
        if (n != 1 || byte != 'x') return cxx2go::Error(Code::internal, "read() of the pipe failed");
        return micros + kind;
      }
    }
    return cxx2go::Error(Code::invalid_argument, "bad kind");
  }
};

class AffineWorkImpl final : public s::AffineWork {
 public:
  cxx2go::Result<uint64_t> thread_id(const cxx2go::Context&) override { return gettid_u64(); }
};

// ---- the static constructor: calls made while the program loads, before Go or the runtime can start ----

struct StaticCtorCalls {
  int32_t sync_code = -1, async_code = -1, async_ready = 0;
  std::string message;
  StaticCtorCalls() {
    cxx2go::Result<int64_t> r = s::GoWorkClient().work(1, 0);
    sync_code = static_cast<int32_t>(r.error().code);
    message = r ? "" : r.error().to_string();
    cxx2go::Future<int64_t> f = s::GoWorkClient().work_async(1, 0);
    async_ready = f.ready() ? 1 : 0;
    if (async_ready) async_code = static_cast<int32_t>(f.get().error().code);
  }
};
StaticCtorCalls g_static_ctor_calls;

// RAII guards counted by the panic tests.
std::atomic<int64_t> g_guards_alive{0};
std::atomic<int64_t> g_guards_made{0};
struct Guard {
  Guard() {
    g_guards_alive.fetch_add(1);
    g_guards_made.fetch_add(1);
  }
  ~Guard() { g_guards_alive.fetch_sub(1); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
};

void run_threads(int32_t n, const std::function<void(int)>& body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(body, i);
  for (auto& t : threads) t.join();
}

}  // namespace

extern "C" int32_t stress_register_cpp(void) {
  try {
    if (auto r = cxx2go::register_service(std::make_shared<CppWorkImpl>()); !r) return static_cast<int32_t>(r.error().code);
    auto r = cxx2go::register_service(std::make_shared<AffineWorkImpl>());
    return static_cast<int32_t>(r.error().code);
  } catch (...) {
    return CXX2GO_INTERNAL;
  }
}

extern "C" int32_t fault_register_cpp_work(void) {
  try {
    return static_cast<int32_t>(cxx2go::register_service(std::make_shared<CppWorkImpl>()).error().code);
  } catch (...) {
    return CXX2GO_INTERNAL;
  }
}

extern "C" int32_t fault_unregister_cpp_work(void) {
  try {
    return static_cast<int32_t>(cxx2go::unregister_service("stress.CppWork").error().code);
  } catch (...) {
    return CXX2GO_INTERNAL;
  }
}

extern "C" void stress_live_counts(uint64_t* outgoing, uint64_t* incoming, uint64_t* records) {
  const cxx2go::LiveCounts c = cxx2go::live_counts();
  *outgoing = c.outgoing_calls;
  *incoming = c.incoming_calls;
  *records = c.records;
}

// The cancellation storm, C++ → Go. Each call picks a scenario at random:
//   0 mode 0, get                                   → value
//   1 mode 0, cancel at once (races the completion) → value or cancelled
//   2 mode 2 (Go waits for its context), cancel after a random number of yields (before Go starts the
//     handler, or while it runs)                    → cancelled
//   3 mode 1, cancel after a random number of yields (races completion) → value or cancelled
//   4 mode 2 with a deadline 0..50 µs away, which may pass before submit returns → deadline_exceeded
//   5 mode 2, dropped without get (the destructor cancels): counted as cancelled by construction
//   6 mode 2 with a deadline, through then(): the continuation must run exactly once
//   7 mode 0 through then(), never cancelled        → continuation runs once with the value
extern "C" void stress_cpp_storm(uint64_t calls, uint64_t seed, int32_t threads, stress_outcomes* out) {
  Tally tally;
  const uint64_t per_thread = calls / static_cast<uint64_t>(threads);
  run_threads(threads, [&](int t) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(t));
    s::GoWorkClient go;
    constexpr size_t kBatch = 32;
    struct Pending {
      cxx2go::Future<int64_t> f;
      int64_t x;
      int scenario;
      int spins;
    };
    std::vector<Pending> batch;
    batch.reserve(kBatch);
    for (uint64_t done = 0; done < per_thread;) {
      batch.clear();
      for (size_t k = 0; k < kBatch && done < per_thread; ++k, ++done) {
        const int64_t x = static_cast<int64_t>(rng() >> 2);
        const int scenario = static_cast<int>(rng() % 8);
        const int spins = static_cast<int>(rng() % 64);
        tally.calls.fetch_add(1);
        switch (scenario) {
          case 0:
            batch.push_back({go.work_async(x, 0), x, scenario, spins});
            break;
          case 1: {
            cxx2go::Future<int64_t> f = go.work_async(x, 0);
            f.cancel();
            batch.push_back({std::move(f), x, scenario, spins});
            break;
          }
          case 2:
          case 3:
            batch.push_back({go.work_async(x, scenario == 2 ? 2 : 1), x, scenario, spins});
            break;
          case 4:
            batch.push_back({go.work_async(x, 2, cxx2go::CallOptions::with_timeout(std::chrono::microseconds(rng() % 50))),
                             x, scenario, spins});
            break;
          case 5: {
            cxx2go::Future<int64_t> f = go.work_async(x, 2);
            for (int i = 0; i < spins; ++i) std::this_thread::yield();
            tally.cancelled.fetch_add(1);  // ~Future cancels it
            break;
          }
          case 6:
          case 7: {
            tally.then_expected.fetch_add(1);
            auto opts = scenario == 6 ? cxx2go::CallOptions::with_timeout(std::chrono::microseconds(rng() % 200))
                                      : cxx2go::CallOptions{};
            cxx2go::Future<int64_t> g =
                go.work_async(x, scenario == 6 ? 2 : 0, opts).then([&tally](cxx2go::Result<int64_t>&& r) {
                  tally.then_ran.fetch_add(1);
                  return std::move(r);
                });
            batch.push_back({std::move(g), x, scenario, spins});
            break;
          }
        }
      }
      // Cancel some while Go runs them, then collect every result.
      for (Pending& p : batch) {
        if (p.scenario == 2 || p.scenario == 3) {
          for (int i = 0; i < p.spins; ++i) std::this_thread::yield();
          p.f.cancel();
          if (!p.f.ready()) tally.add_bad("a cancelled future is not ready");
        }
      }
      for (Pending& p : batch) {
        if (!p.f.wait_for(60s)) {
          tally.add_bad("a future did not resolve within 60 s (scenario " + std::to_string(p.scenario) + ")");
          p.f.detach();
          continue;
        }
        const bool may_succeed = p.scenario == 0 || p.scenario == 1 || p.scenario == 3 || p.scenario == 7;
        tally.classify(p.f.get(), p.x + 1, may_succeed, "GoWork.work_async");
        if (p.f.valid()) tally.add_bad("get() did not consume the future");
      }
    }
  });
  tally.write(out);
}

extern "C" void stress_thread_churn(uint64_t total, int32_t batch, stress_outcomes* out) {
  Tally tally;
  for (uint64_t started = 0; started < total;) {
    std::vector<std::thread> threads;
    for (int32_t i = 0; i < batch && started < total; ++i, ++started) {
      const int64_t x = static_cast<int64_t>(started);
      threads.emplace_back([&tally, x] {
        tally.calls.fetch_add(1);
        tally.classify(s::GoWorkClient().work(x, 0), x + 1, true, "GoWork.work from a new thread");
      });
    }
    for (auto& t : threads) t.join();
  }
  tally.write(out);
}

extern "C" int32_t stress_call_thread_id(uint64_t* caller_tid, uint64_t* handler_tid) {
  *caller_tid = gettid_u64();
  cxx2go::Result<uint64_t> r = s::GoWorkClient().thread_id();
  *handler_tid = r.value_or(0);
  return static_cast<int32_t>(r.error().code);
}

extern "C" void stress_cpp_mixed(uint64_t calls, int32_t threads, stress_outcomes* out) {
  Tally tally;
  const uint64_t per_thread = calls / static_cast<uint64_t>(threads);
  run_threads(threads, [&](int t) {
    std::mt19937_64 rng(static_cast<uint64_t>(t) * 7919);
    s::GoWorkClient go;
    for (uint64_t i = 0; i < per_thread; ++i) {
      const int mode = static_cast<int>(rng() % 4 == 3 ? 3 : rng() % 2);
      const int64_t x = mode == 3 ? static_cast<int64_t>(rng() % 200) : static_cast<int64_t>(rng() >> 2);
      tally.calls.fetch_add(1);
      if (rng() % 2 == 0) {
        tally.classify(go.work(x, mode), x + 1, true, "GoWork.work");
      } else {
        cxx2go::Future<int64_t> f = go.work_async(x, mode);
        tally.classify(f.get(), x + 1, true, "GoWork.work_async");
      }
    }
  });
  tally.write(out);
}

extern "C" void stress_eintr_counts(uint64_t* nanosleep_eintr, uint64_t* read_eintr) {
  *nanosleep_eintr = g_nanosleep_eintr.load();
  *read_eintr = g_read_eintr.load();
}

extern "C" void stress_static_ctor_result(int32_t* sync_code, int32_t* async_code, int32_t* async_ready, char* msg,
                                          int32_t cap) {
  *sync_code = g_static_ctor_calls.sync_code;
  *async_code = g_static_ctor_calls.async_code;
  *async_ready = g_static_ctor_calls.async_ready;
  copy_msg(g_static_ctor_calls.message, msg, cap);
}

extern "C" int32_t stress_fork_child_call(int32_t* sync_code, int32_t* async_code, int32_t* async_ready,
                                          int32_t* child_status, char* msg, int32_t cap) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    copy_msg("pipe2 failed", msg, cap);
    return -1;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    copy_msg("fork failed", msg, cap);
    return -1;
  }
  if (pid == 0) {
    // The child: only this thread exists. Its watchdog is SIGALRM with the default action (Go's handler,
    // inherited, cannot run without the Go runtime): if a call hangs, the child dies and the parent sees it.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGALRM, &dfl, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    ::alarm(30);
    int32_t report[3];
    char text[200] = {};
    cxx2go::Result<int64_t> r = s::GoWorkClient().work(1, 0);
    report[0] = static_cast<int32_t>(r.error().code);
    std::snprintf(text, sizeof text, "%s", r ? "" : r.error().to_string().c_str());
    cxx2go::Future<int64_t> f = s::GoWorkClient().work_async(1, 0);
    report[2] = f.ready() ? 1 : 0;
    report[1] = report[2] ? static_cast<int32_t>(f.get().error().code) : -1;
    if (!report[2]) f.detach();
    char buf[sizeof report + sizeof text];
    std::memcpy(buf, report, sizeof report);
    std::memcpy(buf + sizeof report, text, sizeof text);
    size_t off = 0;
    while (off < sizeof buf) {
      const ssize_t n = ::write(fds[1], buf + off, sizeof buf - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  char buf[3 * sizeof(int32_t) + 200];
  size_t off = 0;
  while (off < sizeof buf) {
    const ssize_t n = ::read(fds[0], buf + off, sizeof buf - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  *child_status = status;
  if (off != sizeof buf) {
    copy_msg("the child did not report (status " + std::to_string(status) + ")", msg, cap);
    return -1;
  }
  int32_t report[3];
  std::memcpy(report, buf, sizeof report);
  *sync_code = report[0];
  *async_code = report[1];
  *async_ready = report[2];
  buf[sizeof buf - 1] = 0;
  copy_msg(buf + sizeof report, msg, cap);
  return 0;
}

extern "C" int32_t stress_panic_raii(int32_t fresh_thread, int32_t async_call, int64_t* alive, int64_t* made,
                                     char* msg, int32_t cap) {
  const int64_t made_before = g_guards_made.load();
  const int64_t alive_before = g_guards_alive.load();
  int32_t code = -1;
  std::string text;
  auto body = [&] {
    Guard outer;
    {
      Guard a, b;
      auto heap = std::make_unique<Guard>();
      std::vector<Guard> many(5);
      if (async_call) {
        cxx2go::Result<void> r = s::GoWorkClient().panic_async("raii").get();
        code = static_cast<int32_t>(r.error().code);
        text = r ? "" : r.error().to_string();
      } else {
        cxx2go::Result<void> r = s::GoWorkClient().panic("raii");
        code = static_cast<int32_t>(r.error().code);
        text = r ? "" : r.error().to_string();
      }
    }
  };
  if (fresh_thread) {
    std::thread(body).join();
  } else {
    body();
  }
  *alive = g_guards_alive.load() - alive_before;
  *made = g_guards_made.load() - made_before;
  copy_msg(text, msg, cap);
  return code;
}

// Deliberately NOT noexcept-wrapped: the negative control of failure containment. The exception cannot
// unwind through Go's frames, so the process must die with SIGABRT (std::terminate).
extern "C" void stress_unwrapped_throw(void) { throw std::runtime_error("unwrapped thunk"); }

extern "C" void stress_sigaction_table(uint64_t* handlers, uint64_t* flags, int32_t* valid) {
  for (int sig = 1; sig <= 64; ++sig) {
    struct sigaction old {};
    const int i = sig - 1;
    if (::sigaction(sig, nullptr, &old) != 0) {
      valid[i] = 0;
      handlers[i] = 0;
      flags[i] = 0;
      continue;
    }
    valid[i] = 1;
    handlers[i] = (old.sa_flags & SA_SIGINFO) ? reinterpret_cast<uint64_t>(old.sa_sigaction)
                                               : reinterpret_cast<uint64_t>(old.sa_handler);
    flags[i] = static_cast<uint64_t>(static_cast<uint32_t>(old.sa_flags));
  }
}

namespace {
struct sigaction g_usr2_previous {};
void usr2_chaining_handler(int sig, siginfo_t* info, void* uctx) {
  if (g_usr2_previous.sa_flags & SA_SIGINFO) {
    if (g_usr2_previous.sa_sigaction != nullptr) g_usr2_previous.sa_sigaction(sig, info, uctx);
  } else if (g_usr2_previous.sa_handler != SIG_DFL && g_usr2_previous.sa_handler != SIG_IGN) {
    g_usr2_previous.sa_handler(sig);
  }
}
}  // namespace

extern "C" void stress_toggle_usr2_handler(int32_t install) {
  if (install) {
    struct sigaction sa {};
    sa.sa_sigaction = usr2_chaining_handler;
    sa.sa_flags = SA_ONSTACK | SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    ::sigaction(SIGUSR2, &sa, &g_usr2_previous);
  } else {
    ::sigaction(SIGUSR2, &g_usr2_previous, nullptr);
  }
}
