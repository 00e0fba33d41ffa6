// A fake Go runtime, in C++, for the C++ runtime's tests: it implements cxx2go_go_entry_points (the Go
// side of C++ → Go calls) and calls cxx2go_cpp_invoke the way the Go runtime does (Go → C++ calls).
// It checks the ABI's promises as it goes: a completion for an unknown call, or a second one, fails the
// test.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/abi.h"
#include "cxx2go/detail/wire.h"
#include "cxx2go/error.h"
#include "cxx2go/detail/testing.h"
#include "cxx2go/runtime.h"

namespace cxx2go::testing {

using namespace std::chrono_literals;

// What the C++ runtime handed to Go, copied.
struct GoCall {
  uint64_t method_id = 0;
  std::string method_name;
  uint64_t call_id = 0;
  int64_t deadline_unix_nanos = 0;
  uint32_t flags = 0;
  std::vector<uint8_t> args;
  std::vector<std::string> views;       // contents
  std::vector<const void*> view_data;   // where they were: zero-copy checks
  std::shared_ptr<std::atomic<bool>> cancel_flag = std::make_shared<std::atomic<bool>>(false);

  // True once C++ cancelled this call (entry_points.cancel(call_id)) or stopped (cancel(0)).
  bool cancelled() const;
  // Waits until cancelled(), at most `timeout`.
  bool wait_cancelled(std::chrono::milliseconds timeout = 5s) const;
  detail::Decoder decoder() const { return detail::Decoder(args.data(), args.size()); }
};

// What a fake Go handler answers.
struct GoAnswer {
  int32_t code = CXX2GO_OK;
  std::vector<uint8_t> bytes;

  static GoAnswer ok(const detail::Encoder& e) { return {CXX2GO_OK, {e.data(), e.data() + e.size()}}; }
  static GoAnswer ok() { return {}; }
  static GoAnswer error(Code code, std::string_view message) {
    return {static_cast<int32_t>(code), {message.begin(), message.end()}};
  }
};

using GoHandler = std::function<GoAnswer(const GoCall&)>;

// How the fake answers entry_points.submit (asynchronous C++ → Go calls).
enum class SubmitMode {
  thread,     // runs the handler on a new thread, reading the call's memory there, then completes
  in_submit,  // runs the handler and completes before submit returns
  manual,     // keeps the call; the test completes it with complete()
};

// The answer of a Go → C++ call.
struct CppAnswer {
  int32_t code = 0;
  std::string bytes;
  bool pending = false;  // answered CXX2GO_PENDING first
};

// One Go → C++ call, as the Go runtime would make it.
struct CppCall {
  CppCall(uint64_t id, const char* name, uint64_t call = 0) : method_id(id), method_name(name), call_id(call) {}

  uint64_t method_id = 0;
  const char* method_name = "test.Unknown.method";
  uint64_t call_id = 0;  // 0: must be answered before cxx2go_cpp_invoke returns
  uint32_t flags = 0;
  int64_t deadline_unix_nanos = 0;
  std::vector<uint8_t> args;
  std::vector<std::string> views;  // the test may overwrite them once invoke returned: C++ must have copied
};

class FakeGo {
 public:
  static FakeGo& get() {
    static FakeGo* const instance = new FakeGo();  // like Go: outlives every C++ thread that may call it
    return *instance;
  }

  cxx2go_go_entry_points entry_points() const {
    return {CXX2GO_ABI_VERSION, &FakeGo::go_invoke, &FakeGo::go_submit, &FakeGo::go_cancel, &FakeGo::go_complete,
            nullptr, &FakeGo::go_direct};
  }

  // Joins the handler threads and forgets everything. Manual calls still pending are completed (cancelled)
  // first, so that the runtime frees them.
  void reset() {
    for (uint64_t id : pending_ids()) complete(id, GoAnswer::error(Code::cancelled, "fake Go reset"));
    join_threads();
    std::lock_guard lock(mu_);
    handlers_.clear();
    direct_ = nullptr;
    flags_.clear();
    submitted_.clear();
    completed_.clear();
    cancels_.clear();
    cpp_completions_.clear();
    answer_on_stop_.reset();
    cpp_waiting_.clear();
    manual_.clear();
    oneway_.clear();
    mode_ = SubmitMode::thread;
    stopped_ = false;
    invokes_ = 0;
    submits_ = 0;
  }

  void handle(uint64_t method_id, GoHandler handler) {
    std::lock_guard lock(mu_);
    handlers_[method_id] = std::move(handler);
  }
  // What entry_points.direct runs: every direct call, whatever its method (none: Code::unknown_method).
  using DirectHandler = std::function<void(uint64_t method_id, const uint64_t* words, const cxx2go_view* views,
                                           uint32_t nviews, int64_t deadline, cxx2go_direct_result* result)>;
  void handle_direct(DirectHandler handler) {
    std::lock_guard lock(mu_);
    direct_ = std::move(handler);
  }
  void set_submit_mode(SubmitMode mode) {
    std::lock_guard lock(mu_);
    mode_ = mode;
  }

  // Manual calls are answered with `answer` inside cancel(0), before it returns: like Go handlers that
  // return the moment their context ends, racing the runtime's stop() as tightly as possible.
  void answer_pending_on_stop(GoAnswer answer) {
    std::lock_guard lock(mu_);
    answer_on_stop_ = std::move(answer);
  }

  int invokes() const { return invokes_.load(); }
  int submits() const { return submits_.load(); }
  bool stop_seen() const { return stopped_.load(); }
  std::vector<uint64_t> cancels() const {
    std::lock_guard lock(mu_);
    return cancels_;
  }

  // ---- manual submissions ----

  std::vector<uint64_t> pending_ids() const {
    std::lock_guard lock(mu_);
    std::vector<uint64_t> ids;
    for (auto& [id, call] : manual_) ids.push_back(id);
    return ids;
  }
  bool wait_pending(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return manual_.size() >= n; });
  }
  // Reads the call from the C++ runtime's memory now: it must still be valid (cancelled or not) until
  // complete().
  GoCall read_pending(uint64_t id) const {
    std::lock_guard lock(mu_);
    return copy_call(*manual_.at(id));
  }
  void complete(uint64_t id, const GoAnswer& answer) {
    {
      std::lock_guard lock(mu_);
      manual_.erase(id);
    }
    complete_cpp(id, answer);
  }

  // ---- Go → C++ ----

  // Calls cxx2go_cpp_invoke like the Go runtime: a call with an id is registered for its completion before
  // the call, because the completion may arrive before cxx2go_cpp_invoke returns.
  CppAnswer invoke_cpp(const CppCall& call) {
    if (call.call_id != 0) {
      std::lock_guard lock(mu_);
      cpp_waiting_.insert(call.call_id);
    }
    std::vector<cxx2go_view> views;
    for (const std::string& v : call.views) views.push_back({v.empty() ? nullptr : v.data(), v.size()});
    cxx2go_call wire{};
    wire.method_id = call.method_id;
    wire.method_name = call.method_name;
    wire.call_id = call.call_id;
    wire.deadline_unix_nanos = call.deadline_unix_nanos;
    wire.flags = call.flags;
    wire.nviews = static_cast<uint32_t>(views.size());
    wire.args = call.args.data();
    wire.args_len = call.args.size();
    wire.views = views.data();
    cxx2go_reply reply{};
    cxx2go_cpp_invoke(&wire, &reply);
    CppAnswer answer;
    answer.code = reply.code;
    if (reply.code == CXX2GO_PENDING) {
      answer.pending = true;
      EXPECT_NE(call.call_id, 0u) << "PENDING answered to a call without an id";
      EXPECT_EQ(reply.where, CXX2GO_REPLY_INLINE);
      return answer;
    }
    const uint8_t* p = reply.where == CXX2GO_REPLY_MALLOC ? reply.heap : reply.inline_buf;
    answer.bytes.assign(reinterpret_cast<const char*>(p), reply.len);
    if (reply.where == CXX2GO_REPLY_MALLOC) std::free(reply.heap);
    if (call.call_id != 0) {
      std::lock_guard lock(mu_);
      cpp_waiting_.erase(call.call_id);
      EXPECT_EQ(cpp_completions_.count(call.call_id), 0u) << "a completion for a call answered synchronously";
    }
    return answer;
  }

  // Waits for the completion of a call answered PENDING.
  std::optional<CppAnswer> await_cpp(uint64_t call_id, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return cpp_completions_.count(call_id) != 0; })) return std::nullopt;
    CppAnswer answer = cpp_completions_[call_id];
    answer.pending = true;
    return answer;
  }

  // invoke_cpp, then await_cpp if it went pending.
  CppAnswer call_cpp(const CppCall& call) {
    CppAnswer answer = invoke_cpp(call);
    if (!answer.pending) return answer;
    std::optional<CppAnswer> done = await_cpp(call.call_id);
    if (!done) {
      ADD_FAILURE() << "no completion for call " << call.call_id;
      return {CXX2GO_INTERNAL, "timeout", true};
    }
    return *done;
  }

  uint64_t next_call_id() { return ++last_call_id_; }

 private:
  FakeGo() = default;

  static GoCall copy_call(const cxx2go_call& c) {
    GoCall g;
    g.method_id = c.method_id;
    g.method_name = c.method_name != nullptr ? c.method_name : "";
    g.call_id = c.call_id;
    g.deadline_unix_nanos = c.deadline_unix_nanos;
    g.flags = c.flags;
    if (c.args_len != 0) g.args.assign(c.args, c.args + c.args_len);
    for (uint32_t i = 0; i < c.nviews; ++i) {
      g.views.emplace_back(static_cast<const char*>(c.views[i].data), c.views[i].len);
      g.view_data.push_back(c.views[i].data);
    }
    return g;
  }

  GoHandler handler_for(uint64_t method_id) {
    std::lock_guard lock(mu_);
    auto it = handlers_.find(method_id);
    return it == handlers_.end() ? GoHandler() : it->second;
  }

  GoAnswer run(const GoCall& call) {
    GoHandler handler = handler_for(call.method_id);
    if (!handler) return GoAnswer::error(Code::unknown_method, "fake Go: no handler for " + call.method_name);
    return handler(call);
  }

  void track(GoCall& call) {
    std::lock_guard lock(mu_);
    flags_[call.call_id] = call.cancel_flag;
  }

  void complete_cpp(uint64_t id, const GoAnswer& answer) {
    {
      std::lock_guard lock(mu_);
      EXPECT_TRUE(submitted_.count(id)) << "completing call " << id << ", which was never submitted";
      EXPECT_TRUE(completed_.insert(id).second) << "completing call " << id << " twice";
      flags_.erase(id);
    }
    cxx2go_cpp_complete(id, answer.code, const_cast<uint8_t*>(answer.bytes.data()), answer.bytes.size());
  }

  void join_threads() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(threads_);
    }
    for (std::thread& t : threads) t.join();
  }

  static void write_reply(cxx2go_reply* reply, const GoAnswer& a) {
    reply->code = a.code;
    reply->len = a.bytes.size();
    reply->heap = nullptr;
    if (a.bytes.size() <= CXX2GO_REPLY_INLINE_CAP) {
      reply->where = CXX2GO_REPLY_INLINE;
      if (!a.bytes.empty()) std::memcpy(reply->inline_buf, a.bytes.data(), a.bytes.size());
    } else {
      reply->where = CXX2GO_REPLY_MALLOC;
      reply->heap = static_cast<uint8_t*>(std::malloc(a.bytes.size()));
      std::memcpy(reply->heap, a.bytes.data(), a.bytes.size());
    }
  }

  static void go_invoke(cxx2go_call* call, cxx2go_reply* reply) {
    FakeGo& go = get();
    ++go.invokes_;
    GoCall g = copy_call(*call);
    if (call->call_id != 0) {  // C++ may cancel it by id: listed first, then C++ is told, as Go does
      go.track(g);
      cxx2go_cpp_sync_listed(call->call_id);
    }
    const GoAnswer answer = go.run(g);
    if (call->call_id != 0) {
      std::lock_guard lock(go.mu_);
      go.flags_.erase(call->call_id);
    }
    write_reply(reply, answer);
  }

  static void go_direct(uint64_t method_id, char*, uint64_t* words, cxx2go_view* views, uint32_t nviews,
                        int64_t deadline, cxx2go_direct_result* result) {
    DirectHandler handler;
    {
      std::lock_guard lock(get().mu_);
      handler = get().direct_;
    }
    if (!handler) {
      result->code = CXX2GO_UNKNOWN_METHOD;
      return;
    }
    handler(method_id, words, views, nviews, deadline, result);
  }

  static void go_submit(cxx2go_call* call) {
    FakeGo& go = get();
    ++go.submits_;
    GoCall g = copy_call(*call);
    if ((call->flags & CXX2GO_CALL_ONEWAY) != 0) {
      EXPECT_EQ(call->call_id, 0u);
      std::lock_guard lock(go.mu_);
      go.oneway_.push_back(g);  // copied inside submit, as the ABI requires
      go.cv_.notify_all();
      return;
    }
    EXPECT_NE(call->call_id, 0u);
    SubmitMode mode;
    {
      std::lock_guard lock(go.mu_);
      EXPECT_TRUE(go.submitted_.insert(call->call_id).second) << "call id reused: " << call->call_id;
      mode = go.mode_;
    }
    go.track(g);
    switch (mode) {
      case SubmitMode::in_submit:
        go.complete_cpp(g.call_id, go.run(g));
        return;
      case SubmitMode::manual: {
        std::lock_guard lock(go.mu_);
        go.manual_[call->call_id] = call;
        go.cv_.notify_all();
        return;
      }
      case SubmitMode::thread: {
        std::lock_guard lock(go.mu_);
        go.threads_.emplace_back([&go, call] {
          // Reads the C++ runtime's memory on another thread, as a goroutine does: valid until completion.
          GoCall g2 = copy_call(*call);
          {
            std::lock_guard lock(go.mu_);
            g2.cancel_flag = go.flags_.at(g2.call_id);
          }
          go.complete_cpp(g2.call_id, go.run(g2));
        });
        return;
      }
    }
  }

  static void go_cancel(uint64_t call_id) {
    FakeGo& go = get();
    std::optional<GoAnswer> answer;
    std::vector<uint64_t> to_answer;
    {
      std::lock_guard lock(go.mu_);
      go.cancels_.push_back(call_id);
      if (call_id == 0) {
        go.stopped_ = true;
        for (auto& [id, flag] : go.flags_) flag->store(true);
        answer = go.answer_on_stop_;
        if (answer) {
          for (auto& [id, call] : go.manual_) to_answer.push_back(id);
        }
      } else if (auto it = go.flags_.find(call_id); it != go.flags_.end()) {
        it->second->store(true);
      }
      go.cv_.notify_all();
    }
    for (uint64_t id : to_answer) go.complete(id, *answer);
  }

  static void go_complete(uint64_t call_id, int32_t code, uint8_t* data, size_t len) {
    FakeGo& go = get();
    std::lock_guard lock(go.mu_);
    EXPECT_TRUE(go.cpp_waiting_.count(call_id)) << "completion for Go → C++ call " << call_id << ", which is not waiting";
    EXPECT_EQ(go.cpp_completions_.count(call_id), 0u) << "second completion for call " << call_id;
    EXPECT_NE(code, CXX2GO_PENDING);
    go.cpp_completions_[call_id] = CppAnswer{code, std::string(reinterpret_cast<const char*>(data), len), true};
    go.cv_.notify_all();
  }

 public:
  // Oneway C++ → Go calls received (copied inside submit).
  std::vector<GoCall> oneway_calls() const {
    std::lock_guard lock(mu_);
    return oneway_;
  }
  bool wait_oneway(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return oneway_.size() >= n; });
  }
  void clear_oneway() {
    std::lock_guard lock(mu_);
    oneway_.clear();
  }

 private:
  DirectHandler direct_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, GoHandler> handlers_;
  std::map<uint64_t, std::shared_ptr<std::atomic<bool>>> flags_;  // async calls in flight, by id
  std::set<uint64_t> submitted_;
  std::set<uint64_t> completed_;
  std::optional<GoAnswer> answer_on_stop_;
  std::vector<uint64_t> cancels_;
  std::map<uint64_t, cxx2go_call*> manual_;
  std::vector<GoCall> oneway_;
  std::set<uint64_t> cpp_waiting_;
  std::map<uint64_t, CppAnswer> cpp_completions_;
  std::vector<std::thread> threads_;
  SubmitMode mode_ = SubmitMode::thread;
  std::atomic<bool> stopped_{false};
  std::atomic<int> invokes_{0};
  std::atomic<int> submits_{0};
  std::atomic<uint64_t> last_call_id_{1000};
};

inline bool GoCall::cancelled() const { return cancel_flag->load() || FakeGo::get().stop_seen(); }

inline bool GoCall::wait_cancelled(std::chrono::milliseconds timeout) const {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!cancelled()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Installs the fake Go, starts the runtime, and checks after each test that the runtime stopped cleanly:
// no call or record left alive.
class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeGo::get().reset();
    detail::install_go_peer(FakeGo::get().entry_points());
    Result<void> started = start(options());
    ASSERT_TRUE(started) << started.error().to_string();
  }

  void TearDown() override {
    if (state() == State::running) {
      Result<void> stopped = stop();
      EXPECT_TRUE(stopped) << stopped.error().to_string();
    }
    FakeGo::get().reset();
    const LiveCounts live = live_counts();
    EXPECT_EQ(live.outgoing_calls, 0u);
    EXPECT_EQ(live.incoming_calls, 0u);
    EXPECT_EQ(live.records, 0u);
    Result<void> reset = detail::reset_for_testing();
    EXPECT_TRUE(reset) << reset.error().to_string();
  }

  virtual RuntimeOptions options() const {
    RuntimeOptions o;
    o.executor_threads = 2;
    o.stop_timeout = 2000ms;
    return o;
  }

  static FakeGo& go() { return FakeGo::get(); }
};

// Threads started by implementations under test, joined by the test. Starting one and recording it is
// one step under a mutex: the started thread may finish the call before the starter returns.
class Threads {
 public:
  template <class F>
  void start(F&& f) {
    std::lock_guard lock(mu_);
    threads_.emplace_back(std::forward<F>(f));
  }
  void join() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(threads_);
    }
    for (std::thread& t : threads) t.join();
  }
  ~Threads() { join(); }

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

// Waits until `predicate` holds, at most `timeout`.
template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 5s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace cxx2go::testing
