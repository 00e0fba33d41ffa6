// The transport seam, upwards: what a transport delivers to the call layer (transport/transport.h has the
// downward half). cgo's entry points (abi.h: cxx2go_cpp_invoke, cxx2go_cpp_complete, cxx2go_cpp_cancel)
// and the ring's consumers call the same functions, so that a call is handled once whatever carried it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "cxx2go/abi.h"
#include "cxx2go/error.h"

namespace cxx2go::detail {

// A Go → C++ call. Answers in `reply` now, or leaves CXX2GO_PENDING there (when call.flags allow it) and
// answers later through send_completion. Copies what it keeps before returning.
void receive_call(const cxx2go_call& call, cxx2go_reply& reply) noexcept;
// Go's completion of asynchronous C++ → Go call `call_id` (data is valid only during the call).
void receive_completion(uint64_t call_id, int32_t code, const uint8_t* data, size_t len) noexcept;
// Go cancelled Go → C++ call `call_id`.
void receive_cancel(uint64_t call_id) noexcept;

// An answer to a call that could not be read (a malformed message): `error` written into `reply`.
void write_incoming_error(cxx2go_reply& reply, const Error& error) noexcept;

// A transport whose calls may be taken by another thread before receive_call lists them for cancellation
// (the ring's helping executor threads) notes each one as in hand first, so that a receive_cancel
// meanwhile is applied when it is listed; forget_call_in_hand drops the note if it never was.
bool note_call_in_hand(uint64_t call_id) noexcept;
void forget_call_in_hand(uint64_t call_id) noexcept;

}  // namespace cxx2go::detail
