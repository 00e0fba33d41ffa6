// cxx2go/detail/direct.h — what the generated cxx2go_direct_fn of a @direct cpp method uses (abi.h, docs/design.md,
// "Direct calls"): the implementation bound to the service, and an admission that costs no atomic
// read-modify-write, so that a direct call pays little more than the cgo call that carries it.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cxx2go/abi.h"
#include "cxx2go/context.h"
#include "cxx2go/detail/activity.h"
#include "cxx2go/detail/call_metrics.h"
#include "cxx2go/detail/call.h"
#include "cxx2go/error.h"

namespace cxx2go {

class Service;

namespace detail {

// The implementation the @direct methods of one service call: set by register_service and cleared by
// unregister_service, which then waits until no direct call can still use it (wait_for_direct_calls).
// Generated code defines one per service that has @direct methods.
struct DirectBinding {
  std::atomic<Service*> impl{nullptr};
};

// How many direct calls one thread is inside (more than one when a direct call calls back into Go, which
// makes another). Slots are listed for ever and reused by later threads; each is on its own cache line,
// written only by its thread.
struct alignas(64) DirectThreadSlot {
  std::atomic<uint64_t> depth{0};
  std::atomic<bool> claimed{false};
  DirectThreadSlot* next = nullptr;
};

// This thread's slot, or null before its first direct call.
extern constinit thread_local DirectThreadSlot* t_direct_slot;
// Claims a slot for this thread; null when there is no memory for one.
DirectThreadSlot* attach_direct_slot() noexcept;

// True while the runtime runs: start() opens, stop() closes before it waits for direct calls.
extern constinit std::atomic<bool> direct_calls_open;
// False once the process has registered for membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED): the side that
// waits (stop, unregister_service) then makes every running thread execute a full barrier, and a direct
// call needs only a compiler barrier between announcing itself and reading the state. Without it (an
// old kernel, a seccomp policy, ThreadSanitizer builds), a direct call announces itself with a
// sequentially consistent store: the handshake is then plain Dekker, which TSan can follow.
extern constinit std::atomic<bool> direct_calls_fence;

// Admits one direct call, the asymmetric Dekker handshake with stop() and unregister_service():
// a call stores its thread's depth, then reads direct_calls_open and the binding; the waiter clears one of
// them, runs membarrier() (a barrier on every thread) and then reads the depths. Either the call sees it
// cleared and backs out, or the waiter sees the call and waits for it.
class DirectAdmission {
 public:
  [[gnu::always_inline]] DirectAdmission() noexcept {
    slot_ = t_direct_slot;
    if (slot_ == nullptr) [[unlikely]] {
      slot_ = attach_direct_slot();
      if (slot_ == nullptr) return;
    }
    depth_ = slot_->depth.load(std::memory_order_relaxed);
    if (direct_calls_fence.load(std::memory_order_relaxed)) [[unlikely]] {
      slot_->depth.store(depth_ + 1, std::memory_order_seq_cst);
    } else {
      slot_->depth.store(depth_ + 1, std::memory_order_relaxed);
      std::atomic_signal_fence(std::memory_order_seq_cst);  // the waiter's membarrier() orders the CPU
    }
    // Sequentially consistent loads (a plain load on x86) for the fallback's Dekker handshake.
    open_ = direct_calls_open.load(std::memory_order_seq_cst);
  }
  [[gnu::always_inline]] ~DirectAdmission() {
    if (slot_ != nullptr) slot_->depth.store(depth_, std::memory_order_release);
  }
  DirectAdmission(const DirectAdmission&) = delete;
  DirectAdmission& operator=(const DirectAdmission&) = delete;

  // Admitted: the runtime runs, and what the call reads after this stays alive until it ends.
  bool admitted() const noexcept { return open_; }

 private:
  DirectThreadSlot* slot_ = nullptr;
  uint64_t depth_ = 0;
  bool open_ = false;
};

// The slow paths of run_direct (src/calls/direct.cc): the result of a refused call (not running, no
// memory for a slot, the service unregistered), and of a failed one — with the code space at the
// boundary applied (a code <= 0 goes as Code::unknown) and the message malloc()ed for the caller.
void refuse_direct(const MethodInfo& method, bool unbound, cxx2go_direct_result* result) noexcept;
void fail_direct(Error error, cxx2go_direct_result* result) noexcept;

// The Context of a direct call: the runtime's inline stop source (fired by stop()) and the caller's
// deadline (unix nanoseconds, 0 for none). A direct call is not cancelled by its Go context.
Context direct_context(int64_t deadline_unix_nanos) noexcept;

// The words of a direct call's result, as the generated call fills them.
using DirectResultWords = uint64_t[CXX2GO_DIRECT_RESULT_WORDS];

// Stores a successful answer 16 bytes at a time. The caller (the C that cgo generates) copies the result
// in 16-byte loads right after the call, and a load that spans two smaller stores waits until they reach
// the cache: a store-forwarding stall per load, which made a direct call with a 3-word result ~20 ns slower
// than one without (bench gohost, "small struct" vs "empty").
inline void store_direct_result(cxx2go_direct_result* result, const DirectResultWords& words) noexcept {
  static_assert(offsetof(cxx2go_direct_result, code) == 32 && offsetof(cxx2go_direct_result, message) == 40 &&
                offsetof(cxx2go_direct_result, message_len) == 48);
#if defined(__SSE2__)
  auto* p = reinterpret_cast<__m128i*>(result);
  _mm_storeu_si128(p, _mm_set_epi64x(static_cast<long long>(words[1]), static_cast<long long>(words[0])));
  _mm_storeu_si128(p + 1, _mm_set_epi64x(static_cast<long long>(words[3]), static_cast<long long>(words[2])));
  _mm_storeu_si128(p + 2, _mm_setzero_si128());  // code = CXX2GO_OK, its padding, message = NULL
#else
  for (size_t i = 0; i < CXX2GO_DIRECT_RESULT_WORDS; ++i) result->words[i] = words[i];
  result->code = CXX2GO_OK;
  result->message = nullptr;
#endif
  result->message_len = 0;
}

// The body of every generated cxx2go_direct_fn: admits the call, finds the bound implementation, and runs
// `call(impl, context, words)`, which calls the method and fills `words` with its result; a failure,
// thrown or returned, becomes result->code and result->message. Never throws.
template <class Impl, class Call>
void run_direct(const DirectBinding& binding, const MethodInfo& method, int64_t deadline,
                cxx2go_direct_result* result, Call&& call) noexcept {
  DirectAdmission admission;
  if (!admission.admitted()) [[unlikely]] return refuse_direct(method, false, result);
  Service* impl = binding.impl.load(std::memory_order_seq_cst);
  if (impl == nullptr) [[unlikely]] return refuse_direct(method, true, result);
  ServingMethod serving(method);
  const CountedCall counted = maybe_count_call_start(method, Direction::go_to_cpp, 0);
  try {
    DirectResultWords words = {};
    Result<void> done = std::forward<Call>(call)(static_cast<Impl&>(*impl), direct_context(deadline), words);
    if (!done) [[unlikely]] {
      fail_direct(std::move(done).error(), result);
    } else {
      store_direct_result(result, words);
    }
  } catch (...) {
    fail_direct(error_from_current_exception(), result);
  }
  maybe_count_call_end_here(counted, result->code, 0);
}

// A synchronous C++ → Go call of a @direct go method: Go runs the handler on this thread, found by id
// without a call record, and answers in words (result->words). `views` are the view arguments, `args` the
// encoded ones (null for none); all borrowed for the call. Fails without crossing like call_go (not
// running, deadline passed, token stopped); a stop token that fires during the call is not seen, but the
// handler's context ends when the runtime stops.
Result<void> call_go_direct(const MethodInfo& method, const uint64_t* words, const ViewList& views,
                            const Encoder* args, const CallOptions& options, cxx2go_direct_result* result);

// One leaf of a flat argument or result as a word, and back (abi.h: each scalar, enum or bool in a word).
template <class T>
uint64_t to_direct_word(T value) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? 1 : 0;
  } else if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<uint32_t>(value);
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<uint64_t>(value);
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<uint64_t>(static_cast<std::underlying_type_t<T>>(value));
  } else {
    return static_cast<uint64_t>(value);
  }
}
template <class T>
T from_direct_word(uint64_t word) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    return word != 0;
  } else if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<float>(static_cast<uint32_t>(word));
  } else if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<double>(word);
  } else if constexpr (std::is_enum_v<T>) {
    return static_cast<T>(static_cast<std::underlying_type_t<T>>(word));
  } else {
    return static_cast<T>(word);
  }
}

// A struct field of a @direct call's argument from its view (abi.h): the field owns a copy.
// Constructed and moved in, as c2g_decode does (codec.h).
inline void assign_view(std::string& field, std::string_view view) { field = std::string(view); }
template <class T>
void assign_view(std::vector<T>& field, std::span<const T> view) {
  field = std::vector<T>(view.begin(), view.end());
}

}  // namespace detail
}  // namespace cxx2go
