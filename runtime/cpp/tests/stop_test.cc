// stop() with calls in flight in both directions: reject new calls, cancel in-flight ones, fail queued ones,
// wait (bounded) for Go, never free memory Go may still read, join the executor threads (bounded too).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <string>
#include <thread>

#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/generated.h"
#include "cxx2go/detail/testing.h"
#include "fake_go.h"
#include "scripted_service.h"

namespace cxx2go::testing {
namespace {

constexpr detail::MethodInfo kWork{0xC001, "test.Go.work", 0};

Future<void> work_async() {
  return detail::call_go_async<void>(
      kWork, {}, std::string("argument Go reads"),
      [](const std::string& s, detail::Encoder&, detail::ViewList& v) { v.add(std::string_view(s)); },
      detail::DecodeNothing{});
}

Result<detail::Reply> work_sync() {
  detail::Encoder args;
  detail::ViewList views;
  return detail::call_go(kWork, args, views, {});
}

class StopTest : public RuntimeTest {
 protected:
  RuntimeOptions options() const override {
    RuntimeOptions o = RuntimeTest::options();
    o.stop_timeout = 300ms;
    return o;
  }
};

TEST_F(StopTest, PendingFuturesResolveAtOnceAndStopWaitsForGo) {
  go().set_submit_mode(SubmitMode::manual);
  Future<void> f = work_async();
  ASSERT_TRUE(go().wait_pending(1));
  const uint64_t id = go().pending_ids().at(0);

  std::future<Result<void>> stopping = std::async(std::launch::async, [] { return stop(); });
  EXPECT_EQ(f.get().error().code, Code::stopped) << "the future must not wait for Go";
  EXPECT_TRUE(eventually([] { return state() == State::stopping; }));
  // Futures are resolved before Go is asked to cancel (see stop()), so the cancel may come a moment later.
  EXPECT_TRUE(eventually([this] { return go().stop_seen(); }));
  EXPECT_EQ(stopping.wait_for(50ms), std::future_status::timeout) << "stop() must wait for Go to complete";
  EXPECT_EQ(go().read_pending(id).views.at(0), "argument Go reads");  // still readable

  go().complete(id, GoAnswer::error(Code::cancelled, "context canceled"));
  ASSERT_EQ(stopping.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(stopping.get());
  EXPECT_EQ(state(), State::stopped);
  EXPECT_EQ(live_counts().records, 0u);
}

TEST_F(StopTest, PendingFuturesResolveStoppedEvenWhenGoAnswersDuringStop) {
  go().set_submit_mode(SubmitMode::manual);
  go().answer_pending_on_stop(GoAnswer::ok());  // a handler returning as soon as its context ends
  Future<void> f = work_async();
  ASSERT_TRUE(go().wait_pending(1));
  EXPECT_TRUE(stop());
  EXPECT_EQ(f.get().error().code, Code::stopped) << "stop() must resolve futures before Go can answer them";
  EXPECT_EQ(live_counts().records, 0u);
}

TEST_F(StopTest, WhenGoNeverCompletesTheRecordIsKeptNotFreed) {
  go().set_submit_mode(SubmitMode::manual);
  Future<void> f = work_async();
  ASSERT_TRUE(go().wait_pending(1));
  const uint64_t id = go().pending_ids().at(0);
  const auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(stop());
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 300ms);
  EXPECT_EQ(state(), State::stopped);
  EXPECT_EQ(f.get().error().code, Code::stopped);
  EXPECT_EQ(live_counts().records, 1u) << "Go may still read it";
  EXPECT_EQ(go().read_pending(id).views.at(0), "argument Go reads");
  go().complete(id, GoAnswer::ok());  // a completion after stop() still frees it
  EXPECT_EQ(live_counts().records, 0u);
  EXPECT_EQ(live_counts().outgoing_calls, 0u);
}

TEST_F(StopTest, SyncGoHandlersAreCancelledAndStopWaitsForThem) {
  std::latch in_handler(1);
  go().handle(kWork.id, [&](const GoCall& call) {
    in_handler.count_down();
    EXPECT_TRUE(call.wait_cancelled()) << "stop() must cancel synchronous handlers too (cancel(0))";
    return GoAnswer::error(Code::cancelled, "context canceled");
  });
  std::future<Result<detail::Reply>> caller = std::async(std::launch::async, work_sync);
  in_handler.wait();
  ASSERT_TRUE(stop());
  ASSERT_EQ(caller.wait_for(0s), std::future_status::ready) << "stop() returned before the sync call did";
  EXPECT_EQ(caller.get().error().code, Code::cancelled);
}

TEST_F(StopTest, StopFromInsideAGoHandlerDoesNotWaitForItself) {
  go().handle(kWork.id, [](const GoCall&) {
    const auto begin = std::chrono::steady_clock::now();
    EXPECT_TRUE(stop());
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 250ms);
    return GoAnswer::ok();
  });
  EXPECT_TRUE(work_sync());
  EXPECT_EQ(state(), State::stopped);
}

TEST_F(StopTest, RunningImplementationsAreCancelledAndQueuedCallsFail) {
  auto svc = std::make_shared<ScriptedService>("test.Busy");
  std::atomic<int> running{0};
  svc->add(0xC101, "wait", [&](detail::IncomingCall& call) {
    ++running;
    const Context& ctx = call.context();
    if (!eventually([&] { return ctx.cancelled(); })) return call.fail(Error(Code::internal, "not cancelled"));
    call.fail(Error(Code::cancelled, "stopped by stop()"));
  });
  ASSERT_TRUE(register_service(svc));
  // Two executor threads: two calls run, two wait in the queue.
  std::vector<uint64_t> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(go().next_call_id());
    ASSERT_TRUE(go().invoke_cpp(CppCall(0xC101, "test.Busy.wait", ids.back())).pending);
  }
  ASSERT_TRUE(eventually([&] { return running.load() == 2; }));
  ASSERT_TRUE(stop());
  std::vector<int32_t> codes;
  for (uint64_t id : ids) {
    std::optional<CppAnswer> a = go().await_cpp(id, 0ms);  // stop() returned: every call was answered
    ASSERT_TRUE(a) << "call " << id << " was not answered";
    codes.push_back(a->code);
  }
  EXPECT_EQ(codes, (std::vector<int32_t>{CXX2GO_CANCELLED, CXX2GO_CANCELLED, CXX2GO_STOPPED, CXX2GO_STOPPED}));
  EXPECT_EQ(running.load(), 2) << "queued calls must not run";
}

TEST_F(StopTest, GoCallersOfAnImplementationIgnoringStopGetTheirAnswerAtTheTimeout) {
  auto svc = std::make_shared<ScriptedService>("test.Stubborn");
  std::latch entered(1), release(1);
  svc->add(0xC102, "ignore", [&](detail::IncomingCall& call) {
    entered.count_down();
    release.wait();  // ignores its stop token
    call.reply(encode_string("too late"));
  });
  ASSERT_TRUE(register_service(svc));
  const uint64_t id = go().next_call_id();
  ASSERT_TRUE(go().invoke_cpp(CppCall(0xC102, "test.Stubborn.ignore", id)).pending);
  entered.wait();
  std::future<Result<void>> stopping = std::async(std::launch::async, [] { return stop(); });
  // At stop_timeout Go gets Code::stopped, while the implementation is still running.
  std::optional<CppAnswer> a = go().await_cpp(id, 3s);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, CXX2GO_STOPPED);
  // Then stop() waits at most stop_timeout more for the executor thread, and returns leaving it running.
  ASSERT_EQ(stopping.wait_for(5s), std::future_status::ready) << "stop() hangs on an implementation ignoring stop";
  EXPECT_TRUE(stopping.get());
  EXPECT_EQ(state(), State::stopped);
  EXPECT_EQ(detail::reset_for_testing().error().code, Code::failed_precondition)
      << "the pools are still being joined in the background";
  release.count_down();  // its late answer is dropped (the fake fails on a second completion)
  // The thread exits once the implementation returns, and the background join ends; only then may the
  // runtime (and this test's latches, which the implementation uses) go away.
  EXPECT_TRUE(eventually([] { return detail::reset_for_testing().ok(); }));
}

TEST_F(StopTest, CallsDuringStoppingFailWithStopped) {
  go().set_submit_mode(SubmitMode::manual);
  Future<void> held = work_async();
  ASSERT_TRUE(go().wait_pending(1));
  std::future<Result<void>> stopping = std::async(std::launch::async, [] { return stop(); });
  ASSERT_TRUE(eventually([] { return state() == State::stopping; }));
  EXPECT_EQ(work_sync().error().code, Code::stopped);
  EXPECT_EQ(work_async().get().error().code, Code::stopped);
  EXPECT_EQ(go().invoke_cpp(CppCall(1, "test.X.y", go().next_call_id())).code, CXX2GO_STOPPED);
  EXPECT_EQ(register_service(std::make_shared<ScriptedService>("test.Late")).error().code, Code::stopped);
  go().complete(go().pending_ids().at(0), GoAnswer::ok());
  EXPECT_TRUE(stopping.get());
}

}  // namespace
}  // namespace cxx2go::testing
