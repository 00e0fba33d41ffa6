// The runtime's side of direct calls (direct.cc; generated code's side is cxx2go/detail/direct.h).
#pragma once

#include <chrono>

#include "cxx2go/error.h"

namespace cxx2go::detail {

// Registers the process for membarrier(), so that direct calls need no fence of their own (direct.h).
// Called by start(); without kernel support direct calls keep fencing themselves.
void enable_asymmetric_direct_fence() noexcept;

// Waits until no other thread is inside a direct call, or until `deadline` (false then). The caller first
// closes direct_calls_open (stop) or clears a DirectBinding (unregister_service): calls that start after
// this see that and back out.
bool wait_for_direct_calls(std::chrono::steady_clock::time_point deadline) noexcept;

// MethodInfo::element_views of the @direct call into Go this thread is making, while the Go peer's
// direct entry runs, if it is not 0 (else 0): a worker's peer (src/transport/worker.cc) sends the call to
// its host in message form, where a view that points further must be flattened.
extern thread_local uint32_t t_direct_element_views;

// What C++ → Go calls share (outgoing.cc): a deadline on the wire (never 0, which means none), and the
// errors of a call refused before it crosses.
int64_t unix_nanos(std::chrono::system_clock::time_point t) noexcept;
Error deadline_passed_error() noexcept;
Error cancelled_before_start_error() noexcept;

// The code space at the boundary (docs/design.md): a code <= 0 crosses as Code::unknown, its number in
// the message, so that no answer can forge Code::ok or CXX2GO_PENDING.
Error at_boundary(Error error) noexcept;

}  // namespace cxx2go::detail
