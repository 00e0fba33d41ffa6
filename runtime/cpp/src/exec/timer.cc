#include "timer.h"

#include <condition_variable>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../debug/crash.h"
#include "cxx2go/error.h"
#include "thread_name.h"

namespace cxx2go::detail {

struct TimerQueue::Shared {
  using Clock = std::chrono::steady_clock;
  // Ordered by due time, then by id (= scheduling order).
  using Key = std::pair<Clock::time_point, uint64_t>;

  std::mutex mu;
  std::condition_variable changed;                      // the timer thread waits for an earlier timer or stop
  std::condition_variable finished;                     // cancel() waits for a running callback
  std::map<Key, UniqueFunction<void()>> timers;         // guarded by mu
  std::unordered_map<uint64_t, Clock::time_point> due;  // id → due time, for cancel(); guarded by mu
  uint64_t next_id = 1;                                 // guarded by mu
  uint64_t running = 0;       // id of the callback running now, 0 if none; guarded by mu
  bool stopped = false;       // guarded by mu
  std::thread::id thread_id;  // written under mu by the constructor, before any timer can exist
};

TimerQueue::TimerQueue() : shared_(std::make_shared<Shared>()) {
  thread_ = std::thread(&TimerQueue::run, shared_);
  std::lock_guard lock(shared_->mu);
  shared_->thread_id = thread_.get_id();
}

TimerQueue::~TimerQueue() {
  stop();
  std::lock_guard lock(join_mu_);
  if (thread_.joinable()) thread_.detach();  // only left joinable when stop() ran on the timer thread
}

void TimerQueue::run(std::shared_ptr<Shared> shared) noexcept {
  set_thread_name("cxx2go-timer");
  enter_runtime_thread();
  std::unique_lock lock(shared->mu);
  while (!shared->stopped) {
    if (shared->timers.empty()) {
      shared->changed.wait(lock);
      continue;
    }
    auto first = shared->timers.begin();
    if (first->first.first > Shared::Clock::now()) {
      // Re-examines the queue after any wake-up, spurious or not: an earlier timer may have arrived.
      // A copy of the deadline: wait_until reads it again after waking, and cancel() may have erased the
      // node holding it meanwhile (ASan: heap-use-after-free).
      const Shared::Clock::time_point when = first->first.first;
      shared->changed.wait_until(lock, when);
      continue;
    }
    UniqueFunction<void()> fn = std::move(first->second);
    shared->running = first->first.second;
    shared->due.erase(first->first.second);
    shared->timers.erase(first);
    lock.unlock();
    try {
      fn();
    } catch (...) {
      report_uncaught_exception("a timer callback");
    }
    fn = nullptr;  // destroyed before cancel() is told the callback is done
    lock.lock();
    shared->running = 0;
    shared->finished.notify_all();
  }
}

uint64_t TimerQueue::schedule(std::chrono::steady_clock::time_point when, UniqueFunction<void()> fn) {
  std::unique_lock lock(shared_->mu);
  if (shared_->stopped) {
    lock.unlock();  // fn is destroyed on return, outside the lock
    return 0;
  }
  uint64_t id = shared_->next_id++;
  auto [it, inserted] = shared_->timers.emplace(Shared::Key(when, id), std::move(fn));
  try {
    shared_->due.emplace(id, when);
  } catch (...) {
    shared_->timers.erase(it);
    throw;
  }
  if (it == shared_->timers.begin()) shared_->changed.notify_one();  // the new timer is the earliest
  return id;
}

bool TimerQueue::cancel(uint64_t id) {
  UniqueFunction<void()> cancelled;
  std::unique_lock lock(shared_->mu);
  if (auto due = shared_->due.find(id); due != shared_->due.end()) {
    auto timer = shared_->timers.find(Shared::Key(due->second, id));
    cancelled = std::move(timer->second);
    shared_->timers.erase(timer);
    shared_->due.erase(due);
    lock.unlock();
    return true;  // `cancelled` is destroyed on return, outside the lock
  }
  if (std::this_thread::get_id() != shared_->thread_id) {
    shared_->finished.wait(lock, [&] { return shared_->running != id; });
  }
  return false;
}

void TimerQueue::stop() {
  std::map<Shared::Key, UniqueFunction<void()>> dropped;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stopped = true;
    dropped.swap(shared_->timers);
    shared_->due.clear();
  }
  shared_->changed.notify_one();
  dropped.clear();
  if (std::this_thread::get_id() == shared_->thread_id) return;
  std::lock_guard lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

}  // namespace cxx2go::detail
