// The live view of the calls in flight and the stuck-call watchdog (cxx2go/debug.h, docs/debugging.md):
// internal to the runtime's sources.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>

#include "cxx2go/runtime.h"

namespace cxx2go::detail {

inline int64_t steady_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The calling thread's Linux id, asked of the kernel once per thread.
inline int32_t current_tid() noexcept {
  constinit thread_local int32_t tid = 0;
  if (tid == 0) [[unlikely]] tid = static_cast<int32_t>(::syscall(SYS_gettid));
  return tid;
}

// From start() and stop(): the watchdog runs while the runtime does, if a threshold is set (options, or
// CXX2GO_STUCK_CALL_MS in the environment).
void start_stuck_call_watchdog(const RuntimeOptions& options);
void stop_stuck_call_watchdog() noexcept;

}  // namespace cxx2go::detail
