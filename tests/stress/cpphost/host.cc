// The stress tests' C++ host: a C++ program linking the Go side (goside/, a c-archive) and the same C++
// side as the Go host (../gohost/stress_cpp.cc: the C++ implementations and the C++ → Go drivers;
// ../gohost/fault_cpp.cc: the replaced operator new and C++ → Go calls kept in flight). It runs the
// scenarios of tests/stress/README.md in a process C++ owns: the cancellation storm, thread churn with the
// main-thread callback cost, the signal storm and the signal-table audit, the static constructor, calls
// after stop, fork, the failure-containment matrix with its negative controls, and fault injection.
//
//   stress_cpphost                    runs every scenario, each in a child process under a watchdog,
//                                     then the negative controls (whose children must die)
//   stress_cpphost --scenario=NAME    runs one scenario in this process (what the parent runs)
//   CPPHOST_SCENARIOS=a,b stress_cpphost   runs only those (scenarios and controls)
//
// Prints "PASS name" / "FAIL name: why" per scenario and "cpphost: N passed, M failed"; exit status 0 only
// if all passed. Sizes: STRESS_CALLS (storm, default 1,000,000), STRESS_THREADS (default 100,000),
// STRESS_SIGNAL_CALLS (default 20,000 per direction). Nothing asserts a duration.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <iterator>
#include <tuple>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "libstress_go.h"  // the archive's exports (stress_go_*), written by go build
#include "stress.c2g.h"
#include "../gohost/fault_hooks.h"
#include "../gohost/hooks.h"

namespace {

using cxx2go::Code;
using Clock = std::chrono::steady_clock;
namespace s = ::cxx2go_stress;

constexpr int kScenarioLimitSeconds = 240;  // the watchdog of each scenario process

uint64_t env_count(const char* name, uint64_t def) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return def;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  return (end != nullptr && *end == '\0') ? n : def;
}

std::string code_str(int32_t code) { return std::string(cxx2go::code_name(static_cast<Code>(code))); }

int thread_count() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return -1;
}

std::string start_runtime() {
  if (int32_t code = stress_register_cpp(); code != CXX2GO_OK) return "registering the C++ services: " + code_str(code);
  if (auto r = cxx2go::start(); !r) return "start: " + r.error().to_string();
  return "";
}

std::string check_outcomes(const stress_outcomes& o, const char* what) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s: %" PRIu64 " calls: %" PRIu64 " ok, %" PRIu64 " cancelled, %" PRIu64 " deadline, %" PRIu64
                " bad; then %" PRIu64 "/%" PRIu64,
                what, o.calls, o.ok, o.cancelled, o.deadline, o.bad, o.then_ran, o.then_expected);
  std::printf("%s\n", buf);
  if (o.bad != 0) return std::string(buf) + "; first: " + o.first_bad;
  if (o.ok + o.cancelled + o.deadline != o.calls) return std::string(buf) + ": outcomes do not add up";
  if (o.then_ran != o.then_expected) return std::string(buf) + ": continuations did not run exactly once";
  return "";
}

std::string check_go_outcomes(const stress_go_outcomes& o, const char* what) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s: %" PRIu64 " calls: %" PRIu64 " ok, %" PRIu64 " cancelled, %" PRIu64 " deadline, %" PRIu64 " bad",
                what, static_cast<uint64_t>(o.calls), static_cast<uint64_t>(o.ok), static_cast<uint64_t>(o.cancelled),
                static_cast<uint64_t>(o.deadline), static_cast<uint64_t>(o.bad));
  std::printf("%s\n", buf);
  if (o.bad != 0) return std::string(buf) + "; first: " + o.first_bad;
  if (o.ok + o.cancelled + o.deadline != o.calls) return std::string(buf) + ": outcomes do not add up";
  return "";
}

// Waits (up to 30 s, a watchdog) until neither runtime has a call in flight.
std::string wait_no_live_calls() {
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  for (;;) {
    uint64_t out = 0, in = 0, records = 0;
    stress_live_counts(&out, &in, &records);
    int64_t pending = 0, handlers = 0;
    int32_t goroutines = 0;
    stress_go_live(&pending, &handlers, &goroutines);
    if (out == 0 && in == 0 && records == 0 && pending == 0 && handlers == 0) return "";
    if (Clock::now() > deadline) {
      return "calls still alive 30 s after the storm: C++ outgoing " + std::to_string(out) + ", incoming " +
             std::to_string(in) + ", records " + std::to_string(records) + "; Go pending " + std::to_string(pending) +
             ", handlers " + std::to_string(handlers);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// ---- scenarios ----

// Cancellation storm: 60% C++ → Go from 4 C++ threads, 40% Go → C++ from 8 goroutines, at once.
std::string scenario_storm() {
  if (auto f = start_runtime(); !f.empty()) return f;
  const uint64_t calls = env_count("STRESS_CALLS", 1'000'000);
  stress_outcomes cpp{};
  stress_go_outcomes go{};
  std::thread go_side([&] { stress_go_storm(calls * 4 / 10, 8, 42, &go); });
  stress_cpp_storm(calls - calls * 4 / 10, 42, 4, &cpp);
  go_side.join();
  if (auto f = check_outcomes(cpp, "C++ → Go"); !f.empty()) return f;
  if (auto f = check_go_outcomes(go, "Go → C++"); !f.empty()) return f;
  if (auto f = wait_no_live_calls(); !f.empty()) return f;
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  return "";
}

// The cost of a synchronous C++ → Go call from the process's main thread and from another thread
// (golang/go#68587: callbacks from the main thread were slow). Printed, never asserted: medians of 5
// rounds of `n` calls each, alternating.
void measure_main_thread_cost() {
  const uint64_t n = env_count("STRESS_COST_CALLS", 20'000);
  auto round = [n] {
    const s::GoWorkClient go;
    const auto t0 = Clock::now();
    for (uint64_t i = 0; i < n; ++i) (void)go.work(static_cast<int64_t>(i), 0);
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / static_cast<double>(n);
  };
  std::vector<double> main_ns, other_ns;
  for (int r = 0; r < 5; ++r) {
    main_ns.push_back(round());
    double other = 0;
    std::thread([&] { other = round(); }).join();
    other_ns.push_back(other);
  }
  std::sort(main_ns.begin(), main_ns.end());
  std::sort(other_ns.begin(), other_ns.end());
  std::printf("main-thread callback cost: main thread %.0f ns/call, other thread %.0f ns/call (median of 5 x %" PRIu64
              " calls; ratio %.2f)\n",
              main_ns[2], other_ns[2], n, main_ns[2] / other_ns[2]);
}

std::string scenario_threads() {
  if (auto f = start_runtime(); !f.empty()) return f;
  // A callback from the process's main thread: the Go handler runs on the calling thread.
  uint64_t caller = 0, handler = 0;
  if (int32_t code = stress_call_thread_id(&caller, &handler);
      code != CXX2GO_OK || caller != static_cast<uint64_t>(::getpid()) || handler != caller) {
    return "main-thread call: code " + code_str(code) + ", caller tid " + std::to_string(caller) + ", handler tid " +
           std::to_string(handler) + ", pid " + std::to_string(::getpid());
  }
  measure_main_thread_cost();
  // Warm up, so that the baseline includes the threads calls need (executors, Go's Ms).
  stress_outcomes warm{};
  stress_thread_churn(256, 64, &warm);
  if (auto f = check_outcomes(warm, "warm-up threads"); !f.empty()) return f;
  const int baseline = thread_count();
  const uint64_t total = env_count("STRESS_THREADS", 100'000);
  stress_outcomes churn{};
  stress_thread_churn(total, 64, &churn);
  if (auto f = check_outcomes(churn, "short-lived threads"); !f.empty()) return f;
  if (churn.ok != churn.calls || churn.calls != total) return "short-lived threads: not every call succeeded";
  // Threads exit asynchronously after join returns their results: allow them a moment (a watchdog).
  constexpr int kSlack = 20;
  int now = thread_count();
  for (int i = 0; i < 1000 && now > baseline + kSlack; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    now = thread_count();
  }
  std::printf("threads: baseline %d, after %" PRIu64 " short-lived threads %d\n", baseline, total, now);
  if (now > baseline + kSlack) {
    return "thread count did not return to baseline: " + std::to_string(baseline) + " -> " + std::to_string(now);
  }
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  return "";
}

// Signal storm: the Go CPU profiler (SIGPROF) and SIGURG + SIGWINCH sent to the process every 20 µs while
// C++ threads call Go (sync and async) and goroutines call C++ implementations blocking in a condition
// variable, nanosleep and read.
std::string scenario_signals() {
  if (auto f = start_runtime(); !f.empty()) return f;
  const uint64_t calls = env_count("STRESS_SIGNAL_CALLS", 20'000);
  if (stress_go_signals_start() != 0) return "the CPU profiler did not start";
  stress_outcomes cpp{};
  stress_go_outcomes go{};
  std::thread go_side([&] { stress_go_block_calls(calls, &go); });
  stress_cpp_mixed(calls, 4, &cpp);
  go_side.join();
  const uint64_t sent = stress_go_signals_stop();
  uint64_t ns_eintr = 0, read_eintr = 0;
  stress_eintr_counts(&ns_eintr, &read_eintr);
  std::printf("signals sent: %" PRIu64 "; EINTR retried: nanosleep %" PRIu64 ", read %" PRIu64 "\n", sent, ns_eintr,
              read_eintr);
  if (auto f = check_outcomes(cpp, "C++ → Go under signals"); !f.empty()) return f;
  if (cpp.ok != cpp.calls) return "C++ → Go under signals: not every call succeeded";
  if (auto f = check_go_outcomes(go, "Go → C++ under signals"); !f.empty()) return f;
  if (go.ok != go.calls) return "Go → C++ under signals: not every call succeeded";
  // read(2) of a pipe is restarted under SA_RESTART, which every handler has: EINTR must never reach it.
  if (read_eintr != 0) return "read() returned EINTR " + std::to_string(read_eintr) + " times";
  if (sent == 0) return "no signal was sent";
  if (auto f = wait_no_live_calls(); !f.empty()) return f;
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  return "";
}

// After stop, calls in both directions, sync and async, fail with `stopped` at once; start fails too.
std::string scenario_after_stop() {
  if (auto f = start_runtime(); !f.empty()) return f;
  const s::GoWorkClient go;
  if (auto r = go.work(1, 0); !r || *r != 2) return "a call before stop failed";
  int64_t out = 0;
  if (int32_t code = stress_go_call_work(1, &out); code != CXX2GO_OK || out != 2) {
    return "a Go → C++ call before stop: " + code_str(code);
  }
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  if (auto r = go.work(1, 0); r || r.error().code != Code::stopped) return "C++ → Go sync after stop: not stopped";
  cxx2go::Future<int64_t> f = go.work_async(1, 0);
  if (!f.ready()) return "C++ → Go async after stop: the future is not resolved when the call returns";
  if (auto r = f.get(); r || r.error().code != Code::stopped) return "C++ → Go async after stop: not stopped";
  if (int32_t code = stress_go_call_work(1, &out); code != CXX2GO_STOPPED) {
    return "Go → C++ after stop: " + code_str(code) + ", want stopped";
  }
  if (auto r = cxx2go::start(); r || r.error().code != Code::stopped) return "start after stop: not stopped";
  std::printf("after stop: C++ → Go sync and async, Go → C++ and start all gave stopped\n");
  return "";
}

// fork() without exec while calls run in both directions: in the child, calls fail at once with
// failed_precondition naming fork; the parent keeps working.
std::string scenario_fork() {
  if (auto f = start_runtime(); !f.empty()) return f;
  std::atomic<bool> stop_load{false};
  std::thread load([&] {
    const s::GoWorkClient go;
    int64_t out = 0;
    while (!stop_load.load()) {
      (void)go.work(1, 1);
      (void)stress_go_call_work(1, &out);
    }
  });
  std::string failure;
  for (int i = 0; i < 20 && failure.empty(); ++i) {
    int32_t sync_code = -1, async_code = -1, async_ready = 0, status = 0;
    char msg[256] = {0};
    if (stress_fork_child_call(&sync_code, &async_code, &async_ready, &status, msg, sizeof msg) != 0) {
      failure = std::string("fork: ") + msg;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      failure = "fork child: wait status " + std::to_string(status);
    } else if (sync_code != CXX2GO_FAILED_PRECONDITION || std::strstr(msg, "fork") == nullptr) {
      failure = "sync call in a fork child: " + code_str(sync_code) + " " + msg;
    } else if (!async_ready || async_code != CXX2GO_FAILED_PRECONDITION) {
      failure = "async call in a fork child: " + code_str(async_code) + (async_ready ? "" : " (not resolved at once)");
    } else if (i == 0) {
      std::printf("fork child sees: %s\n", msg);
    }
    uint64_t caller = 0, handler = 0;
    if (failure.empty() && stress_call_thread_id(&caller, &handler) != CXX2GO_OK) failure = "parent after fork";
  }
  stop_load.store(true);
  load.join();
  if (!failure.empty()) return failure;
  stress_outcomes after{};
  stress_cpp_mixed(1000, 2, &after);
  if (after.ok != after.calls || after.calls != 1000) return "parent calls after the forks failed";
  if (auto f = wait_no_live_calls(); !f.empty()) return f;
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  return "";
}

// ---- helpers of the containment and fault scenarios ----

// One call's outcome: the status code, the value on success, the error's message (without the code) and,
// for a C++ → Go call with a then() continuation, how often that ran.
struct Outcome {
  int32_t code = -1;
  int64_t v = 0;
  std::string msg;
  int32_t then_runs = 1;
};

std::string describe(const Outcome& o) {
  return code_str(o.code) + (o.code == CXX2GO_OK ? " " + std::to_string(o.v) : " \"" + o.msg + "\"");
}

// Go → C++ (stress_go_start in goside/fault.go): methods and the wait.
constexpr int32_t kWork = 0, kAsyncWork = 1, kAffine = 2, kInline = 3;
Outcome go_wait(int64_t handle) {
  Outcome o;
  char msg[256] = {0};
  o.code = stress_go_wait(handle, &o.v, msg, sizeof msg);
  o.msg = o.code < 0 ? std::string("no outcome: ") + msg : msg;
  return o;
}
Outcome go_call(int32_t method, int64_t x, int32_t mode, int64_t timeout_us = -1) {
  return go_wait(stress_go_start(method, x, mode, timeout_us));
}

// C++ → Go (fault_go_start in gohost/fault_cpp.cc): how (0 sync on a new thread, 1 async, 2 async through
// then()) and the wait.
constexpr int32_t kSync = 0, kAsync = 1, kAsyncThen = 2;
Outcome cpp_wait(int64_t handle) {
  Outcome o;
  char msg[256] = {0};
  o.code = fault_go_wait(handle, &o.v, &o.then_runs, msg, sizeof msg);
  o.msg = o.code < 0 ? std::string("no outcome: ") + msg : msg;
  return o;
}
Outcome cpp_call(int32_t how, int64_t x, int32_t mode, int64_t timeout_us = -1) {
  return cpp_wait(fault_go_start(how, x, mode, timeout_us));
}

// "" if o is `code` (and, for ok, the value `value`; with `message`, exactly that message), and its
// continuation ran once.
std::string expect(const std::string& what, const Outcome& o, Code code, int64_t value = 0,
                   const char* message = nullptr) {
  const bool match = o.code == static_cast<int32_t>(code) && (code != Code::ok || o.v == value) &&
                     (message == nullptr || o.msg == message) && o.then_runs == 1;
  if (match) return "";
  return what + ": want " + std::string(cxx2go::code_name(code)) +
         (code == Code::ok ? " " + std::to_string(value) : "") + (message ? std::string(" \"") + message + "\"" : "") +
         ", got " + describe(o) + (o.then_runs != 1 ? ", continuation ran " + std::to_string(o.then_runs) + " times" : "");
}

std::string expect_any(const std::string& what, const Outcome& o, std::initializer_list<Code> codes) {
  std::string names;
  for (Code c : codes) {
    if (o.code == static_cast<int32_t>(c) && o.then_runs == 1) return "";
    names += std::string(names.empty() ? "" : "/") + std::string(cxx2go::code_name(c));
  }
  return what + ": want " + names + ", got " + describe(o);
}

// Polls cond every millisecond until it holds; fails after 60 s (a watchdog, not a measurement).
std::string wait_until(const std::string& what, const std::function<bool()>& cond) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!cond()) {
    if (Clock::now() > deadline) return "still waiting after 60 s for " + what;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return "";
}

std::string start_with(int executor_threads, std::chrono::milliseconds stop_timeout = std::chrono::seconds(5)) {
  if (int32_t code = stress_register_cpp(); code != CXX2GO_OK) return "registering the C++ services: " + code_str(code);
  cxx2go::RuntimeOptions options;
  options.executor_threads = executor_threads;
  options.stop_timeout = stop_timeout;
  if (auto r = cxx2go::start(options); !r) return "start: " + r.error().to_string();
  return "";
}

std::string stop_runtime() {
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  return "";
}

#define CHECK(expr)                              \
  do {                                           \
    if (std::string f_ = (expr); !f_.empty()) return f_; \
  } while (0)

// ---- failure containment ----

// Every cell of the Go host's TestFailureContainment and TestContainmentMatrix in a process C++ owns:
// exceptions (a std::exception subclass, a non-standard class, from a synchronous implementation, a
// coroutine and a then() continuation) reach Go callers as Code::exception with the exact type and
// what(); Go panics (string, error and struct values; from the C++ main thread, a new std::thread, async,
// through then(), and Go → C++ → Go) reach C++ callers as Code::panic, every RAII guard destroyed.
std::string scenario_containment_matrix() {
  CHECK(start_with(2));
  // The Go host's "containment": a coroutine throwing std::runtime_error and an int after awaiting Go.
  CHECK(expect("Go → C++ coroutine throwing std::runtime_error", go_call(kAsyncWork, 41, 4), Code::exception, 0,
               "std::runtime_error: async boom 42"));
  if (Outcome o = go_call(kAsyncWork, 6, 5); o.code != CXX2GO_EXCEPTION || o.msg.find("int") == std::string::npos) {
    return "Go → C++ coroutine throwing an int: " + describe(o);
  }
  // Go panics under C++ callers holding 9 RAII guards: on this thread (the process's main thread, which
  // Go did not create) and on a new std::thread, sync and async.
  for (const auto& [name, fresh, async] : {std::tuple{"sync, main thread", 0, 0}, std::tuple{"sync, new thread", 1, 0},
                                           std::tuple{"async, main thread", 0, 1}, std::tuple{"async, new thread", 1, 1}}) {
    int64_t alive = -1, made = -1;
    char msg[256] = {0};
    const int32_t code = stress_panic_raii(fresh, async, &alive, &made, msg, sizeof msg);
    if (code != CXX2GO_PANIC || std::strstr(msg, "panic: raii") == nullptr) {
      return std::string("panic (") + name + "): " + code_str(code) + " \"" + msg + "\"";
    }
    if (made != 9 || alive != 0) {
      return std::string("panic (") + name + "): " + std::to_string(made) + " guards made, " + std::to_string(alive) +
             " still alive";
    }
  }
  // The matrix (containment_test.go).
  const std::string stress_error = "cxx2go_stress_fault::StressError";
  const std::string not_an_exception = "cxx2go_stress_fault::NotAnException";
  const struct {
    const char* name;
    int32_t method, mode;
    std::string message;
  } go_to_cpp[] = {
      {"sync implementation throws a std::exception subclass", kWork, 8, stress_error + ": sync 5"},
      {"sync implementation throws a non-standard class", kWork, 9, not_an_exception},
      {"sync implementation's then() callback throws", kWork, 10, stress_error + ": then 6"},
      {"coroutine throws a std::exception subclass after co_await", kAsyncWork, 8, stress_error + ": async 6"},
      {"coroutine throws a non-standard class before co_await", kAsyncWork, 9, not_an_exception},
      {"coroutine awaits a then() callback that throws", kAsyncWork, 10, stress_error + ": then 6"},
  };
  for (const auto& c : go_to_cpp) {
    CHECK(expect(std::string("Go → C++, ") + c.name, go_call(c.method, 5, c.mode), Code::exception, 0,
                 c.message.c_str()));
  }
  const struct {
    const char* name;
    int32_t how, mode;
    const char* message;
  } cpp_to_go[] = {
      {"sync from a new C++ thread, panic(error)", kSync, 8, "panic: stress error 5"},
      {"sync from a new C++ thread, panic(struct)", kSync, 9, "panic: {5}"},
      {"async, panic(error)", kAsync, 8, "panic: stress error 5"},
      {"async, panic(struct)", kAsync, 9, "panic: {5}"},
      {"async through then(), panic(error)", kAsyncThen, 8, "panic: stress error 5"},
      {"async through then(), panic(struct)", kAsyncThen, 9, "panic: {5}"},
  };
  for (const auto& c : cpp_to_go) {
    CHECK(expect(std::string("C++ → Go, ") + c.name, cpp_call(c.how, 5, c.mode), Code::panic, 0, c.message));
  }
  // And synchronously from this, the process's main thread.
  {
    cxx2go::Result<int64_t> r = s::GoWorkClient().work(5, 9);
    if (r || r.error().code != Code::panic || r.error().message != "panic: {5}") {
      return "C++ → Go sync from the main thread, panic(struct): " + (r ? std::string("a value") : r.error().to_string());
    }
  }
  // Go → C++ → Go: the inner Go handler panics under a C++ implementation on an executor thread.
  CHECK(expect("Go → C++ → Go, inner handler panics", go_call(kWork, 5, 11), Code::panic, 0, "panic: stress error 5"));
  std::printf("containment: %zu Go → C++ and %zu C++ → Go failure kinds reached their callers as typed errors; "
              "4 panics under 9 RAII guards each left none alive\n",
              std::size(go_to_cpp) + 3, std::size(cpp_to_go) + 5);
  // Both directions still work, and nothing is left alive.
  CHECK(expect("Go → C++ afterwards", go_call(kWork, 1, 0), Code::ok, 2));
  CHECK(expect("C++ → Go afterwards", cpp_call(kSync, 1, 0), Code::ok, 2));
  CHECK(wait_no_live_calls());
  return stop_runtime();
}

// ---- negative controls (run by the parent, which asserts on the child's death and output) ----

void set_controls() {
  stress_go_set_controls(reinterpret_cast<uintptr_t>(&stress_unwrapped_throw),
                         reinterpret_cast<uintptr_t>(&fault_unwrapped_throw_int),
                         reinterpret_cast<uintptr_t>(+[] { fault_call_unrecovered_panic(0); }));
}

std::string control_unwrapped_throw() {
  set_controls();
  stress_go_control(0);  // Go calls an extern "C" function that throws std::runtime_error, no catch
  return "returned from an exception escaping into Go";
}
std::string control_unwrapped_throw_int() {
  set_controls();
  stress_go_control(1);
  return "returned from an int escaping into Go";
}
std::string control_unrecovered_panic_main_thread() {
  fault_call_unrecovered_panic(0);  // a Go export without recover, from the process's main thread
  return "returned from an unrecovered panic on the main thread";
}
std::string control_unrecovered_panic_cpp_thread() {
  fault_call_unrecovered_panic(1);
  return "returned from an unrecovered panic on a new C++ thread";
}
std::string control_go_data_race() {
  stress_go_data_race();  // two goroutines increment a variable without synchronisation
  return "the race detector did not stop the process (is GORACE=halt_on_error=1 set?)";
}
std::string control_unrecovered_panic_go_thread() {
  set_controls();
  stress_go_control(2);  // Go → C++ → the Go export, on a thread of Go's
  return "returned from an unrecovered panic on a Go thread";
}

// ---- process life cycle and the signal table ----

// stress_cpp.cc's static constructor called GoWork synchronously and asynchronously while the program
// loaded (before main, in whatever order with the Go runtime's own initialisation): not_started at once,
// the async future already resolved. That it did not deadlock is proved by this process running.
std::string scenario_static_ctor() {
  int32_t sync_code = -1, async_code = -1, async_ready = 0;
  char msg[256] = {0};
  stress_static_ctor_result(&sync_code, &async_code, &async_ready, msg, sizeof msg);
  if (sync_code != CXX2GO_NOT_STARTED || std::strstr(msg, "not started") == nullptr) {
    return "sync call from a static constructor: " + code_str(sync_code) + " \"" + msg + "\"";
  }
  if (!async_ready || async_code != CXX2GO_NOT_STARTED) {
    return "async call from a static constructor: " + code_str(async_code) + (async_ready ? "" : " (not resolved)");
  }
  std::printf("static constructor: sync and async calls gave not_started at once (%s)\n", msg);
  CHECK(start_runtime());
  uint64_t caller = 0, handler = 0;
  if (int32_t code = stress_call_thread_id(&caller, &handler); code != CXX2GO_OK) return "a call after start: " + code_str(code);
  CHECK(expect("Go → C++ after start", go_call(kWork, 1, 0), Code::ok, 2));
  return stop_runtime();
}

struct SigTable {
  uint64_t handler[64], flags[64];
  int32_t valid[64];
};
SigTable sig_table() {
  SigTable t{};
  stress_sigaction_table(t.handler, t.flags, t.valid);
  return t;
}
// The signals whose disposition differs, except `ignore` (0: none).
std::vector<int> sig_diff(const SigTable& a, const SigTable& b, int ignore = 0) {
  std::vector<int> out;
  for (int i = 0; i < 64; ++i) {
    if (i + 1 == ignore) continue;
    // The flags of SIG_DFL and SIG_IGN mean nothing (glibc adds SA_RESTORER to whatever it sets).
    const bool handled = a.handler[i] > 1 || b.handler[i] > 1;
    if (a.valid[i] != b.valid[i] || a.handler[i] != b.handler[i] || (handled && a.flags[i] != b.flags[i])) {
      out.push_back(i + 1);
    }
  }
  return out;
}
std::string sig_list(const std::vector<int>& sigs) {
  std::string s;
  for (int sig : sigs) s += (s.empty() ? "" : ", ") + std::string(strsignal(sig));
  return s.empty() ? "none" : s;
}

// The signal-table audit in a C++ host: the Go runtime installed its handlers when the archive
// initialised (before main; in a c-archive only for synchronous signals, SIGPIPE and SIGURG); cxx2go
// installs its crash reporter (docs/debugging.md) at start(), for the five crash signals only, one handler
// chained to Go's; from then on the table is the same while calls run both ways and after stop(). Every
// handler present has SA_ONSTACK and SA_RESTART, including the SIGPROF handler Go installs while the CPU
// profiler runs. Control: changing SIGUSR2 shows as exactly that difference.
std::string scenario_signals_audit() {
  const SigTable before = sig_table();
  stress_toggle_usr2_handler(1);
  if (auto d = sig_diff(before, sig_table()); d != std::vector<int>{SIGUSR2}) {
    return "audit control: changing SIGUSR2 showed as " + sig_list(d);
  }
  stress_toggle_usr2_handler(0);
  if (auto d = sig_diff(before, sig_table()); !d.empty()) return "audit control: restoring SIGUSR2 left " + sig_list(d);
  if (before.handler[SIGURG - 1] <= 1) return "SIGURG has no handler: Go's (preemption) was expected";
  auto check_flags = [](const SigTable& t, const char* when) -> std::string {
    for (int i = 0; i < 64; ++i) {
      if (!t.valid[i] || t.handler[i] <= 1) continue;
      if ((t.flags[i] & SA_ONSTACK) == 0 || (t.flags[i] & SA_RESTART) == 0) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s: %s has a handler without SA_ONSTACK|SA_RESTART (flags %#" PRIx64 ")", when,
                      strsignal(i + 1), t.flags[i]);
        return buf;
      }
    }
    return "";
  };
  CHECK(check_flags(before, "before start"));
  CHECK(start_runtime());
  const SigTable started = sig_table();
  const std::vector<int> crash_signals{SIGILL, SIGABRT, SIGBUS, SIGFPE, SIGSEGV};  // sig_diff's order
  if (auto d = sig_diff(before, started); d != crash_signals) return "cxx2go::start changed " + sig_list(d);
  for (int sig : crash_signals) {
    const int want = SA_ONSTACK | SA_RESTART | SA_SIGINFO;
    if (started.handler[sig - 1] != started.handler[SIGSEGV - 1] || (started.flags[sig - 1] & want) != want) {
      return std::string("cxx2go::start installed an unexpected handler of ") + strsignal(sig);
    }
  }
  // Calls in both directions, with the CPU profiler on (Go installs a SIGPROF handler for it).
  if (stress_go_signals_start() != 0) return "the CPU profiler did not start";
  stress_outcomes cpp{};
  stress_go_outcomes go{};
  std::thread go_side([&] { stress_go_block_calls(600, &go); });
  stress_cpp_mixed(2000, 2, &cpp);
  go_side.join();
  const SigTable during = sig_table();
  (void)stress_go_signals_stop();
  CHECK(check_outcomes(cpp, "C++ → Go during the audit"));
  CHECK(check_go_outcomes(go, "Go → C++ during the audit"));
  if (during.handler[SIGPROF - 1] <= 1) return "no SIGPROF handler while the CPU profiler ran";
  CHECK(check_flags(during, "while calls ran with the profiler on"));
  // Go's handlers are the only change: SIGPROF's, while profiling (StopCPUProfile then leaves SIG_IGN).
  if (auto d = sig_diff(started, during, SIGPROF); !d.empty()) return "changed while calls ran: " + sig_list(d);
  CHECK(wait_no_live_calls());
  CHECK(stop_runtime());
  const SigTable after = sig_table();
  if (auto d = sig_diff(started, after, SIGPROF); !d.empty()) return "cxx2go::stop changed " + sig_list(d);
  CHECK(check_flags(after, "after stop"));
  int handlers = 0;
  for (int i = 0; i < 64; ++i) handlers += (before.valid[i] && before.handler[i] > 1) ? 1 : 0;
  std::printf("audit: %d signals have handlers (Go's), all with SA_ONSTACK|SA_RESTART; cxx2go changed only the 5 crash "
              "signals' (chained); "
              "SIGPROF's while profiling too\n",
              handlers);
  return "";
}

// ---- fault injection (the Go host's fault_test.go, driven from C++) ----

// Allocation failure: each C++ allocation of one call fails in turn, in both directions (the operator new
// of gohost/fault_cpp.cc, linked into this program) → a value or resource_exhausted (a C++ caller may get
// std::bad_alloc thrown before anything was sent), nothing alive, the next call works.
std::string scenario_alloc_fail() {
  CHECK(start_with(2));
  const char* kinds[] = {"sync", "async", "async with a deadline", "async through then()"};
  for (int32_t kind = 0; kind < 4; ++kind) {
    int64_t points = 0;
    uint64_t failed = 0, thrown = 0;
    char msg[512] = {0};
    if (fault_alloc_sweep_cpp(kind, &points, &failed, &thrown, msg, sizeof msg) != 0) return msg;
    std::printf("alloc: C++ → Go %-24s %3" PRId64 " allocations failed in turn: %3" PRIu64
                " calls resource_exhausted, %3" PRIu64 " threw std::bad_alloc to the caller, the rest unaffected\n",
                (std::string(kinds[kind]) + ":").c_str(), points, failed, thrown);
  }
  const struct {
    const char* name;
    int32_t method;
    int64_t timeout_us;
  } cases[] = {{"work (executor)", kWork, -1},
               {"work with a deadline", kWork, 60'000'000},
               {"async_work (coroutine)", kAsyncWork, -1},
               {"AffineWork (first call)", kAffine, -1}};
  // Some allocations happen in some calls only: the executor's queue allocates a block every few calls.
  // Each point is tried at kQueuePositions successive positions of it (three calls a round, so that the
  // rounds land on every position of a queue block of up to 8 tasks).
  constexpr int64_t kQueuePositions = 8;
  for (const auto& c : cases) {
    int64_t points = 0, failed = 0;
    for (int64_t n = 1;; ++n) {
      if (n > 100'000) return std::string("Go → C++ ") + c.name + ": more than 100000 allocations in one call";
      bool injected = false;
      for (int64_t round = 0; round < kQueuePositions; ++round) {
        const int64_t x = 1000 * (n * kQueuePositions + round) + 7;
        // Nothing of this program allocates between arming and disarming: the call is made by a goroutine
        // and waited for through C exports; the message buffer is on the stack.
        char msg[256] = {0};
        int64_t v = 0;
        fault_alloc_arm(n);
        const int32_t code = stress_go_wait(stress_go_start(c.method, x, 0, c.timeout_us), &v, msg, sizeof msg);
        injected = (fault_alloc_disarm() != 0) || injected;
        const std::string what = std::string("Go → C++ ") + c.name + ", failing allocation " + std::to_string(n) +
                                 " (round " + std::to_string(round) + ")";
        if (code == CXX2GO_OK) {
          if (v != x + 1) return what + ": want " + std::to_string(x + 1) + ", got " + std::to_string(v);
        } else if (code == CXX2GO_RESOURCE_EXHAUSTED) {
          ++failed;
        } else {
          return what + ": " + code_str(code) + " \"" + msg + "\" (want a value or resource_exhausted)";
        }
        if (auto f = wait_no_live_calls(); !f.empty()) return what + ": " + f;
        for (int64_t next = 1; next <= 2; ++next) {
          CHECK(expect(what + ", the next call", go_call(c.method, x + next, 0, c.timeout_us), Code::ok, x + next + 1));
        }
      }
      if (!injected) {
        points = n - 1;
        break;
      }
    }
    std::printf("alloc: Go → C++ %-24s %3" PRId64 " allocations failed in turn, each at %" PRId64
                " queue positions: %3" PRId64 " calls resource_exhausted, the rest unaffected\n",
                (std::string(c.name) + ":").c_str(), points, kQueuePositions, failed);
  }
  CHECK(wait_no_live_calls());
  return stop_runtime();
}

// A stalled peer: Go handlers and C++ implementations that ignore cancellation and deadlines until
// released. Callers get deadline_exceeded / cancelled while the peers stay stalled; other calls proceed.
std::string scenario_stalled() {
  CHECK(start_with(4));
  stress_go_gate(0);
  fault_cpp_gate(0);
  // C++ callers of stalled Go handlers.
  const int64_t by_deadline = fault_go_start(kAsyncThen, 1, 6, 20'000);
  const int64_t by_cancel = fault_go_start(kAsync, 2, 6, -1);
  const int64_t sync_call = fault_go_start(kSync, 3, 6, 20'000);
  CHECK(wait_until("3 stalled Go handlers", [] { return stress_go_stalled() == 3; }));
  CHECK(expect("C++ → Go async, deadline, stalled handler", cpp_wait(by_deadline), Code::deadline_exceeded));
  fault_go_cancel(by_cancel);
  CHECK(expect("C++ → Go async, cancelled, stalled handler", cpp_wait(by_cancel), Code::cancelled));
  // Go callers of stalled C++ implementations (two on executor threads, one coroutine).
  const int64_t dl = stress_go_start(kWork, 4, 6, 20'000);
  const int64_t cn = stress_go_start(kWork, 5, 6, -1);
  const int64_t as = stress_go_start(kAsyncWork, 6, 6, 20'000);
  CHECK(wait_until("3 stalled C++ implementations", [] { return fault_cpp_stalled() == 3; }));
  CHECK(expect("Go → C++ work, deadline, stalled", go_wait(dl), Code::deadline_exceeded));
  CHECK(expect("Go → C++ async_work, deadline, stalled", go_wait(as), Code::deadline_exceeded));
  stress_go_cancel(cn);
  CHECK(expect("Go → C++ work, cancelled, stalled", go_wait(cn), Code::cancelled));
  // Other calls proceed in both directions while both peers stay stalled.
  for (int64_t i = 0; i < 200; ++i) {
    CHECK(expect("Go → C++ beside stalled calls", go_call(kWork, i, 0), Code::ok, i + 1));
    CHECK(expect("C++ → Go sync beside stalled calls", cpp_call(kSync, i, 0), Code::ok, i + 1));
    CHECK(expect("C++ → Go async beside stalled calls", cpp_call(kAsyncThen, i, 0), Code::ok, i + 1));
  }
  if (stress_go_stalled() != 3 || fault_cpp_stalled() != 3) {
    return "outcomes checked: want 3 Go and 3 C++ peers still stalled, got " + std::to_string(stress_go_stalled()) +
           " and " + std::to_string(fault_cpp_stalled());
  }
  if (fault_go_ready(sync_call)) return "a synchronous C++ → Go call returned while its handler is stalled";
  std::printf("stalled: deadline_exceeded and cancelled delivered while 3 Go and 3 C++ peers stayed stalled; "
              "600 other calls succeeded meanwhile\n");
  // Released: the synchronous C++ caller gets the handler's answer (the handler ran on its thread).
  stress_go_gate(1);
  fault_cpp_gate(1);
  CHECK(expect("C++ → Go sync, deadline, stalled handler released", cpp_wait(sync_call), Code::ok, 4));
  CHECK(wait_no_live_calls());
  return stop_runtime();
}

// stop() with calls in flight in both directions, stalled and cooperative, running, suspended and queued:
// every caller gets stopped (or cancelled from a peer that honoured it), stop() returns while the stalled
// peers are still stalled; once released, nothing is alive.
std::string scenario_stop_stalled() {
  // stop() waits for stalled peers up to twice stop_timeout: 1 s instead of the default 5 s keeps this short.
  CHECK(start_with(2, std::chrono::seconds(1)));
  stress_go_gate(0);
  fault_cpp_gate(0);
  const int64_t async_stalled = fault_go_start(kAsyncThen, 1, 6, -1);
  const int64_t async_coop = fault_go_start(kAsyncThen, 2, 2, -1);
  const int64_t sync_stalled = fault_go_start(kSync, 3, 6, -1);
  const int64_t sync_coop = fault_go_start(kSync, 4, 2, -1);
  // The coroutine first: it suspends, giving its executor thread back; then two calls take both threads.
  const int64_t async_work = stress_go_start(kAsyncWork, 7, 6, -1);
  CHECK(wait_until("a stalled coroutine", [] { return fault_cpp_stalled() == 1; }));
  const uint64_t base = fault_cpp_work_started();
  const int64_t work_stalled = stress_go_start(kWork, 5, 6, -1);
  const int64_t work_coop = stress_go_start(kWork, 6, 2, -1);
  CHECK(wait_until("stalled and cooperative calls in flight", [base] {
    return stress_go_stalled() == 2 && fault_cpp_stalled() == 2 && fault_cpp_work_started() == base + 2;
  }));
  // Both executor threads are busy: this call waits in the executor's queue.
  const int64_t queued = stress_go_start(kWork, 8, 0, -1);
  CHECK(wait_until("the queued call to be accepted", [] {
    uint64_t out = 0, in = 0, records = 0;
    stress_live_counts(&out, &in, &records);
    return in == 4;
  }));
  std::atomic<bool> stop_done{false};
  std::string stop_error;
  std::thread stopper([&] {
    stop_error = stop_runtime();
    stop_done.store(true);
  });
  std::string failure = [&]() -> std::string {
    CHECK(expect("C++ → Go async, stalled handler, stop", cpp_wait(async_stalled), Code::stopped));
    CHECK(expect("C++ → Go async, cooperative handler, stop", cpp_wait(async_coop), Code::stopped));
    CHECK(expect_any("C++ → Go sync, cooperative handler, stop", cpp_wait(sync_coop), {Code::cancelled, Code::stopped}));
    CHECK(expect("Go → C++ work, stalled, stop", go_wait(work_stalled), Code::stopped));
    CHECK(expect_any("Go → C++ work, cooperative, stop", go_wait(work_coop), {Code::cancelled, Code::stopped}));
    // Stopping cancels the implementation's Future (docs/async.md), which answers cancelled.
    CHECK(expect_any("Go → C++ async_work, stalled, stop", go_wait(async_work), {Code::cancelled, Code::stopped}));
    CHECK(expect("Go → C++ work, queued, stop", go_wait(queued), Code::stopped));
    if (stress_go_stalled() != 2 || fault_cpp_stalled() != 2) {
      return "outcomes checked: want 2 Go and 2 C++ peers still stalled, got " + std::to_string(stress_go_stalled()) +
             " and " + std::to_string(fault_cpp_stalled());
    }
    if (fault_go_ready(sync_stalled)) return "a synchronous C++ → Go call returned while its handler is stalled";
    // stop() returns with the peers still stalled (at most twice stop_timeout).
    CHECK(wait_until("stop() to return with stalled peers", [&] { return stop_done.load(); }));
    if (stress_go_stalled() != 2 || fault_cpp_stalled() != 2) {
      return "stop() returned: want 2 Go and 2 C++ peers still stalled, got " + std::to_string(stress_go_stalled()) +
             " and " + std::to_string(fault_cpp_stalled());
    }
    return "";
  }();
  // Release before joining, so that a failure above does not leave the stopper waiting for ever.
  stress_go_gate(1);
  fault_cpp_gate(1);
  stopper.join();
  CHECK(failure);
  CHECK(stop_error);
  std::printf("stop: 7 callers got stopped/cancelled, and stop() returned, while 2 Go and 2 C++ peers stayed stalled\n");
  CHECK(expect("C++ → Go sync, stalled handler released after stop", cpp_wait(sync_stalled), Code::ok, 4));
  CHECK(expect("Go → C++ after stop", go_call(kWork, 9, 0), Code::stopped));
  return wait_no_live_calls();
}

// Deadlines passing before sending, while queued, while running and while the answer is delivered.
std::string scenario_deadline_phases() {
  CHECK(start_with(2));
  // 1. Passed before sending: refused without crossing.
  const uint64_t go_base = stress_go_work_started(), cpp_base = fault_cpp_work_started();
  for (int32_t how : {kSync, kAsync, kAsyncThen}) {
    CHECK(expect("C++ → Go (how " + std::to_string(how) + "), deadline passed before sending", cpp_call(how, 1, 0, 0),
                 Code::deadline_exceeded));
  }
  CHECK(expect("Go → C++ work, deadline passed before sending", go_call(kWork, 1, 0, 0), Code::deadline_exceeded));
  CHECK(expect("Go → C++ async_work, deadline passed before sending", go_call(kAsyncWork, 1, 0, 0),
               Code::deadline_exceeded));
  if (stress_go_work_started() != go_base || fault_cpp_work_started() != cpp_base) {
    return "a call whose deadline had passed reached its handler";
  }
  // 2. Passing while queued on the executor (Go → C++): both executor threads are stalled.
  fault_cpp_gate(0);
  const int64_t s1 = stress_go_start(kWork, 10, 6, -1);
  const int64_t s2 = stress_go_start(kWork, 11, 6, -1);
  CHECK(wait_until("2 stalled executor threads", [] { return fault_cpp_stalled() == 2; }));
  const uint64_t queued_base = fault_cpp_work_started();
  CHECK(expect("Go → C++ work, deadline passed while queued", go_call(kWork, 1, 0, 20'000), Code::deadline_exceeded));
  CHECK(expect("Go → C++ async_work, deadline passed while queued", go_call(kAsyncWork, 1, 0, 20'000),
               Code::deadline_exceeded));
  fault_cpp_gate(1);
  CHECK(expect("stalled executor call", go_wait(s1), Code::ok, 11));
  CHECK(expect("stalled executor call", go_wait(s2), Code::ok, 12));
  CHECK(wait_no_live_calls());
  if (uint64_t n = fault_cpp_work_started() - queued_base; n != 0) {
    return std::to_string(n) + " queued call(s) whose deadline had passed ran their implementation";
  }
  // 3. Passing while running: cooperative peers (mode 2) and stalled ones (mode 6).
  stress_go_gate(0);
  fault_cpp_gate(0);
  CHECK(expect("C++ → Go sync, running", cpp_call(kSync, 1, 2, 20'000), Code::deadline_exceeded));
  CHECK(expect("C++ → Go async, running", cpp_call(kAsyncThen, 1, 2, 20'000), Code::deadline_exceeded));
  CHECK(expect("C++ → Go async, stalled", cpp_call(kAsyncThen, 1, 6, 20'000), Code::deadline_exceeded));
  CHECK(expect("Go → C++ work, running", go_call(kWork, 1, 2, 20'000), Code::deadline_exceeded));
  CHECK(expect("Go → C++ async_work, running", go_call(kAsyncWork, 1, 2, 20'000), Code::deadline_exceeded));
  CHECK(expect("Go → C++ work, stalled", go_call(kWork, 1, 6, 20'000), Code::deadline_exceeded));
  CHECK(expect("Go → C++ async_work, stalled", go_call(kAsyncWork, 1, 6, 20'000), Code::deadline_exceeded));
  stress_go_gate(1);
  fault_cpp_gate(1);
  CHECK(wait_no_live_calls());
  // 4. Passing while the answer is delivered (mode 7 answers exactly when the deadline passes): exactly one
  // outcome each, continuations once; a synchronous C++ → Go caller whose call reached Go always gets the
  // value.
  constexpr int kThreads = 8, kPerThread = 50;
  std::mutex mu;
  std::map<std::string, int> counts;
  std::string first_error;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int64_t i = 0; i < kPerThread; ++i) {
        const int64_t x = t * 1000 + i, timeout = 200 + (i % 8) * 100;  // µs
        const std::pair<std::string, Outcome> outcomes[] = {
            {"C++ → Go async", cpp_call(kAsyncThen, x, 7, timeout)},
            {"C++ → Go sync", cpp_call(kSync, x, 7, timeout)},
            {"Go → C++ work", go_call(kWork, x, 7, timeout)},
            {"Go → C++ async_work", go_call(kAsyncWork, x, 7, timeout)},
        };
        std::lock_guard lock(mu);
        for (const auto& [name, o] : outcomes) {
          if (o.code == CXX2GO_OK && o.v == x + 1 && o.then_runs == 1) {
            counts[name + " value"]++;
          } else if (o.code == CXX2GO_DEADLINE_EXCEEDED && o.then_runs == 1 && name != "C++ → Go sync") {
            counts[name + " deadline_exceeded"]++;
          } else if (o.code == CXX2GO_DEADLINE_EXCEEDED && name == "C++ → Go sync" &&
                     o.msg == "context deadline exceeded") {
            // The deadline had passed before the call left C++ (call_go checks it first): on a slow run
            // (TSan) 200 µs can go by between taking the deadline and the call. Once sent, the handler's
            // answer must win, which the branch above checks. (The text is also what a handler returning
            // ctx.Err() answers; this one answers its value.)
            counts[name + " deadline passed before sending"]++;
          } else if (first_error.empty()) {
            first_error = name + ", deadline racing the answer: " + describe(o) + ", continuation ran " +
                          std::to_string(o.then_runs) + " times";
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(first_error);
  std::string summary;
  for (const auto& [k, n] : counts) summary += (summary.empty() ? "" : ", ") + k + ": " + std::to_string(n);
  std::printf("deadlines racing the answer: %s\n", summary.c_str());
  CHECK(wait_no_live_calls());
  return stop_runtime();
}

// A service unregistered while its calls run (and, Go → C++, are suspended or queued): those calls finish
// with their values; later calls fail with unknown_method; unregistering again fails with not_found;
// registering again works.
std::string scenario_unregister() {
  CHECK(start_with(2));
  stress_go_gate(0);
  fault_cpp_gate(0);
  // The Go service, C++ callers.
  const int64_t async = fault_go_start(kAsyncThen, 1, 6, -1);
  const int64_t sync_call = fault_go_start(kSync, 2, 6, -1);
  CHECK(wait_until("2 stalled Go handlers", [] { return stress_go_stalled() == 2; }));
  if (int32_t code = stress_go_unregister_gowork(); code != CXX2GO_OK) return "UnregisterGoWork: " + code_str(code);
  if (int32_t code = stress_go_unregister_gowork(); code != CXX2GO_NOT_FOUND) {
    return "unregistering GoWork twice: " + code_str(code) + ", want not_found";
  }
  for (int32_t how : {kSync, kAsyncThen}) {
    CHECK(expect("C++ → Go (how " + std::to_string(how) + ") after unregistering", cpp_call(how, 3, 0),
                 Code::unknown_method));
  }
  stress_go_gate(1);
  CHECK(expect("C++ → Go async in flight while unregistered", cpp_wait(async), Code::ok, 2));
  CHECK(expect("C++ → Go sync in flight while unregistered", cpp_wait(sync_call), Code::ok, 3));
  if (int32_t code = stress_go_register_gowork(); code != CXX2GO_OK) return "RegisterGoWork again: " + code_str(code);
  CHECK(expect("C++ → Go after registering again", cpp_call(kAsyncThen, 4, 0), Code::ok, 5));
  // The C++ service, Go callers: a coroutine (suspended), two stalled on both executor threads, one queued.
  const int64_t aw = stress_go_start(kAsyncWork, 12, 6, -1);
  CHECK(wait_until("a stalled coroutine", [] { return fault_cpp_stalled() == 1; }));
  const int64_t w1 = stress_go_start(kWork, 10, 6, -1);
  const int64_t w2 = stress_go_start(kWork, 11, 6, -1);
  CHECK(wait_until("3 stalled C++ implementations", [] { return fault_cpp_stalled() == 3; }));
  const uint64_t base = fault_cpp_work_started();
  const int64_t queued = stress_go_start(kWork, 13, 0, -1);
  CHECK(wait_until("the queued call to be accepted", [] {
    uint64_t out = 0, in = 0, records = 0;
    stress_live_counts(&out, &in, &records);
    return in == 4;
  }));
  if (int32_t code = fault_unregister_cpp_work(); code != CXX2GO_OK) return "unregister_service: " + code_str(code);
  if (int32_t code = fault_unregister_cpp_work(); code != CXX2GO_NOT_FOUND) {
    return "unregistering CppWork twice: " + code_str(code) + ", want not_found";
  }
  CHECK(expect("Go → C++ after unregistering", go_call(kWork, 1, 0), Code::unknown_method));
  if (fault_cpp_work_started() != base) return "the queued call ran before the executor was free";
  fault_cpp_gate(1);
  int64_t want = 11;
  for (int64_t h : {w1, w2, aw, queued}) {
    CHECK(expect("Go → C++ in flight while unregistered", go_wait(h), Code::ok, want++));
  }
  if (int32_t code = fault_register_cpp_work(); code != CXX2GO_OK) return "register_service again: " + code_str(code);
  CHECK(expect("Go → C++ after registering again", go_call(kWork, 20, 0), Code::ok, 21));
  CHECK(wait_no_live_calls());
  std::printf("unregister: 6 calls in flight finished with their values; later calls unknown_method; twice "
              "not_found; registering again works (both directions)\n");
  return stop_runtime();
}

const std::map<std::string, std::function<std::string()>>& scenarios() {
  static const std::map<std::string, std::function<std::string()>> all = {
      {"storm", scenario_storm},         {"threads", scenario_threads}, {"signals", scenario_signals},
      {"after_stop", scenario_after_stop}, {"fork", scenario_fork},
      {"containment_matrix", scenario_containment_matrix}, {"static_ctor", scenario_static_ctor},
      {"signals_audit", scenario_signals_audit}, {"alloc_fail", scenario_alloc_fail},
      {"stalled", scenario_stalled}, {"stop_stalled", scenario_stop_stalled},
      {"deadline_phases", scenario_deadline_phases}, {"unregister", scenario_unregister},
  };
  return all;
}

// The negative controls: each must kill its process with the expected message, which the parent checks:
// what the runtime's wrappers prevent, shown to be visible to this harness. Both kinds die by SIGABRT
// here: std::terminate aborts, and so does Go's unrecovered panic in a C++ host (a Go program exits with
// status 2, but in a c-archive or c-shared library the Go runtime always adds GOTRACEBACK's "crash": when
// C owns the process it aborts instead of exiting), so the messages tell them apart.
struct Control {
  std::function<std::string()> run;
  int signal;       // the child must die by this signal, or
  int exit_status;  // exit with this status
  const char* output;
  const char* not_output;  // must not appear
  bool race_only = false;  // only where the Go side has the race detector (stress_cpphost_race)
  std::vector<std::string> also_output = {};  // must appear too
};

// Crash reports (docs/debugging.md): C++ code crashes on purpose, on an executor thread (CppWork.work,
// modes 20-22) and on a Go thread (the @inline CppWork.inline_work, same modes); the report must name the
// signal, the method, the function and the file:line of its CRASH_LINE marker in stress_cpp.cc.
std::string crash_control(int32_t method, int32_t mode) {
  CHECK(start_with(2));
  const Outcome o = go_call(method, 0, mode);
  return "survived a crash: " + describe(o);
}
// The line of stress_cpp.cc that carries `// CRASH_LINE marker`, as "stress_cpp.cc:N".
std::string crash_line(const char* marker) {
  std::ifstream source(std::string(CXX2GO_STRESS_ROOT) + "/gohost/stress_cpp.cc");
  std::string line;
  for (int n = 1; std::getline(source, line); ++n) {
    if (line.ends_with(std::string("// CRASH_LINE ") + marker)) return "stress_cpp.cc:" + std::to_string(n);
  }
  return std::string("no CRASH_LINE ") + marker + " in stress_cpp.cc";
}
std::vector<std::string> crash_report(const char* method, const char* function, const char* marker) {
  return {std::string("in the C++ implementation of ") + method + " (called from Go)",
          "cxx2go: C++ stack, innermost first:", std::string("in ") + function + " at ", crash_line(marker),
          "cxx2go: end of the crash report"};
}

const std::map<std::string, Control>& controls() {
  static const std::map<std::string, Control> all = {
      // Go's race detector exits with status 66 after its first report when GORACE=halt_on_error=1.
      {"go_data_race", {control_go_data_race, 0, 66, "WARNING: DATA RACE", "CPPHOST", true}},
      {"unwrapped_throw",
       {control_unwrapped_throw, SIGABRT, -1, "terminate called after throwing an instance of 'std::runtime_error'", "panic:"}},
      {"unwrapped_throw_int",
       {control_unwrapped_throw_int, SIGABRT, -1, "terminate called after throwing an instance of 'int'", "panic:"}},
      {"unrecovered_panic_main_thread",
       {control_unrecovered_panic_main_thread, SIGABRT, -1, "panic: unrecovered panic in a Go entry point", "terminate called"}},
      {"unrecovered_panic_cpp_thread",
       {control_unrecovered_panic_cpp_thread, SIGABRT, -1, "panic: unrecovered panic in a Go entry point", "terminate called"}},
      {"unrecovered_panic_go_thread",
       {control_unrecovered_panic_go_thread, SIGABRT, -1, "panic: unrecovered panic in a Go entry point", "terminate called"}},
      // On an executor thread Go forwards the signal to the handler before its own, none: the default
      // action. On a Go thread Go prints its report and takes the c-archive's crash path (GOTRACEBACK=crash),
      // which here ends by SIGQUIT: the same as with CXX2GO_CRASH_REPORTS=0, without the report.
      {"crash_executor_null_deref",
       {[] { return crash_control(kWork, 20); }, SIGSEGV, -1, "cxx2go: fatal signal SIGSEGV", "CPPHOST", false,
        crash_report("stress.CppWork.work", "(anonymous namespace)::crash_null_deref()", "null_deref")}},
      {"crash_executor_abort",
       {[] { return crash_control(kWork, 21); }, SIGABRT, -1, "cxx2go: fatal signal SIGABRT", "CPPHOST", false,
        crash_report("stress.CppWork.work", "(anonymous namespace)::crash_abort()", "abort")}},
      {"crash_inline_null_deref",
       {[] { return crash_control(kInline, 20); }, SIGQUIT, -1, "cxx2go: fatal signal SIGSEGV", "CPPHOST", false,
        crash_report("stress.CppWork.inline_work", "(anonymous namespace)::crash_null_deref()", "null_deref")}},
      {"crash_inline_divide_by_zero",
       {[] { return crash_control(kInline, 22); }, SIGQUIT, -1, "cxx2go: fatal signal SIGFPE", "CPPHOST", false,
        crash_report("stress.CppWork.inline_work", "(anonymous namespace)::crash_divide_by_zero()", "divide_by_zero")}},
  };
  return all;
}

int run_scenario(const std::string& name) {
  // The watchdog: SIGALRM's default action ends the process, which the parent reports.
  ::alarm(kScenarioLimitSeconds);
  std::function<std::string()> run;
  if (auto it = scenarios().find(name); it != scenarios().end()) run = it->second;
  if (auto it = controls().find(name); it != controls().end()) run = it->second.run;
  if (!run) {
    std::printf("CPPHOST FAIL %s: no such scenario\n", name.c_str());
    return 2;
  }
  std::string failure;
  try {
    failure = run();
  } catch (const std::exception& e) {
    failure = std::string("exception: ") + e.what();
  }
  if (!failure.empty()) {
    std::printf("CPPHOST FAIL %s: %s\n", name.c_str(), failure.c_str());
    std::fflush(stdout);
    return 1;
  }
  std::printf("CPPHOST PASS %s\n", name.c_str());
  std::fflush(stdout);
  return 0;
}

// Runs `self --scenario=name` in a child process; its output (stdout and stderr) is read through a pipe,
// copied to ours and returned with the wait status. Returns false if the child could not be run.
bool run_child(const char* self, const std::string& name, int* status, std::string* output, double* secs,
               bool echo = true) {
  std::fflush(stdout);
  const auto t0 = Clock::now();
  int fds[2];
  if (::pipe(fds) != 0) {
    std::printf("FAIL %s: pipe: %s\n", name.c_str(), std::strerror(errno));
    return false;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::printf("FAIL %s: fork: %s\n", name.c_str(), std::strerror(errno));
    return false;
  }
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    const std::string arg = "--scenario=" + name;
    ::execl(self, self, arg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output->append(buf, static_cast<size_t>(n));
    if (echo) (void)!::write(1, buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  while (::waitpid(pid, status, 0) < 0) {
    if (errno != EINTR) {
      std::printf("FAIL %s: waitpid: %s\n", name.c_str(), std::strerror(errno));
      return false;
    }
  }
  *secs = std::chrono::duration<double>(Clock::now() - t0).count();
  return true;
}

bool run_scenario_child(const char* self, const std::string& name) {
  int status = 0;
  std::string output;
  double secs = 0;
  if (!run_child(self, name, &status, &output, &secs)) return false;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && output.find("CPPHOST PASS " + name + "\n") != std::string::npos) {
    std::printf("PASS %-30s %6.1fs\n", name.c_str(), secs);
    return true;
  }
  if (WIFSIGNALED(status)) {
    std::printf("FAIL %s: killed by signal %d%s\n", name.c_str(), WTERMSIG(status),
                WTERMSIG(status) == SIGALRM ? " (watchdog)" : "");
  } else {
    std::printf("FAIL %s: exit status %d\n", name.c_str(), WEXITSTATUS(status));
  }
  return false;
}

// A negative control passes if its child died as expected, printed the expected message and never
// reported an outcome of its own.
bool run_control_child(const char* self, const std::string& name, const Control& c) {
  int status = 0;
  std::string output;
  double secs = 0;
  // The output is shown only if the control fails: what it provokes (a data race report, a panic) must
  // not look like a failure to whoever reads this program's output (scripts/run-stress.sh greps it).
  if (!run_child(self, name, &status, &output, &secs, /*echo=*/false)) return false;
  std::string why;
  if (c.signal != 0 && !(WIFSIGNALED(status) && WTERMSIG(status) == c.signal)) {
    why = "want death by signal " + std::to_string(c.signal);
  } else if (c.signal == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == c.exit_status)) {
    why = "want exit status " + std::to_string(c.exit_status);
  } else if (output.find(c.output) == std::string::npos) {
    why = std::string("no \"") + c.output + "\" in the output";
  } else if (auto missing = std::find_if(c.also_output.begin(), c.also_output.end(),
                                         [&](const std::string& s) { return output.find(s) == std::string::npos; });
             missing != c.also_output.end()) {
    why = "no \"" + *missing + "\" in the output";
  } else if (output.find(c.not_output) != std::string::npos) {
    why = std::string("\"") + c.not_output + "\" in the output";
  } else if (output.find("CPPHOST PASS") != std::string::npos || output.find("CPPHOST FAIL") != std::string::npos) {
    why = "the scenario went on after the failure";
  }
  if (!why.empty()) {
    std::printf("%s", output.c_str());
    std::printf("FAIL %s (negative control): %s; wait status %#x\n", name.c_str(), why.c_str(), status);
    return false;
  }
  std::printf("PASS %-30s %6.1fs (negative control: %s %d as expected)\n", name.c_str(), secs,
              c.signal != 0 ? "killed by signal" : "exit status", c.signal != 0 ? c.signal : c.exit_status);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string prefix = "--scenario=";
  if (argc == 2 && std::string(argv[1]).rfind(prefix, 0) == 0) return run_scenario(argv[1] + prefix.size());
  if (argc != 1) {
    std::fprintf(stderr, "usage: %s [--scenario=NAME]\n", argv[0]);
    return 2;
  }
  // Scenarios named in CPPHOST_SCENARIOS (comma-separated), or all; then the negative controls (unless
  // CPPHOST_SCENARIOS is set and names none of them).
  const char* only = std::getenv("CPPHOST_SCENARIOS");
  auto selected = [only](const std::string& name) {
    if (only == nullptr || *only == '\0') return true;
    const std::string list = std::string(",") + only + ",";
    return list.find("," + name + ",") != std::string::npos;
  };
  int passed = 0, failed = 0;
  for (const auto& [name, fn] : scenarios()) {
    if (selected(name)) (run_scenario_child("/proc/self/exe", name) ? passed : failed)++;
  }
  for (const auto& [name, c] : controls()) {
    if (c.race_only && stress_go_race_enabled() == 0) continue;
    if (selected(name)) (run_control_child("/proc/self/exe", name, c) ? passed : failed)++;
  }
  std::printf("cpphost: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
