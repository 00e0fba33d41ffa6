// Go → C++ calls: the callee's half (docs/design.md, "Calls / Go → C++"), and the registry of cpp services.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "../core/core.h"
#include "../debug/live.h"
#include "../debug/metrics.h"
#include "../transport/transport.h"
#include "cxx2go/detail/activity.h"
#include "cxx2go/detail/call.h"
#include "cxx2go/service.h"
#include "direct_calls.h"
#include "cxx2go/detail/direct.h"
#include "receive.h"

namespace cxx2go {

Service::~Service() = default;

namespace detail {

// ---- answers ----

// Writes an answer into a synchronous caller's reply: inline when it fits, else malloc()ed for the caller
// to free (abi.h). Nothing in it points to C++ memory that outlives the call.
void write_incoming_reply(cxx2go_reply& reply, int32_t code, const uint8_t* data, size_t len) noexcept {
  reply.code = code;
  reply.heap = nullptr;
  if (len <= CXX2GO_REPLY_INLINE_CAP) {
    reply.where = CXX2GO_REPLY_INLINE;
    reply.len = len;
    if (len != 0) std::memcpy(reply.inline_buf, data, len);
    return;
  }
  void* heap = std::malloc(len);
  if (heap == nullptr) {
    static constexpr char kMessage[] = "out of memory writing the reply";
    reply.code = CXX2GO_RESOURCE_EXHAUSTED;
    reply.where = CXX2GO_REPLY_INLINE;
    reply.len = sizeof(kMessage) - 1;
    std::memcpy(reply.inline_buf, kMessage, reply.len);
    return;
  }
  std::memcpy(heap, data, len);
  reply.where = CXX2GO_REPLY_MALLOC;
  reply.heap = static_cast<uint8_t*>(heap);
  reply.len = len;
}

void write_incoming_error(cxx2go_reply& reply, const Error& error) noexcept {
  write_incoming_reply(reply, static_cast<int32_t>(error.code),
                       reinterpret_cast<const uint8_t*>(error.message.data()), error.message.size());
}

// The runtime's record of a Go → C++ call: the IncomingCall an InvokeFn sees, plus where its answer goes
// and what it holds. Lives on Go's stack frame (a call run inline) or on the heap (an executor call, or
// an inline one moved there by shared()).
class IncomingCallRecord final : public IncomingCall, public std::enable_shared_from_this<IncomingCallRecord> {
 public:
  // Where the answer goes.
  enum class Sink : uint8_t {
    reply,       // into the caller's cxx2go_reply, before cxx2go_cpp_invoke returns
    completion,  // through the transport's send_completion(call_id)
    none,        // a oneway call: nobody is waiting
    waiter,      // into the caller's cxx2go_reply, then wake cxx2go_cpp_invoke waiting for it
  };
  // cxx2go_cpp_invoke waits on this for a sync-only call answered through shared(). Owned jointly by the
  // waiting caller and the heap call, so that neither can destroy it under the other.
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool answered = false;
  };

  IncomingCallRecord(std::shared_ptr<Service> service, const MethodEntry* entry, const cxx2go_call& call,
                     Sink sink) noexcept
      : IncomingCall(entry, call), service_(std::move(service)), call_id_(call.call_id), sink_(sink) {}
  IncomingCallRecord(const IncomingCallRecord&) = delete;
  IncomingCallRecord& operator=(const IncomingCallRecord&) = delete;
  ~IncomingCallRecord();

  // Every IncomingCall is one.
  static IncomingCallRecord& of(IncomingCall& call) noexcept { return static_cast<IncomingCallRecord&>(call); }
  static const IncomingCallRecord& of(const IncomingCall& call) noexcept {
    return static_cast<const IncomingCallRecord&>(call);
  }

  // Marks the listing of a call that may be listed (`listable_`, set before anything else can see the
  // record; `registered_` belongs to whoever answers, and a cancellation may answer on another thread).
  void invoke() noexcept {
    if (listable_) listing_.running_tid.store(current_tid(), std::memory_order_relaxed);
    ++t_incoming_depth;
    {
      ServingMethod serving(entry_->info);
      entry_->invoke(service(), *this);
    }
    // An asynchronous implementation (a coroutine, shared()) answers later, on whatever thread: until then
    // the live view says it waits, not that this thread runs it.
    if (listable_ && !answered_.load(std::memory_order_acquire)) {
      listing_.running_tid.store(kSuspendedTid, std::memory_order_relaxed);
    }
    --t_incoming_depth;
  }
  void deliver(int32_t code, const uint8_t* data, size_t len) noexcept;
  // Copies the arguments and views into the record (inline_args_) if they fit, else into storage_
  // (executor calls and shared()).
  void own_arguments(const cxx2go_call& call);
  std::shared_ptr<IncomingCall> share();
  bool sync_only() const noexcept { return sink_ == Sink::reply && !may_pend_; }

  // Keeps the implementation alive while a heap call is in flight. An inline call instead borrows the
  // registry slot's pointer, which the dispatcher holds for the duration (no reference-count round trip).
  std::shared_ptr<Service> service_;
  const std::shared_ptr<Service>* borrowed_service_ = nullptr;
  Service& service() const noexcept { return service_ ? *service_ : **borrowed_service_; }
  uint64_t call_id_;
  Sink sink_;
  bool may_pend_ = false;    // the caller accepts CXX2GO_PENDING and a completion later
  bool counted_ = false;     // holds one unit of the runtime's count of incoming calls, given back on answer
  bool promoted_ = false;    // shared() moved this inline call to a heap copy, which answers instead
  bool registered_ = false;  // listed (listing_) for cxx2go_cpp_cancel and stop()
  bool heap_ = false;        // a heap record (counted in LiveCounts::records)
  bool listable_ = false;    // may be listed for the live view (set before the record is shared)
  int64_t metrics_started_ = kNotCounted;  // count_call_start's answer: counted until answered
  std::atomic<bool> answered_{false};
  cxx2go_reply* reply_ = nullptr;  // Sink::reply, Sink::waiter
  std::shared_ptr<Waiter> waiter_;  // Sink::waiter
  // Owned copies of the arguments: the views array, the args, the view contents, each 8-byte aligned. In the
  // record's own allocation when they fit (most calls: one allocation fewer per executor call), else in
  // storage_.
  static constexpr size_t kInlineArgWords = 16;
  uint64_t inline_args_[kInlineArgWords];
  std::unique_ptr<uint64_t[]> storage_;
  std::stop_source stop_{std::nostopstate};  // this call's own cancellation, when it has one
  IncomingListing listing_;  // in the table of calls in flight while registered_
  using IncomingCall::borrow_context;
  using IncomingCall::set_trace;
  using IncomingCall::context_;
};

void unregister_incoming(IncomingListing& listing) noexcept {
  IncomingTable& table = core().incoming;
  IncomingTable::Shard& shard = table.shard(listing.id);
  std::lock_guard lock(shard.mu);
  table.erase_node_locked(shard, &listing);
}

// Lists a call (its record's `listing`, which must stay alive until unregistered) under call_id for
// cxx2go_cpp_cancel and stop(), with its stop source and, for a heap record, the record. Fails once the
// runtime is stopping: the state is checked under the shard's mutex, and stop() stores it before it walks
// the shards, so a call is either listed or refused.
Result<void> register_incoming(IncomingListing& listing, const MethodInfo& method, uint64_t call_id,
                               std::stop_source& stop, std::weak_ptr<IncomingCall> call) noexcept {
  Core& c = core();
  listing.id = call_id;
  listing.stop = &stop;
  listing.call = std::move(call);
  listing.method = &method;
  listing.listed_ns = steady_now_ns();
  bool cancelled = false;
  {
    IncomingTable::Shard& shard = c.incoming.shard(call_id);
    std::lock_guard lock(shard.mu);
    if (const State s = c.state.load(); s != State::running) return not_running_error(s);
    try {
      c.incoming.insert_locked(shard, &listing);
    } catch (...) {
      return error_from_current_exception();
    }
    // A ring call taken by an executor thread, whose cancellation the ring thread handled before this.
    std::vector<InHandCall>& in_hand = shard.extra;
    for (auto it = in_hand.begin(); it != in_hand.end(); ++it) {
      if (it->id == call_id) {
        cancelled = it->cancelled;
        in_hand.erase(it);
        break;
      }
    }
  }
  if (cancelled) stop.request_stop();  // outside the lock: it runs stop callbacks
  return {};
}

bool note_call_in_hand(uint64_t call_id) noexcept {
  IncomingTable::Shard& shard = core().incoming.shard(call_id);
  std::lock_guard lock(shard.mu);
  try {
    shard.extra.push_back(InHandCall{call_id, false});
  } catch (...) {
    return false;
  }
  return true;
}

void forget_call_in_hand(uint64_t call_id) noexcept {
  IncomingTable::Shard& shard = core().incoming.shard(call_id);
  std::lock_guard lock(shard.mu);
  std::erase_if(shard.extra, [call_id](const InHandCall& h) { return h.id == call_id; });
}

IncomingCallRecord::~IncomingCallRecord() {
  if (!answered_.load(std::memory_order_acquire)) {
    // Exactly one answer per call, even when nobody gave one: the InvokeFn returned without answering
    // or calling shared(), or the last shared() reference was dropped (e.g. a continuation was destroyed).
    const bool stopping = core().state.load() != State::running;
    fail(stopping ? error_nothrow(Code::stopped, std::string("the cxx2go runtime stopped before ") +
                                                     entry_->info.name + " was answered")
                  : error_nothrow(Code::internal, std::string("the implementation of ") + entry_->info.name +
                                                      " returned without answering"));
  }
  if (heap_) core().record_count.fetch_sub(1);
}

bool IncomingCall::sync_only() const noexcept { return IncomingCallRecord::of(*this).sync_only(); }

void IncomingCall::reply_empty() noexcept { IncomingCallRecord::of(*this).deliver(CXX2GO_OK, nullptr, 0); }

void IncomingCall::reply(const Encoder& result) noexcept {
  if (!result.ok()) {
    fail(result.error());
    return;
  }
  IncomingCallRecord::of(*this).deliver(CXX2GO_OK, result.data(), result.size());
}

// The one place where an error of a C++ implementation becomes a boundary code (docs/design.md, "The code
// space at the boundary"): a code <= 0 cannot be sent, since 0 means success and negative numbers are the
// runtime's reply sentinels (CXX2GO_PENDING), so it becomes Code::unknown and its number moves into the
// message, where a sentinel can no longer be forged. Every positive code crosses unchanged.
void IncomingCall::fail(Error error) noexcept {
  error = at_boundary(std::move(error));
  IncomingCallRecord::of(*this).deliver(static_cast<int32_t>(error.code),
                                        reinterpret_cast<const uint8_t*>(error.message.data()), error.message.size());
}

void IncomingCallRecord::deliver(int32_t code, const uint8_t* data, size_t len) noexcept {
  if (answered_.exchange(true, std::memory_order_acq_rel)) return;  // the first answer wins
  Core& c = core();
  maybe_count_call_end(entry_->info, Direction::go_to_cpp, code, len, std::exchange(metrics_started_, kNotCounted));
  if (std::exchange(registered_, false)) unregister_incoming(listing_);
  switch (sink_) {
    case Sink::reply:
      write_incoming_reply(*reply_, code, data, len);
      break;
    case Sink::waiter: {
      write_incoming_reply(*reply_, code, data, len);
      std::lock_guard lock(waiter_->mu);
      waiter_->answered = true;
      waiter_->cv.notify_all();
      break;
    }
    case Sink::completion:
      // Go copies data before returning (abi.h); the completion may arrive before cxx2go_cpp_invoke returns
      // PENDING, which Go is ready for.
      send_completion(c, call_id_, code, data, len);
      break;
    case Sink::none:
      break;
  }
  if (counted_) release_call(c.incoming_count);
}

void IncomingCallRecord::own_arguments(const cxx2go_call& call) {
  // In 8-byte words: the views array, the args, then each view's bytes, each part 8-byte aligned so that
  // view_list<T> can read any number type in place.
  auto round8 = [](size_t n) { return (n + 7) & ~size_t{7}; };
  const uint32_t nviews = argument_view_count(call);  // the trace context is decoded into the Context
  size_t bytes = round8(std::max<size_t>(nviews, 1) * sizeof(cxx2go_view)) + round8(call.args_len);
  for (uint32_t i = 0; i < nviews; ++i) bytes += round8(call.views[i].len);
  uint64_t* words = inline_args_;
  if (bytes > sizeof inline_args_) {
    storage_.reset(new uint64_t[bytes / 8]);
    words = storage_.get();
  }
  auto* p = reinterpret_cast<unsigned char*>(words);
  auto* views = new (p) cxx2go_view[nviews == 0 ? 1 : nviews];
  p += round8(std::max<size_t>(nviews, 1) * sizeof(cxx2go_view));
  if (call.args_len != 0) std::memcpy(p, call.args, call.args_len);
  args_ = p;
  args_len_ = call.args_len;
  p += round8(call.args_len);
  for (uint32_t i = 0; i < nviews; ++i) {
    const size_t len = call.views[i].len;
    if (len != 0) std::memcpy(p, call.views[i].data, len);
    views[i] = cxx2go_view{len == 0 ? nullptr : p, len};
    p += round8(len);
  }
  views_ = views;
  nviews_ = nviews;
}

std::shared_ptr<IncomingCall> IncomingCall::shared() { return IncomingCallRecord::of(*this).share(); }

std::shared_ptr<IncomingCall> IncomingCallRecord::share() {
  if (std::shared_ptr<IncomingCallRecord> self = weak_from_this().lock()) return self;  // already on the heap
  // An inline call, reading Go's memory in place and answering into the caller's reply: move it to a heap
  // copy that owns its arguments, answers through a completion (or wakes the waiting caller), and takes
  // over the registration and the count. This object then answers nothing.
  cxx2go_call view{};
  view.method_id = entry_->info.id;
  view.method_name = entry_->info.name;
  view.call_id = call_id_;
  view.args = args_;
  view.args_len = args_len_;
  view.views = views_;
  view.nviews = nviews_;
  const Sink sink = sink_ == Sink::none ? Sink::none : may_pend_ ? Sink::completion : Sink::waiter;
  auto copy = std::make_shared<IncomingCallRecord>(service_ ? service_ : *borrowed_service_, entry_, view, sink);
  // Until it takes over, the copy must not answer: if building it throws, it is destroyed unanswered
  // (its destructor would otherwise answer a call this record still serves) and this call goes on inline.
  copy->answered_.store(true, std::memory_order_relaxed);
  copy->own_arguments(view);
  copy->may_pend_ = may_pend_;
  copy->stop_ = stop_;
  copy->context_ = context_;  // the implementation may hold a copy already: same token, same deadline
  if (sink == Sink::waiter) {
    copy->waiter_ = std::make_shared<Waiter>();
    copy->reply_ = reply_;
    waiter_ = copy->waiter_;
  }
  copy->heap_ = true;
  core().record_count.fetch_add(1);
  copy->answered_.store(false, std::memory_order_relaxed);  // published below: the listing, or the return
  copy->counted_ = std::exchange(counted_, false);
  copy->metrics_started_ = std::exchange(metrics_started_, kNotCounted);
  copy->registered_ = std::exchange(registered_, false);
  promoted_ = true;
  answered_.store(true, std::memory_order_release);
  if (copy->registered_) {
    // Last: once listed, stop() may answer the copy from another thread. The copy's listing replaces this
    // record's, which dies with it.
    IncomingTable& table = core().incoming;
    IncomingTable::Shard& shard = table.shard(call_id_);
    copy->listing_.id = call_id_;
    copy->listing_.stop = &copy->stop_;
    copy->listing_.call = copy;
    copy->listing_.method = listing_.method;
    copy->listing_.listed_ns = listing_.listed_ns;
    // The implementation took the call to answer it later: it returns soon, and then waits.
    copy->listing_.running_tid.store(kSuspendedTid);
    std::lock_guard lock(shard.mu);
    table.erase_node_locked(shard, &listing_);
    table.insert_locked(shard, &copy->listing_);  // cannot throw: the shard has its buckets
  }
  return copy;
}

// ---- dispatch ----

Context::Deadline call_deadline(const cxx2go_call& call) {
  if (call.deadline_unix_nanos == 0) return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::nanoseconds(call.deadline_unix_nanos)));
}

Error unknown_method_error(const cxx2go_call& call) {
  char id[24];
  std::snprintf(id, sizeof id, "%#" PRIx64, call.method_id);
  return Error(Code::unknown_method, std::string("no C++ implementation of ") +
                                         (call.method_name != nullptr ? call.method_name : CXX2GO_UNNAMED_METHOD) +
                                         " (method id " + id +
                                         "): the service is not registered, or the bindings come from a "
                                         "different schema version");
}

// ---- the dispatcher: builds the records ----

// Runs the call on this (Go's) thread with the views in place, answering into `reply` before returning,
// unless the implementation took the call with shared(). `counted` is handed to the call.
void run_inline(const MethodSlot& slot, const cxx2go_call& wire, cxx2go_reply& reply, bool oneway,
                bool may_pend, bool& counted) {
  Core& c = core();
  IncomingCallRecord call(nullptr, slot.entry, wire,
                          oneway ? IncomingCallRecord::Sink::none : IncomingCallRecord::Sink::reply);
  call.borrowed_service_ = &slot.service->impl;  // `slot` holds it until this returns
  call.reply_ = &reply;
  call.may_pend_ = may_pend;
  call.counted_ = std::exchange(counted, false);
  call.metrics_started_ = maybe_count_wire_call_start(slot.entry->info, Direction::go_to_cpp, wire).started_ns;
  call.listable_ = may_pend;
  if (may_pend) {
    // Go can only cancel this call once it is pending (its goroutine is in this cgo call until then), and
    // by then shared() has moved it; its stop source exists from the start because the implementation may
    // copy the Context before that.
    call.stop_ = std::stop_source();
    if (Result<void> listed = register_incoming(call.listing_, slot.entry->info, wire.call_id, call.stop_, {});
        !listed) {
      call.fail(listed.error());
      return;
    }
    call.registered_ = true;
    call.context_ = Context(call.stop_.get_token(), call_deadline(wire));
  } else {
    // inline_stop lives until the runtime is reset, which waits for every call (borrow's requirement).
    call.borrow_context(c.inline_stop, call_deadline(wire));
  }
  if ((wire.flags & CXX2GO_CALL_TRACE) != 0) [[unlikely]] call.set_trace(trace_of(wire));
  call.invoke();
  if (call.promoted_) {
    if (may_pend) {
      // The heap copy answers through send_completion (perhaps already has).
      write_incoming_reply(reply, CXX2GO_PENDING, nullptr, 0);
    } else if (!oneway) {
      std::shared_ptr<IncomingCallRecord::Waiter> waiter = call.waiter_;
      std::unique_lock lock(waiter->mu);
      waiter->cv.wait(lock, [&] { return waiter->answered; });
    }
  }
  // `call` answers now, with Code::internal, if the implementation neither answered nor took it.
}

// A queued executor call. Destroyed without running, it fails the call, so that Go always gets its answer:
// with Code::stopped if the executor refused or dropped it because the runtime is stopping (executors stop
// only after the state left `running`), with Code::resource_exhausted if the runtime still runs — then the
// executor refused it because queueing it needed memory it could not get.
struct RunIncomingCall {
  std::shared_ptr<IncomingCallRecord> call;

  explicit RunIncomingCall(std::shared_ptr<IncomingCallRecord> c) noexcept : call(std::move(c)) {}
  RunIncomingCall(RunIncomingCall&&) noexcept = default;
  RunIncomingCall& operator=(RunIncomingCall&&) = delete;
  ~RunIncomingCall() {
    if (!call) return;
    if (core().state.load() == State::running) {
      call->fail(error_nothrow(Code::resource_exhausted, "out of memory queueing the call on its executor"));
    } else {
      call->fail(error_nothrow(Code::stopped, "the cxx2go runtime stopped before the call ran"));
    }
  }

  void operator()() noexcept {
    std::shared_ptr<IncomingCallRecord> c = std::move(call);
    if (const State s = core().state.load(); s != State::running) {
      c->fail(error_nothrow(Code::stopped, "the cxx2go runtime stopped before the call ran"));
    } else if (c->context().cancelled()) {
      c->fail(error_nothrow(Code::cancelled, "cancelled before it ran"));
    } else {
      c->invoke();
    }
  }
};
static_assert(Task::stores_inline<RunIncomingCall>, "posting an incoming call must not allocate");

// Copies the call, queues it on `executor` and answers CXX2GO_PENDING (a completion follows), or OK for
// a oneway call (accepted). `counted` is handed to the call.
void run_on(ThreadPool& executor, const MethodSlot& slot, const cxx2go_call& wire, cxx2go_reply& reply, bool oneway,
            bool& counted) {
  Core& c = core();
  // Answers into `reply` until queued: a refusal before that is reported synchronously.
  auto call = std::make_shared<IncomingCallRecord>(slot.service->impl, slot.entry, wire, IncomingCallRecord::Sink::reply);
  call->reply_ = &reply;
  call->heap_ = true;
  call->listable_ = true;
  c.record_count.fetch_add(1);
  call->counted_ = std::exchange(counted, false);
  call->metrics_started_ = maybe_count_wire_call_start(slot.entry->info, Direction::go_to_cpp, wire).started_ns;
  try {
    call->own_arguments(wire);
    // Allocates its shared state: before PENDING, so that a failure is still answered synchronously.
    if (!oneway) call->stop_ = std::stop_source();
  } catch (...) {
    call->fail(error_from_current_exception());
    return;
  }
  // From here on nothing may throw: the call answers asynchronously. Go gets PENDING (or OK: accepted,
  // for oneway) and exactly one completion, even if the call is refused below; an exception out of here
  // would make cxx2go_cpp_invoke answer a second time, synchronously.
  call->sink_ = oneway ? IncomingCallRecord::Sink::none : IncomingCallRecord::Sink::completion;
  call->reply_ = nullptr;
  write_incoming_reply(reply, oneway ? CXX2GO_OK : CXX2GO_PENDING, nullptr, 0);
  if (oneway) {
    // Nobody waits and Go cannot cancel it: the runtime's stop is its only cancellation.
    call->context_ = Context(c.inline_stop.get_token(), call_deadline(wire));
  } else {
    call->context_ = Context(call->stop_.get_token(), call_deadline(wire));
  }
  if ((wire.flags & CXX2GO_CALL_TRACE) != 0) [[unlikely]] call->set_trace(trace_of(wire));
  if (!oneway) {
    // Every field is final before the call is listed: stop() may answer it from another thread.
    call->registered_ = true;
    if (Result<void> listed = register_incoming(call->listing_, slot.entry->info, wire.call_id, call->stop_, call);
        !listed) {
      call->registered_ = false;
      call->fail(listed.error());
      return;
    }
  }
  // If the executor refuses the task (it stopped, or had no memory to queue it), destroying the task fails
  // the call with a completion.
  executor.post(Task(RunIncomingCall(std::move(call))));
}

// A thread's cache of the methods it called, so that a call takes no lock and reads no shared hash map
// (the registry's shared_mutex alone cost two atomic read-modify-writes on a cache line every calling
// thread writes). An entry is valid while the registry generation it was read at is current; it holds the
// service slot weakly, so that it never keeps a service alive after unregister_service (calls in flight
// hold it strongly, through the MethodSlot lookup_method returns).
struct MethodCacheEntry {
  uint64_t generation = 0;  // 0: empty (the registry's generation starts at 1)
  uint64_t id = 0;
  std::weak_ptr<ServiceSlot> service;
  const MethodEntry* entry = nullptr;
};
inline constexpr size_t kMethodCacheSize = 8;  // direct-mapped by method id
thread_local MethodCacheEntry t_method_cache[kMethodCacheSize];

MethodSlot lookup_method(uint64_t id) {
  Core& c = core();
  // Acquire: pairs with the release of register/unregister, so that a call made after unregister_service
  // returned (in happens-before order) sees the new generation and misses the cache.
  const uint64_t generation = c.registry_generation.load(std::memory_order_acquire);
  MethodCacheEntry& cached = t_method_cache[(id ^ (id >> 32)) % kMethodCacheSize];
  if (cached.generation == generation && cached.id == id) {
    // Fails only while an unregister_service is removing the service (it has not changed the generation
    // yet): then the registry answers.
    if (std::shared_ptr<ServiceSlot> service = cached.service.lock()) return MethodSlot{std::move(service), cached.entry};
  }
  MethodSlot slot;
  uint64_t read_at = 0;
  {
    std::shared_lock lock(c.registry_mu);
    auto it = c.methods.find(id);
    if (it == c.methods.end()) return MethodSlot{};
    slot = it->second;
    read_at = c.registry_generation.load(std::memory_order_relaxed);  // changes only under the unique lock
  }
  cached.generation = read_at;
  cached.id = id;
  cached.service = slot.service;
  cached.entry = slot.entry;
  return slot;
}

// The executor that serves `service`: the shared pool, or the service's own thread if it is @affine
// (created on its first call, kept until the runtime stops). nullptr once the runtime is stopping.
ThreadPool* executor_of(ServiceSlot& service) {
  Core& c = core();
  if (!service.descriptor->affine) return c.pool.get();
  if (ThreadPool* pool = service.affine_pool.load(std::memory_order_acquire)) return pool;
  std::lock_guard lock(c.lifecycle_mu);
  if (c.state.load() != State::running) return nullptr;
  std::unique_ptr<ThreadPool>& pool = c.affine_pools[service.descriptor->name];
  if (!pool) {
    // Thread names show the service: "Pricer-0" for "shop.Pricer" (truncated to 15 characters).
    std::string_view name = service.descriptor->name;
    if (const size_t dot = name.rfind('.'); dot != std::string_view::npos) name.remove_prefix(dot + 1);
    pool = std::make_unique<ThreadPool>(1, std::string(name), c.options.spin_before_park);
  }
  service.affine_pool.store(pool.get(), std::memory_order_release);
  return pool.get();
}

void dispatch_incoming(const cxx2go_call& call, cxx2go_reply& reply) {
  Core& c = core();
  if (Result<void> admitted = admit_call(c.incoming_count); !admitted) {
    write_incoming_error(reply, admitted.error());
    return;
  }
  // The count is handed to the IncomingCall that answers; until then (and on any early exit, exceptions
  // included) this guard gives it back.
  struct CountGuard {
    bool counted = true;
    ~CountGuard() {
      if (counted) release_call(core().incoming_count);
    }
  } guard;

  const MethodSlot slot = lookup_method(call.method_id);
  if (slot.entry == nullptr) {
    write_incoming_error(reply, unknown_method_error(call));
    return;
  }
  const bool inline_method = (slot.entry->info.flags & kMethodInline) != 0;
  ThreadPool* executor = nullptr;  // an @inline method needs none (nor creates an @affine thread)
  if (!inline_method) {
    executor = executor_of(*slot.service);
    if (executor == nullptr) {
      write_incoming_error(reply, not_running_error(c.state.load()));
      return;
    }
  }
  const bool oneway = (call.flags & CXX2GO_CALL_ONEWAY) != 0;
  const bool may_pend = call.call_id != 0 && (call.flags & CXX2GO_CALL_SYNC_ONLY) == 0 && !oneway;
  // Inline: @inline methods; calls made from the service's own executor (waiting for itself would
  // deadlock an @affine service, and could exhaust the pool); callers that must be answered now.
  const bool inline_call = inline_method || executor->is_current() || (!may_pend && !oneway);
  if (inline_call) {
    run_inline(slot, call, reply, oneway, may_pend, guard.counted);
    if (oneway) write_incoming_reply(reply, CXX2GO_OK, nullptr, 0);
  } else {
    run_on(*executor, slot, call, reply, oneway, guard.counted);
  }
}

void cancel_all_incoming() noexcept {
  Core& c = core();
  std::vector<std::stop_source> sources;
  try {
    sources.reserve(c.incoming.size());
    c.incoming.for_each([&sources](IncomingListing* listing) { sources.push_back(*listing->stop); });
  } catch (...) {
    // Out of memory: these calls are answered by fail_unfinished_incoming() after the timeout.
  }
  // Outside the lock: stop callbacks are the implementations' code.
  for (std::stop_source& s : sources) s.request_stop();
}

void fail_unfinished_incoming() noexcept {
  Core& c = core();
  std::vector<std::shared_ptr<IncomingCall>> calls;
  try {
    // Reserved first: a push_back that threw would destroy the last reference to a call under its shard's
    // mutex, whose answer unlists it under the same mutex.
    calls.reserve(c.incoming.size());
    c.incoming.for_each([&calls](IncomingListing* listing) {
      if (std::shared_ptr<IncomingCall> call = listing->call.lock()) calls.push_back(std::move(call));
    });
  } catch (...) {
  }
  if (!calls.empty()) {
    std::fprintf(stderr,
                 "cxx2go: stop: %zu C++ implementation(s) did not answer within stop_timeout; their Go callers "
                 "get Code::stopped, and stop() waits up to stop_timeout more for them to return\n",
                 calls.size());
  }
  for (auto& call : calls) call->fail(error_nothrow(Code::stopped, "the cxx2go runtime stopped"));
}

}  // namespace detail

// ---- registry ----

Result<void> register_service(std::shared_ptr<Service> service) {
  using namespace detail;
  if (!service) return Error(Code::invalid_argument, "register_service: null service");
  Core& c = core();
  if (const State s = c.state.load(); s == State::stopping || s == State::stopped) return not_running_error(s);
  const ServiceDescriptor& d = service->cxx2go_descriptor();
  auto slot = std::make_shared<ServiceSlot>();
  slot->impl = std::move(service);
  slot->descriptor = &d;
  std::unique_lock lock(c.registry_mu);
  if (c.services.contains(d.name)) {
    return Error(Code::already_exists, std::string("service ") + d.name + " is already registered");
  }
  for (size_t i = 0; i < d.method_count; ++i) {
    if (auto it = c.methods.find(d.methods[i].info.id); it != c.methods.end()) {
      return Error(Code::already_exists, std::string("method ") + d.methods[i].info.name + " has the id of " +
                                             it->second.entry->info.name + ", which is already registered");
    }
  }
  for (size_t i = 0; i < d.method_count; ++i) c.methods.emplace(d.methods[i].info.id, MethodSlot{slot, &d.methods[i]});
  // The slot keeps the implementation alive for its @direct methods too, until unregister_service.
  if (d.direct_binding != nullptr) d.direct_binding->impl.store(slot->impl.get(), std::memory_order_release);
  c.services.emplace(d.name, std::move(slot));
  c.registry_generation.fetch_add(1, std::memory_order_release);
  return {};
}

Result<void> unregister_service(std::string_view name) {
  using namespace detail;
  Core& c = core();
  std::shared_ptr<ServiceSlot> slot;  // destroyed after the lock: it may hold the last reference to the impl
  std::unique_lock lock(c.registry_mu);
  auto it = c.services.find(name);
  if (it == c.services.end()) {
    return Error(Code::not_found, "service " + std::string(name) + " is not registered");
  }
  slot = std::move(it->second);
  c.services.erase(it);
  for (size_t i = 0; i < slot->descriptor->method_count; ++i) c.methods.erase(slot->descriptor->methods[i].info.id);
  c.registry_generation.fetch_add(1, std::memory_order_release);
  DirectBinding* binding = slot->descriptor->direct_binding;
  if (binding != nullptr) binding->impl.store(nullptr);
  lock.unlock();
  // Direct calls hold no reference to the implementation: wait until none can still be using it.
  const bool inside_direct_call = t_direct_slot != nullptr && t_direct_slot->depth.load() != 0;
  if (binding != nullptr &&
      (!wait_for_direct_calls(std::chrono::steady_clock::now() + c.options.stop_timeout) || inside_direct_call)) {
    std::fprintf(stderr,
                 "cxx2go: unregister_service(%s): a @direct call may still be running in it; the implementation is "
                 "kept alive for the life of the process\n",
                 slot->descriptor->name);
    new (std::nothrow) std::shared_ptr<ServiceSlot>(std::move(slot));  // leaked on purpose
  }
  return {};
}

}  // namespace cxx2go

namespace cxx2go::detail {

void receive_call(const cxx2go_call& call, cxx2go_reply& reply) noexcept {
  try {
    dispatch_incoming(call, reply);
  } catch (...) {
    // Only before an answer exists (allocating the call record, creating an @affine thread): nothing was
    // sent, and this is the answer. Without it the call was never answered and its Go caller waited for
    // ever (found by the C++ host's alloc_fail over the ring).
    write_incoming_error(reply, error_from_current_exception());
  }
}

void receive_cancel(uint64_t call_id) noexcept {
  try {
    Core& c = core();
    std::stop_source stop{std::nostopstate};
    {
      IncomingTable::Shard& shard = c.incoming.shard(call_id);
      std::lock_guard lock(shard.mu);
      IncomingListing* listing = c.incoming.find_locked(shard, call_id);
      if (listing == nullptr) {
        // Answered already, or never pending: nothing to cancel. Or taken by a thread that has not listed
        // it yet (note_call_in_hand): it is cancelled as soon as it is listed.
        for (InHandCall& h : shard.extra) {
          if (h.id == call_id) h.cancelled = true;
        }
        return;
      }
      stop = *listing->stop;  // the record is alive while listed, and unlists itself under this mutex
    }
    stop.request_stop();  // runs the implementation's stop callbacks, here, outside the lock
  } catch (...) {
    report_uncaught_exception("cxx2go_cpp_cancel");
  }
}

}  // namespace cxx2go::detail

// ---- the C ABI of Go → C++ calls over cgo (abi.h) ----

extern "C" void cxx2go_cpp_invoke(cxx2go_call* call, cxx2go_reply* reply) { cxx2go::detail::receive_call(*call, *reply); }

extern "C" void cxx2go_cpp_cancel(uint64_t call_id) { cxx2go::detail::receive_cancel(call_id); }
