#include "cxx2go/future.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cxx2go {
namespace {

using namespace std::chrono_literals;

TEST(Future, InvalidByDefault) {
  Future<int> f;
  EXPECT_FALSE(f.valid());
  EXPECT_FALSE(f.ready());
  EXPECT_FALSE(f.wait_for(1ms));
  f.wait();
  f.cancel();
  EXPECT_EQ(f.get().error().code, Code::failed_precondition);
}

TEST(Future, SetValueThenGet) {
  Promise<int> p;
  Future<int> f = p.get_future();
  EXPECT_TRUE(f.valid());
  EXPECT_FALSE(f.ready());
  EXPECT_TRUE(p.set_value(42));
  EXPECT_TRUE(f.ready());
  EXPECT_EQ(f.get(), Result<int>(42));
  EXPECT_FALSE(f.valid());  // consumed
  EXPECT_FALSE(p.set_value(43));
}

TEST(Future, GetFutureOnlyOnce) {
  Promise<int> p;
  Future<int> first = p.get_future();
  Future<int> second = p.get_future();
  EXPECT_TRUE(first.valid());
  EXPECT_FALSE(second.valid());
}

TEST(Future, SetErrorAndResult) {
  Promise<std::string> a, b;
  Future<std::string> fa = a.get_future(), fb = b.get_future();
  EXPECT_TRUE(a.set_error(Error(Code::not_found, "nope")));
  EXPECT_TRUE(b.set_result(Result<std::string>("yes")));
  EXPECT_EQ(fa.get().error(), Error(Code::not_found, "nope"));
  EXPECT_EQ(*fb.get(), "yes");
}

TEST(Future, VoidFuture) {
  Promise<void> p;
  Future<void> f = p.get_future();
  EXPECT_TRUE(p.set_value());
  EXPECT_TRUE(f.get().ok());
}

TEST(Future, MoveOnlyValue) {
  Promise<std::unique_ptr<int>> p;
  Future<std::unique_ptr<int>> f = p.get_future();
  p.set_value(std::make_unique<int>(7));
  EXPECT_EQ(**f.get(), 7);
}

TEST(Future, GetBlocksUntilSetOnAnotherThread) {
  Promise<int> p;
  Future<int> f = p.get_future();
  std::thread producer([&] {
    std::this_thread::sleep_for(20ms);
    p.set_value(5);
  });
  EXPECT_EQ(*f.get(), 5);
  producer.join();
}

TEST(Future, WaitForTimesOutThenSucceeds) {
  Promise<int> p;
  Future<int> f = p.get_future();
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(f.wait_for(20ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
  EXPECT_FALSE(f.wait_until(std::chrono::system_clock::now() + 5ms));  // any clock
  std::thread producer([&] { p.set_value(1); });
  EXPECT_TRUE(f.wait_for(30s));
  EXPECT_TRUE(f.wait_until(std::chrono::steady_clock::now() + 30s));
  EXPECT_TRUE(f.wait_for(std::chrono::hours::max()));  // "forever" must not overflow
  producer.join();
}

TEST(Future, PromiseDroppedResolvesInternal) {
  Future<int> f;
  {
    Promise<int> p;
    f = p.get_future();
  }
  Result<int> r = f.get();
  EXPECT_EQ(r.error(), Error(Code::internal, "promise dropped without a result"));
}

TEST(Future, PromiseMoveAssignDropsTheOldState) {
  Promise<int> p;
  Future<int> f = p.get_future();
  p = Promise<int>();
  EXPECT_EQ(f.get().error().code, Code::internal);
}

TEST(Future, CancelResolvesAndTellsTheProducer) {
  Promise<int> p;
  Future<int> f = p.get_future();
  std::stop_token token = p.stop_token();
  int callbacks = 0;
  p.on_cancel([&] { ++callbacks; });
  EXPECT_FALSE(p.cancel_requested());
  f.cancel();
  EXPECT_TRUE(f.ready());
  EXPECT_TRUE(p.cancel_requested());
  EXPECT_TRUE(token.stop_requested());
  EXPECT_EQ(callbacks, 1);
  f.cancel();  // once
  EXPECT_EQ(callbacks, 1);
  EXPECT_FALSE(p.set_value(1));
  EXPECT_EQ(f.get().error(), Error(Code::cancelled, "cancelled"));
  p.on_cancel([&] { ++callbacks; });  // already cancelled: runs now
  EXPECT_EQ(callbacks, 2);
  EXPECT_TRUE(p.stop_token().stop_requested());
}

// The first callback is kept in place and the others in a list (state.h): all run, in order, once.
TEST(Future, SeveralCancelCallbacksRunInTheirOrder) {
  Promise<int> p;
  Future<int> f = p.get_future();
  std::vector<int> order;
  for (int i = 0; i < 4; ++i) p.on_cancel([&order, i] { order.push_back(i); });
  f.cancel();
  f.cancel();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));

  // Resolved by value: none runs, and what they hold is released at once.
  Promise<int> q;
  Future<int> g = q.get_future();
  auto held = std::make_shared<int>(0);
  q.on_cancel([held] { ++*held; });
  q.on_cancel([held] { ++*held; });
  EXPECT_EQ(held.use_count(), 3);
  EXPECT_TRUE(q.set_value(1));
  EXPECT_EQ(held.use_count(), 1);
  EXPECT_EQ(*held, 0);
}

TEST(Future, StopTokenCreatedAfterCancelIsStopped) {
  Promise<int> p;
  Future<int> f = p.get_future();
  f.cancel();
  EXPECT_TRUE(p.stop_token().stop_requested());
}

TEST(Future, DestroyingAPendingFutureCancels) {
  Promise<int> p;
  { Future<int> f = p.get_future(); }
  EXPECT_TRUE(p.cancel_requested());
  EXPECT_FALSE(p.set_value(1));
}

TEST(Future, MoveAssignCancelsTheOverwrittenFuture) {
  Promise<int> p;
  Future<int> f = p.get_future();
  f = make_ready_future<int>(3);
  EXPECT_TRUE(p.cancel_requested());
  EXPECT_EQ(*f.get(), 3);
}

TEST(Future, DetachDoesNotCancel) {
  Promise<int> p;
  Future<int> f = p.get_future();
  f.detach();
  EXPECT_FALSE(f.valid());
  EXPECT_FALSE(p.cancel_requested());
  EXPECT_TRUE(p.set_value(1));
}

TEST(Future, CancelAfterValueKeepsTheValue) {
  Promise<int> p;
  Future<int> f = p.get_future();
  bool called = false;
  p.on_cancel([&] { called = true; });
  p.set_value(8);
  f.cancel();
  EXPECT_FALSE(p.cancel_requested());
  EXPECT_EQ(*f.get(), 8);
  p.on_cancel([&] { called = true; });  // resolved by value: never runs
  EXPECT_FALSE(called);
}

TEST(Future, OnCancelCallbackExceptionIsReported) {
  Promise<int> p;
  Future<int> f = p.get_future();
  p.on_cancel([] { throw std::logic_error("in callback"); });
  testing::internal::CaptureStderr();
  f.cancel();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("std::logic_error: in callback"), std::string::npos) << err;
  EXPECT_EQ(f.get().error().code, Code::cancelled);
}

TEST(MakeReadyFuture, ValueErrorAndVoid) {
  EXPECT_EQ(*make_ready_future<int>(1).get(), 1);
  EXPECT_EQ(make_ready_future<int>(Error(Code::aborted, "x")).get().error().code, Code::aborted);
  Future<void> v = make_ready_future();
  EXPECT_TRUE(v.ready());
  EXPECT_TRUE(v.get().ok());
}

// ---- then ----

TEST(Then, RunsInlineWhenReady) {
  std::thread::id ran_on;
  Future<int> f = make_ready_future<int>(2).then([&](Result<int>&& r) {
    ran_on = std::this_thread::get_id();
    return *r * 10;
  });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(*f.get(), 20);
}

TEST(Then, RunsOnTheResolvingThread) {
  Promise<int> p;
  std::thread::id ran_on;
  Future<std::string> f = p.get_future().then([&](Result<int>&& r) {
    ran_on = std::this_thread::get_id();
    return std::to_string(*r);
  });
  std::thread::id producer_id;
  std::thread producer([&] {
    producer_id = std::this_thread::get_id();
    p.set_value(3);
  });
  producer.join();
  EXPECT_EQ(ran_on, producer_id);
  EXPECT_EQ(*f.get(), "3");
}

TEST(Then, ReturningResultAndVoid) {
  Future<int> failed = make_ready_future<int>(1).then(
      [](Result<int>&&) -> Result<int> { return Error(Code::not_found, "gone"); });
  EXPECT_EQ(failed.get().error().code, Code::not_found);
  int seen = 0;
  Future<void> done = make_ready_future<int>(4).then([&](Result<int>&& r) { seen = *r; });
  EXPECT_TRUE(done.get().ok());
  EXPECT_EQ(seen, 4);
}

TEST(Then, ErrorsReachTheContinuation) {
  Future<Code> f = make_ready_future<int>(Error(Code::unavailable, "down")).then([](Result<int>&& r) {
    return r.error().code;
  });
  EXPECT_EQ(*f.get(), Code::unavailable);
}

TEST(Then, ExceptionBecomesError) {
  Future<int> f =
      make_ready_future<int>(1).then([](Result<int>&&) -> int { throw std::runtime_error("boom"); });
  EXPECT_EQ(f.get().error(), Error(Code::exception, "std::runtime_error: boom"));
}

TEST(Then, FlattensAFutureReturningContinuation) {
  Promise<int> inner;
  Future<int> inner_future = inner.get_future();
  Future<int> f = make_ready_future<int>(1).then([&](Result<int>&&) { return std::move(inner_future); });
  EXPECT_FALSE(f.ready());
  inner.set_value(9);
  EXPECT_EQ(*f.get(), 9);
}

TEST(Then, Chain) {
  Promise<int> p;
  Future<std::string> f = p.get_future()
                              .then([](Result<int>&& r) { return *r + 1; })
                              .then([](Result<int>&& r) { return make_ready_future<int>(*r * 2); })
                              .then([](Result<int>&& r) { return std::to_string(*r); });
  p.set_value(1);
  EXPECT_EQ(*f.get(), "4");
}

TEST(Then, CancelPropagatesUpstreamAndSkipsTheContinuation) {
  Promise<int> p;
  bool called = false;
  Future<int> f = p.get_future().then([&](Result<int>&& r) {
    called = true;
    return *r;
  });
  f.cancel();
  EXPECT_TRUE(p.cancel_requested());
  EXPECT_TRUE(p.stop_token().stop_requested());
  EXPECT_FALSE(called);
  EXPECT_EQ(f.get().error().code, Code::cancelled);
}

TEST(Then, CancelPropagatesIntoTheFlattenedFuture) {
  Promise<int> outer, inner;
  Future<int> inner_future = inner.get_future();
  Future<int> f = outer.get_future().then([&](Result<int>&&) { return std::move(inner_future); });
  outer.set_value(0);
  EXPECT_FALSE(inner.cancel_requested());
  f.cancel();
  EXPECT_TRUE(inner.cancel_requested());
}

TEST(Then, DestroyingTheResultCancelsAWholeChain) {
  Promise<int> p;
  {
    Future<int> f =
        p.get_future().then([](Result<int>&& r) { return r; }).then([](Result<int>&& r) { return r; });
  }
  EXPECT_TRUE(p.cancel_requested());
}

TEST(Then, OnInvalidFuture) {
  Future<int> f = Future<int>().then([](Result<int>&& r) { return r; });
  EXPECT_EQ(f.get().error().code, Code::failed_precondition);
}

// ---- when_all ----

TEST(WhenAll, CollectsInOrder) {
  std::vector<Promise<int>> promises(3);
  std::vector<Future<int>> futures;
  for (auto& p : promises) futures.push_back(p.get_future());
  Future<std::vector<Result<int>>> all = when_all(std::move(futures));
  promises[2].set_value(2);
  promises[0].set_error(Error(Code::aborted, "zero"));
  EXPECT_FALSE(all.ready());
  promises[1].set_value(1);
  Result<std::vector<Result<int>>> r = all.get();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].error().code, Code::aborted);
  EXPECT_EQ((*r)[1], Result<int>(1));
  EXPECT_EQ((*r)[2], Result<int>(2));
}

TEST(WhenAll, EmptyIsReady) {
  Future<std::vector<Result<int>>> all = when_all(std::vector<Future<int>>());
  ASSERT_TRUE(all.ready());
  EXPECT_TRUE(all.get()->empty());
}

TEST(WhenAll, CancelCancelsInputs) {
  Promise<int> a, b;
  std::vector<Future<int>> futures;
  futures.push_back(a.get_future());
  futures.push_back(b.get_future());
  b.set_value(1);
  Future<std::vector<Result<int>>> all = when_all(std::move(futures));
  all.cancel();
  EXPECT_TRUE(a.cancel_requested());
  EXPECT_EQ(all.get().error().code, Code::cancelled);
}

TEST(WhenAll, ManyConcurrentProducers) {
  constexpr int kCount = 200;
  ThreadPool pool(2);
  std::vector<Future<int>> futures;
  for (int i = 0; i < kCount; ++i) {
    auto p = std::make_shared<Promise<int>>();
    futures.push_back(p->get_future());
    pool.post([p, i] { p->set_value(i); });
  }
  Result<std::vector<Result<int>>> all = when_all(std::move(futures)).get();
  ASSERT_TRUE(all.ok());
  for (int i = 0; i < kCount; ++i) EXPECT_EQ((*all)[i], Result<int>(i));
}

// ---- resolve exactly once, under races ----

// Producer, consumer and promise owner race over many states. Each state must resolve exactly once, and
// what every party observed must agree with the single outcome.
TEST(FutureRace, SetValueVersusCancelVersusDrop) {
  constexpr int kStates = 100'000;
  constexpr int kChunk = 1000;  // parties re-synchronize every chunk so that they stay close and collide

  struct Slot {
    std::unique_ptr<Promise<int>> promise;
    Future<int> downstream;  // a then() of the promise's future: exercises propagation too
    std::atomic<int> continuations = 0;
    std::atomic<int> cancel_callbacks = 0;
    bool set_ok = false;
  };
  std::vector<Slot> slots(kStates);
  for (int i = 0; i < kStates; ++i) {
    Slot& s = slots[i];
    s.promise = std::make_unique<Promise<int>>();
    s.promise->on_cancel([&s] { s.cancel_callbacks.fetch_add(1); });
    s.downstream = s.promise->get_future().then([&s](Result<int>&& r) {
      s.continuations.fetch_add(1);
      return r;
    });
  }

  std::barrier sync(3);
  auto party = [&](auto action) {
    return std::thread([&, action] {
      for (int base = 0; base < kStates; base += kChunk) {
        sync.arrive_and_wait();
        for (int i = base; i < base + kChunk; ++i) action(slots[i], i);
      }
    });
  };
  std::thread producer = party([](Slot& s, int i) {
    if (i % 3 != 0) s.set_ok = s.promise->set_value(i);  // every third promise is only ever dropped
  });
  std::thread canceller = party([](Slot& s, int) { s.downstream.cancel(); });
  std::thread dropper = party([](Slot& s, int i) {
    if (i % 3 == 0) s.promise.reset();
  });
  producer.join();
  canceller.join();
  dropper.join();

  int values = 0, cancels = 0, drops = 0;
  for (int i = 0; i < kStates; ++i) {
    Slot& s = slots[i];
    s.promise.reset();
    ASSERT_TRUE(s.downstream.ready()) << i;
    // The upstream state was resolved by exactly one party: the producer, the canceller or the dropper.
    const bool by_value = s.set_ok;
    const bool by_cancel = s.cancel_callbacks.load() == 1;
    ASSERT_LE(s.cancel_callbacks.load(), 1) << i;
    ASSERT_FALSE(by_value && by_cancel) << i;
    const bool by_drop = !by_value && !by_cancel;
    if (by_drop) {
      ASSERT_EQ(i % 3, 0) << i;
    }
    ASSERT_LE(s.continuations.load(), 1) << i;

    Result<int> r = s.downstream.get();
    if (r.ok()) {
      ++values;
      EXPECT_TRUE(by_value) << i;
      EXPECT_EQ(*r, i);
      EXPECT_EQ(s.continuations.load(), 1) << i;
    } else if (r.error().code == Code::cancelled) {
      ++cancels;
      if (by_cancel) {
        EXPECT_EQ(s.continuations.load(), 0) << i;  // the upstream result was never wanted
      }
    } else {
      ++drops;
      EXPECT_EQ(r.error().code, Code::internal) << i;
      EXPECT_TRUE(by_drop) << i;
      EXPECT_EQ(s.continuations.load(), 1) << i;
    }
  }
  EXPECT_EQ(values + cancels + drops, kStates);
  // Not an assertion on scheduling, just visibility into how the parties collided.
  std::printf("downstream outcomes: values=%d cancels=%d drops=%d\n", values, cancels, drops);
}

// A consumer that waits while the producer resolves: no lost wake-up, no use after free.
TEST(FutureRace, GetVersusSetValue) {
  constexpr int kRounds = 5'000;
  for (int i = 0; i < kRounds; ++i) {
    Promise<int> p;
    Future<int> f = p.get_future();
    std::thread producer([p = std::move(p), i]() mutable { p.set_value(i); });
    ASSERT_EQ(*f.get(), i);
    producer.join();
  }
}

// Whoever observes the result may destroy the Promise at once, while set_value() is still returning on
// the producer's thread (as a mutex may be destroyed right after the last unlock()).
TEST(FutureRace, PromiseDestroyedAsSoonAsTheResultIsSeen) {
  constexpr int kRounds = 2'000;
  for (int i = 0; i < kRounds; ++i) {
    auto* promise = new Promise<int>();
    Future<int> f = promise->get_future();
    std::thread producer([promise, i] { promise->set_value(i); });
    ASSERT_EQ(*f.get(), i);
    delete promise;
    producer.join();
  }
}

// ---- EventLoop::block_on ----

TEST(BlockOn, RunsTheLoopUntilReady) {
  EventLoop loop;
  Promise<int> p;
  Future<int> f = p.get_future();
  loop.post([&] { loop.post([&] { p.set_value(11); }); });  // needs two turns of the loop
  EXPECT_EQ(*loop.block_on(std::move(f)), 11);
}

TEST(BlockOn, WakesForAResultFromAnotherThread) {
  EventLoop loop;
  Promise<std::string> p;
  Future<std::string> f = p.get_future();
  std::thread producer([&] {
    std::this_thread::sleep_for(10ms);
    p.set_value("late");
  });
  EXPECT_EQ(*loop.block_on(std::move(f)), "late");
  producer.join();
}

// block_on spins from the start (here with a budget of an hour): a result set by another thread ends the
// spin; so does a task posted meanwhile, which runs.
TEST(BlockOn, SpinningLoopSeesAResultFromAnotherThread) {
  EventLoop loop(std::chrono::hours(1));
  Promise<int> p;
  Future<int> f = p.get_future();
  std::promise<void> task_ran;
  std::thread producer([&] {
    std::this_thread::sleep_for(1ms);
    loop.post([&] { task_ran.set_value(); });
    task_ran.get_future().wait();  // the spinning loop ran the task
    p.set_value(5);
  });
  EXPECT_EQ(*loop.block_on(std::move(f)), 5);
  producer.join();
}

TEST(BlockOn, StoppedLoopCancelsTheFuture) {
  EventLoop loop;
  Promise<int> p;
  loop.post([&] { loop.stop(); });
  Result<int> r = loop.block_on(p.get_future());
  EXPECT_EQ(r.error().code, Code::stopped);
  EXPECT_TRUE(p.cancel_requested());
}

TEST(BlockOn, ReadyAndInvalidFutures) {
  EventLoop loop;
  EXPECT_EQ(*loop.block_on(make_ready_future<int>(1)), 1);
  EXPECT_EQ(loop.block_on(Future<int>()).error().code, Code::failed_precondition);
}

}  // namespace
}  // namespace cxx2go
