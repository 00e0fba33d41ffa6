// Future<T> as a coroutine return type, and co_await on Futures.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cxx2go/future.h"

namespace cxx2go {
namespace {

using namespace std::chrono_literals;

// Awaiting consumes the Future: only rvalues can be awaited.
template <class F>
concept AwaitableAsIs = requires {
  std::declval<F>().operator co_await();
};
static_assert(AwaitableAsIs<Future<int>&&>);
static_assert(!AwaitableAsIs<Future<int>&>);

Future<int> add_one(Future<int> input) {
  Result<int> r = co_await std::move(input);
  if (!r) co_return r.error();
  co_return *r + 1;
}

Future<void> fail_if_negative(int v) {
  if (v < 0) co_yield Error(Code::invalid_argument, "negative");
  co_return;
}

Future<void> falls_off_the_end(bool& ran) {
  ran = true;
  co_return;
}

TEST(Coroutine, StartsEagerly) {
  bool ran = false;
  Future<void> f = falls_off_the_end(ran);
  EXPECT_TRUE(ran);
  EXPECT_TRUE(f.ready());
  EXPECT_TRUE(f.get().ok());
}

TEST(Coroutine, ReturnsValueErrorOrResult) {
  auto value = []() -> Future<std::string> { co_return "text"; };
  auto error = []() -> Future<std::string> { co_return Error(Code::not_found, "missing"); };
  auto result = []() -> Future<std::string> { co_return Result<std::string>(Error(Code::aborted, "r")); };
  EXPECT_EQ(*value().get(), "text");
  EXPECT_EQ(error().get().error(), Error(Code::not_found, "missing"));
  EXPECT_EQ(result().get().error().code, Code::aborted);
}

TEST(Coroutine, VoidCoroutineFailsWithCoYield) {
  EXPECT_TRUE(fail_if_negative(1).get().ok());
  EXPECT_EQ(fail_if_negative(-1).get().error(), Error(Code::invalid_argument, "negative"));
}

TEST(Coroutine, CoYieldErrorEndsTheCoroutineAndDestroysLocals) {
  auto destroyed = std::make_shared<int>(0);
  bool after_yield = false;
  auto coro = [](std::shared_ptr<int> counter, bool& after) -> Future<void> {
    struct Bump {
      std::shared_ptr<int> c;
      ~Bump() { ++*c; }
    } local{counter};
    co_yield Error(Code::aborted, "stop here");
    after = true;
  };
  Future<void> f = coro(destroyed, after_yield);
  EXPECT_EQ(f.get().error().code, Code::aborted);
  EXPECT_FALSE(after_yield);
  EXPECT_EQ(*destroyed, 1);
  EXPECT_EQ(destroyed.use_count(), 1);  // the parameter copy is gone too: the frame was freed
}

TEST(Coroutine, ExceptionBecomesError) {
  auto thrower = []() -> Future<int> {
    throw std::runtime_error("boom");
    co_return 1;
  };
  EXPECT_EQ(thrower().get().error(), Error(Code::exception, "std::runtime_error: boom"));
  auto thrower_void = []() -> Future<void> {
    throw 5;
    co_return;
  };
  EXPECT_EQ(thrower_void().get().error(), Error(Code::exception, "int"));
}

TEST(Coroutine, AwaitReadyFutureDoesNotSuspend) {
  Future<int> f = add_one(make_ready_future<int>(1));
  ASSERT_TRUE(f.ready());
  EXPECT_EQ(*f.get(), 2);
}

TEST(Coroutine, AwaitPropagatesErrorsAsResults) {
  EXPECT_EQ(add_one(make_ready_future<int>(Error(Code::data_loss, "x"))).get().error().code, Code::data_loss);
  EXPECT_EQ(add_one(Future<int>()).get().error().code, Code::failed_precondition);
}

TEST(Coroutine, ResumesInlineOnTheResolvingThreadWithoutAnExecutor) {
  ASSERT_EQ(current_executor(), nullptr);
  Promise<int> p;
  std::thread::id resumed_on;
  auto coro = [](Future<int> f, std::thread::id& where) -> Future<int> {
    Result<int> r = co_await std::move(f);
    where = std::this_thread::get_id();
    co_return r;
  };
  Future<int> f = coro(p.get_future(), resumed_on);
  EXPECT_FALSE(f.ready());
  std::thread::id producer_id;
  std::thread producer([&] {
    producer_id = std::this_thread::get_id();
    p.set_value(1);
  });
  producer.join();
  EXPECT_EQ(resumed_on, producer_id);
  EXPECT_EQ(*f.get(), 1);
}

TEST(Coroutine, ResumesOnTheEventLoopThatStartedIt) {
  EventLoop loop;
  Promise<int> p;
  std::thread producer;
  std::vector<std::thread::id> seen;
  auto coro = [&]() -> Future<int> {
    seen.push_back(std::this_thread::get_id());
    producer = std::thread([&] { p.set_value(20); });
    Result<int> r = co_await p.get_future();
    seen.push_back(std::this_thread::get_id());
    EXPECT_TRUE(loop.is_current());
    co_return *r + 1;
  };
  Result<int> r = loop.block_on(coro);
  producer.join();
  EXPECT_EQ(*r, 21);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::this_thread::get_id());
  EXPECT_EQ(seen[1], std::this_thread::get_id());  // not the producer's thread
}

// Awaits a value that `elsewhere` produces, and reports whether it came back to `home`. Parameters, not
// lambda captures: a coroutine outlives the closure object that started it, but not its own frame.
Future<int> round_trip(ThreadPool& home, ThreadPool& elsewhere, int v) {
  Promise<int> p;
  Future<int> f = p.get_future();
  elsewhere.post([p = std::move(p), v]() mutable { p.set_value(v); });
  Result<int> r = co_await std::move(f);
  if (!home.is_current() || elsewhere.is_current()) co_return Error(Code::internal, "resumed off the pool");
  co_return r;
}

TEST(Coroutine, ResumesOnThePoolThatRanIt) {
  ThreadPool pool(2, "coro");
  ThreadPool other(1, "other");
  Promise<Future<int>> started;
  Future<Future<int>> outer = started.get_future();
  pool.post([&] { started.set_value(round_trip(pool, other, 7)); });
  Result<Future<int>> inner = outer.get();
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(std::move(inner).value().get(), Result<int>(7));
}

TEST(Coroutine, ChainsOfCoroutines) {
  Promise<int> p;
  Future<int> f = add_one(add_one(add_one(p.get_future())));
  p.set_value(0);
  EXPECT_EQ(*f.get(), 3);
}

TEST(Coroutine, FrameIsDestroyedBeforeTheResultIsPublished) {
  Promise<int> p;
  auto local_alive = std::make_shared<std::atomic<bool>>(false);
  auto coro = [](Future<int> f, std::shared_ptr<std::atomic<bool>> alive) -> Future<int> {
    struct Guard {
      std::shared_ptr<std::atomic<bool>> a;
      ~Guard() { a->store(false); }
    } guard{alive};
    alive->store(true);
    co_return co_await std::move(f);
  };
  bool alive_when_consumed = true;
  Future<int> f = coro(p.get_future(), local_alive).then([&](Result<int>&& r) {
    alive_when_consumed = local_alive->load() || local_alive.use_count() > 1;
    return r;
  });
  p.set_value(1);
  EXPECT_EQ(*f.get(), 1);
  EXPECT_FALSE(alive_when_consumed);
}

TEST(Coroutine, CancelStopsTheCoroutineAndWhatItAwaits) {
  Promise<int> p;
  std::stop_token token;
  bool stopped_after_resume = false;
  auto coro = [&](Future<int> f) -> Future<int> {
    token = co_await this_coroutine::stop_token;
    Result<int> r = co_await std::move(f);
    stopped_after_resume = token.stop_requested();
    co_return r;
  };
  Future<int> f = coro(p.get_future());
  EXPECT_FALSE(token.stop_requested());
  f.cancel();
  EXPECT_TRUE(token.stop_requested());
  EXPECT_TRUE(p.cancel_requested());  // the awaited future was cancelled too...
  EXPECT_TRUE(stopped_after_resume);  // ...so the coroutine resumed (inline) and finished
  EXPECT_EQ(f.get().error().code, Code::cancelled);
}

TEST(Coroutine, StopTokenAfterCancellationIsStopped) {
  Promise<int> gate;
  bool saw_stop = false;
  auto coro = [&](Future<int> g) -> Future<void> {
    (void)co_await std::move(g);
    std::stop_token t = co_await this_coroutine::stop_token;
    saw_stop = t.stop_requested();
  };
  Future<void> f = coro(gate.get_future());
  f.cancel();  // cancels `gate` too, which resumes the coroutine
  EXPECT_TRUE(saw_stop);
}

TEST(Coroutine, DestroyingThePendingFutureCancels) {
  Promise<int> p;
  auto coro = [](Future<int> f) -> Future<int> { co_return co_await std::move(f); };
  { Future<int> f = coro(p.get_future()); }
  EXPECT_TRUE(p.cancel_requested());
}

TEST(Coroutine, ResumptionDroppedByAStoppedExecutorRunsInline) {
  EventLoop loop;
  Promise<int> p;
  bool finished = false;
  auto coro = [&]() -> Future<int> {
    Result<int> r = co_await p.get_future();
    finished = true;
    co_return r;
  };
  Future<int> f = [&] {
    ScopedCurrentExecutor on_loop(&loop);
    return coro();
  }();
  p.set_value(5);  // the resumption is queued on the loop...
  EXPECT_FALSE(finished);
  loop.stop();  // ...which drops it: the coroutine resumes inline instead of leaking
  EXPECT_TRUE(finished);
  EXPECT_EQ(*f.get(), 5);
}

TEST(Coroutine, ResumptionRefusedByAStoppedExecutorRunsInline) {
  EventLoop loop;
  Promise<int> p;
  auto coro = [&]() -> Future<int> { co_return co_await p.get_future(); };
  Future<int> f = [&] {
    ScopedCurrentExecutor on_loop(&loop);
    return coro();
  }();
  loop.stop();
  p.set_value(6);  // post() refuses the resumption
  ASSERT_TRUE(f.ready());
  EXPECT_EQ(*f.get(), 6);
}

TEST(Coroutine, ManyConcurrentCoroutinesOnAPool) {
  constexpr int kCount = 2000;
  ThreadPool pool(2);
  ThreadPool producers(2);
  std::vector<Future<int>> results;
  for (int i = 0; i < kCount; ++i) {
    auto p = std::make_shared<Promise<Future<int>>>();
    results.push_back(p->get_future().then([](Result<Future<int>>&& r) { return std::move(r).value(); }));
    pool.post([&pool, &producers, p, i] { p->set_value(round_trip(pool, producers, i)); });
  }
  Result<std::vector<Result<int>>> all = when_all(std::move(results)).get();
  ASSERT_TRUE(all.ok());
  for (int i = 0; i < kCount; ++i) EXPECT_EQ((*all)[i], Result<int>(i)) << i;
}

}  // namespace
}  // namespace cxx2go
