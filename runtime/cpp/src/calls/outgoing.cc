// C++ → Go calls: the caller's half (docs/design.md, "Calls / C++ → Go").
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "../core/core.h"
#include "../debug/live.h"
#include "../debug/metrics.h"
#include "../transport/transport.h"
#include "cxx2go/detail/call.h"
#include "direct_calls.h"
#include "receive.h"

namespace cxx2go::detail {

// ---- shared helpers ----

int64_t unix_nanos(std::chrono::system_clock::time_point t) noexcept {
  const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  return ns > 0 ? ns : 1;  // 0 means "no deadline" on the wire
}

// The text is Go's (context.DeadlineExceeded's), because a Go handler that returns its ctx.Err() answers
// with it: a caller reads the same error whichever side noticed the deadline first.
Error deadline_passed_error() noexcept { return error_nothrow(Code::deadline_exceeded, "context deadline exceeded"); }

// cxx2go_call.flags for a method: its CXX2GO_CALL_* bits, without the generated-code-only ones.
uint32_t wire_flags(const MethodInfo& method) noexcept {
  return method.flags & ~(kMethodInline | kMethodDirect | kMethodRing);
}

// The cxx2go_call of a call that Go has finished with when invoke/submit returns (synchronous or oneway):
// it points into the caller's arguments, which outlive that. call_id is 0 unless Go must be able to
// cancel the call by id; synchronous calls without one are reached by stop() through cancel(0). Always
// inlined: it is on every synchronous call's path, and out of line it costs a copy of the struct.
[[gnu::always_inline]] inline cxx2go_call borrowed_call(const MethodInfo& method, const Encoder& args, const ViewList& views, int64_t deadline,
                          uint64_t call_id) noexcept {
  cxx2go_call call{};
  call.method_id = method.id;
  call.method_name = method.name;
  call.call_id = call_id;
  call.deadline_unix_nanos = deadline;
  call.flags = wire_flags(method);
  call.nviews = views.size();
  call.args = args.data();
  call.args_len = args.size();
  call.views = views.data();
  return call;
}

Error cancelled_before_start_error() noexcept {
  return error_nothrow(Code::cancelled, "cancelled before the call started");
}

Result<void> check_can_call(const CallOptions& options) noexcept {
  const State s = core().state.load();
  if (s != State::running) return not_running_error(s);
  if (options.stop_token.stop_requested()) return cancelled_before_start_error();
  if (options.deadline && *options.deadline <= std::chrono::system_clock::now()) {
    return deadline_passed_error();
  }
  return {};
}

// ---- synchronous calls ----

// An unknown_method error names the method: the callee writes CXX2GO_UNNAMED_METHOD where it could not
// (abi.h), and the caller puts the name there.
std::string named_unknown_method(const MethodInfo& method, std::string message) {
  constexpr std::string_view unnamed = CXX2GO_UNNAMED_METHOD;
  if (const size_t at = message.find(unnamed); at != std::string::npos && method.name != nullptr) {
    message.replace(at, unnamed.size(), method.name);
  }
  return message;
}

// The Error a synchronous reply carries, or none. Checks that Go's reply is well-formed.
std::optional<Error> reply_error(const cxx2go_reply& r, const MethodInfo& method) {
  if (r.where == CXX2GO_REPLY_INLINE ? r.len > CXX2GO_REPLY_INLINE_CAP
                                     : r.where != CXX2GO_REPLY_MALLOC || (r.heap == nullptr && r.len != 0)) {
    return Error(Code::protocol, std::string("malformed reply from Go for ") + method.name);
  }
  if (r.code == CXX2GO_OK) return std::nullopt;
  if (r.code == CXX2GO_PENDING) {
    return Error(Code::protocol, std::string("Go answered PENDING to the synchronous call ") + method.name);
  }
  const uint8_t* p = r.where == CXX2GO_REPLY_MALLOC ? r.heap : r.inline_buf;
  std::string message(reinterpret_cast<const char*>(p), r.len);
  if (r.code == CXX2GO_UNKNOWN_METHOD) message = named_unknown_method(method, std::move(message));
  return Error(static_cast<Code>(r.code), std::move(message));
}

// ---- synchronous calls with a stop token ----
//
// Go can cancel a call only by id, and a synchronous call has none: stop() reaches it through cancel(0).
// One whose stop token can fire gets an id. Go lists its handler's context under it, as for an
// asynchronous call, and then calls cxx2go_cpp_sync_listed(id) on the calling thread; only then is the
// token watched, so that a cancellation never reaches Go before the id is listed. The handler still runs
// on the caller's thread (a re-entrant call back into C++ runs there too, as without a token).

struct CancelSyncById {
  uint64_t id;
  void operator()() const noexcept { send_cancel(core(), id); }
};

struct SyncStopWatch {
  uint64_t id;
  const std::stop_token& token;
  SyncStopWatch* outer;  // the watch of a stoppable call this thread is already in (re-entrancy)
  std::optional<std::stop_callback<CancelSyncById>> on_stop;
};

thread_local SyncStopWatch* t_sync_watch = nullptr;

Result<Reply> call_go_stoppable(const MethodInfo& method, const Encoder& args, const ViewList& views,
                                const std::stop_token& token, int64_t deadline, const TraceContext* trace) {
  if (token.stop_requested()) return cancelled_before_start_error();
  Core& c = core();
  if (Result<void> admitted = admit_call(c.outgoing_count); !admitted) return admitted.error();
  SyncStopWatch watch{c.last_outgoing_id.fetch_add(1, std::memory_order_relaxed) + 1, token, t_sync_watch, {}};

  cxx2go_call call = borrowed_call(method, args, views, deadline, watch.id);
  std::optional<TracedViews> traced;
  if (trace != nullptr) traced.emplace().attach(call, *trace);
  const CountedCall counted = maybe_count_wire_call_start(method, Direction::cpp_to_go, call);

  Reply reply;
  t_sync_watch = &watch;
  ++t_outgoing_depth;
  invoke(c, call, reply.raw_);
  --t_outgoing_depth;
  t_sync_watch = watch.outer;
  watch.on_stop.reset();  // Go has unlisted the id; waits for a callback running on another thread
  release_call(c.outgoing_count);
  maybe_count_call_end_here(counted, reply.raw_.code, reply.raw_.len);
  if (std::optional<Error> error = reply_error(reply.raw_, method)) return std::move(*error);
  return reply;
}

Result<Reply> call_go(const MethodInfo& method, const Encoder& args, const ViewList& views,
                      const CallOptions& options) {
  if (!args.ok()) return args.error();
  int64_t deadline = 0;
  if (options.deadline) {
    if (*options.deadline <= std::chrono::system_clock::now()) return deadline_passed_error();
    deadline = unix_nanos(*options.deadline);
  }
  Core& c = core();
  // An empty token and no trace context (the default) cost two pointer tests here, nothing more: a call
  // with either takes the out-of-line path, which keeps this frame small.
  if (options.stop_token.stop_possible() || options.trace != nullptr) [[unlikely]] {
    return call_go_stoppable(method, args, views, options.stop_token, deadline, options.trace.get());
  }
  if (Result<void> admitted = admit_call(c.outgoing_count); !admitted) return admitted.error();

  cxx2go_call call = borrowed_call(method, args, views, deadline, 0);
  const CountedCall counted = maybe_count_wire_call_start(method, Direction::cpp_to_go, call);

  Reply reply;
  ++t_outgoing_depth;
  invoke(c, call, reply.raw_);
  --t_outgoing_depth;
  release_call(c.outgoing_count);
  maybe_count_call_end_here(counted, reply.raw_.code, reply.raw_.len);

  const cxx2go_reply& raw = reply.raw_;
  if (raw.code == CXX2GO_OK && raw.where == CXX2GO_REPLY_INLINE && raw.len <= CXX2GO_REPLY_INLINE_CAP) {
    return reply;  // the common case, checked inline: a well-formed inline success
  }
  if (std::optional<Error> error = reply_error(raw, method)) return std::move(*error);
  return reply;
}

Result<void> submit_go_oneway(const MethodInfo& method, const Encoder& args, const ViewList& views,
                              const CallOptions& options) noexcept {
  if (!args.ok()) return args.error();
  if (options.stop_token.stop_requested()) return cancelled_before_start_error();
  int64_t deadline = 0;
  if (options.deadline) {
    if (*options.deadline <= std::chrono::system_clock::now()) return deadline_passed_error();
    deadline = unix_nanos(*options.deadline);
  }
  Core& c = core();
  if (Result<void> admitted = admit_call(c.outgoing_count); !admitted) return admitted;
  // The deadline reaches the handler's ctx; nothing else can end a oneway call.
  cxx2go_call call = borrowed_call(method, args, views, deadline, 0);
  call.flags |= CXX2GO_CALL_ONEWAY;
  std::optional<TracedViews> traced;
  if (options.trace != nullptr) {
    try {
      traced.emplace().attach(call, *options.trace);
    } catch (...) {
      release_call(c.outgoing_count);
      return error_from_current_exception();
    }
  }
  const CountedCall counted = maybe_count_wire_call_start(method, Direction::cpp_to_go, call);
  send_call(c, route_call(method.flags, call), call, true);
  release_call(c.outgoing_count);
  maybe_count_call_end_here(counted, CXX2GO_OK, 0);  // handed over: nothing comes back
  return {};
}

// ---- asynchronous calls ----
//
// A record is in core().outgoing from submission until Go's completion; the table owns one reference.
// Whoever else touches a record (cancellation, the deadline timer, stop) finds it by id under its shard's
// mutex and takes a reference first, because Go's completion may free it on another thread at any moment.
// Resolving the Future is decided by `settled_`: the completion and an abort race, the first one wins,
// and only the completion ever ends Go's use of the memory.

// Resolves the Future with Go's completion, unless an abort resolved it first.
void deliver_outgoing(OutgoingCall& call, int32_t code, const uint8_t* data, size_t len) noexcept {
  if (!book(call).settled.exchange(true)) call.deliver(code, data, len);
}
// Resolves the Future with `error` now, unless it is resolved already; true if this call resolved it.
bool abort_outgoing_record(OutgoingCall& call, Error error) noexcept {
  if (book(call).settled.exchange(true)) return false;
  call.abort(std::move(error));
  return true;
}
void ref_outgoing(OutgoingCall& call) noexcept { book(call).refs.fetch_add(1, std::memory_order_relaxed); }
void unref_outgoing(OutgoingCall* call) noexcept {
  if (book(*call).refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    delete call;
    core().record_count.fetch_sub(1);
  }
}

void* OutgoingCall::operator new(size_t size) {
  static_assert(sizeof(OutgoingBook) % __STDCPP_DEFAULT_NEW_ALIGNMENT__ == 0);
  void* block = ::operator new(sizeof(OutgoingBook) + size);
  void* object = static_cast<unsigned char*>(block) + sizeof(OutgoingBook);
  ::new (block) OutgoingBook();
  return object;
}

void OutgoingCall::operator delete(void* object) noexcept {
  OutgoingBook* b = book_at(object);
  b->~OutgoingBook();
  ::operator delete(static_cast<void*>(b));
}

OutgoingCall::~OutgoingCall() = default;

// Finds call `id` and takes a reference to it, or returns nullptr if Go already completed it.
OutgoingCall* find_outgoing(uint64_t id) noexcept {
  Core& c = core();
  OutgoingTable::Shard& shard = c.outgoing.shard(id);
  std::lock_guard lock(shard.mu);
  OutgoingCall* call = c.outgoing.find_locked(shard, id);
  if (call != nullptr) ref_outgoing(*call);
  return call;
}

// Resolves call `id`'s Future with `error` now, and asks Go to stop the handler. The record stays until
// Go completes: Go may still be reading the arguments.
void abort_outgoing(uint64_t id, Error error) noexcept {
  OutgoingCall* call = find_outgoing(id);
  if (call == nullptr) return;
  if (abort_outgoing_record(*call, std::move(error))) send_cancel(core(), id);
  unref_outgoing(call);
}

void cancel_go_async(uint64_t id) noexcept { abort_outgoing(id, error_nothrow(Code::cancelled, "cancelled")); }

// The deadline of call `id` passed: resolve its Future now. Go is not asked to cancel the handler: it
// holds the same deadline and ends the handler's context itself, as DeadlineExceeded, whereas a cancel
// from here would race Go's timer and usually overtake it (the handler would read context.Canceled).
void expire_go_async(uint64_t id) noexcept {
  OutgoingCall* call = find_outgoing(id);
  if (call == nullptr) return;
  abort_outgoing_record(*call, deadline_passed_error());
  unref_outgoing(call);
}

// CallOptions::stop_token fired: cancel call `id`, unless its deadline has passed, which makes this the
// deadline's (the caller's own deadline passed): then it expires, and Go ends the handler's ctx itself.
void stop_go_async(uint64_t id) noexcept {
  int64_t deadline = 0;
  if (OutgoingCall* call = find_outgoing(id); call != nullptr) {
    deadline = book(*call).call.deadline_unix_nanos;  // written before submission, never changed
    unref_outgoing(call);
  }
  if (deadline != 0 && unix_nanos(std::chrono::system_clock::now()) >= deadline) {
    expire_go_async(id);
  } else {
    cancel_go_async(id);
  }
}

void StopCallById::operator()() const noexcept { stop_go_async(id); }

void submit_go_async(const MethodInfo& method, const CallOptions& options,
                     std::unique_ptr<OutgoingCall> owned) noexcept {
  Core& c = core();
  OutgoingCall* call = owned.get();
  cxx2go_call& wire = book(*call).call;
  wire.method_id = method.id;
  wire.method_name = method.name;
  wire.deadline_unix_nanos = options.deadline ? unix_nanos(*options.deadline) : 0;
  wire.flags = wire_flags(method) & ~CXX2GO_CALL_ONEWAY;
  wire.nviews = call->views.size();
  wire.args = call->args.data();
  wire.args_len = call->args.size();
  wire.views = call->views.data();
  if (options.trace != nullptr) {
    try {
      book(*call).traced = std::make_unique<TracedViews>();
      book(*call).traced->attach(wire, *options.trace);
    } catch (...) {
      abort_outgoing_record(*call, error_from_current_exception());
      return;  // Go never saw the record: `owned` frees it
    }
  }
  // Whether the stop token needs a callback; empty tokens (most calls) pay nothing more.
  const bool stoppable = options.stop_token.stop_possible();
  std::optional<Error> refused;
  // Decided before the id exists: the id says it, and the call's cancellation and completion follow it.
  const Route route = route_call(method.flags, wire);
  {
    const uint64_t id = (c.last_outgoing_id.fetch_add(1, std::memory_order_relaxed) + 1) | route_bits(route);
    wire.call_id = id;
    OutgoingTable::Shard& shard = c.outgoing.shard(id);
    std::lock_guard lock(shard.mu);
    if (const State s = c.state.load(); s != State::running) {
      refused = not_running_error(s);
    } else {
      try {
        // The Future is still in the caller's hands, not cancelled: this only registers the callback.
        call->watch_cancel(id);
        c.outgoing.insert_locked(shard, call);
        c.outgoing_count.fetch_add(1);
        book(*call).method = &method;
        book(*call).submitted_ns = steady_now_ns();
        book(*call).metrics_started = maybe_count_wire_call_start(method, Direction::cpp_to_go, wire).started_ns;
        c.record_count.fetch_add(1);
        owned.release();  // the table owns it now
        // Kept until the stop callback is registered below: the completion may come first.
        if (stoppable) ref_outgoing(*call);
      } catch (...) {
        refused = error_from_current_exception();
      }
    }
  }
  if (refused) {
    abort_outgoing_record(*call, std::move(*refused));
    return;  // Go never saw the record: `owned` frees it
  }
  const uint64_t id = wire.call_id;
  if (options.deadline) {
    const auto wait = *options.deadline - std::chrono::system_clock::now();
    const auto when = std::chrono::steady_clock::now() +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait);
    try {
      book(*call).timer = c.timers->schedule(when, [id] { expire_go_async(id); });
    } catch (...) {
      // Without a timer, Go still enforces the deadline through the handler's context.
    }
  }
  // From here on the completion may free `call` on another thread (unless `stoppable` holds it). Over the
  // ring the arguments are copied into the slot; the record still lives until the completion
  // (cancellation relies on that).
  send_call(c, route, wire, false);
  if (stoppable) {
    // Only now: Go knows the id (cgo lists it before submit returns; over the ring the cancellation
    // follows the call), so a token that already fired cancels it right here, in the constructor.
    try {
      book(*call).on_stop.emplace(options.stop_token, StopCallById{id});
    } catch (...) {
      cancel_go_async(id);  // cannot watch the token: cancelling is the safe side
    }
    unref_outgoing(call);
  }
}

void abort_all_outgoing(const Error& error) noexcept {
  Core& c = core();
  // New calls are refused by now (stop() stored `stopping` first); completions may still remove some.
  std::vector<OutgoingCall*> calls;
  try {
    calls.reserve(c.outgoing.size());
  } catch (...) {
    return;  // out of memory: the futures resolve when Go completes the (cancelled) calls
  }
  c.outgoing.for_each([&calls](OutgoingCall* call) {
    if (calls.size() == calls.capacity()) return;  // cannot happen: the table only shrinks now
    ref_outgoing(*call);
    calls.push_back(call);
  });
  // Outside the lock: resolving a Future runs its continuations, which may call into the runtime.
  for (OutgoingCall* call : calls) {
    abort_outgoing_record(*call, error);
    unref_outgoing(call);
  }
}

void report_unfinished_outgoing() noexcept {
  Core& c = core();
  const size_t async_calls = c.outgoing.size();
  const uint64_t all = c.outgoing_count.load();
  if (all > t_outgoing_depth) {
    std::fprintf(stderr,
                 "cxx2go: stop: Go has not completed %llu call(s) after stop_timeout (%zu asynchronous); their "
                 "memory is kept until Go completes them, and leaked if it never does\n",
                 static_cast<unsigned long long>(all - t_outgoing_depth), async_calls);
  }
}

}  // namespace cxx2go::detail

namespace cxx2go::detail {

// Exactly once per submitted call, whichever transport carried it.
void receive_completion(uint64_t call_id, int32_t code, const uint8_t* data, size_t len) noexcept {
  try {
    Core& c = core();
    OutgoingCall* call = nullptr;
    {
      OutgoingTable::Shard& shard = c.outgoing.shard(call_id);
      std::lock_guard lock(shard.mu);
      call = c.outgoing.erase_locked(shard, call_id);
    }
    if (call == nullptr) return;  // unknown or duplicate: nothing to free twice
    if (const uint64_t timer = book(*call).timer; timer != 0) c.timers->cancel(timer);
    // Go is done with the call's memory. Counted out before resolving the Future, whose continuations may
    // call stop(), which would otherwise wait for this very call.
    release_call(c.outgoing_count);
    const MethodInfo* method = book(*call).method;
    if (method != nullptr) maybe_count_call_end(*method, Direction::cpp_to_go, code, len, book(*call).metrics_started);
    std::string named;
    if (code == CXX2GO_UNKNOWN_METHOD && method != nullptr) {
      try {
        named = named_unknown_method(*method, std::string(reinterpret_cast<const char*>(data), len));
        data = reinterpret_cast<const uint8_t*>(named.data());
        len = named.size();
      } catch (...) {  // no memory to name it: delivered as it came, never lost
      }
    }
    deliver_outgoing(*call, code, data, len);  // data is valid only now: decoded on the spot
    unref_outgoing(call);
  } catch (...) {
    report_uncaught_exception("cxx2go_cpp_complete");
  }
}

}  // namespace cxx2go::detail

// Completion of an asynchronous C++ → Go call over cgo (abi.h).
extern "C" void cxx2go_cpp_complete(uint64_t call_id, int32_t code, uint8_t* data, size_t len) {
  // The completion of a call sent over the ring comes this way when the ring thread sleeps (ring.go,
  // complete). Go took the call from the ring, so everything the caller wrote before publishing it
  // happens before this; ThreadSanitizer sees Go's side of the ring only through these annotations, which
  // the ring's own consumer makes when it reads a message (ring.h, front).
  if (cxx2go::detail::route_of(call_id) == cxx2go::detail::Route::ring) cxx2go::detail::ring_tsan_acquire();
  cxx2go::detail::receive_completion(call_id, code, data, len);
}

// Go has listed synchronous call `call_id` for cancellation (call_go_stoppable); on the calling thread.
extern "C" void cxx2go_cpp_sync_listed(uint64_t call_id) {
  using namespace cxx2go::detail;
  SyncStopWatch* watch = t_sync_watch;
  if (watch == nullptr || watch->id != call_id || watch->on_stop) return;
  try {
    watch->on_stop.emplace(watch->token, CancelSyncById{call_id});  // cancels at once if it already fired
  } catch (...) {
    cgo_send_cancel(core(), call_id);  // cannot watch the token: cancelling is the safe side
  }
}
