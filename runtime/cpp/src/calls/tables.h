// The call layer's state: the tables of calls in flight in both directions and the registry of cpp
// services (part of Core, core/core.h).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "cxx2go/detail/call.h"
#include "cxx2go/executor.h"
#include "cxx2go/service.h"
#include "id_table.h"

namespace cxx2go::detail {

// A registered cpp service.
struct ServiceSlot {
  std::shared_ptr<Service> impl;
  const ServiceDescriptor* descriptor = nullptr;
  std::atomic<ThreadPool*> affine_pool{nullptr};  // @affine: its dedicated thread, created on first call
};

struct MethodSlot {
  std::shared_ptr<ServiceSlot> service;
  const MethodEntry* entry = nullptr;
};

// The callback of an asynchronous call's CallOptions::stop_token: cancels call `id` (stop_go_async).
struct StopCallById {
  uint64_t id;
  void operator()() const noexcept;
};

// The views of a C++ → Go call whose CallOptions carry a trace context: the arguments' views and, last, the
// encoded trace context (CXX2GO_CALL_TRACE). Made only for such calls.
struct TracedViews {
  Encoder bytes;
  std::vector<cxx2go_view> views;

  // Makes `call` carry `trace` in a last view that this keeps, with the flag that says so.
  void attach(cxx2go_call& call, const TraceContext& trace) {
    encode_trace(trace, bytes);
    views.assign(call.views, call.views + call.nviews);
    views.push_back(cxx2go_view{bytes.data(), bytes.size()});
    call.views = views.data();
    call.nviews = static_cast<uint32_t>(views.size());
    call.flags |= CXX2GO_CALL_TRACE;
  }
};

// The runtime's bookkeeping of an asynchronous C++ → Go call. It sits right in front of the call's record
// (the OutgoingCall generated code builds), in the same allocation: OutgoingCall::operator new places it
// there (outgoing.cc), and book() finds it from the record.
struct alignas(__STDCPP_DEFAULT_NEW_ALIGNMENT__) OutgoingBook {
  cxx2go_call call{};                 // the call as Go sees it
  uint64_t timer = 0;                 // deadline timer, 0 if none
  // Registered on CallOptions::stop_token after submission, when it can fire; destroyed with the record.
  std::optional<std::stop_callback<StopCallById>> on_stop;
  std::atomic<uint32_t> refs{1};      // the table of calls in flight holds one; stop/cancel briefly another
  std::atomic<bool> settled{false};   // the Future was resolved (by deliver or abort: whoever is first)
  OutgoingCall* table_next = nullptr;  // the next call in its chain of the table of calls in flight
  const MethodInfo* method = nullptr;  // generated code's, static
  int64_t metrics_started = -1;        // count_call_start's answer (detail/call_metrics.h): -1 not counted
  int64_t submitted_ns = 0;            // steady clock at submission, for the live view (src/debug/live.cc)
  std::unique_ptr<TracedViews> traced;  // CallOptions::trace, carried with the call (Go reads it until it completes)
};

// The bookkeeping of the record at `object` (the address operator new returned).
inline OutgoingBook* book_at(void* object) noexcept {
  return std::launder(reinterpret_cast<OutgoingBook*>(static_cast<unsigned char*>(object) - sizeof(OutgoingBook)));
}
// dynamic_cast<void*> finds the allocated object whatever the record's layout (it reads only the vtable's
// offset to the top, which exists without RTTI too).
inline OutgoingBook& book(OutgoingCall& call) noexcept { return *book_at(dynamic_cast<void*>(&call)); }
inline const OutgoingBook& book(const OutgoingCall& call) noexcept {
  return book(const_cast<OutgoingCall&>(call));
}

// How the table of asynchronous C++ → Go calls chains them (id_table.h).
struct OutgoingLinks {
  static uint64_t id(const OutgoingCall* call) noexcept { return book(*call).call.call_id; }
  static OutgoingCall*& next(OutgoingCall* call) noexcept { return book(*call).table_next; }
};
using OutgoingTable = ShardedIdTable<OutgoingCall, OutgoingLinks>;

// How a Go → C++ call that Go may cancel is listed (by call id) for cxx2go_cpp_cancel and stop(): embedded
// in its call record (incoming.cc), which stays alive while it is listed.
struct IncomingListing {
  uint64_t id = 0;
  IncomingListing* table_next = nullptr;
  std::stop_source* stop = nullptr;   // the call's own cancellation (the record's)
  std::weak_ptr<IncomingCall> call;   // a heap record; empty while the call runs inline on Go's thread
  // For the live view (cxx2go::live_calls, src/debug/live.cc):
  const MethodInfo* method = nullptr;
  int64_t listed_ns = 0;              // steady clock when listed
  std::atomic<int32_t> running_tid{0};  // the Linux thread running the implementation; 0: not started;
                                        // kSuspendedTid: it returned without answering (it answers later)
};
inline constexpr int32_t kSuspendedTid = -1;
struct IncomingLinks {
  static uint64_t id(const IncomingListing* listing) noexcept { return listing->id; }
  static IncomingListing*& next(IncomingListing* listing) noexcept { return listing->table_next; }
};
// Go → C++ calls that a thread took from a transport and has not listed yet (the ring's helping executor
// threads: transport/ring.cc, ring_help_executor), kept in the shard of their id. The transport may deliver
// a later CANCEL of such a call meanwhile: it is kept here (`cancelled`) and applied when the call is
// listed. At most one entry per helping thread.
struct InHandCall {
  uint64_t id;
  bool cancelled;
};
using IncomingTable = ShardedIdTable<IncomingListing, IncomingLinks, std::vector<InHandCall>>;

// Calls in flight: two tables and the counters, atomics that stop() waits on. A call is listed in a table
// under its shard's mutex after a check of `state` there: stop() stores `stopping` before it walks the
// shards, so a call is either listed or refused.
struct CallTables {
  std::mutex calls_mu;
  std::condition_variable drained;  // notified (under calls_mu) when a counter drops while not running
  IncomingTable incoming;  // cancellable Go → C++ calls not yet answered
  OutgoingTable outgoing;  // async C++ → Go calls Go has not completed
  std::atomic<uint64_t> last_outgoing_id{0};
  std::atomic<uint64_t> outgoing_count{0};  // C++ → Go calls in Go's hands (sync, oneway, async)
  std::atomic<uint64_t> incoming_count{0};  // Go → C++ calls not yet answered
  std::atomic<uint64_t> record_count{0};    // heap call records alive, both directions
};

// The cpp services Go can call.
struct ServiceRegistry {
  std::shared_mutex registry_mu;
  std::unordered_map<uint64_t, MethodSlot> methods;
  // Changes (under registry_mu, after the change) whenever `methods` does: a thread's cached lookups
  // (lookup_method) are valid while it has not changed.
  std::atomic<uint64_t> registry_generation{1};
  std::map<std::string, std::shared_ptr<ServiceSlot>, std::less<>> services;
};

}  // namespace cxx2go::detail
