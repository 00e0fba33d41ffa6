// The live view of calls in flight and the stuck-call watchdog (cxx2go/debug.h), against the fake Go peer:
// a deliberately wedged call shows up in live_calls() and triggers the watchdog.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/generated.h"
#include "fake_go.h"
#include "scripted_service.h"

namespace cxx2go::testing {
namespace {

constexpr detail::MethodInfo kGoSlow{0x11FE01, "test.Live.go_slow", 0};

// Counts a latch down once, now() or on every way out (a failed ASSERT included): an executor thread
// waiting on it must not outlive it.
struct ReleaseOnExit {
  std::latch& latch;
  bool done = false;
  void now() {
    if (!std::exchange(done, true)) latch.count_down();
  }
  ~ReleaseOnExit() { now(); }
};

class LiveCallsTest : public RuntimeTest {
 protected:
  RuntimeOptions options() const override {
    RuntimeOptions o = RuntimeTest::options();
    o.executor_threads = 1;  // a second Go → C++ call waits in the queue behind the wedged one
    o.stuck_call_threshold = 50ms;
    o.on_stuck_call = [this](const LiveCall& call) {
      std::lock_guard lock(mu_);
      stuck_.push_back(call);
    };
    return o;
  }
  std::vector<LiveCall> stuck() {
    std::lock_guard lock(mu_);
    return stuck_;
  }
  const LiveCall* find(const std::vector<LiveCall>& calls, std::string_view method) {
    for (const LiveCall& c : calls) {
      if (c.method == method) return &c;
    }
    return nullptr;
  }

  mutable std::mutex mu_;
  mutable std::vector<LiveCall> stuck_;
};

TEST_F(LiveCallsTest, AWedgedCallShowsUpAndIsReportedOnce) {
  std::latch release(1);
  ReleaseOnExit releaser{release};
  auto svc = std::make_shared<ScriptedService>("test.LiveSvc");
  svc->add(0x11FE10, "wedged", [&](detail::IncomingCall& call) {
    release.wait();
    call.reply_empty();
  });
  ASSERT_TRUE(register_service(svc));
  CppCall wedged(0x11FE10, "test.LiveSvc.wedged", go().next_call_id());
  CppCall queued(0x11FE10, "test.LiveSvc.wedged", go().next_call_id());
  ASSERT_TRUE(go().invoke_cpp(wedged).pending);
  ASSERT_TRUE(go().invoke_cpp(queued).pending);
  // And a C++ → Go call that Go holds.
  go().set_submit_mode(SubmitMode::manual);
  struct Args {};
  Future<void> f = detail::call_go_async<void>(kGoSlow, {}, Args{}, [](const Args&, detail::Encoder&, detail::ViewList&) {},
                                               detail::DecodeNothing{});
  ASSERT_TRUE(go().wait_pending(1));

  // The live view: both Go → C++ calls (one running on the executor's thread, one queued), and the
  // C++ → Go call in Go, oldest first.
  std::vector<LiveCall> live;
  for (int i = 0; i < 500; ++i) {  // until the executor thread has started the first call
    live = live_calls();
    if (live.size() == 3 && std::count_if(live.begin(), live.end(), [](const LiveCall& c) {
                              return c.where.rfind("running on thread cxx2go-", 0) == 0;
                            }) == 1) {
      break;
    }
    std::this_thread::sleep_for(2ms);
  }
  ASSERT_EQ(live.size(), 3u) << live_calls_text();
  int running = 0, queued_count = 0;
  for (const LiveCall& c : live) {
    if (c.direction == Direction::go_to_cpp) {
      EXPECT_EQ(c.method, "test.LiveSvc.wedged");
      EXPECT_EQ(c.transport, "cgo");
      running += c.where.rfind("running on thread cxx2go-", 0) == 0;
      queued_count += c.where == "queued";
    } else {
      EXPECT_EQ(c.method, "test.Live.go_slow");
      EXPECT_EQ(c.where, "in Go");
    }
  }
  EXPECT_EQ(running, 1) << live_calls_text();
  EXPECT_EQ(queued_count, 1) << live_calls_text();
  for (size_t i = 1; i < live.size(); ++i) EXPECT_GE(live[i - 1].age, live[i].age);
  EXPECT_NE(live_calls_text().find("test.LiveSvc.wedged call"), std::string::npos);

  // The watchdog reports each of them once they are older than the threshold, and only once.
  for (int i = 0; i < 500 && stuck().size() < 3; ++i) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(150ms);  // a few more periods: no second report
  const std::vector<LiveCall> reported = stuck();
  ASSERT_EQ(reported.size(), 3u);
  for (const LiveCall& c : reported) EXPECT_GE(c.age, 50ms);
  EXPECT_NE(find(reported, "test.Live.go_slow"), nullptr);

  releaser.now();
  ASSERT_TRUE(go().await_cpp(wedged.call_id));
  ASSERT_TRUE(go().await_cpp(queued.call_id));
  go().complete(go().pending_ids().at(0), GoAnswer::ok());
  EXPECT_TRUE(f.get());
  EXPECT_TRUE(live_calls().empty()) << live_calls_text();
  ASSERT_TRUE(unregister_service("test.LiveSvc"));
}

}  // namespace
}  // namespace cxx2go::testing

namespace cxx2go::testing {
namespace {

class RelativeStuckTest : public LiveCallsTest {
 protected:
  RuntimeOptions options() const override {
    RuntimeOptions o = LiveCallsTest::options();
    o.executor_threads = 2;
    o.metrics = true;
    o.stuck_call_latency_factor = 40;
    return o;
  }
  void TearDown() override {
    set_metrics_enabled(false);
    LiveCallsTest::TearDown();
  }
};

// A method that usually takes ~5 ms is not stuck at 200 ms with a factor of 40 (its p99 bucket, up to
// 8.4 ms, times 40), while a method with no latency samples is, at the 50 ms threshold.
TEST_F(RelativeStuckTest, SlowMethodsAreJudgedByTheirUsualLatency) {
  std::atomic<bool> wedge{false};
  std::latch release(1);
  ReleaseOnExit releaser{release};
  auto svc = std::make_shared<ScriptedService>("test.RelativeSvc");
  svc->add(0x11FE20, "usually_slow", [&](detail::IncomingCall& call) {
    if (wedge.load()) {
      release.wait();
    } else {
      std::this_thread::sleep_for(5ms);
    }
    call.reply_empty();
  });
  svc->add(0x11FE21, "unknown_latency", [&](detail::IncomingCall& call) {
    release.wait();
    call.reply_empty();
  });
  ASSERT_TRUE(register_service(svc));
  for (uint32_t i = 0; i < 2 * kLatencySampleEvery; ++i) {  // timed calls, one in 16
    CppCall c(0x11FE20, "test.RelativeSvc.usually_slow", go().next_call_id());
    ASSERT_TRUE(go().invoke_cpp(c).pending);
    ASSERT_TRUE(go().await_cpp(c.call_id));
  }
  wedge = true;
  CppCall slow(0x11FE20, "test.RelativeSvc.usually_slow", go().next_call_id());
  CppCall unknown(0x11FE21, "test.RelativeSvc.unknown_latency", go().next_call_id());
  ASSERT_TRUE(go().invoke_cpp(slow).pending);
  ASSERT_TRUE(go().invoke_cpp(unknown).pending);
  std::this_thread::sleep_for(200ms);
  const std::vector<LiveCall> reported = stuck();
  EXPECT_NE(find(reported, "test.RelativeSvc.unknown_latency"), nullptr);
  EXPECT_EQ(find(reported, "test.RelativeSvc.usually_slow"), nullptr);
  releaser.now();
  ASSERT_TRUE(go().await_cpp(slow.call_id));
  ASSERT_TRUE(go().await_cpp(unknown.call_id));
  ASSERT_TRUE(unregister_service("test.RelativeSvc"));
}

}  // namespace
}  // namespace cxx2go::testing
