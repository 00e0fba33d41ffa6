// cxx2go/detail/call.h — the C++ half of every cross-language call, as generated code sees it.
//
// C++ → Go (a `go service`): call_go (sync), call_go_async (Future), call_go_oneway.
// Go → C++ (a `cpp service`): the runtime hands each call to a generated InvokeFn as an IncomingCall.
//
// Ownership at this boundary (docs/design.md has the user-facing table):
//  - call_go borrows the Encoder's bytes and the ViewList's memory for the duration of the call; Go copies
//    what it keeps. The Reply owns the result bytes.
//  - call_go_async moves the owned arguments into a heap record whose address is stable; views point into
//    it. The record lives until Go's completion arrives, even when the Future is cancelled or destroyed
//    first (Go may still be reading it): cancellation resolves the Future at once, never frees early.
//  - An IncomingCall's args and views are borrowed from Go for the duration of the InvokeFn when the call
//    runs inline, and owned copies otherwise. shared() makes them owned before anything can outlive the
//    InvokeFn, so a std::shared_ptr<IncomingCall> never refers to Go memory.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "cxx2go/abi.h"
#include "cxx2go/context.h"
#include "cxx2go/detail/wire.h"
#include "cxx2go/error.h"
#include "cxx2go/future.h"

namespace cxx2go {

class Service;

namespace detail {

// MethodInfo::flags bit of @inline cpp methods (abi.h: CXX2GO_METHOD_INLINE, never sent in a call).
inline constexpr uint32_t kMethodInline = CXX2GO_METHOD_INLINE;

// One method, as generated code declares it (a constant per method).
struct MethodInfo {
  uint64_t id;       // fingerprint of the canonical signature (docs/design.md)
  const char* name;  // "package.Service.method", static storage
  uint32_t flags;    // CXX2GO_CALL_ONEWAY | kMethodInline
};

// The view arguments of one call (string, bytes, list<number>), in parameter order: pointers to the
// caller's memory, never copies. Up to kInlineViews need no allocation.
class ViewList {
 public:
  static constexpr size_t kInlineViews = 16;

  ViewList() noexcept = default;
  // It points into memory the caller keeps in place; copying it would only hide a lifetime mistake.
  ViewList(const ViewList&) = delete;
  ViewList& operator=(const ViewList&) = delete;

  void add(std::string_view s) { push(s.data(), s.size()); }
  // A list<T> of numbers (or bytes, T = uint8_t). list<bool> is encoded, not viewed: std::vector<bool>
  // has no contiguous storage.
  template <class T>
    requires(std::is_arithmetic_v<T> && !std::is_same_v<std::remove_cv_t<T>, bool>)
  void add(std::span<const T> s) {
    push(s.data(), s.size_bytes());  // abi.h: cxx2go_view.len is in bytes for every kind
  }
  template <class T>
    requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
  void add(const std::vector<T>& v) {
    add(std::span<const T>(v));
  }

  const cxx2go_view* data() const noexcept { return overflow_.empty() ? inline_ : overflow_.data(); }
  uint32_t size() const noexcept { return size_; }

 private:
  void push(const void* p, size_t len) {
    const cxx2go_view v{len == 0 ? nullptr : p, len};
    if (size_ < kInlineViews) {
      inline_[size_++] = v;
      return;
    }
    if (overflow_.empty()) overflow_.assign(inline_, inline_ + kInlineViews);
    overflow_.push_back(v);
    ++size_;
  }

  cxx2go_view inline_[kInlineViews];
  std::vector<cxx2go_view> overflow_;  // all views, once there are more than kInlineViews
  uint32_t size_ = 0;
};

// The result bytes of a successful synchronous call. Owns them: frees a malloc()ed payload.
// Inline: every synchronous call builds one and moves it into its Result (docs/design.md, "Per-call cost").
class Reply {
 public:
  Reply() noexcept { reset(); }
  Reply(Reply&& other) noexcept {
    reset();
    *this = std::move(other);
  }
  Reply& operator=(Reply&& other) noexcept {
    if (this == &other) return *this;
    if (raw_.where == CXX2GO_REPLY_MALLOC) std::free(raw_.heap);
    raw_.code = other.raw_.code;
    raw_.where = other.raw_.where;
    raw_.heap = other.raw_.heap;
    raw_.len = other.raw_.len;
    if (raw_.where == CXX2GO_REPLY_INLINE && raw_.len != 0) std::memcpy(raw_.inline_buf, other.raw_.inline_buf, raw_.len);
    other.reset();
    return *this;
  }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply() {
    if (raw_.where == CXX2GO_REPLY_MALLOC) std::free(raw_.heap);
  }

  std::span<const uint8_t> bytes() const noexcept {
    if (raw_.where == CXX2GO_REPLY_MALLOC) return {raw_.heap, raw_.len};
    return {raw_.inline_buf, raw_.len};
  }
  Decoder decoder() const noexcept { return Decoder(bytes()); }

 private:
  friend struct ReplyAccess;
  void reset() noexcept {
    raw_.code = CXX2GO_OK;
    raw_.where = CXX2GO_REPLY_INLINE;
    raw_.heap = nullptr;
    raw_.len = 0;
  }

  cxx2go_reply raw_;
};

// Synchronous C++ → Go call: runs the Go handler on this thread and returns its result bytes.
// Fails without crossing when the runtime is not running (Code::not_started / Code::stopped), when the
// deadline has passed (Code::deadline_exceeded), when the stop token has fired (Code::cancelled), or when
// `args` failed (its error). With a stop token that can fire, the call has an id Go can cancel it by
// (the handler still runs on this thread).
Result<Reply> call_go(const MethodInfo& method, const Encoder& args, const ViewList& views,
                      const CallOptions& options);

// ---- asynchronous C++ → Go calls ----

// The callback of an asynchronous call's CallOptions::stop_token: cancels call `id` (stop_go_async).
struct StopCallById {
  uint64_t id;
  void operator()() const noexcept;
};

// The heap record of an asynchronous C++ → Go call: what Go reads until it completes. Generated code
// never sees it; call_go_async builds one.
class OutgoingCall {
 public:
  OutgoingCall(const OutgoingCall&) = delete;
  OutgoingCall& operator=(const OutgoingCall&) = delete;
  virtual ~OutgoingCall();

  Encoder args;
  ViewList views;

 protected:
  OutgoingCall() = default;

 private:
  friend struct OutgoingAccess;
  friend class OutgoingTable;
  // Go's completion: decodes into the Future (data is valid only during the call).
  virtual void deliver(int32_t code, const uint8_t* data, size_t len) noexcept = 0;
  // Resolves the Future with `error` without waiting for Go (cancellation, deadline, stop).
  virtual void abort(Error error) noexcept = 0;
  // Arranges for cancel_go_async(id) to run when the Future is cancelled or destroyed.
  virtual void watch_cancel(uint64_t id) = 0;

  cxx2go_call call_{};
  uint64_t timer_ = 0;                // deadline timer, 0 if none
  // Registered on CallOptions::stop_token after submission, when it can fire; destroyed with the record.
  std::optional<std::stop_callback<StopCallById>> on_stop_;
  std::atomic<uint32_t> refs_{1};     // the table of calls in flight holds one; stop/cancel briefly another
  std::atomic<bool> settled_{false};  // the Future was resolved (by deliver or abort: whoever is first)
  OutgoingCall* table_next_ = nullptr;  // the next call in its chain of the table of calls in flight
};

// Fails when a call cannot start: runtime not running, or options' deadline already passed.
Result<void> check_can_call(const CallOptions& options) noexcept;
// Registers `call` and submits it to Go. On failure the Future is resolved with the error and the record
// freed at once (Go never saw it); otherwise it is freed when Go completes.
void submit_go_async(const MethodInfo& method, const CallOptions& options, std::unique_ptr<OutgoingCall> call) noexcept;
// The Future of call `id` was cancelled: resolve it now and ask Go to cancel the handler.
void cancel_go_async(uint64_t id) noexcept;

// DecodeFn of call_go_async<void>: results of void methods carry no bytes (finish() checks that).
struct DecodeNothing {
  bool operator()(Decoder&) const noexcept { return true; }
};

template <class T, class Owned, class DecodeFn>
class OutgoingCallOf final : public OutgoingCall {
 public:
  OutgoingCallOf(Owned&& owned_args, DecodeFn decode) : owned(std::move(owned_args)), decode_(std::move(decode)) {}

  Owned owned;  // the call's arguments; `views` may point into them
  Promise<T> promise;

 private:
  void deliver(int32_t code, const uint8_t* data, size_t len) noexcept override {
    try {
      if (code != CXX2GO_OK) {
        promise.set_error(Error(static_cast<Code>(code), std::string(reinterpret_cast<const char*>(data), len)));
        return;
      }
      Decoder d(data, len);
      if constexpr (std::is_void_v<T>) {
        const bool ok = decode_(d) && d.finish();
        if (ok) promise.set_value();
        if (!ok) promise.set_error(decode_error(d));
      } else {
        T value{};
        const bool ok = decode_(d, value) && d.finish();
        if (ok) promise.set_value(std::move(value));
        if (!ok) promise.set_error(decode_error(d));
      }
    } catch (...) {
      promise.set_error(error_from_current_exception());
    }
  }
  void abort(Error error) noexcept override {
    try {
      promise.set_error(std::move(error));
    } catch (...) {
      promise.set_error(error_from_current_exception());
    }
  }
  void watch_cancel(uint64_t id) override {
    // Only the id: the record may be gone by the time the Future is cancelled.
    promise.on_cancel([id] { cancel_go_async(id); });
  }
  static Error decode_error(const Decoder& d) {
    return d.ok() ? Error(Code::protocol, "the result was rejected by its decoder") : d.error();
  }

  DecodeFn decode_;
};

// Asynchronous C++ → Go call. `owned` (a struct of the owned arguments) moves into the call's heap
// record; then prepare(const Owned&, Encoder&, ViewList&) encodes the arguments, with views pointing
// into the record. decode(Decoder&, T&) -> bool decodes the result (decode(Decoder&) -> bool for
// T = void, e.g. DecodeNothing); the runtime checks finish() after it. The Future resolves with the
// result, or at once with Code::cancelled when cancelled/destroyed, Code::deadline_exceeded at the
// deadline, Code::stopped when the runtime stops.
template <class T, class Owned, class Prepare, class DecodeFn>
Future<T> call_go_async(const MethodInfo& method, CallOptions options, Owned&& owned, Prepare prepare,
                        DecodeFn decode) {
  using O = std::remove_cvref_t<Owned>;
  if (Result<void> can = check_can_call(options); !can) return make_ready_future<T>(can.error());
  try {
    auto call = std::make_unique<OutgoingCallOf<T, O, DecodeFn>>(O(std::forward<Owned>(owned)), std::move(decode));
    prepare(std::as_const(call->owned), call->args, call->views);
    if (!call->args.ok()) return make_ready_future<T>(call->args.error());
    Future<T> future = call->promise.get_future();
    submit_go_async(method, options, std::move(call));
    return future;
  } catch (...) {
    return make_ready_future<T>(error_from_current_exception());
  }
}

// Oneway C++ → Go call: Go copies the arguments before this returns; the result only says whether the
// call was accepted. Same Owned/Prepare contract as call_go_async. The handler's ctx carries the options'
// deadline; their stop token is checked only before the call is handed over (Code::cancelled).
Result<void> submit_go_oneway(const MethodInfo& method, const Encoder& args, const ViewList& views,
                              const CallOptions& options) noexcept;

template <class Owned, class Prepare>
Result<void> call_go_oneway(const MethodInfo& method, const CallOptions& options, Owned&& owned, Prepare prepare) {
  Encoder args;
  ViewList views;
  prepare(std::as_const(owned), args, views);
  if (!args.ok()) return args.error();
  return submit_go_oneway(method, args, views, options);
}

// ---- Go → C++ calls ----

class IncomingCall;
struct IncomingAccess;

// Runs one method of a cpp service: decodes the call, calls the implementation, and answers with
// reply()/fail() — now, or later through shared(). Never throws (generated thunks catch everything).
using InvokeFn = void (*)(Service&, IncomingCall&) noexcept;

struct MethodEntry {
  MethodInfo info;
  InvokeFn invoke;
};

// What a generated service class describes about itself (Service::cxx2go_descriptor()).
struct ServiceDescriptor {
  const char* name;  // "package.Service"
  bool affine;       // @affine: every call on one dedicated thread
  const MethodEntry* methods;
  size_t method_count;
};

// One call from Go to a C++ implementation. Answered exactly once: the first reply()/fail() wins, and a
// call dropped without an answer fails with Code::internal (Code::stopped when the runtime stops).
class IncomingCall : public std::enable_shared_from_this<IncomingCall> {
  struct Key {  // restricts construction to the runtime, while allowing std::make_shared
    explicit Key() = default;
  };

 public:
  IncomingCall(const IncomingCall&) = delete;
  IncomingCall& operator=(const IncomingCall&) = delete;
  ~IncomingCall();

  // The encoded non-view arguments.
  Decoder args() const noexcept { return Decoder(args_, args_len_); }

  // View arguments, in parameter order. Bindings of one schema agree on them (the method id fingerprints
  // the parameter list), so an index out of range, or a size/alignment that does not fit T, reads as empty.
  size_t view_count() const noexcept { return nviews_; }
  std::string_view view_string(size_t i) const noexcept {
    const cxx2go_view v = view(i);
    return {static_cast<const char*>(v.data), v.len};
  }
  std::span<const uint8_t> view_bytes(size_t i) const noexcept {
    const cxx2go_view v = view(i);
    return {static_cast<const uint8_t*>(v.data), v.len};
  }
  template <class T>
    requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
  std::span<const T> view_list(size_t i) const noexcept {
    const cxx2go_view v = view(i);
    if (v.len % sizeof(T) != 0 || reinterpret_cast<uintptr_t>(v.data) % alignof(T) != 0) return {};
    return {static_cast<const T*>(v.data), v.len / sizeof(T)};
  }

  // Cancelled when Go cancels the call (its context ended) or the runtime stops; carries the deadline.
  const Context& context() const noexcept { return context_; }
  const MethodInfo& method() const noexcept;
  // True when the caller waits for the answer on its thread (an @inline method, or a caller that cannot
  // wait asynchronously): an answer through shared() then blocks the caller until it is given.
  bool sync_only() const noexcept { return sink_ == Sink::reply && !may_pend_; }

  // Answers with the result's encoding (a failed Encoder answers with its error).
  void reply(const Encoder& result) noexcept;
  // Answers with an empty result (a method without one): reply(Encoder()) without building the Encoder.
  void reply_empty() noexcept;
  // Answers with an error. A code <= 0 (Code::ok, negative numbers) is sent as Code::unknown with the
  // message "code N: <message>" (docs/design.md, "The code space at the boundary").
  void fail(Error error) noexcept;

  // Keeps the call for an answer after the InvokeFn returns. A call running inline on Go's memory is first
  // copied (arguments and views), so the returned call never refers to Go memory. After shared(), answer
  // through the returned pointer only.
  std::shared_ptr<IncomingCall> shared();

  // Where the answer goes. Public only for std::make_shared; the runtime builds calls.
  enum class Sink : uint8_t {
    reply,       // into the caller's cxx2go_reply, before cxx2go_cpp_invoke returns
    completion,  // through entry_points.complete(call_id)
    none,        // a oneway call: nobody is waiting
    waiter,      // into the caller's cxx2go_reply, then wake cxx2go_cpp_invoke waiting for it
  };
  struct Waiter;
  IncomingCall(Key, std::shared_ptr<Service> service, const MethodEntry* entry, const cxx2go_call& call,
               Sink sink) noexcept;

 private:
  friend struct IncomingAccess;

  cxx2go_view view(size_t i) const noexcept { return i < nviews_ ? views_[i] : cxx2go_view{nullptr, 0}; }
  void deliver(int32_t code, const uint8_t* data, size_t len) noexcept;
  // Copies the arguments and views into storage_ (executor calls and shared()).
  void own_arguments(const cxx2go_call& call);

  // Keeps the implementation alive while a heap call is in flight. An inline call instead borrows the
  // registry slot's pointer, which the dispatcher holds for the duration (no reference-count round trip).
  std::shared_ptr<Service> service_;
  const std::shared_ptr<Service>* borrowed_service_ = nullptr;
  Service& service() const noexcept { return service_ ? *service_ : **borrowed_service_; }
  const MethodEntry* entry_;
  uint64_t call_id_;
  const uint8_t* args_ = nullptr;
  size_t args_len_ = 0;
  const cxx2go_view* views_ = nullptr;
  uint32_t nviews_ = 0;
  Sink sink_;
  bool may_pend_ = false;    // the caller accepts CXX2GO_PENDING and a completion later
  bool counted_ = false;     // holds one unit of the runtime's count of incoming calls, given back on answer
  bool promoted_ = false;    // shared() moved this inline call to a heap copy, which answers instead
  bool registered_ = false;  // listed under call_id_ for cxx2go_cpp_cancel and stop()
  bool heap_ = false;        // a heap record (counted in LiveCounts::records)
  std::atomic<bool> answered_{false};
  cxx2go_reply* reply_ = nullptr;  // Sink::reply, Sink::waiter
  std::shared_ptr<Waiter> waiter_;  // Sink::waiter
  std::unique_ptr<uint64_t[]> storage_;  // owned copies: views array, args, view contents (8-byte aligned)
  std::stop_source stop_{std::nostopstate};  // this call's own cancellation, when it has one
  Context context_;
};

}  // namespace detail
}  // namespace cxx2go
