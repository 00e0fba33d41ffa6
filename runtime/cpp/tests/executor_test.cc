#include "cxx2go/executor.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cxx2go {
namespace {

using namespace std::chrono_literals;

std::string thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

// A one-shot flag that a test can wait on without spinning, with a generous watchdog.
class Latch {
 public:
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Destroying it records that its task was dropped without running.
struct DropProbe {
  explicit DropProbe(std::atomic<int>* drops) : drops(drops) {}
  DropProbe(DropProbe&& other) noexcept : drops(std::exchange(other.drops, nullptr)) {}
  ~DropProbe() {
    if (drops != nullptr) drops->fetch_add(1);
  }
  std::atomic<int>* drops;
};

TEST(ThreadPool, RunsTasksOnNamedThreads) {
  ThreadPool pool(2, "worker-with-a-long-prefix");
  EXPECT_EQ(pool.size(), 2u);
  std::mutex mu;
  std::set<std::string> names;
  std::atomic<int> done = 0;
  Latch all_done;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(pool.post([&] {
      {
        std::lock_guard lock(mu);
        names.insert(thread_name());
      }
      if (++done == 50) all_done.open();
    }));
  }
  ASSERT_TRUE(all_done.wait());
  for (const std::string& name : names) {
    EXPECT_EQ(name.size(), 15u) << name;
    EXPECT_EQ(name.rfind("worker-with-a-l", 0), 0u) << name;
  }
}

TEST(ThreadPool, ShortNamesAreNumbered) {
  ThreadPool pool(3, "io");
  std::promise<std::string> name;
  pool.post([&] { name.set_value(thread_name()); });
  std::string got = name.get_future().get();
  EXPECT_TRUE(got == "io-0" || got == "io-1" || got == "io-2") << got;
}

TEST(ThreadPool, ZeroThreadsMeansOne) {
  ThreadPool pool(0);
  EXPECT_EQ(pool.size(), 1u);
  std::promise<void> ran;
  pool.post([&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(30s), std::future_status::ready);
}

TEST(ThreadPool, CurrentExecutorAndIsCurrent) {
  ThreadPool pool(1);
  EXPECT_FALSE(pool.is_current());
  EXPECT_EQ(current_executor(), nullptr);
  std::promise<std::pair<Executor*, bool>> seen;
  pool.post([&] { seen.set_value({current_executor(), pool.is_current()}); });
  auto [executor, is_current] = seen.get_future().get();
  EXPECT_EQ(executor, &pool);
  EXPECT_TRUE(is_current);
}

TEST(ThreadPool, StopDropsQueuedTasksAndRefusesNewOnes) {
  ThreadPool pool(1);
  Latch started, release;
  std::atomic<int> ran = 0, dropped = 0;
  pool.post([&] {
    started.open();
    release.wait();
    ++ran;
  });
  ASSERT_TRUE(started.wait());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(pool.post([&, probe = DropProbe(&dropped)] { ++ran; }));
  }
  EXPECT_EQ(pool.queued(), 5u);
  std::thread stopper([&] { pool.stop(); });
  // stop() drops the queue at once, then waits for the running task.
  while (dropped.load() < 5) std::this_thread::sleep_for(1ms);
  release.open();
  stopper.join();
  EXPECT_EQ(ran.load(), 1);  // the running task finished; the queued ones never ran
  EXPECT_EQ(pool.queued(), 0u);

  std::atomic<int> refused = 0;
  EXPECT_FALSE(pool.post([probe = DropProbe(&refused)] {}));
  EXPECT_EQ(refused.load(), 1);  // destroyed without running
  pool.stop();                   // idempotent
}

TEST(ThreadPool, StopFromOwnWorkerDoesNotDeadlock) {
  ThreadPool pool(2);
  std::promise<bool> posted_after_stop;
  pool.post([&] {
    pool.stop();
    posted_after_stop.set_value(pool.post([] {}));
  });
  auto result = posted_after_stop.get_future();
  ASSERT_EQ(result.wait_for(30s), std::future_status::ready);
  EXPECT_FALSE(result.get());
}

TEST(ThreadPool, DestroyedByItsOwnTask) {
  auto pool = std::make_shared<ThreadPool>(2);
  std::promise<void> posted, destroyed;
  ThreadPool* raw = pool.get();
  raw->post([pool = std::move(pool), posted = posted.get_future(), &destroyed]() mutable {
    posted.wait();  // until post() returned: no object may be destroyed while a call on it is in progress
    pool.reset();   // the last reference: ~ThreadPool runs on one of its own threads
    destroyed.set_value();
  });
  posted.set_value();
  EXPECT_EQ(destroyed.get_future().wait_for(30s), std::future_status::ready);
}

// A task's poster may still be inside post() when the task has run: its owner, who learns that the task
// ran (here: a latch it opens), may destroy the pool at once. post() must not touch the pool after the task
// became runnable; under TSan (the tsan-runtime step) a notify after the unlock is a reported race with
// the destruction. Each round is a fresh pool whose workers sleep (no spin), so that post() notifies.
TEST(ThreadPool, MayBeDestroyedAsSoonAsAPostedTaskRan) {
  for (int round = 0; round < 300; ++round) {
    auto pool = std::make_unique<ThreadPool>(1, "cxx2go", std::chrono::nanoseconds(0));
    ThreadPool* raw = pool.get();
    Latch ran;
    std::thread poster([raw, &ran] { ASSERT_TRUE(raw->post([&ran] { ran.open(); })); });
    ASSERT_TRUE(ran.wait());
    pool.reset();  // the poster may still be returning from post()
    poster.join();
  }
}

TEST(ThreadPool, ExceptionsInTasksAreReportedNotFatal) {
  ThreadPool pool(1);
  testing::internal::CaptureStderr();
  pool.post([] { throw std::runtime_error("task failed"); });
  std::promise<void> after;
  pool.post([&] { after.set_value(); });
  after.get_future().wait();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("std::runtime_error: task failed"), std::string::npos) << err;
}

// Producers post in bursts with pauses, so that workers keep crossing between running, spinning and
// sleeping while tasks arrive; a lost wake-up leaves a task queued with every worker asleep, and the latch
// then never opens. Every budget: never spin, spins shorter than a post's cost, and spins that mostly win.
TEST(ThreadPool, SpinningWorkersLoseNoWakeUps) {
  for (const std::chrono::nanoseconds spin : {std::chrono::nanoseconds(0), std::chrono::nanoseconds(200),
                                              std::chrono::nanoseconds(20us), std::chrono::nanoseconds(2ms)}) {
    SCOPED_TRACE(spin.count());
    constexpr int kProducers = 3, kBursts = 200, kBurst = 7;
    constexpr int kTotal = kProducers * kBursts * kBurst;
    ThreadPool pool(2, "spin", spin);
    std::atomic<int> ran = 0;
    Latch all_ran;
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&, p] {
        for (int b = 0; b < kBursts; ++b) {
          for (int i = 0; i < kBurst; ++i) {
            ASSERT_TRUE(pool.post([&] {
              if (ran.fetch_add(1) + 1 == kTotal) all_ran.open();
            }));
          }
          // Varying pauses: some shorter than the spin, some longer (the worker is asleep by then).
          if ((b + p) % 3 == 0) std::this_thread::sleep_for(std::chrono::microseconds((b * 37) % 300));
        }
      });
    }
    for (std::thread& t : producers) t.join();
    EXPECT_TRUE(all_ran.wait());
    EXPECT_EQ(ran.load(), kTotal);
  }
}

// While a worker is awake, a task does not wake a sleeping one (the awake one takes it next). When the
// awake one is blocked in a task, the watchdog wakes another: the queue never waits for it.
TEST(ThreadPool, ATaskBlockedInAWorkerDoesNotHoldUpTheQueue) {
  ThreadPool pool(2, "block");
  Latch started, release, second_ran;
  ASSERT_TRUE(pool.post([&] {
    started.open();
    release.wait();
  }));
  ASSERT_TRUE(started.wait());
  ASSERT_TRUE(pool.post([&] { second_ran.open(); }));
  EXPECT_TRUE(second_ran.wait()) << "the second task waited for the blocked one";
  release.open();
}

// Tasks that only finish together (each waits for all the others to start) run on every thread at once:
// the watchdog wakes one more worker per period while tasks wait.
TEST(ThreadPool, TasksThatWaitForEachOtherGetEveryThread) {
  constexpr int kThreads = 4;
  ThreadPool pool(kThreads, "spread");
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  std::atomic<int> met = 0;
  Latch all_done;
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(pool.post([&] {
      std::unique_lock lock(mu);
      ++arrived;
      cv.notify_all();
      if (cv.wait_for(lock, 10s, [&] { return arrived == kThreads; })) ++met;
      if (met.load() == kThreads) all_done.open();
    }));
  }
  EXPECT_TRUE(all_done.wait());
  EXPECT_EQ(met.load(), kThreads);
}

// A worker spinning with an (absurdly) long budget notices stop() at once: stop() joins it.
TEST(ThreadPool, StopEndsASpin) {
  ThreadPool pool(1, "spin", std::chrono::hours(1));
  Latch ran;
  ASSERT_TRUE(pool.post([&] { ran.open(); }));
  ASSERT_TRUE(ran.wait());
  pool.stop();  // the worker is spinning now (it ran a task): this would not return for an hour
  EXPECT_FALSE(pool.post([] {}));
}

TEST(ScopedCurrentExecutor, SetsAndRestores) {
  EventLoop a, b;
  {
    ScopedCurrentExecutor outer(&a);
    EXPECT_EQ(current_executor(), &a);
    {
      ScopedCurrentExecutor inner(&b);
      EXPECT_EQ(current_executor(), &b);
    }
    EXPECT_EQ(current_executor(), &a);
  }
  EXPECT_EQ(current_executor(), nullptr);
}

TEST(EventLoop, RunsTasksOnTheDrivingThread) {
  EventLoop loop;
  std::thread::id ran_on;
  bool was_current = false;
  Executor* executor = nullptr;
  std::thread poster([&] {
    loop.post([&] {
      ran_on = std::this_thread::get_id();
      was_current = loop.is_current();
      executor = current_executor();
      loop.stop();
    });
  });
  loop.run();
  poster.join();
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_TRUE(was_current);
  EXPECT_EQ(executor, &loop);
  EXPECT_FALSE(loop.is_current());
}

TEST(EventLoop, RunOneNeverWaits) {
  EventLoop loop;
  EXPECT_FALSE(loop.run_one());
  int n = 0;
  loop.post([&] { ++n; });
  loop.post([&] { ++n; });
  EXPECT_TRUE(loop.run_one());
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(loop.run_one());
  EXPECT_FALSE(loop.run_one());
  EXPECT_EQ(n, 2);
}

TEST(EventLoop, StopIsFinal) {
  EventLoop loop;
  std::atomic<int> dropped = 0;
  loop.post([probe = DropProbe(&dropped)] {});
  loop.stop();
  EXPECT_EQ(dropped.load(), 1);
  EXPECT_FALSE(loop.post([probe = DropProbe(&dropped)] {}));
  EXPECT_EQ(dropped.load(), 2);
  loop.run();  // returns at once
  EXPECT_FALSE(loop.run_one());
}

// The driving thread spins after a task with a budget of an hour: a task posted by another thread meanwhile
// ends the spin (the poster claims the spinner instead of notifying), and stop() does too.
TEST(EventLoop, SpinningDriverTakesTasksAndStops) {
  EventLoop loop(std::chrono::hours(1));
  std::atomic<int> ran = 0;
  Latch first_ran;
  loop.post([&] {
    ran.fetch_add(1);
    first_ran.open();
  });
  std::thread poster([&] {
    ASSERT_TRUE(first_ran.wait());
    for (int i = 0; i < 100; ++i) {
      loop.post([&] { ran.fetch_add(1); });
      std::this_thread::sleep_for(std::chrono::microseconds(i * 10));
    }
    loop.post([&] { loop.stop(); });
  });
  loop.run();
  poster.join();
  EXPECT_EQ(ran.load(), 101);
}

// As for ThreadPool: the loop's owner may destroy it as soon as run() returned for a task another thread
// posted (the end-to-end tests do this with a coroutine resumed by a completion from Go).
TEST(EventLoop, MayBeDestroyedAsSoonAsAPostedTaskRan) {
  for (int round = 0; round < 300; ++round) {
    auto loop = std::make_unique<EventLoop>(std::chrono::nanoseconds(0));
    EventLoop* raw = loop.get();
    std::thread poster([raw] { ASSERT_TRUE(raw->post([raw] { raw->stop(); })); });
    loop->run();
    loop.reset();  // the poster may still be returning from post()
    poster.join();
  }
}

TEST(EventLoop, TaskExceptionIsReported) {
  EventLoop loop;
  testing::internal::CaptureStderr();
  loop.post([] { throw 7; });
  loop.post([&] { loop.stop(); });
  loop.run();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("an EventLoop task: exception: int"), std::string::npos) << err;
}

}  // namespace
}  // namespace cxx2go
