// The transport seam: how the call layer (calls/) reaches Go, whatever carries the bytes
// (docs/design.md, "The C++ runtime: layers and the transport seam").
//
// Down, from the call layer to a transport:
//   invoke        a synchronous C++ → Go call: the Go handler runs on this thread (cgo only: a ring
//                 message would need a second thread to run it);
//   send_call     an asynchronous or oneway C++ → Go call;
//   send_completion  the answer of a Go → C++ call that was left pending;
//   send_cancel   the cancellation of a C++ → Go call.
// Up, from a transport to the call layer: calls/receive.h (receive_call, receive_completion,
// receive_cancel), the same functions the C ABI's entry points (cxx2go_cpp_invoke, …) call for cgo.
// Waiting: a transport may lend a waiting thread work to do (the Future's wait helper, core/wait_helper.h,
// and an executor's idle helper), installed by start().
//
// A call's transport (its Route) is chosen once, when the call is made, and is part of its id
// (kRingCallBit), so that its completion and cancellation take the same way without a lookup. The choice
// is an enum and these functions are inline: a call pays a compare, never an indirect call. A transport
// that cannot carry a message (a ring slot too small, Go detached from the ring) falls back to cgo, which
// carries everything. A further transport (one to another process) adds a Route and its branch here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "../core/core.h"
#include "../exec/executors.h"
#include "../exec/spin_wait.h"
#include "cxx2go/abi.h"
#include "cxx2go/detail/activity.h"
#include "ring.h"
#include "ring_transport.h"

namespace cxx2go::detail {

enum class Route : uint8_t { cgo, ring };

// The transport a call with this id travels by.
inline Route route_of(uint64_t call_id) noexcept { return (call_id & kRingCallBit) != 0 ? Route::ring : Route::cgo; }
// The bits of a call id that say `route`.
inline uint64_t route_bits(Route route) noexcept { return route == Route::ring ? kRingCallBit : 0; }

// The transport for a new asynchronous or oneway C++ → Go call of a method with these MethodInfo::flags:
// the ring when it runs, the method wants it (CXX2GO_TRANSPORT, @transport(ring)) and the call fits the ring.
inline Route route_call(uint32_t method_flags, const cxx2go_call& call) noexcept {
  return ring_wanted(method_flags) && ring_call_size(call) <= ring_max_call_payload() ? Route::ring : Route::cgo;
}

// ---- cgo: the Go peer's entry points (abi.h) ----

// Always inlined: on every synchronous call's path.
[[gnu::always_inline]] inline void cgo_invoke(Core& c, cxx2go_call& call, cxx2go_reply& reply) noexcept {
  InGo in_go;
  c.go.invoke(&call, &reply);
}
inline void cgo_send_call(Core& c, const cxx2go_call& call) noexcept {
  // Go may run the handler before submit returns; a stop() inside it must not wait for this call.
  ++t_outgoing_depth;
  InGo in_go;
  c.go.submit(const_cast<cxx2go_call*>(&call));  // Go copies what it needs before returning (abi.h)
  --t_outgoing_depth;
}
inline void cgo_send_completion(Core& c, uint64_t call_id, int32_t code, const uint8_t* data, size_t len) noexcept {
  InGo in_go;
  c.go.complete(call_id, code, const_cast<uint8_t*>(data), len);  // Go copies data before returning (abi.h)
}
inline void cgo_send_cancel(Core& c, uint64_t call_id) noexcept {
  InGo in_go;
  c.go.cancel(call_id);
}

// ---- the seam ----

[[gnu::always_inline]] inline void invoke(Core& c, cxx2go_call& call, cxx2go_reply& reply) noexcept {
  cgo_invoke(c, call, reply);
}

// `call.call_id` is 0 for a oneway call; otherwise its route_bits say `route`.
inline void send_call(Core& c, Route route, const cxx2go_call& call, bool oneway) noexcept {
  if (route == Route::ring && ring_send_call(call, oneway)) return;
  cgo_send_call(c, call);
}

inline void send_completion(Core& c, uint64_t call_id, int32_t code, const uint8_t* data, size_t len) noexcept {
  if (route_of(call_id) == Route::ring && ring_send_completion(call_id, code, data, len)) return;
  cgo_send_completion(c, call_id, code, data, len);  // Go's complete takes the ids of ring calls too
}

inline void send_cancel(Core& c, uint64_t call_id) noexcept {
  if (route_of(call_id) == Route::ring && ring_send_cancel(call_id)) return;
  cgo_send_cancel(c, call_id);
}

// ---- life cycle (start() and stop()) ----

// Starts the transports beyond cgo (after Go is attached, before the state becomes running) and lends
// their work to waiting threads (docs/ring.md, "Waiting callers help"): idle executor threads take Go → C++
// ring calls and run them, and a thread waiting for a Future delivers ring completions itself.
inline Result<void> start_transports(Core& c) {
  if (Result<void> ring = ring_start(c); !ring) return ring;
  set_idle_helper(c.pool.get(), &ring_help_executor);
  g_wait_helper.store(&ring_help_wait, std::memory_order_release);
  return {};
}

// Lets them serve Go's calls, once the state is running (a call taken earlier would be refused, and its
// answer could not be sent yet).
inline void serve_transports() noexcept { ring_serve(); }

// Stops them once calls have drained and the executors are joined (their last answers may still use them).
inline void stop_transports(Core& c, std::chrono::steady_clock::time_point deadline) noexcept {
  ring_stop(c, deadline);
  set_idle_helper(nullptr, nullptr);
  g_wait_helper.store(nullptr, std::memory_order_release);
}

// True on a thread a transport owns, where stop() must not run: it joins that thread.
inline bool on_transport_thread() noexcept { return ring_is_current_thread(); }

}  // namespace cxx2go::detail
