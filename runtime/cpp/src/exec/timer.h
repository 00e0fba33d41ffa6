// src/exec/timer.h — callbacks at points in time (call deadlines), on one thread named "cxx2go-timer".
#ifndef CXX2GO_SRC_EXEC_TIMER_H_
#define CXX2GO_SRC_EXEC_TIMER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "cxx2go/detail/function.h"

namespace cxx2go::detail {

class TimerQueue {
 public:
  // Starts the timer thread.
  TimerQueue();
  // stop(). May run inside a callback: the timer thread is then detached instead of joined, and exits
  // after the callback without touching the destroyed queue.
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `fn` on the timer thread at `when` or soon after; timers due at the same time run in the order
  // they were scheduled. Returns an id for cancel(), never 0; returns 0 after stop(), destroying `fn`
  // without running it. An exception escaping `fn` is reported to stderr.
  uint64_t schedule(std::chrono::steady_clock::time_point when, UniqueFunction<void()> fn);

  // True if the timer had not started: it never will, and its callback is destroyed before cancel()
  // returns. False if it ran, is running, or is unknown. When a callback is running on another thread,
  // cancel() waits for it to return, so that after cancel() the callback no longer touches anything; inside
  // the callback itself it returns false at once.
  bool cancel(uint64_t id);

  // Destroys the callbacks that have not run, waits for a running one and joins the thread. Idempotent.
  // Inside a callback it does everything but waiting and joining.
  void stop();

 private:
  struct Shared;
  static void run(std::shared_ptr<Shared> shared) noexcept;

  // Owned jointly with the thread, which may outlive the queue (see ~TimerQueue).
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
  std::mutex join_mu_;  // serializes joining, which std::thread does not allow concurrently
};

}  // namespace cxx2go::detail

#endif  // CXX2GO_SRC_EXEC_TIMER_H_
