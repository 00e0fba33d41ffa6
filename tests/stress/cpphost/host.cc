// The stress tests' C++ host: a C++ program linking the Go side (goside/, a c-archive) and the same C++
// side as the Go host (../gohost/stress_cpp.cc: the C++ implementations and the C++ → Go drivers). It runs
// the scenarios of tests/stress/README.md that depend on who owns the process: the cancellation storm
// (scaled), thread churn with the main-thread callback cost, the signal storm, calls after stop, and fork.
//
//   stress_cpphost                    runs every scenario, each in a child process under a watchdog
//   stress_cpphost --scenario=NAME    runs one scenario in this process (what the parent runs)
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
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "libstress_go.h"  // the archive's exports (stress_go_*), written by go build
#include "stress.c2g.h"
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

const std::map<std::string, std::function<std::string()>>& scenarios() {
  static const std::map<std::string, std::function<std::string()>> all = {
      {"storm", scenario_storm},         {"threads", scenario_threads}, {"signals", scenario_signals},
      {"after_stop", scenario_after_stop}, {"fork", scenario_fork},
  };
  return all;
}

int run_scenario(const std::string& name) {
  // The watchdog: SIGALRM's default action ends the process, which the parent reports.
  ::alarm(kScenarioLimitSeconds);
  auto it = scenarios().find(name);
  if (it == scenarios().end()) {
    std::printf("CPPHOST FAIL %s: no such scenario\n", name.c_str());
    return 2;
  }
  std::string failure;
  try {
    failure = it->second();
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

// Runs `self --scenario=name` in a child process; the child's output goes to ours.
bool run_child(const char* self, const std::string& name) {
  std::fflush(stdout);
  const auto t0 = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::printf("FAIL %s: fork: %s\n", name.c_str(), std::strerror(errno));
    return false;
  }
  if (pid == 0) {
    const std::string arg = "--scenario=" + name;
    ::execl(self, self, arg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::printf("FAIL %s: waitpid: %s\n", name.c_str(), std::strerror(errno));
      return false;
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    std::printf("PASS %-12s %6.1fs\n", name.c_str(), secs);
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

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string prefix = "--scenario=";
  if (argc == 2 && std::string(argv[1]).rfind(prefix, 0) == 0) return run_scenario(argv[1] + prefix.size());
  if (argc != 1) {
    std::fprintf(stderr, "usage: %s [--scenario=NAME]\n", argv[0]);
    return 2;
  }
  int passed = 0, failed = 0;
  for (const auto& [name, fn] : scenarios()) (run_child("/proc/self/exe", name) ? passed : failed)++;
  std::printf("cpphost: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
