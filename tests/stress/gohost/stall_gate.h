// The C++ stall gate of the fault-injection tests, shared by stress_cpp.cc (which defines it and whose
// CppWork implementations wait on it) and fault_cpp.cc (which opens and closes it for the Go test).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "cxx2go/future.h"

// Mode 6 of CppWork.work and CppWork.async_work stalls: it ignores cancellation and deadlines and answers
// x + 1 only when the test opens the gate, like a peer that hangs.
struct StallGate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int64_t waiting = 0;                                             // synchronous implementations blocked
  std::vector<std::pair<cxx2go::Promise<int64_t>, int64_t>> held;  // asynchronous ones, with their x
};

StallGate& cpp_stall_gate();
extern std::atomic<uint64_t> g_cpp_work_started;  // CppWork.work implementations entered, every mode
