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
// MethodInfo::flags bit of @direct cpp methods (abi.h: CXX2GO_METHOD_DIRECT, never sent in a call).
inline constexpr uint32_t kMethodDirect = CXX2GO_METHOD_DIRECT;

// One method, as generated code declares it (a constant per method).
struct MethodInfo {
  uint64_t id;       // fingerprint of the canonical signature (docs/design.md)
  const char* name;  // "package.Service.method", static storage
  uint32_t flags;    // CXX2GO_CALL_ONEWAY | kMethodInline | kMethodDirect
  // A @direct go method's views that are ElementViews (bit i: view i), which point further: a worker
  // flattens them for its host (src/transport/worker.cc). Written by the compiler, which lays them out.
  uint32_t element_views = 0;
};

// The elements of a list<string> or list<bytes> as views into the list, for a @direct call from C++
// (abi.h): Go reads them in place. Short lists need no allocation.
class ElementViews {
 public:
  static constexpr size_t kInlineElements = 8;

  template <class List>
  explicit ElementViews(const List& list) : size_(list.size()) {
    cxx2go_view* out = inline_;
    if (size_ > kInlineElements) {
      heap_ = std::make_unique<cxx2go_view[]>(size_);
      out = heap_.get();
    }
    size_t i = 0;
    for (const auto& element : list) {
      out[i++] = cxx2go_view{element.empty() ? nullptr : element.data(), element.size()};
    }
  }
  // It points into the list, which the caller keeps in place; copying it would only hide a lifetime mistake.
  ElementViews(const ElementViews&) = delete;
  ElementViews& operator=(const ElementViews&) = delete;

  const cxx2go_view* data() const noexcept { return heap_ ? heap_.get() : inline_; }
  size_t size() const noexcept { return size_; }

 private:
  cxx2go_view inline_[kInlineElements];
  std::unique_ptr<cxx2go_view[]> heap_;  // when there are more than kInlineElements
  size_t size_;
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

  // A list<string> or list<bytes>, as a view of its elements' views (abi.h: len is in bytes).
  void add(const ElementViews& elements) { push(elements.data(), elements.size() * sizeof(cxx2go_view)); }

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
  // The producers of Replies: Go writes its answer into raw_ (docs/design.md, "Per-call cost"). The second
  // is call_go's path for a stop token that can fire or a trace context (src/calls/outgoing.cc), out of line so that the
  // common path keeps a small frame.
  friend Result<Reply> call_go(const MethodInfo& method, const Encoder& args, const ViewList& views,
                               const CallOptions& options);
  friend Result<Reply> call_go_stoppable(const MethodInfo& method, const Encoder& args, const ViewList& views,
                                         const std::stop_token& token, int64_t deadline,
                                         const TraceContext* trace);
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

// The heap record of an asynchronous C++ → Go call: the arguments Go reads until it completes, and the
// Future it resolves. call_go_async builds one (OutgoingCallOf); the runtime calls the virtual functions.
class OutgoingCall {
 public:
  OutgoingCall(const OutgoingCall&) = delete;
  OutgoingCall& operator=(const OutgoingCall&) = delete;
  virtual ~OutgoingCall();

  // Records are allocated by the runtime, which keeps its bookkeeping of the call (the call as Go sees it,
  // its deadline timer, its place in the table of calls in flight, …) in front of the record, in the same
  // allocation (src/calls/outgoing.cc). A record's alignment must not exceed the default new alignment.
  static void* operator new(size_t size);
  static void operator delete(void* p) noexcept;

  Encoder args;
  ViewList views;

  // The runtime calls exactly one of deliver and abort, once.
  // Go's completion: decodes into the Future (data is valid only during the call).
  virtual void deliver(int32_t code, const uint8_t* data, size_t len) noexcept = 0;
  // Resolves the Future with `error` without waiting for Go (cancellation, deadline, stop).
  virtual void abort(Error error) noexcept = 0;
  // Arranges for cancel_go_async(id) to run when the Future is cancelled or destroyed.
  virtual void watch_cancel(uint64_t id) = 0;

 protected:
  OutgoingCall() = default;
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

 private:
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
  static_assert(alignof(OutgoingCallOf<T, O, DecodeFn>) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
                "OutgoingCall::operator new places records at the default new alignment");
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

// The views of `call` that are arguments: all but its trace context (CXX2GO_CALL_TRACE), if it has one.
inline uint32_t argument_view_count(const cxx2go_call& call) noexcept {
  return call.nviews - ((call.flags & CXX2GO_CALL_TRACE) != 0 && call.nviews > 0 ? 1 : 0);
}
// The trace context `call` carries (CXX2GO_CALL_TRACE), decoded into memory of its own; null without one
// or when it does not decode (a malformed trace context is dropped, never an error of the call).
std::shared_ptr<const TraceContext> trace_of(const cxx2go_call& call) noexcept;
// Appends the encoding of `trace` to `out` (the view that carries it).
void encode_trace(const TraceContext& trace, Encoder& out);

// The view arguments of one Go → C++ call (string, bytes, list<number>), in parameter order. Bindings of
// one schema agree on them (the method id fingerprints the parameter list), so an index out of range, or
// a size/alignment that does not fit T, reads as empty.
class ArgumentViews {
 public:
  ArgumentViews(const cxx2go_view* views, uint32_t count) noexcept : views_(views), count_(count) {}

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
  // The bytes of view i (e.g. a @direct method's encoded arguments).
  Decoder view_decoder(size_t i) const noexcept {
    const cxx2go_view v = view(i);
    return Decoder(static_cast<const uint8_t*>(v.data), v.len);
  }

 private:
  cxx2go_view view(size_t i) const noexcept { return i < count_ ? views_[i] : cxx2go_view{nullptr, 0}; }

  const cxx2go_view* views_;
  uint32_t count_;
};

// Runs one method of a cpp service: decodes the call, calls the implementation, and answers with
// reply()/fail() — now, or later through shared(). Never throws (generated thunks catch everything).
using InvokeFn = void (*)(Service&, IncomingCall&) noexcept;

struct MethodEntry {
  MethodInfo info;
  InvokeFn invoke;
  cxx2go_direct_fn direct;  // @direct methods: what Go calls instead (direct.h); null for the others
};

struct DirectBinding;

// What a generated service class describes about itself (Service::cxx2go_descriptor()).
struct ServiceDescriptor {
  const char* name;  // "package.Service"
  bool affine;       // @affine: every call on one dedicated thread
  const MethodEntry* methods;
  size_t method_count;
  DirectBinding* direct_binding;  // the implementation its @direct methods call; null without any
};

// One call from Go to a C++ implementation, as an InvokeFn sees it. Answered exactly once: the first
// reply()/fail() wins, and a call dropped without an answer fails with Code::internal (Code::stopped when
// the runtime stops). Only the runtime makes them: each is the public face of a record whose bookkeeping
// (where the answer goes, the call's registration for cancellation, …) is the runtime's own
// (src/calls/incoming.cc).
class IncomingCall {
 public:
  IncomingCall(const IncomingCall&) = delete;
  IncomingCall& operator=(const IncomingCall&) = delete;

  // The encoded non-view arguments.
  Decoder args() const noexcept { return Decoder(args_, args_len_); }

  // View arguments, in parameter order (ArgumentViews).
  size_t view_count() const noexcept { return nviews_; }
  std::string_view view_string(size_t i) const noexcept { return views().view_string(i); }
  std::span<const uint8_t> view_bytes(size_t i) const noexcept { return views().view_bytes(i); }
  template <class T>
    requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
  std::span<const T> view_list(size_t i) const noexcept {
    return views().template view_list<T>(i);
  }

  // Cancelled when Go cancels the call (its context ended) or the runtime stops; carries the deadline.
  const Context& context() const noexcept { return context_; }
  const MethodInfo& method() const noexcept { return entry_->info; }
  // True when the caller waits for the answer on its thread (an @inline method, or a caller that cannot
  // wait asynchronously): an answer through shared() then blocks the caller until it is given.
  bool sync_only() const noexcept;

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

 protected:
  IncomingCall(const MethodEntry* entry, const cxx2go_call& call) noexcept
      : entry_(entry), args_(call.args), args_len_(call.args_len), views_(call.views),
        nviews_(argument_view_count(call)) {}
  // Not virtual: a record is always destroyed as the runtime's type.
  ~IncomingCall() = default;

  // The caller's trace context (Context::trace()).
  void set_trace(std::shared_ptr<const TraceContext> trace) noexcept { context_.trace_ = std::move(trace); }
  // Makes context() read `source`, which must outlive every use of it (copies own their token).
  void borrow_context(const std::stop_source& source, Context::Deadline deadline) noexcept {
    context_.stop_token_ = std::stop_token();
    context_.borrowed_ = &source;
    context_.deadline_ = deadline.value_or(Context::kNoDeadline);
  }

  const MethodEntry* entry_;
  const uint8_t* args_;
  size_t args_len_;
  const cxx2go_view* views_;
  uint32_t nviews_;
  Context context_;

 private:
  ArgumentViews views() const noexcept { return ArgumentViews(views_, nviews_); }
};

}  // namespace detail
}  // namespace cxx2go
