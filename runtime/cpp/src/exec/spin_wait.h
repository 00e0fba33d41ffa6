// Spin briefly before parking: the wake-up of a parked thread (a futex wake) costs tens of microseconds on a
// virtual machine (docs/design.md, "Executor wake-ups"), far more than the work of a typical call, so a worker
// that just finished a task polls for the next one for a bounded time before it sleeps.
#ifndef CXX2GO_SRC_SPIN_WAIT_H_
#define CXX2GO_SRC_SPIN_WAIT_H_

#include <algorithm>
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

// The spin budget of one waiting site (a ring consumer, the helpers of a ring), adapted to whether spinning
// pays off there. A fixed budget is right only on an idle machine: when every core is busy, a spinning
// thread takes the CPU from the very thread it waits for (on 2 vCPUs under a parallel build the ring's round
// trip rose from about 1 µs to 70–130 µs, worse than the cgo path), and a site whose work never comes soon
// spins for nothing after every message. So:
//  - a spin that found its work restores the full budget: in a ping-pong most waits succeed, and a budget
//    that shrank on the odd miss made the round trip at 1 call in flight 6–20 µs instead of 1;
//  - a spin during which the thread lost its CPU (two clock reads 64 polls apart lie more than
//    kPreemptedGap apart: the machine is oversubscribed) stops at once, leaving the CPU to the thread that
//    will answer, and counts as a miss;
//  - every kMissesToHalve misses in a row halve the budget, so a site whose work does not come within it
//    stops spinning after a few dozen waits;
//  - a park that the awaited work ended soon (within the maximum budget) restores it, since spinning would
//    have caught that work without a wake-up;
//  - at a budget of zero, every kProbeEvery-th wait still spins kProbe, so that the budget comes back when
//    the machine does (a site that never spins would never learn that spinning pays off again).
// Several threads may share a site; the budget is a hint, so relaxed atomics suffice.
class AdaptiveSpin {
 public:
  static constexpr std::chrono::nanoseconds kPreemptedGap{50'000};
  static constexpr std::chrono::nanoseconds kProbe{2'000};
  static constexpr uint32_t kProbeEvery = 32;
  static constexpr uint32_t kMissesToHalve = 8;

  explicit AdaptiveSpin(std::chrono::nanoseconds max = {}) noexcept { reset(max); }
  void reset(std::chrono::nanoseconds max) noexcept {
    max_ns_.store(std::max<int64_t>(max.count(), 0), std::memory_order_relaxed);
    budget_ns_.store(std::max<int64_t>(max.count(), 0), std::memory_order_relaxed);
  }

  std::chrono::nanoseconds max() const noexcept {
    return std::chrono::nanoseconds(max_ns_.load(std::memory_order_relaxed));
  }
  std::chrono::nanoseconds budget() const noexcept {
    return std::chrono::nanoseconds(budget_ns_.load(std::memory_order_relaxed));
  }

  // The budget of the next wait: the current one, or a probe.
  std::chrono::nanoseconds next_budget() noexcept {
    const int64_t budget = budget_ns_.load(std::memory_order_relaxed);
    if (budget > 0) return std::chrono::nanoseconds(budget);
    const int64_t max = max_ns_.load(std::memory_order_relaxed);
    if (max <= 0 || probes_.fetch_add(1, std::memory_order_relaxed) % kProbeEvery != 0) return {};
    return std::min(kProbe, std::chrono::nanoseconds(max));
  }

  // Polls `ready` for at most next_budget() and learns from the outcome; returns ready()'s last value.
  template <class Ready>
  bool spin(Ready&& ready) noexcept {
    const auto budget = next_budget();
    if (budget <= std::chrono::nanoseconds::zero()) return ready();
    using Clock = std::chrono::steady_clock;
    auto last = Clock::now();
    const auto until = last + budget;
    for (unsigned i = 1;; ++i) {
      if (ready()) {
        found();
        return true;
      }
      cpu_relax();
      if (i % 64 != 0) continue;
      const auto now = Clock::now();
      if (now - last > kPreemptedGap || now >= until) {
        if (ready()) return true;
        ran_out();
        return false;
      }
      last = now;
    }
  }

  // Reports that a wait (spin() or a loop of the caller's own) found its work while spinning.
  void found() noexcept {
    misses_.store(0, std::memory_order_relaxed);
    budget_ns_.store(max_ns_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }
  // Reports that a spin of the caller's own loop ran out, or stopped because the thread lost its CPU.
  void ran_out() noexcept {
    if ((misses_.fetch_add(1, std::memory_order_relaxed) + 1) % kMissesToHalve != 0) return;
    const int64_t half = budget_ns_.load(std::memory_order_relaxed) / 2;
    // Budgets below a microsecond are worth less than the clock reads that bound them.
    budget_ns_.store(half < 1'000 ? 0 : half, std::memory_order_relaxed);
  }
  // Reports how long the thread was parked before the work it waited for woke it.
  void parked_for(std::chrono::nanoseconds slept) noexcept {
    if (slept < max()) found();
  }

 private:
  std::atomic<int64_t> max_ns_{0};
  std::atomic<int64_t> budget_ns_{0};
  std::atomic<uint32_t> misses_{0};
  std::atomic<uint32_t> probes_{0};
};

}  // namespace cxx2go::detail

#endif  // CXX2GO_SRC_SPIN_WAIT_H_
