// Spin briefly before parking: the wake-up of a parked thread (a futex wake) costs tens of microseconds on a
// virtual machine (docs/design.md, "Executor wake-ups"), far more than the work of a typical call, so a worker
// that just finished a task polls for the next one for a bounded time before it sleeps.
#ifndef CXX2GO_SRC_SPIN_WAIT_H_
#define CXX2GO_SRC_SPIN_WAIT_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cxx2go::detail {

// Tells the CPU this is a spin loop: on x86 `pause` lets the sibling hyperthread run and avoids the memory
// order mis-speculation penalty when the loop exits.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// At most one spinning worker per queue, which a producer can claim instead of notifying a condition
// variable. The contract (what makes it free of lost wake-ups):
//  - the producer makes its work visible under the queue's mutex, then calls claim(); only when claim()
//    returns false does it notify;
//  - a spinner, whether it saw work or gave up, then waits on the condition variable with a predicate
//    checked under the same mutex.
// A claimed spinner therefore always re-checks the queue under the mutex after the producer published, and a
// producer that could not claim notifies as it would without spinning. Both the flag and the mutex order the
// two sides; the flag's operations are sequentially consistent so that reasoning needs no finer orders.
class SpinGate {
 public:
  // Becomes the spinner; false if another thread is spinning (the caller parks at once).
  bool try_enter() noexcept {
    bool expected = false;
    return spinning_.compare_exchange_strong(expected, true);
  }
  // Stops spinning (idempotent: a producer may have claimed this spinner already).
  void leave() noexcept { spinning_.store(false); }
  // Producer: takes the spinner, if any, as the one that will pick up the work just published.
  bool claim() noexcept {
    bool expected = true;
    return spinning_.compare_exchange_strong(expected, false);
  }

 private:
  std::atomic<bool> spinning_{false};
};

// What an idle worker of the runtime's ThreadPool runs before it sleeps, if set (executor.cc): polls
// ready(arg) while doing other useful work, returns ready(arg)'s last value.
using IdleHelper = bool (*)(bool (*ready)(const void*), const void* arg) noexcept;

// The spin budget of waits that belong to no executor (Future::get): RuntimeOptions::spin_before_park of the
// running runtime, set by start(); the default before that.
inline std::atomic<int64_t> g_wait_spin_nanos{0};

// What a thread about to wait for a Future's result (StateBase::wait, core/state.cc) runs first, if set:
// a transport lends the waiter work that may produce the result (the ring delivers completions itself,
// ring_help_wait). The Future layer knows only this hook; start() sets it, stop() clears it.
inline std::atomic<IdleHelper> g_wait_helper{nullptr};

// Polls `ready` for at most `budget`, relaxing the CPU between polls; returns the last poll's result.
// Reads the clock only every 64 polls: a clock read costs about as much as a poll and a pause together.
template <class Ready>
bool spin_until(std::chrono::nanoseconds budget, Ready&& ready) noexcept {
  if (budget <= std::chrono::nanoseconds::zero()) return ready();
  const auto until = std::chrono::steady_clock::now() + budget;
  for (unsigned i = 1;; ++i) {
    if (ready()) return true;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) return ready();
  }
}

}  // namespace cxx2go::detail

#endif  // CXX2GO_SRC_SPIN_WAIT_H_
