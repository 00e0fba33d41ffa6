// cxx2go/executor.h — where tasks and coroutine resumptions run: a pool of named threads, or an event loop
// on a thread of the user's choosing.
#ifndef CXX2GO_EXECUTOR_H_
#define CXX2GO_EXECUTOR_H_

#include "cxx2go/require_cxx20.h"

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/detail/function.h"
#include "cxx2go/error.h"

namespace cxx2go {

template <class T>
class Future;

namespace detail {
class StateBase;
}

using Task = detail::UniqueFunction<void()>;

// How long a worker that just ran a task polls for the next one before it sleeps (at most one worker per
// executor spins at a time; an idle executor does not spin). A sleeping thread's wake-up costs tens of
// microseconds on a virtual machine, a spinning one's about a cache-line transfer. Zero: never spin.
// Off by default: on an oversubscribed machine (more runnable threads than cores) the spinners take the CPU
// from the threads doing the work, and `make bench` measured the executor path at ~220 µs with a 50 µs
// spin under a load average of 6 on 2 vCPUs, against ~60 µs without; with idle cores, 50 µs took it to 2–4 µs.
inline constexpr std::chrono::nanoseconds kDefaultSpinBeforePark = std::chrono::nanoseconds(0);

class Executor {
 public:
  virtual ~Executor();
  // Queues `task`. Returns false if the executor no longer accepts tasks (it was stopped); the task is then
  // destroyed without running. An exception escaping a task is reported to stderr, never rethrown.
  virtual bool post(Task task) noexcept = 0;

 protected:
  Executor() = default;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
};

// The executor whose task is running on this thread: set by ThreadPool workers and by EventLoop while it
// runs tasks; nullptr elsewhere. Awaiting a Future resumes the coroutine through it.
Executor* current_executor() noexcept;

// Sets current_executor() for the scope; restores the previous one on exit.
class ScopedCurrentExecutor {
 public:
  explicit ScopedCurrentExecutor(Executor* executor) noexcept;
  ~ScopedCurrentExecutor();
  ScopedCurrentExecutor(const ScopedCurrentExecutor&) = delete;
  ScopedCurrentExecutor& operator=(const ScopedCurrentExecutor&) = delete;

 private:
  Executor* previous_;
};

// A fixed set of threads named "<prefix>-<i>" (truncated to the kernel's 15 characters) running tasks in
// FIFO order.
class ThreadPool final : public Executor {
 public:
  // Starts max(threads, 1) threads, and with more than one a watchdog thread ("<prefix>-watch"). A task
  // wakes a sleeping thread only when no thread is awake; while one is, it takes the task after its own,
  // and the watchdog wakes one more thread each kWatchPeriod in which a queued task waited, so that tasks
  // that block or run long still spread over every thread. `spin`: see kDefaultSpinBeforePark.
  explicit ThreadPool(std::size_t threads, std::string name_prefix = "cxx2go",
                      std::chrono::nanoseconds spin = kDefaultSpinBeforePark);
  // stop(). May run on one of the pool's own threads: that thread is then detached, not joined, and
  // finishes its current task without touching the destroyed pool.
  ~ThreadPool() override;

  bool post(Task task) noexcept override;

  // Stops accepting tasks, destroys the queued ones without running them (their owners observe that:
  // a coroutine resumption, for instance, then resumes inline), lets running tasks finish and joins the
  // threads. Idempotent. Called on one of the pool's own threads it does everything but joining.
  void stop() noexcept;

  // Whether the calling thread is one of this pool's.
  bool is_current() const noexcept;
  std::size_t size() const noexcept { return threads_.size(); }
  // Tasks waiting for a thread (not counting running ones).
  std::size_t queued() const;

  // How long a task may wait in the queue, while a thread is awake, before the watchdog wakes another.
  static constexpr std::chrono::microseconds kWatchPeriod{100};

 private:
  struct Shared;
  static void work(ThreadPool* pool, std::shared_ptr<Shared> shared, std::string name) noexcept;
  static void watch(std::shared_ptr<Shared> shared, std::string name) noexcept;
  void join_others() noexcept;

  // Owned jointly with the threads, so that a thread outlives the pool safely when it destroyed the pool.
  std::shared_ptr<Shared> shared_;
  std::vector<std::thread> threads_;
  std::thread watchdog_;
  std::mutex join_mu_;  // serializes joining, which std::thread does not allow concurrently
};

// Runs posted tasks on the thread that drives it with run(), run_one() or block_on(). One thread drives the
// loop at a time. stop() is final, as for ThreadPool: later posts are refused and queued tasks are dropped.
class EventLoop final : public Executor {
 public:
  // `spin`: how long the driving thread polls for a task (or block_on's answer) before it sleeps, after a
  // task and on entering block_on; see kDefaultSpinBeforePark.
  explicit EventLoop(std::chrono::nanoseconds spin = kDefaultSpinBeforePark);
  ~EventLoop() override;

  bool post(Task task) noexcept override;

  // Runs tasks, waiting for more, until stop().
  void run();
  // Runs the next queued task if there is one; never waits. Returns whether a task ran.
  bool run_one();
  // Makes run() and block_on() return once the current task finishes; refuses later posts and destroys the
  // queued tasks. Any thread, idempotent.
  void stop() noexcept;
  // Whether the calling thread is driving the loop right now.
  bool is_current() const noexcept;

  // Runs the loop on this thread until `future` is ready and returns its result; Code::stopped (cancelling
  // the future) if the loop is stopped first. Defined in future.h.
  template <class T>
  Result<T> block_on(Future<T> future);
  // Calls `start` on this thread as if it were a task of this loop (current_executor() is the loop, so a
  // coroutine it starts resumes here), then block_on()s the Future it returns. Defined in future.h.
  template <class F>
  requires std::invocable<F>
  auto block_on(F&& start);

 private:
  struct Inbox;
  class Driving;
  // Runs tasks until `until` is ready (true) or the loop stops (false); with nullptr, until the loop stops.
  bool run_until(detail::StateBase* until);
  // Runs `fn` now, on this thread, as if it were one of the loop's tasks (exceptions propagate).
  void run_here(detail::UniqueFunction<void()> fn);

  // Shared with the wake-ups that block_on() leaves on futures, which may fire after the loop is gone.
  std::shared_ptr<Inbox> inbox_;
  std::atomic<std::thread::id> driver_;
};

}  // namespace cxx2go

#endif  // CXX2GO_EXECUTOR_H_
