#include "cxx2go/executor.h"

#include <algorithm>
#include <cassert>
#include <condition_variable>
#include <deque>

#include "../debug/crash.h"
#include "cxx2go/detail/state.h"
#include "spin_wait.h"
#include "thread_name.h"

namespace cxx2go {
namespace {

// Per-thread facts, not per-call state: which executor runs tasks here, and which pool owns this thread.
thread_local Executor* t_current_executor = nullptr;
thread_local const void* t_pool = nullptr;

void run_executor_task(Task& task, const char* where) noexcept {
  try {
    task();
  } catch (...) {
    detail::report_uncaught_exception(where);
  }
}

}  // namespace

Executor::~Executor() = default;

Executor* current_executor() noexcept { return t_current_executor; }

ScopedCurrentExecutor::ScopedCurrentExecutor(Executor* executor) noexcept
    : previous_(std::exchange(t_current_executor, executor)) {}

ScopedCurrentExecutor::~ScopedCurrentExecutor() { t_current_executor = previous_; }

// ---- ThreadPool ----

struct ThreadPool::Shared {
  // A parked worker, on its own stack while it waits.
  struct Parked {
    std::condition_variable wake;
    bool woken = false;  // guarded by mu: set by the post that took it off `parked`
  };

  std::mutex mu;
  std::deque<Task> queue;  // guarded by mu
  bool stopped = false;    // guarded by mu
  std::size_t threads = 0;  // immutable after construction
  // Tasks queued and taken so far, and whether the watchdog is checking the queue (guarded by mu).
  uint64_t posted = 0;
  uint64_t taken = 0;
  bool watching = false;
  std::condition_variable watch;

  // Wakes the worker that parked last (see `parked`). Under mu.
  void wake_parked_worker() noexcept {
    Parked* worker = parked.back();
    parked.pop_back();
    worker->woken = true;
    worker->wake.notify_one();
  }
  // The parked workers, the most recently parked last (guarded by mu; capacity for every thread, reserved
  // up front, so that parking never allocates). post() wakes the last one: a worker that ran a moment ago
  // wakes in ~10 µs on the benchmark's VM, one that slept longer (its vCPU halted) in ~80 µs; a condition
  // variable shared by all wakes the longest waiter. Go → C++ on the executor at 1 in flight: p50 85 → 13 µs.
  std::vector<Parked*> parked;
  // What a spinning worker polls without the lock: queue.size() and stopped, written under mu.
  std::atomic<std::size_t> queued{0};
  std::atomic<bool> stopping{false};
  detail::SpinGate spinner;
  std::chrono::nanoseconds spin{0};  // immutable after construction
  detail::SpinGate helping;  // one worker at a time runs the idle helper
};

namespace detail {

// The runtime's pool, while the ring transport runs, and what its idle workers do before they sleep (take
// calls out of the Go → C++ ring and run them, ring.cc ring_help_executor). Workers compare their pool's
// address only: one destroyed is never dereferenced, and stop() clears both before the pool is destroyed.
constinit std::atomic<const ThreadPool*> g_helped_pool{nullptr};
constinit std::atomic<IdleHelper> g_idle_helper{nullptr};

void set_idle_helper(ThreadPool* pool, IdleHelper helper) noexcept {
  g_helped_pool.store(nullptr, std::memory_order_release);
  g_idle_helper.store(helper, std::memory_order_release);
  if (helper != nullptr) g_helped_pool.store(pool, std::memory_order_release);
}

}  // namespace detail

ThreadPool::ThreadPool(std::size_t threads, std::string name_prefix, std::chrono::nanoseconds spin)
    : shared_(std::make_shared<Shared>()) {
  shared_->spin = spin;
  threads = std::max<std::size_t>(threads, 1);
  shared_->threads = threads;
  shared_->parked.reserve(threads);
  threads_.reserve(threads);
  try {
    for (std::size_t i = 0; i < threads; ++i) {
      threads_.emplace_back(&ThreadPool::work, this, shared_, name_prefix + "-" + std::to_string(i));
    }
    if (threads > 1) watchdog_ = std::thread(&ThreadPool::watch, shared_, name_prefix + "-watch");
  } catch (...) {
    stop();  // joins the threads that did start, or std::thread's destructor would terminate
    throw;
  }
}

ThreadPool::~ThreadPool() {
  stop();
  if (is_current()) {
    // Destroyed by one of its own tasks. This thread cannot join itself: it finishes its task without
    // the pool (work() only touches Shared, which it co-owns) and exits.
    if (t_current_executor == this) t_current_executor = nullptr;
    for (std::thread& t : threads_) {
      if (t.get_id() == std::this_thread::get_id()) t.detach();
    }
  }
  join_others();
}

void ThreadPool::work(ThreadPool* pool, std::shared_ptr<Shared> shared, std::string name) noexcept {
  detail::set_thread_name(std::move(name));
  detail::enter_runtime_thread();
  t_pool = shared.get();
  ScopedCurrentExecutor current(pool);  // `pool` may be destroyed before this returns: compared, never read
  bool busy = false;  // ran a task since it last slept: spin only then, so an idle pool burns no CPU
  for (;;) {
    // Helping the ring runs calls (not a spin): outside the spinner's gate, so that a task posted meanwhile
    // does not wait for this one's call to return (the watchdog wakes a sleeping worker if it runs long).
    if (const detail::IdleHelper helper = detail::g_helped_pool.load(std::memory_order_acquire) == pool
                                              ? detail::g_idle_helper.load(std::memory_order_acquire)
                                              : nullptr;
        busy && helper != nullptr && shared->helping.try_enter()) {
      helper(
          [](const void* p) {
            const auto* s = static_cast<const Shared*>(p);
            return s->queued.load(std::memory_order_acquire) != 0 || s->stopping.load(std::memory_order_relaxed);
          },
          shared.get());
      shared->helping.leave();
    }
    if (busy && shared->spin.count() > 0 && shared->spinner.try_enter()) {
      detail::spin_until(shared->spin, [&] {
        return shared->queued.load(std::memory_order_acquire) != 0 || shared->stopping.load(std::memory_order_relaxed);
      });
      shared->spinner.leave();
    }
    Task task;
    {
      std::unique_lock lock(shared->mu);
      // The spinner above only saves the wait; this check under the lock is what decides (SpinGate's
      // contract). A worker woken for a task another one took first parks again.
      while (!shared->stopped && shared->queue.empty()) {
        Shared::Parked me;
        shared->parked.push_back(&me);
        me.wake.wait(lock, [&] { return me.woken || shared->stopped; });
        if (!me.woken) std::erase(shared->parked, &me);  // stopped while listed
      }
      if (shared->stopped) return;
      task = std::move(shared->queue.front());
      shared->queue.pop_front();
      ++shared->taken;
      shared->queued.store(shared->queue.size(), std::memory_order_relaxed);
    }
    run_executor_task(task, "a ThreadPool task");
    busy = true;
  }
}

bool ThreadPool::post(Task task) noexcept {
  std::lock_guard lock(shared_->mu);
  if (shared_->stopped) return false;
  try {
    shared_->queue.push_back(std::move(task));
  } catch (...) {  // out of memory: refuse the task like a stopped pool would
    return false;
  }
  ++shared_->posted;
  shared_->queued.store(shared_->queue.size(), std::memory_order_release);
  // A spinning worker takes the task without the futex wake-up of a sleeping one. Woken under the lock:
  // once it is released, the task may run and its owner destroy the pool (see EventLoop::post); and the
  // parked worker's record lives on its stack until it has the lock again.
  if (shared_->spinner.claim() || shared_->parked.empty()) return true;
  if (shared_->parked.size() == shared_->threads) {
    shared_->wake_parked_worker();  // nobody else would take it
  } else if (!shared_->watching) {
    // A worker is awake and takes the task when it is done, which for short tasks is sooner than a parked
    // one wakes (tens of microseconds on a VM); the watchdog adds workers if it is not (watch()).
    shared_->watching = true;
    shared_->watch.notify_one();
  }
  return true;
}

void ThreadPool::watch(std::shared_ptr<Shared> shared, std::string name) noexcept {
  detail::set_thread_name(std::move(name));
  detail::enter_runtime_thread();
  // Periods in a row with an empty queue after which the watchdog sleeps until post() needs it again:
  // while calls keep coming, it keeps checking rather than being woken (a futex wake-up) for each.
  constexpr int kIdlePeriods = 10;
  int idle = 0;
  std::unique_lock lock(shared->mu);
  for (;;) {
    shared->watch.wait(lock, [&] { return shared->watching || shared->stopped; });
    const uint64_t posted_before = shared->posted;
    shared->watch.wait_for(lock, kWatchPeriod, [&] { return shared->stopped; });
    if (shared->stopped) return;
    // A task queued a period ago still waits: the awake workers are busy with longer tasks (or blocked in
    // them). One more worker helps each period, until the queue keeps up or none is parked.
    if (shared->taken < posted_before && !shared->parked.empty()) shared->wake_parked_worker();
    idle = shared->queue.empty() ? idle + 1 : 0;
    if (idle >= kIdlePeriods || shared->parked.empty()) {  // no worker left to wake: post() restarts it
      shared->watching = false;
      idle = 0;
    }
  }
}

void ThreadPool::stop() noexcept {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stopped = true;
    shared_->stopping.store(true);
    dropped.swap(shared_->queue);
    shared_->queued.store(0);
    for (Shared::Parked* worker : shared_->parked) worker->wake.notify_one();  // each unlists itself
    shared_->watch.notify_one();
  }
  // Outside the lock: a dropped task's destructor may post (refused now) or resume a coroutine inline.
  dropped.clear();
  if (!is_current()) join_others();
}

void ThreadPool::join_others() noexcept {
  std::lock_guard lock(join_mu_);
  for (std::thread& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
  if (watchdog_.joinable()) watchdog_.join();  // never the calling thread: it runs no task
}

bool ThreadPool::is_current() const noexcept { return t_pool == shared_.get(); }

std::size_t ThreadPool::queued() const {
  std::lock_guard lock(shared_->mu);
  return shared_->queue.size();
}

// ---- EventLoop ----

struct EventLoop::Inbox {
  std::mutex mu;
  std::condition_variable wake;
  std::deque<Task> queue;  // guarded by mu
  bool stopped = false;    // guarded by mu
  // As in ThreadPool::Shared: what the driver polls while it spins, written under mu.
  std::atomic<std::size_t> queued{0};
  std::atomic<bool> stopping{false};
  detail::SpinGate spinner;
  std::chrono::nanoseconds spin{0};  // immutable after construction
};

// Marks the calling thread as the loop's driver for a scope (run, run_one, block_on; they may nest).
class EventLoop::Driving {
 public:
  explicit Driving(EventLoop& loop) noexcept
      : loop_(loop), previous_(loop.driver_.exchange(std::this_thread::get_id())), executor_(&loop) {
    assert((previous_ == std::thread::id() || previous_ == std::this_thread::get_id()) &&
           "an EventLoop is driven by one thread at a time");
  }
  ~Driving() { loop_.driver_.store(previous_); }
  Driving(const Driving&) = delete;
  Driving& operator=(const Driving&) = delete;

 private:
  EventLoop& loop_;
  std::thread::id previous_;
  ScopedCurrentExecutor executor_;
};

EventLoop::EventLoop(std::chrono::nanoseconds spin) : inbox_(std::make_shared<Inbox>()) { inbox_->spin = spin; }

EventLoop::~EventLoop() { stop(); }

bool EventLoop::post(Task task) noexcept {
  std::lock_guard lock(inbox_->mu);
  if (inbox_->stopped) return false;
  try {
    inbox_->queue.push_back(std::move(task));
  } catch (...) {
    return false;
  }
  inbox_->queued.store(inbox_->queue.size(), std::memory_order_release);
  // Woken under the lock: once it is released, the loop may run the task, return from run_until and be
  // destroyed by its owner, so nothing of the loop may be touched after the unlock (TSan saw this
  // notify_one race the destruction of the condition variable in the end-to-end tests).
  if (!inbox_->spinner.claim()) inbox_->wake.notify_one();
  return true;
}

void EventLoop::run() { run_until(nullptr); }

bool EventLoop::run_one() {
  Driving driving(*this);
  Task task;
  {
    std::lock_guard lock(inbox_->mu);
    if (inbox_->stopped || inbox_->queue.empty()) return false;
    task = std::move(inbox_->queue.front());
    inbox_->queue.pop_front();
    inbox_->queued.store(inbox_->queue.size(), std::memory_order_relaxed);
  }
  run_executor_task(task, "an EventLoop task");
  return true;
}

void EventLoop::run_here(detail::UniqueFunction<void()> fn) {
  Driving driving(*this);
  fn();
}

bool EventLoop::run_until(detail::StateBase* until) {
  Driving driving(*this);
  if (until != nullptr) {
    // Wakes the loop when `until` is resolved. Locking the inbox's mutex before notifying closes the
    // window between the loop checking the predicate and going to sleep.
    detail::UniqueFunction<void()> wake = [inbox = inbox_]() noexcept {
      { std::lock_guard lock(inbox->mu); }
      inbox->wake.notify_one();
    };
    if (!until->try_set_continuation(wake)) return true;
  }
  // Spins first (after a task, and once on entry to block_on: the awaited answer often comes within
  // microseconds); an idle run() parks without spinning.
  bool busy = until != nullptr;
  for (;;) {
    if (busy && inbox_->spin.count() > 0 && inbox_->spinner.try_enter()) {
      detail::spin_until(inbox_->spin, [&] {
        return inbox_->queued.load(std::memory_order_acquire) != 0 ||
               inbox_->stopping.load(std::memory_order_relaxed) || (until != nullptr && until->ready());
      });
      inbox_->spinner.leave();
    }
    Task task;
    {
      std::unique_lock lock(inbox_->mu);
      inbox_->wake.wait(lock, [&] {
        return inbox_->stopped || !inbox_->queue.empty() || (until != nullptr && until->ready());
      });
      if (until != nullptr && until->ready()) return true;
      if (inbox_->stopped) return false;
      task = std::move(inbox_->queue.front());
      inbox_->queue.pop_front();
      inbox_->queued.store(inbox_->queue.size(), std::memory_order_relaxed);
    }
    run_executor_task(task, "an EventLoop task");
    busy = true;
  }
}

void EventLoop::stop() noexcept {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->stopped = true;
    inbox_->stopping.store(true);
    dropped.swap(inbox_->queue);
    inbox_->queued.store(0);
  }
  inbox_->wake.notify_all();
  dropped.clear();  // outside the lock, as in ThreadPool::stop()
}

bool EventLoop::is_current() const noexcept { return driver_.load() == std::this_thread::get_id(); }

}  // namespace cxx2go
