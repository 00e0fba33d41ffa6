// The ring transport (ring.cc; docs/ring.md), as the seam (transport.h) and start()/stop() use it. Every
// function is safe to call whether or not a ring exists: without one, the cgo path is taken. What it
// receives goes to the call layer through calls/receive.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "cxx2go/abi.h"
#include "cxx2go/error.h"
#include "cxx2go/ring_abi.h"

namespace cxx2go {
class ThreadPool;
}  // namespace cxx2go

namespace cxx2go::detail {

struct Core;

// MethodInfo::flags bit of methods of @transport(ring) services (never sent in a call).
inline constexpr uint32_t kMethodRing = CXX2GO_METHOD_RING;
// Marks the ids of calls sent over the ring, in both directions (Go allocates those of Go → C++ calls, C++
// those of C++ → Go calls): their completions and cancellations go over the ring too.
inline constexpr uint64_t kRingCallBit = uint64_t{1} << 63;

// Creates the region, starts the ring thread and attaches Go, if the Go peer supports it. Called by
// start() after attaching Go, before the state becomes running.
Result<void> ring_start(Core& c);
// Lets the ring thread take messages: called by start() once the state is running. Until then what Go
// wrote waits in the ring (a worker's host writes calls before the worker starts).
void ring_serve() noexcept;
// Makes the next ring_start use `region` (`size` bytes, mapped from a host's memfd, laid out by the host)
// instead of allocating one, for an isolated worker (src/transport/worker.cc): every call goes over it,
// futexes are shared between the processes, and the host's doorbell is `doorbell_fd`, an eventfd this
// process owns from then on. The hooks see some messages before the call layer, and keep those they
// return true for.
struct ExternalRingHooks {
  // Every completion (the worker's synchronous calls into Go are waited for by their threads).
  bool (*take_completion)(uint64_t call_id, int32_t code, const uint8_t* data, size_t len) noexcept = nullptr;
  // Every CXX2GO_CALL_NESTED call, its slot's header and its payload (the thread waiting for the call it is
  // nested in runs it).
  bool (*take_nested)(const cxx2go_ring_slot& slot, const unsigned char* payload, size_t len) noexcept = nullptr;
};
void ring_use_external_region(void* region, size_t size, int doorbell_fd, ExternalRingHooks hooks) noexcept;
// Handles one Go → C++ message as the ring thread does, on the calling thread: `slot` is its header (a
// copy will do) and payload its payload.
void ring_handle(cxx2go_ring_slot* slot, const unsigned char* payload, size_t len) noexcept;
// Detaches Go (bounded by deadline), joins the ring thread and frees the region. Called by stop() once
// calls have drained and the executors are joined.
void ring_stop(Core& c, std::chrono::steady_clock::time_point deadline) noexcept;
// True on the ring thread (where stop() must not run: it joins that thread).
bool ring_is_current_thread() noexcept;

// Future::get() on any thread but the ring thread, while rings are in use: polls `ready(arg)` for up to
// the ring's spin time, and meanwhile takes completions out of the Go → C++ ring and delivers them itself,
// so that a round trip needs no wake-up of the ring thread (docs/ring.md, "Waiting callers help").
// Returns ready(arg)'s last value; false at once without a ring.
bool ring_help_wait(bool (*ready)(const void*), const void* arg) noexcept;

// An idle thread of the runtime's executor (ThreadPool's idle helper, set at start while the rings are in
// use): polls `ready(arg)` (a task was posted) for up to the ring's spin time, and meanwhile takes Go → C++
// calls out of the ring and handles them as the ring thread would, except that a call for this executor
// then runs right here, without a hand-over and its wake-up.
bool ring_help_executor(bool (*ready)(const void*), const void* arg) noexcept;

// Whether a C++ → Go call of a method with these MethodInfo::flags should use the ring.
bool ring_wanted(uint32_t method_flags) noexcept;
// The most payload (ring_call_size) a message over the ring can have: it may take several slots.
size_t ring_max_call_payload() noexcept;
// Sends a C++ → Go call over the ring, waiting while it is full. False if it cannot (too big for a slot,
// no ring, Go detached): the seam (transport.h) falls back to cgo. The call's memory is copied.
bool ring_send_call(const cxx2go_call& call, bool oneway) noexcept;
// Sends the completion of Go → C++ call `call_id` over the ring if it came over the ring. False: the seam
// uses cgo.
bool ring_send_completion(uint64_t call_id, int32_t code, const uint8_t* data, size_t len) noexcept;

// Asks Go to cancel C++ → Go call `call_id` over the ring if the call was sent over it (its id carries
// kRingCallBit). False: the seam uses cgo.
bool ring_send_cancel(uint64_t call_id) noexcept;

}  // namespace cxx2go::detail
