#include "cxx2go/executor.h"

#include <algorithm>
#include <cassert>
#include <condition_variable>
#include <deque>

#include "cxx2go/detail/state.h"
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
  std::mutex mu;
  std::condition_variable work_available;
  std::deque<Task> queue;  // guarded by mu
  bool stopped = false;    // guarded by mu
};

ThreadPool::ThreadPool(std::size_t threads, std::string name_prefix) : shared_(std::make_shared<Shared>()) {
  threads = std::max<std::size_t>(threads, 1);
  threads_.reserve(threads);
  try {
    for (std::size_t i = 0; i < threads; ++i) {
      threads_.emplace_back(&ThreadPool::work, this, shared_, name_prefix + "-" + std::to_string(i));
    }
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
  t_pool = shared.get();
  ScopedCurrentExecutor current(pool);  // the only use of `pool`, which may be destroyed before this returns
  for (;;) {
    Task task;
    {
      std::unique_lock lock(shared->mu);
      // A predicate wait: spurious wake-ups just re-check.
      shared->work_available.wait(lock, [&] { return shared->stopped || !shared->queue.empty(); });
      if (shared->stopped) return;
      task = std::move(shared->queue.front());
      shared->queue.pop_front();
    }
    run_executor_task(task, "a ThreadPool task");
  }
}

bool ThreadPool::post(Task task) noexcept {
  {
    std::lock_guard lock(shared_->mu);
    if (shared_->stopped) return false;
    try {
      shared_->queue.push_back(std::move(task));
    } catch (...) {  // out of memory: refuse the task like a stopped pool would
      return false;
    }
  }
  shared_->work_available.notify_one();
  return true;
}

void ThreadPool::stop() noexcept {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stopped = true;
    dropped.swap(shared_->queue);
  }
  shared_->work_available.notify_all();
  // Outside the lock: a dropped task's destructor may post (refused now) or resume a coroutine inline.
  dropped.clear();
  if (!is_current()) join_others();
}

void ThreadPool::join_others() noexcept {
  std::lock_guard lock(join_mu_);
  for (std::thread& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
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

EventLoop::EventLoop() : inbox_(std::make_shared<Inbox>()) {}

EventLoop::~EventLoop() { stop(); }

bool EventLoop::post(Task task) noexcept {
  {
    std::lock_guard lock(inbox_->mu);
    if (inbox_->stopped) return false;
    try {
      inbox_->queue.push_back(std::move(task));
    } catch (...) {
      return false;
    }
  }
  inbox_->wake.notify_one();
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
  for (;;) {
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
    }
    run_executor_task(task, "an EventLoop task");
  }
}

void EventLoop::stop() noexcept {
  std::deque<Task> dropped;
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->stopped = true;
    dropped.swap(inbox_->queue);
  }
  inbox_->wake.notify_all();
  dropped.clear();  // outside the lock, as in ThreadPool::stop()
}

bool EventLoop::is_current() const noexcept { return driver_.load() == std::this_thread::get_id(); }

}  // namespace cxx2go
