// Why a call's context ended, as each side sees it (issue 11, bugs 2 and 4): CppSide.wait_context and
// friends record what a C++ implementation's Context::cause() said, and the checks below ask GoSide what
// a Go handler's ctx.Err() said.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "battery.h"
#include "cpp_side.h"

namespace cxx2go_test::e2e_impl {

namespace {

using namespace std::chrono_literals;
using cxx2go::Code;
using cxx2go::Error;
using cxx2go::Future;
using cxx2go::Result;

// How often a call that ends at its deadline is repeated: before the fix, the Go handler of an
// asynchronous call read context.Canceled in about 19 of 20.
constexpr int kRepeats = 20;
constexpr auto kTimeout = 20ms;
// Watchdogs only (no timing assertions).
constexpr auto kRecordWait = 10s;
constexpr auto kWaitWatchdog = 60s;

// What the wait_context implementations recorded, by tag.
class Records {
 public:
  void add(const std::string& tag, std::string what) {
    {
      std::lock_guard lock(mu_);
      by_tag_[tag].push_back(std::move(what));
    }
    arrived_.notify_all();
  }
  // Waits until `count` records exist under `tag` (at most kRecordWait, or until `stop` fires) and
  // removes and returns up to `count` of them; with a count of 0, every record, at once.
  std::vector<std::string> take(const std::string& tag, uint32_t count, std::stop_token stop) {
    std::unique_lock lock(mu_);
    if (count != 0) arrived_.wait_for(lock, stop, kRecordWait, [&] { return by_tag_[tag].size() >= count; });
    std::vector<std::string>& got = by_tag_[tag];
    const size_t n = count == 0 ? got.size() : std::min<size_t>(count, got.size());
    std::vector<std::string> out(std::make_move_iterator(got.begin()),
                                 std::make_move_iterator(got.begin() + static_cast<std::ptrdiff_t>(n)));
    got.erase(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable_any arrived_;
  std::map<std::string, std::vector<std::string>> by_tag_;
};

Records& cpp_records() {
  static Records records;
  return records;
}

// Not go(): the Go host compiles battery.cc and this file as one translation unit.
e2e::GoSideClient go_side() { return e2e::GoSideClient(); }

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "\"" : ", \"") + x + "\"";
  return "[" + s + "]";
}

// "" if `got` holds `want` exactly n times.
std::string expect_all(const std::string& what, const std::vector<std::string>& got, size_t n,
                       const std::string& want) {
  if (got.size() != n) return what + ": " + std::to_string(got.size()) + " record(s) of " + std::to_string(n) + ": " + join(got);
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] != want) {
      return what + ": call " + std::to_string(i + 1) + " of " + std::to_string(n) + " saw \"" + got[i] +
             "\", want \"" + want + "\" (all: " + join(got) + ")";
    }
  }
  return "";
}

template <class T>
std::string expect_deadline(const Result<T>& r, const std::string& what) {
  if (r) return what + ": want deadline_exceeded, got success";
  if (r.error().code != Code::deadline_exceeded || r.error().message != "context deadline exceeded") {
    return what + ": want deadline_exceeded \"context deadline exceeded\", got " + r.error().to_string();
  }
  return "";
}

template <class T>
Result<T> await_watched(Future<T> f) {
  if (!f.wait_for(kWaitWatchdog)) {
    f.cancel();
    return Error(Code::internal, "watchdog: the future was not ready after 60 s");
  }
  return f.get();
}

std::string wait_outgoing_drained_here() {
  const auto until = std::chrono::steady_clock::now() + kRecordWait;
  while (cxx2go::live_counts().outgoing_calls != 0) {
    if (std::chrono::steady_clock::now() > until) {
      return std::to_string(cxx2go::live_counts().outgoing_calls) + " C++ → Go call(s) still alive 10 s later";
    }
    std::this_thread::sleep_for(5ms);
  }
  return "";
}

// Reads what the Go handlers recorded under `tag`, for the calls that reached Go (a call whose deadline
// passed before it left C++ never did), and checks that each says `want`. Every call has completed.
std::string expect_go_records(const std::string& tag, const std::string& want) {
  Result<std::vector<std::string>> started = go_side().context_ends(tag + "#started", 0);
  if (!started) return "context_ends(started): " + started.error().to_string();
  if (started->empty()) return "no call reached Go";
  Result<std::vector<std::string>> got = go_side().context_ends(tag, 0);
  if (!got) return "context_ends: " + got.error().to_string();
  return expect_all("the Go handler's ctx.Err()", *got, started->size(), want);
}

// C++ → Go synchronous calls with a 20 ms timeout: the handler's ctx.Err() is DeadlineExceeded.
std::string cause_go_sync() {
  const std::string tag = "c++→go sync";
  for (int i = 0; i < kRepeats; ++i) {
    if (auto f = expect_deadline(go_side().wait_context(tag, cxx2go::CallOptions::with_timeout(kTimeout)),
                                 "wait_context #" + std::to_string(i));
        !f.empty()) {
      return f;
    }
  }
  return expect_go_records(tag, "context deadline exceeded");
}

// C++ → Go asynchronous calls with a 20 ms timeout, all at once: the C++ deadline timer resolves each
// future, and each handler's ctx.Err() is still DeadlineExceeded (the timer used to cancel it first).
std::string cause_go_async() {
  const std::string tag = "c++→go async";
  std::vector<Future<void>> calls;
  for (int i = 0; i < kRepeats; ++i) {
    calls.push_back(go_side().wait_context_async(tag, cxx2go::CallOptions::with_timeout(kTimeout)));
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    if (auto f = expect_deadline(await_watched(std::move(calls[i])), "wait_context_async #" + std::to_string(i));
        !f.empty()) {
      return f;
    }
  }
  if (auto f = wait_outgoing_drained_here(); !f.empty()) return f;
  return expect_go_records(tag, "context deadline exceeded");
}

// C++ → Go asynchronous calls cancelled while Go serves them (no deadline, or one far away): the
// handler's ctx.Err() is Canceled.
std::string cause_go_cancel() {
  const std::string tag = "c++→go cancel";
  for (int i = 0; i < 4; ++i) {
    Future<void> f = go_side().wait_context_async(
        tag, i % 2 == 0 ? cxx2go::CallOptions{} : cxx2go::CallOptions::with_timeout(std::chrono::hours(1)));
    Result<std::vector<std::string>> started = go_side().context_ends(tag + "#started", 1);
    if (!started || started->size() != 1) return "call " + std::to_string(i) + " did not reach Go";
    f.cancel();
    Result<std::vector<std::string>> got = go_side().context_ends(tag, 1);
    if (!got) return "context_ends: " + got.error().to_string();
    if (auto e = expect_all("the Go handler's ctx.Err()", *got, 1, "context canceled"); !e.empty()) return e;
  }
  return wait_outgoing_drained_here();
}

// C++ → Go oneway calls with a 20 ms timeout: the handler's ctx carries the deadline and ends with
// DeadlineExceeded.
std::string cause_go_oneway() {
  const std::string tag = "c++→go oneway";
  uint32_t accepted = 0;
  for (int i = 0; i < kRepeats; ++i) {
    Result<void> r = go_side().wait_context_oneway(tag, cxx2go::CallOptions::with_timeout(kTimeout));
    if (r) {
      ++accepted;
    } else if (r.error().code != Code::deadline_exceeded) {  // it may pass before the call is handed over
      return "wait_context_oneway #" + std::to_string(i) + ": " + r.error().to_string();
    }
  }
  if (accepted == 0) return "no oneway call was handed over";
  Result<std::vector<std::string>> got = go_side().context_ends(tag, accepted);
  if (!got) return "context_ends: " + got.error().to_string();
  if (auto e = expect_all("the Go handler's ctx.Err()", *got, accepted, "context deadline exceeded"); !e.empty()) {
    return e;
  }
  Result<std::vector<std::string>> started = go_side().context_ends(tag + "#started", 0);
  if (!started || started->size() != accepted) return "the oneway calls did not all start once";
  // A stop token that already fired keeps the call from being handed over.
  std::stop_source stopped;
  stopped.request_stop();
  cxx2go::CallOptions options;
  options.stop_token = stopped.get_token();
  Result<void> refused = go_side().wait_context_oneway(tag, options);
  if (refused || refused.error().code != Code::cancelled) {
    return "wait_context_oneway with a fired stop token: want cancelled, got " +
           (refused ? std::string("success") : refused.error().to_string());
  }
  return "";
}

// C++ → Go calls whose CallOptions carry a stop token that fires while Go serves them (no Context: any
// std::stop_source): the handler's ctx is cancelled, and the call answers cancelled.
std::string stop_token_go(bool use_async) {
  const std::string tag = use_async ? "c++→go token async" : "c++→go token sync";
  std::stop_source source;
  cxx2go::CallOptions options;
  options.stop_token = source.get_token();
  Future<void> call = use_async ? go_side().wait_context_async(tag, options)
                                : cxx2go::make_ready_future<void>(Error(Code::internal, "not started"));
  std::thread sync_caller;
  Result<void> sync_result = Error(Code::internal, "not run");
  if (!use_async) sync_caller = std::thread([&] { sync_result = go_side().wait_context(tag, options); });
  Result<std::vector<std::string>> started = go_side().context_ends(tag + "#started", 1);
  source.request_stop();
  if (sync_caller.joinable()) sync_caller.join();
  if (!started || started->size() != 1) return "the call did not reach Go";
  Result<void> r = use_async ? await_watched(std::move(call)) : std::move(sync_result);
  if (r || r.error().code != Code::cancelled) {
    return "want cancelled, got " + (r ? std::string("success") : r.error().to_string());
  }
  Result<std::vector<std::string>> got = go_side().context_ends(tag, 1);
  if (!got) return "context_ends: " + got.error().to_string();
  if (auto e = expect_all("the Go handler's ctx.Err()", *got, 1, "context canceled"); !e.empty()) return e;
  // Made after the token fired: fails at once, without reaching Go.
  Result<void> late = use_async ? await_watched(go_side().wait_context_async(tag, options))
                                : go_side().wait_context(tag, options);
  if (late || late.error().code != Code::cancelled) return "a call made after the stop: want cancelled";
  return wait_outgoing_drained_here();
}

}  // namespace

std::vector<Check> context_checks() {
  return {
      {"ctxcause_go_sync", cause_go_sync},
      {"ctxcause_go_async", cause_go_async},
      {"ctxcause_go_cancel", cause_go_cancel},
      {"ctxcause_go_oneway", cause_go_oneway},
      {"stoptoken_go_sync", [] { return stop_token_go(false); }},
      {"stoptoken_go_async", [] { return stop_token_go(true); }},
  };
}

cxx2go::Result<void> CppSideImpl::wait_context(std::string_view tag_view, const cxx2go::Context& context) {
  const std::string tag(tag_view);
  cpp_records().add(tag + "#started", "");
  {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    // Returns early only when the stop token fires (the predicate never becomes true otherwise).
    cv.wait_for(lock, context.stop_token(), kWaitWatchdog, [] { return false; });
  }
  const Code cause = context.cause();
  if (cause == Code::ok) {
    cpp_records().add(tag, "watchdog: the stop token did not fire");
    return Error(Code::internal, "watchdog: the stop token did not fire");
  }
  cpp_records().add(tag, std::string(cxx2go::code_name(cause)));
  return Error(cause, "wait_context: " + std::string(cxx2go::code_name(cause)));
}

cxx2go::Result<std::vector<std::string>> CppSideImpl::context_ends(std::string_view tag, uint32_t count,
                                                                   const cxx2go::Context& context) {
  return cpp_records().take(std::string(tag), count, context.stop_token());
}

cxx2go::Result<void> CppSideImpl::relay_wait(std::string_view tag, bool use_async, const cxx2go::Context& context) {
  const cxx2go::CallOptions options = cxx2go::CallOptions::from(context);
  Result<void> r = use_async ? go_side().wait_context_async(std::string(tag), options).get()
                             : go_side().wait_context(tag, options);
  cpp_records().add(std::string(tag) + "#relay", std::string(cxx2go::code_name(r ? Code::ok : r.error().code)));
  return r;
}

}  // namespace cxx2go_test::e2e_impl
