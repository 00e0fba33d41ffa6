// Direct calls: the runtime's half of @direct cpp methods (cxx2go/detail/direct.h, docs/design.md, "Direct
// calls") — the thread slots of the admission, the wait of stop() and unregister_service for the calls
// in flight, and the lookup Go makes once per method.
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>

#include "../core/core.h"
#include "cxx2go/detail/direct.h"
#include "direct_calls.h"

namespace cxx2go::detail {

constinit thread_local DirectThreadSlot* t_direct_slot = nullptr;
constinit std::atomic<bool> direct_calls_open{false};
constinit std::atomic<bool> direct_calls_fence{true};

// Every slot ever made, newest first: a slot is never freed (a waiter may be reading it), only given back
// when its thread exits and claimed again by a later thread.
constinit std::atomic<DirectThreadSlot*> direct_slots{nullptr};

// Gives this thread's slot back when the thread exits. A thread_local with a destructor costs a guard on
// every access, so the slot pointer itself is a plain thread_local and this object is touched only once.
struct DirectSlotRelease {
  ~DirectSlotRelease() {
    if (DirectThreadSlot* slot = t_direct_slot) {
      t_direct_slot = nullptr;
      slot->claimed.store(false, std::memory_order_release);
    }
  }
};

DirectThreadSlot* attach_direct_slot() noexcept {
  static thread_local DirectSlotRelease release;
  (void)&release;  // odr-use: constructs it, registering its destructor for this thread's exit
  DirectThreadSlot* slot = nullptr;
  for (DirectThreadSlot* s = direct_slots.load(std::memory_order_acquire); s != nullptr; s = s->next) {
    bool expected = false;
    if (s->claimed.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
      slot = s;
      break;
    }
  }
  if (slot == nullptr) {
    slot = new (std::nothrow) DirectThreadSlot;
    if (slot == nullptr) return nullptr;
    slot->claimed.store(true, std::memory_order_relaxed);
    DirectThreadSlot* head = direct_slots.load(std::memory_order_relaxed);
    do {
      slot->next = head;
    } while (!direct_slots.compare_exchange_weak(head, slot, std::memory_order_release, std::memory_order_relaxed));
  }
  t_direct_slot = slot;
  return slot;
}

void enable_asymmetric_direct_fence() noexcept {
#if defined(__SANITIZE_THREAD__)
  return;  // TSan cannot see membarrier()'s ordering: keep the sequentially consistent handshake it can
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  return;
#endif
#endif
  if (!direct_calls_fence.load()) return;
  // Registration is once per process and must come before the first MEMBARRIER_CMD_PRIVATE_EXPEDITED.
  const long supported = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  if (supported < 0 || (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) return;
  if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) != 0) return;
  direct_calls_fence.store(false);
}

// The waiter's half of the handshake, between its sequentially consistent store (clearing
// direct_calls_open or a binding) and its loads of the depths: after this, every direct call either sees
// what the caller changed, or has stored its depth where the caller reads it next.
void direct_heavy_barrier() noexcept {
  if (direct_calls_fence.load()) return;  // the calls announce themselves with seq_cst stores
  while (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) {
    if (errno != EINTR) {
      // Registered at start, so only a kernel that changed its mind gets here: fall back for good. A call
      // that read the flag before this store announced itself without a fence; 10 ms is far longer than a
      // store takes to leave a CPU's store buffer, so its depth is visible to the loads that follow.
      direct_calls_fence.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return;
    }
  }
}

bool wait_for_direct_calls(std::chrono::steady_clock::time_point deadline) noexcept {
  direct_heavy_barrier();
  const DirectThreadSlot* own = t_direct_slot;
  const uint64_t own_depth = own != nullptr ? own->depth.load(std::memory_order_relaxed) : 0;
  for (const DirectThreadSlot* s = direct_slots.load(std::memory_order_acquire); s != nullptr; s = s->next) {
    const uint64_t allowed = s == own ? own_depth : 0;  // calls of this thread that the waiter runs inside
    while (s->depth.load(std::memory_order_seq_cst) > allowed) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  return true;
}

Error at_boundary(Error error) noexcept {
  if (static_cast<int32_t>(error.code) > 0) [[likely]] return error;
  const int32_t code = static_cast<int32_t>(error.code);
  try {
    std::string message = "code " + std::to_string(code);
    if (!error.message.empty()) message += ": " + error.message;
    return Error(Code::unknown, std::move(message));
  } catch (...) {
    return Error(Code::unknown, {});  // out of memory: the code matters more than the message
  }
}

void fail_direct(Error error, cxx2go_direct_result* result) noexcept {
  error = at_boundary(std::move(error));
  result->code = static_cast<int32_t>(error.code);
  result->message = nullptr;
  result->message_len = 0;
  if (error.message.empty()) return;
  if (char* copy = static_cast<char*>(std::malloc(error.message.size())); copy != nullptr) {
    std::memcpy(copy, error.message.data(), error.message.size());
    result->message = copy;
    result->message_len = error.message.size();
  }
}

void refuse_direct(const MethodInfo& method, bool unbound, cxx2go_direct_result* result) noexcept {
  if (unbound) {
    return fail_direct(error_nothrow(Code::unknown_method,
                                     std::string("no registered service implements ") + method.name),
                       result);
  }
  if (t_direct_slot == nullptr) {
    return fail_direct(error_nothrow(Code::resource_exhausted, "no memory for the thread's direct-call slot"),
                       result);
  }
  fail_direct(not_running_error(core().state.load()), result);
}

Context direct_context(int64_t deadline_unix_nanos) noexcept {
  Context context;
  // inline_stop lives until the runtime is reset, which waits for every direct call.
  context.borrowed_ = &core().inline_stop;
  if (deadline_unix_nanos != 0) {
    context.deadline_ = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(deadline_unix_nanos)));
  }
  return context;
}

thread_local uint32_t t_direct_element_views = 0;

Result<void> call_go_direct(const MethodInfo& method, const uint64_t* words, const ViewList& views,
                            const Encoder* args, const CallOptions& options, cxx2go_direct_result* result) {
  if (args != nullptr && !args->ok()) return args->error();
  cxx2go_view all[CXX2GO_DIRECT_VIEWS];
  const size_t nviews = views.size() + (args != nullptr ? 1 : 0);
  if (nviews > CXX2GO_DIRECT_VIEWS) {
    return Error(Code::invalid_argument, std::string("more views than a direct call carries: ") + method.name);
  }
  std::copy(views.data(), views.data() + views.size(), all);
  if (args != nullptr) all[views.size()] = cxx2go_view{args->data(), args->size()};
  DirectAdmission admission;
  if (!admission.admitted()) {
    if (t_direct_slot == nullptr) return Error(Code::resource_exhausted, "no memory for the thread's direct-call slot");
    return not_running_error(core().state.load());
  }
  if (options.stop_token.stop_requested()) return cancelled_before_start_error();
  int64_t deadline = 0;
  if (options.deadline) {
    if (*options.deadline <= std::chrono::system_clock::now()) return deadline_passed_error();
    deadline = unix_nanos(*options.deadline);
  }
  const auto direct = core().go.direct;
  if (direct == nullptr) {
    return Error(Code::unimplemented, std::string("the Go peer does not take direct calls: ") + method.name);
  }
  *result = cxx2go_direct_result{};
  const CountedCall counted = maybe_count_call_start(method, Direction::cpp_to_go, 0);
  const uint32_t elements = method.element_views;
  if (elements != 0) [[unlikely]] t_direct_element_views = elements;
  {
    InGo in_go;
    direct(method.id, const_cast<char*>(method.name), const_cast<uint64_t*>(words), all,
           static_cast<uint32_t>(nviews), deadline, result);
  }
  if (elements != 0) [[unlikely]] t_direct_element_views = 0;
  maybe_count_call_end_here(counted, result->code, 0);
  if (result->code == CXX2GO_OK) [[likely]] return {};
  std::string message(result->message != nullptr ? result->message : "", result->message_len);
  std::free(result->message);
  result->message = nullptr;
  if (result->code <= 0) {  // the code space at the boundary: Go never sends these
    return Error(Code::protocol, std::string("Go answered code ") + std::to_string(result->code) + " to " + method.name);
  }
  return Error(static_cast<Code>(result->code), std::move(message));
}

}  // namespace cxx2go::detail

// ---- the C ABI (abi.h) ----

extern "C" cxx2go_direct_fn cxx2go_cpp_direct_entry(uint64_t method_id, int32_t* code, char** message) {
  using namespace cxx2go;
  using namespace cxx2go::detail;
  Error error;
  try {
    Core& c = core();
    if (const State s = c.state.load(); s != State::running) {
      error = not_running_error(s);
    } else {
      std::shared_lock lock(c.registry_mu);
      auto it = c.methods.find(method_id);
      if (it != c.methods.end() && it->second.entry->direct != nullptr) return it->second.entry->direct;
      char id[24];
      std::snprintf(id, sizeof id, "%#" PRIx64, method_id);
      error = Error(Code::unknown_method,
                    it == c.methods.end()
                        ? std::string("no registered service has the @direct method ") + id
                        : std::string(it->second.entry->info.name) +
                              " is not @direct in the C++ bindings (the Go and C++ bindings differ)");
    }
  } catch (...) {
    error = error_from_current_exception();
  }
  cxx2go_direct_result result{};
  fail_direct(std::move(error), &result);
  *code = result.code;
  *message = nullptr;
  if (result.message != nullptr) {  // NUL-terminated for the caller (abi.h)
    if (char* s = static_cast<char*>(std::realloc(result.message, result.message_len + 1)); s != nullptr) {
      s[result.message_len] = '\0';
      *message = s;
    } else {
      std::free(result.message);
    }
  }
  return nullptr;
}
