#include "exec/timer.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cxx2go::detail {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(TimerQueue, RunsInDueOrderOnTheTimerThread) {
  TimerQueue timers;
  std::mutex mu;
  std::vector<int> order;
  std::promise<std::string> thread_name;
  std::promise<void> last;
  auto now = Clock::now();
  auto record = [&](int v) {
    std::lock_guard lock(mu);
    order.push_back(v);
  };
  timers.schedule(now + 30ms, [&] {
    record(3);
    last.set_value();
  });
  timers.schedule(now + 10ms, [&] {
    record(1);
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    thread_name.set_value(name);
  });
  timers.schedule(now + 20ms, [&] { record(2); });
  timers.schedule(now + 20ms, [&] { record(22); });  // same due time: scheduling order
  ASSERT_EQ(last.get_future().wait_for(30s), std::future_status::ready);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 22, 3}));
  EXPECT_EQ(thread_name.get_future().get(), "cxx2go-timer");
}

TEST(TimerQueue, DoesNotRunEarly) {
  TimerQueue timers;
  std::promise<Clock::time_point> ran_at;
  auto due = Clock::now() + 20ms;
  timers.schedule(due, [&] { ran_at.set_value(Clock::now()); });
  EXPECT_GE(ran_at.get_future().get(), due);
}

TEST(TimerQueue, PastDueRunsAtOnce) {
  TimerQueue timers;
  std::promise<void> ran;
  timers.schedule(Clock::now() - 1h, [&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(30s), std::future_status::ready);
}

TEST(TimerQueue, CancelBeforeItRuns) {
  TimerQueue timers;
  std::atomic<bool> ran = false;
  auto owned = std::make_shared<int>(1);
  uint64_t id = timers.schedule(Clock::now() + 1h, [&ran, owned] { ran = true; });
  EXPECT_NE(id, 0u);
  EXPECT_EQ(owned.use_count(), 2);
  EXPECT_TRUE(timers.cancel(id));
  EXPECT_EQ(owned.use_count(), 1);  // the callback was destroyed by cancel()
  EXPECT_FALSE(timers.cancel(id));
  EXPECT_FALSE(timers.cancel(12345));
  EXPECT_FALSE(ran);
}

// Bug found by ASan: the timer thread waited with a reference to the first timer's deadline, inside the
// node that cancel() frees, and condition_variable::wait_until reads it again when it wakes.
TEST(TimerQueue, CancelWhileTheTimerThreadWaitsForThatTimer) {
  TimerQueue timers;
  for (int i = 0; i < 200; ++i) {
    const uint64_t id = timers.schedule(Clock::now() + 1h, [] {});
    std::this_thread::sleep_for(1ms);  // lets the timer thread start waiting for this timer
    EXPECT_TRUE(timers.cancel(id));
  }
}

TEST(TimerQueue, CancelWaitsForARunningCallback) {
  TimerQueue timers;
  std::promise<void> entered;
  std::atomic<bool> finished = false;
  uint64_t id = timers.schedule(Clock::now(), [&] {
    entered.set_value();
    std::this_thread::sleep_for(50ms);
    finished = true;
  });
  entered.get_future().wait();
  EXPECT_FALSE(timers.cancel(id));
  EXPECT_TRUE(finished);  // cancel() returned only after the callback did
}

TEST(TimerQueue, CancelFromInsideItsOwnCallbackDoesNotWait) {
  TimerQueue timers;
  std::promise<bool> result;
  std::atomic<uint64_t> id = 0;
  std::promise<void> scheduled;
  std::shared_future<void> ready = scheduled.get_future().share();
  id = timers.schedule(Clock::now(), [&] {
    ready.wait();
    result.set_value(timers.cancel(id));
  });
  scheduled.set_value();
  auto r = result.get_future();
  ASSERT_EQ(r.wait_for(30s), std::future_status::ready);
  EXPECT_FALSE(r.get());
}

TEST(TimerQueue, StopDropsPendingAndRefusesNew) {
  auto owned = std::make_shared<int>(1);
  TimerQueue timers;
  timers.schedule(Clock::now() + 1h, [owned] {});
  timers.stop();
  EXPECT_EQ(owned.use_count(), 1);
  EXPECT_EQ(timers.schedule(Clock::now(), [owned] {}), 0u);
  EXPECT_EQ(owned.use_count(), 1);
  timers.stop();  // idempotent
}

TEST(TimerQueue, DestroyedInsideItsOwnCallback) {
  auto timers = std::make_shared<TimerQueue>();
  std::promise<void> scheduled, done;
  TimerQueue* raw = timers.get();
  raw->schedule(
      Clock::now(), [timers = std::move(timers), scheduled = scheduled.get_future(), &done]() mutable {
        scheduled.wait();  // until schedule() returned: no object may be destroyed during a call on it
        timers.reset();    // the last reference: ~TimerQueue runs on the timer thread
        done.set_value();
      });
  scheduled.set_value();
  EXPECT_EQ(done.get_future().wait_for(30s), std::future_status::ready);
}

TEST(TimerQueue, ExceptionIsReported) {
  TimerQueue timers;
  testing::internal::CaptureStderr();
  std::promise<void> after;
  auto now = Clock::now();
  timers.schedule(now, [] { throw std::runtime_error("tick"); });
  timers.schedule(now + 1ms, [&] { after.set_value(); });
  after.get_future().wait();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("a timer callback: exception: std::runtime_error: tick"), std::string::npos) << err;
}

}  // namespace
}  // namespace cxx2go::detail
