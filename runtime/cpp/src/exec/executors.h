// The runtime's threads: the shared executor, the @affine services' executors and the deadline timer
// (part of Core, core/core.h).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "cxx2go/executor.h"
#include "spin_wait.h"
#include "timer.h"

namespace cxx2go::detail {

// Installs what idle workers of `pool` do before they sleep (executor.cc); nullptr: nothing, for any pool.
// One pool at a time has a helper.
void set_idle_helper(ThreadPool* pool, IdleHelper helper) noexcept;

struct Executors {
  std::unique_ptr<ThreadPool> pool;  // the shared executor
  std::map<std::string, std::unique_ptr<ThreadPool>, std::less<>> affine_pools;  // by service name
  std::unique_ptr<TimerQueue> timers;
  std::atomic<bool> executors_joining{false};  // stop() left a thread joining stalled executor threads
};

}  // namespace cxx2go::detail
