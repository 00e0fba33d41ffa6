// The C++ host of the end-to-end tests: a C++ GoogleTest program that links the Go side as a c-archive
// (tests/e2e/cpphost/goside, whose init registers GoSide). main() starts the runtime and registers the
// C++ services; the tests run the C++ battery directly (C++ calling Go), the Go battery through
// GoSide.run_checks (Go, inside a call from C++, calling C++), and the life-cycle scenarios, each in a
// process of its own (this program re-executed with --e2e-lifecycle=<scenario>).
//
// Every test runs under a watchdog that aborts the program with a message after 120 s.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../cppimpl/battery.h"
#include "../cppimpl/cpp_side.h"
#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/testing.h"
#include "e2e.c2g.h"
#include "libe2e_go.h"  // written by go build -buildmode=c-archive: the //export functions of goside

extern char** environ;

namespace {

using namespace std::chrono_literals;
using cxx2go::Code;
using cxx2go_test::e2e::CheckResult;
using cxx2go_test::e2e::GoSideClient;
namespace impl = cxx2go_test::e2e_impl;

// ---- watchdog ----

// Aborts the process with a message when armed for longer than its limit. Never destroyed: its thread
// may still be waiting while the process exits.
class Watchdog {
 public:
  static Watchdog& get() {
    static Watchdog* const w = new Watchdog();
    return *w;
  }
  void arm(std::string what, std::chrono::seconds limit) {
    std::lock_guard lock(mu_);
    what_ = std::move(what);
    limit_ = limit;
    until_ = std::chrono::steady_clock::now() + limit;
    armed_ = true;
    cv_.notify_all();
  }
  void disarm() {
    std::lock_guard lock(mu_);
    armed_ = false;
    cv_.notify_all();
  }

 private:
  Watchdog() { std::thread([this] { run(); }).detach(); }
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (!armed_) {
        cv_.wait(lock);
      } else if (cv_.wait_until(lock, until_) == std::cv_status::timeout && armed_ &&
                 std::chrono::steady_clock::now() >= until_) {
        std::fprintf(stderr, "\nWATCHDOG: %s still running after %lld s; aborting\n", what_.c_str(),
                     static_cast<long long>(limit_.count()));
        std::fflush(stderr);
        std::abort();
      }
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool armed_ = false;
  std::string what_;
  std::chrono::seconds limit_{0};
  std::chrono::steady_clock::time_point until_;
};

class WatchdogListener : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo& info) override {
    Watchdog::get().arm(std::string(info.test_suite_name()) + "." + info.name(), 120s);
  }
  void OnTestEnd(const ::testing::TestInfo&) override { Watchdog::get().disarm(); }
};

// ---- helpers ----

std::vector<std::string> split_lines(const char* text) {
  std::vector<std::string> out;
  std::istringstream in(text == nullptr ? "" : text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<std::string> cpp_check_names() {
  std::vector<std::string> names;
  for (const auto& check : impl::cpp_battery()) names.push_back(check.name);
  return names;
}

std::vector<std::string> go_check_names() {
  char* names = e2e_go_check_names();
  std::vector<std::string> out = split_lines(names);
  std::free(names);
  return out;
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// Waits up to 10 s until the runtime has no call and no call record alive.
bool wait_no_live_calls() {
  const auto until = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    const cxx2go::LiveCounts c = cxx2go::live_counts();
    if (c.outgoing_calls == 0 && c.incoming_calls == 0 && c.records == 0) return true;
    if (std::chrono::steady_clock::now() > until) {
      std::fprintf(stderr, "calls still alive: %llu C++ → Go, %llu Go → C++, %llu records\n",
                   static_cast<unsigned long long>(c.outgoing_calls),
                   static_cast<unsigned long long>(c.incoming_calls), static_cast<unsigned long long>(c.records));
      return false;
    }
    std::this_thread::sleep_for(5ms);
  }
}

// ---- the batteries ----

class CppBattery : public ::testing::TestWithParam<std::string> {};

TEST_P(CppBattery, Check) {
  std::vector<CheckResult> results = impl::run_cpp_checks(GetParam());
  ASSERT_EQ(results.size(), 1u) << "the filter " << GetParam() << " must select exactly one check";
  EXPECT_EQ(results[0].name, GetParam());
  EXPECT_EQ(results[0].failure, "");
}

INSTANTIATE_TEST_SUITE_P(E2E, CppBattery, ::testing::ValuesIn(cpp_check_names()), param_name);

class GoBattery : public ::testing::TestWithParam<std::string> {};

TEST_P(GoBattery, Check) {
  cxx2go::Result<std::vector<CheckResult>> results = GoSideClient().run_checks(GetParam());
  ASSERT_TRUE(results.ok()) << results.error().to_string();
  ASSERT_EQ(results->size(), 1u) << "the filter " << GetParam() << " must select exactly one check";
  EXPECT_EQ((*results)[0].name, GetParam());
  EXPECT_EQ((*results)[0].failure, "");
}

INSTANTIATE_TEST_SUITE_P(E2E, GoBattery, ::testing::ValuesIn(go_check_names()), param_name);

// Hosts select one check by passing its name as the run_checks filter (checks whose names contain it).
TEST(Batteries, NamesSelectOneCheck) {
  for (const auto& names : {cpp_check_names(), go_check_names()}) {
    ASSERT_FALSE(names.empty());
    for (const auto& a : names) {
      for (const auto& b : names) {
        EXPECT_TRUE(a == b || b.find(a) == std::string::npos) << a << " also selects " << b;
      }
    }
  }
}

// ---- life cycle: each scenario in a process of its own ----

constexpr char kLifecycleFlag[] = "--e2e-lifecycle=";

// "" when ok, else what failed.
using Scenario = std::function<std::string()>;

std::string expect_code(const char* what, Code got, Code want) {
  if (got == want) return "";
  return std::string(what) + ": want " + std::string(cxx2go::code_name(want)) + ", got " +
         std::string(cxx2go::code_name(got)) + " (" + std::to_string(static_cast<int>(got)) + ")";
}

template <class T>
Code code_of(const cxx2go::Result<T>& r) {
  return r.error().code;
}

Code go_call_twice(int64_t value, int64_t* out) { return static_cast<Code>(e2e_go_call_twice(value, out)); }

// The worker process e2e.CppSide runs in when CXX2GO_ISOLATE isolates it (scripts/run-e2e.sh), else 0: the
// implementation's state (impl::active_sleeps) is then that process's, asked through Go.
pid_t cpp_worker() {
  const auto pid = static_cast<pid_t>(e2e_go_cpp_process_id());
  return pid != 0 && pid != getpid() ? pid : 0;
}

int cpp_active_sleeps() { return cpp_worker() != 0 ? e2e_go_cpp_active_sleeps() : impl::active_sleeps(); }

std::string scenario_before_start() {
  if (auto r = impl::register_cpp_services(); !r) return "register: " + r.error().to_string();
  GoSideClient go;
  std::string f;
  if (!(f = expect_code("C++ → Go before start", code_of(go.call_cpp(1)), Code::not_started)).empty()) return f;
  if (!(f = expect_code("C++ → Go async before start", code_of(go.deadline_async().get()), Code::not_started))
           .empty()) {
    return f;
  }
  if (!(f = expect_code("C++ → Go oneway before start", code_of(go.notify("x")), Code::not_started)).empty()) {
    return f;
  }
  int64_t out = 0;
  if (!(f = expect_code("Go → C++ before start", go_call_twice(1, &out), Code::not_started)).empty()) return f;
  if (!(f = expect_code("stop before start", code_of(cxx2go::stop()), Code::not_started)).empty()) return f;
  // The runtime still starts afterwards.
  if (auto r = cxx2go::start(); !r) return "start: " + r.error().to_string();
  if (auto r = go.call_cpp(2); !r || *r != 4) return "call_cpp after start failed";
  if (go_call_twice(3, &out) != Code::ok || out != 6) return "Go → C++ twice after start failed";
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  return "";
}

std::string scenario_after_stop() {
  if (auto r = impl::register_cpp_services(); !r) return "register: " + r.error().to_string();
  if (auto r = cxx2go::start(); !r) return "start: " + r.error().to_string();
  GoSideClient go;
  int64_t out = 0;
  if (auto r = go.call_cpp(2); !r || *r != 4) return "call_cpp while running failed";
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  std::string f;
  if (!(f = expect_code("C++ → Go after stop", code_of(go.call_cpp(1)), Code::stopped)).empty()) return f;
  if (!(f = expect_code("C++ → Go async after stop", code_of(go.deadline_async().get()), Code::stopped)).empty()) {
    return f;
  }
  if (!(f = expect_code("C++ → Go oneway after stop", code_of(go.notify("x")), Code::stopped)).empty()) return f;
  if (!(f = expect_code("Go → C++ after stop", go_call_twice(1, &out), Code::stopped)).empty()) return f;
  if (!(f = expect_code("start after stop", code_of(cxx2go::start()), Code::stopped)).empty()) return f;
  if (!(f = expect_code("stop after stop", code_of(cxx2go::stop()), Code::stopped)).empty()) return f;
  if (!(f = expect_code("register after stop",
                        code_of(cxx2go::register_service(std::make_shared<impl::AffineImpl>())), Code::stopped))
           .empty()) {
    return f;
  }
  return "";
}

std::string scenario_stop_in_flight() {
  if (auto r = impl::register_cpp_services(); !r) return "register: " + r.error().to_string();
  if (auto r = cxx2go::start(); !r) return "start: " + r.error().to_string();
  cxx2go::Future<bool> go_sleep = GoSideClient().sleep_async(60'000);  // C++ → Go
  e2e_go_start_cpp_sleep();                                            // Go → C++
  const pid_t worker = cpp_worker();
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (cpp_active_sleeps() <= 0) {
    if (std::chrono::steady_clock::now() > until) return "CppSide.sleep did not start within 10 s";
    std::this_thread::sleep_for(1ms);
  }
  if (auto r = cxx2go::stop(); !r) return "stop with calls in flight: " + r.error().to_string();
  if (!go_sleep.ready()) return "the C++ → Go future is not resolved after stop()";
  if (auto f = expect_code("C++ → Go call in flight during stop", code_of(go_sleep.get()), Code::stopped);
      !f.empty()) {
    return f;
  }
  int slept = -1;
  const Code code = static_cast<Code>(e2e_go_finish_cpp_sleep(&slept));
  // The implementation returned false when its stop token fired, or the runtime answered stopped.
  if (!((code == Code::ok && slept == 0) || code == Code::stopped)) {
    return "Go → C++ call in flight during stop: code " + std::to_string(static_cast<int>(code)) + ", result " +
           std::to_string(slept) + "; want false or stopped";
  }
  if (worker != 0) {
    // Its runtime stopped with it: stop() returns once the worker has exited.
    if (access(("/proc/" + std::to_string(worker)).c_str(), F_OK) == 0) {
      return "the worker process " + std::to_string(worker) + " of e2e.CppSide still runs after stop()";
    }
  } else if (impl::active_sleeps() != 0) {
    return "CppSide.sleep still sleeping after stop()";
  }
  // Not at once: Go gets the answer of its call while the thread that delivered it (an implementation's
  // thread, not always one stop() joined) still holds the call record for a moment.
  if (!wait_no_live_calls()) return "calls alive after stop()";
  return "";
}

std::string scenario_unregistered() {
  if (auto r = impl::register_cpp_services(); !r) return "register: " + r.error().to_string();
  if (auto r = cxx2go::start(); !r) return "start: " + r.error().to_string();
  int64_t out = 0;
  if (go_call_twice(2, &out) != Code::ok || out != 4) return "Go → C++ twice while registered failed";
  std::string f;
  // Isolated, CppSide is registered in its worker, where this process cannot unregister it (the Go battery's
  // unknown_method check covers a worker's unknown methods).
  if (cpp_worker() == 0) {
    if (auto r = cxx2go::unregister_service("e2e.CppSide"); !r) return "unregister: " + r.error().to_string();
    if (!(f = expect_code("Go → C++ after unregistering CppSide", go_call_twice(2, &out), Code::unknown_method))
             .empty()) {
      return f;
    }
  }
  if (static_cast<Code>(e2e_go_unregister_goside()) != Code::ok) return "unregistering GoSide failed";
  if (!(f = expect_code("C++ → Go after unregistering GoSide", code_of(GoSideClient().deadline()),
                        Code::unknown_method))
           .empty()) {
    return f;
  }
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  return "";
}

std::string scenario_start_twice() {
  if (auto r = cxx2go::start(); !r) return "start: " + r.error().to_string();
  if (auto f = expect_code("second start", code_of(cxx2go::start()), Code::failed_precondition); !f.empty()) return f;
  if (auto r = cxx2go::stop(); !r) return "stop: " + r.error().to_string();
  return "";
}

const std::map<std::string, Scenario>& scenarios() {
  static const std::map<std::string, Scenario> all{
      {"before_start", scenario_before_start},   {"after_stop", scenario_after_stop},
      {"stop_in_flight", scenario_stop_in_flight}, {"unregistered", scenario_unregistered},
      {"start_twice", scenario_start_twice},
  };
  return all;
}

int run_scenario(const std::string& name) {
  Watchdog::get().arm("lifecycle scenario " + name, 100s);
  auto it = scenarios().find(name);
  const std::string failure = it == scenarios().end() ? "no such scenario" : it->second();
  if (!failure.empty()) {
    std::printf("LIFECYCLE FAIL %s: %s\n", name.c_str(), failure.c_str());
    return 1;
  }
  std::printf("LIFECYCLE PASS %s\n", name.c_str());
  return 0;
}

// Runs this program with --e2e-lifecycle=<name>; returns its exit status and output.
std::pair<int, std::string> run_self(const std::string& name) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {-1, "pipe failed"};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::string self = "/proc/self/exe";
  std::string flag = std::string(kLifecycleFlag) + name;
  char* argv[] = {self.data(), flag.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    return {-1, std::string("posix_spawn: ") + std::strerror(spawned)};
  }
  std::string output;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    output.append(buf, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

// Over the ring, the completion of a C++ → Go call that arrives while the C++ ring thread is parked and no
// thread waits for it (nobody helps) goes through cgo: waking the ring thread to resolve the future would
// cost a second wake-up in a row, which made the ring slower than cgo on a busy machine (ring.go, complete).
TEST(RingTransport, CompletionsThatFindTheRingThreadAsleepWakeNoOne) {
  if (const char* transport = std::getenv("CXX2GO_TRANSPORT"); transport == nullptr || std::strcmp(transport, "ring") != 0) {
    GTEST_SKIP() << "only with CXX2GO_TRANSPORT=ring";
  }
  const cxx2go::detail::RingCounters before = cxx2go::detail::ring_counters();
  constexpr int kCalls = 20;
  for (int i = 0; i < kCalls; ++i) {
    cxx2go::Future<bool> f = GoSideClient().sleep_async(0);
    // Long past every spin budget: the Go handler answers while this thread sleeps and the ring thread has
    // parked.
    std::this_thread::sleep_for(5ms);
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.error().to_string();
  }
  const cxx2go::detail::RingCounters after = cxx2go::detail::ring_counters();
  EXPECT_GE(after.to_go - before.to_go, uint64_t{kCalls});  // the calls did go over the ring
  // Other tests' calls may still be winding down; a handful of wake-ups, not one per call.
  EXPECT_LT(after.cpp_wakeups - before.cpp_wakeups, uint64_t{kCalls / 4})
      << "the ring thread was woken for completions nobody was waiting for";
}

class Lifecycle : public ::testing::TestWithParam<std::string> {};

TEST_P(Lifecycle, Scenario) {
  auto [status, output] = run_self(GetParam());
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("LIFECYCLE PASS " + GetParam()), std::string::npos) << output;
}

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : scenarios()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(E2E, Lifecycle, ::testing::ValuesIn(scenario_names()), param_name);

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kLifecycleFlag, sizeof kLifecycleFlag - 1) == 0) {
      return run_scenario(argv[i] + sizeof kLifecycleFlag - 1);
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new WatchdogListener());

  Watchdog::get().arm("starting the runtime", 120s);
  if (auto r = impl::register_cpp_services(); !r) {
    std::fprintf(stderr, "e2e cpphost: cannot register the C++ services: %s\n", r.error().to_string().c_str());
    return 1;
  }
  cxx2go::RuntimeOptions options;
  options.executor_threads = 4;
  if (auto r = cxx2go::start(options); !r) {
    std::fprintf(stderr, "e2e cpphost: cannot start the runtime: %s\n", r.error().to_string().c_str());
    return 1;
  }
  Watchdog::get().disarm();
  if (const pid_t worker = cpp_worker(); worker != 0) {
    std::printf("e2e cpphost: e2e.CppSide runs in its worker process %d (CXX2GO_ISOLATE)\n", static_cast<int>(worker));
  }

  int status = RUN_ALL_TESTS();

  Watchdog::get().arm("stopping the runtime", 120s);
  if (!wait_no_live_calls()) status = 1;
  if (auto r = cxx2go::stop(); !r) {
    std::fprintf(stderr, "e2e cpphost: stop: %s\n", r.error().to_string().c_str());
    status = 1;
  }
  Watchdog::get().disarm();
  // A run with CXX2GO_TRANSPORT=ring (scripts/run-e2e.sh) must really have used the ring, both ways.
  if (const char* transport = std::getenv("CXX2GO_TRANSPORT"); transport != nullptr && std::strcmp(transport, "ring") == 0) {
    const cxx2go::detail::RingCounters ring = cxx2go::detail::ring_counters();
    std::printf("e2e cpphost: ring transport: %llu messages C++ → Go, %llu Go → C++ (%llu / %llu wake-ups)\n",
                static_cast<unsigned long long>(ring.to_go), static_cast<unsigned long long>(ring.to_cpp),
                static_cast<unsigned long long>(ring.go_wakeups), static_cast<unsigned long long>(ring.cpp_wakeups));
    if (!ring.started || ring.to_go == 0 || ring.to_cpp == 0) {
      std::fprintf(stderr, "e2e cpphost: CXX2GO_TRANSPORT=ring, but the ring carried no calls\n");
      status = 1;
    }
  }
  return status;
}
