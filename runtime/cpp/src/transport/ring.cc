// The shared-memory ring transport, C++ side (docs/ring.md): the region, the "cxx2go-ring" thread that
// drains the Go → C++ ring, and the producers' half of the C++ → Go ring.
#include "ring.h"

#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../calls/receive.h"
#include "../core/core.h"
#include "../debug/crash.h"
#include "../exec/spin_wait.h"
#include "../exec/thread_name.h"
#include "ring_transport.h"
#include "transport.h"

namespace cxx2go::detail {

void ring_futex_wait(uint32_t* word, uint32_t expected, int64_t timeout_ns, bool shared) noexcept {
  timespec ts{};
  timespec* tsp = nullptr;
  if (timeout_ns > 0) {
    ts.tv_sec = static_cast<time_t>(timeout_ns / 1000000000);
    ts.tv_nsec = static_cast<long>(timeout_ns % 1000000000);
    tsp = &ts;
  }
  // EINTR, EAGAIN (the word changed) and ETIMEDOUT all return: every caller re-checks in a loop.
  syscall(SYS_futex, word, shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE, expected, tsp, nullptr, 0);
}

void ring_futex_wake(uint32_t* word, bool shared) noexcept {
  syscall(SYS_futex, word, shared ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, INT32_MAX, nullptr, nullptr, 0);
}

// The process's transport state. Never destroyed (like Core): producers on any thread may read it while
// the runtime stops. The region itself is freed at stop, once neither side can touch it.
struct RingTransport {
  std::atomic<bool> active{false};    // a region exists and Go attached: calls may use it
  // Some message crossed the ring since it started. Until one does, waiting threads and idle executor
  // threads do not poll it: in per-method mode without a ring service, none ever does.
  std::atomic<bool> carried{false};
  std::atomic<bool> closed{true};     // producers must not start using the region
  std::atomic<int64_t> users{0};      // producers between enter() and leave()
  std::atomic<uint32_t> transport{CXX2GO_TRANSPORT_PER_METHOD};
  cxx2go_ring_region* region = nullptr;
  Ring to_go;
  Ring to_cpp;
  std::atomic<size_t> max_payload{0};  // of a message: ring_max_payload of the rings' capacity
  int eventfd = -1;
  // The region is a host's shared mapping (an isolated worker, ring_use_external_region): futexes are
  // shared, stop() unmaps it instead of freeing it, and nobody acknowledges a detach.
  bool external = false;
  size_t external_size = 0;
  ExternalRingHooks hooks;  // an isolated worker's (ring_use_external_region)
  int64_t spin_ns = 0;        // the most any side spins before parking (CXX2GO_RING_SPIN_US)
  AdaptiveSpin consumer_spin;  // of the ring thread, when to_cpp runs dry
  AdaptiveSpin helper_spin;    // of threads waiting for a future (ring_help_wait)
  AdaptiveSpin executor_spin;  // of idle executor threads (ring_help_executor)
  std::atomic<bool> stop_thread{false};
  // The ring thread takes no message before the runtime runs (ring_serve): a worker's host may have written
  // calls into the region before the worker started, and their answers need the runtime running.
  std::atomic<bool> serving{false};
  // The consumer's role of to_cpp: held by the ring thread while it drains, or for one message by a thread
  // waiting for a future (ring_help_wait). The holder alone reads messages and moves head.
  std::atomic<bool> consuming{false};
  std::thread thread;
  RingCounters final_counters;  // kept when the region is freed

  // A producer enters before touching the region and leaves after; closing waits for users == 0. Both
  // sides use seq_cst: either enter() sees `closed`, or the closer sees the user.
  bool enter() noexcept {
    users.fetch_add(1);
    if (!closed.load()) return true;
    users.fetch_sub(1);
    return false;
  }
  void leave() noexcept { users.fetch_sub(1); }
};

RingTransport& ring_transport() noexcept {
  static RingTransport* const instance = new RingTransport();
  return *instance;
}

void ring_note_carried(RingTransport& t) noexcept {
  if (!t.carried.load(std::memory_order_relaxed)) t.carried.store(true, std::memory_order_relaxed);
}

// Writes to Go's eventfd: the Go dispatcher goroutine is parked in the netpoller on it.
void ring_wake_go(RingTransport& t) noexcept {
  const uint64_t one = 1;
  while (write(t.eventfd, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

RingCounters ring_counters_of(RingTransport& t) noexcept {
  RingCounters out;
  out.started = true;
  out.to_go = ring_atomic(t.region->to_go.tail).load();
  out.to_cpp = ring_atomic(t.region->to_cpp.tail).load();
  out.go_wakeups = t.to_go.wakeups();
  out.cpp_wakeups = t.to_cpp.wakeups();
  // Head after tail: a reader between the two loads can only make the difference smaller, never wrap.
  const uint64_t go_tail = out.to_go, cpp_tail = out.to_cpp;
  const uint64_t go_head = ring_atomic(t.region->to_go.head).load();
  const uint64_t cpp_head = ring_atomic(t.region->to_cpp.head).load();
  out.to_go_queued = go_tail > go_head ? go_tail - go_head : 0;
  out.to_cpp_queued = cpp_tail > cpp_head ? cpp_tail - cpp_head : 0;
  out.capacity = t.region->to_go.capacity;
  return out;
}

RingCounters ring_counters() noexcept {
  RingTransport& t = ring_transport();
  if (!t.enter()) return t.final_counters;  // closed: before start or after stop
  RingCounters out = ring_counters_of(t);
  t.leave();
  return out;
}

bool ring_go_detached(RingTransport& t) noexcept {
  return ring_atomic(t.region->go_detached).load(std::memory_order_seq_cst) != 0;
}

// Claims a slot of the C++ → Go ring, waiting while it is full (backpressure: the caller waits, nothing
// is queued elsewhere). nullptr once Go detached: it will never read the ring again.
cxx2go_ring_slot* ring_claim_to_go(RingTransport& t, uint64_t& pos, uint64_t n = 1) noexcept {
  int spins = 0;
  std::chrono::microseconds nap{20};
  for (;;) {
    if (cxx2go_ring_slot* slot = t.to_go.try_claim(pos, n)) return slot;
    if (ring_go_detached(t)) return nullptr;
    if (++spins < 64) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(nap);  // the consumer is behind: back off up to 1 ms
      nap = std::min<std::chrono::microseconds>(nap * 2, std::chrono::milliseconds(1));
    }
  }
}

thread_local bool t_on_ring_thread = false;
thread_local bool t_ring_helping = false;

bool ring_try_consume(RingTransport& t) noexcept {
  bool expected = false;
  return t.consuming.compare_exchange_strong(expected, true, std::memory_order_acquire, std::memory_order_relaxed);
}

void ring_end_consume(RingTransport& t) noexcept { t.consuming.store(false, std::memory_order_release); }

// Wakes the ring thread if it is parked (a helper leaving a message it does not handle).
void ring_wake_cpp_consumer(RingTransport& t) noexcept {
  if (t.to_cpp.take_sleeper()) ring_futex_wake(t.to_cpp.sleeping_word(), t.external);
}

// What a helper takes out of to_cpp: completions (a thread waiting for a future) or calls (an idle thread of
// the runtime's executor, which then runs them).
enum class RingTake { completions, calls };

bool ring_takes(RingTake take, uint32_t kind) noexcept {
  return take == RingTake::completions ? kind == CXX2GO_RING_COMPLETE
                                       : kind == CXX2GO_RING_CALL || kind == CXX2GO_RING_ONEWAY;
}

// Takes the front message of to_cpp if it is of the kind this helper handles, copying it into `out` (the
// header and the used payload) and releasing its slot. Anything else stays for the ring thread, which is
// woken for it.
bool ring_take_front(RingTransport& t, RingTake take, cxx2go_ring_slot& out) noexcept {
  if (t.to_cpp.front() == nullptr || !ring_try_consume(t)) return false;
  cxx2go_ring_slot* slot = t.to_cpp.front();
  // A call is noted as in hand while this thread still holds the consumer's role, so that its CANCEL, which
  // the ring thread may handle before this thread lists the call, is not lost.
  // Nested calls are the ring thread's: only it hands them to the threads they belong to.
  const bool mine = slot != nullptr && slot->len <= CXX2GO_RING_PAYLOAD_CAP && ring_takes(take, slot->kind) &&
                    (slot->kind != CXX2GO_RING_CALL || (slot->flags & CXX2GO_CALL_NESTED) == 0) &&
                    (slot->kind != CXX2GO_RING_CALL || note_call_in_hand(slot->call_id));
  if (mine) {
    const uint32_t len = slot->len <= CXX2GO_RING_PAYLOAD_CAP ? slot->len : 0;  // never read past the slot
    std::memcpy(&out, slot, CXX2GO_RING_HEADER_SIZE + len);
    out.len = len;
    t.to_cpp.release(slot);
  }
  ring_end_consume(t);
  if (!mine && slot != nullptr) ring_wake_cpp_consumer(t);
  return mine;
}

// Counts this thread in as a helper of to_cpp, inside the transport (enter()). False if it is closed.
bool ring_begin_help(RingTransport& t) noexcept {
  if (!t.enter()) return false;
  t.to_cpp.begin_help();
  return true;
}

// Counts it out. A producer that saw it counted in did not wake the ring thread, so whatever is left in
// the ring is the ring thread's now: wake it (publish() explains why nothing is missed).
void ring_end_help(RingTransport& t) noexcept {
  t.to_cpp.end_help();
  if (t.to_cpp.front(std::memory_order_seq_cst) != nullptr) ring_wake_cpp_consumer(t);
  t.leave();
}

// Polls ready(arg) and to_cpp for up to the ring's spin time, taking out and handling the messages of
// kind `take` (the budget starts again after each). Returns ready(arg)'s last value.
bool ring_help(bool (*ready)(const void*), const void* arg, RingTake take) noexcept {
  if (t_on_ring_thread || t_ring_helping) return false;  // nested in a message this thread handles
  RingTransport& t = ring_transport();
  if (!t.active.load(std::memory_order_acquire)) return false;
  if (!t.carried.load(std::memory_order_relaxed)) return false;
  AdaptiveSpin& site = take == RingTake::completions ? t.helper_spin : t.executor_spin;
  auto budget = site.next_budget();
  if (budget <= std::chrono::nanoseconds::zero()) return false;
  using Clock = std::chrono::steady_clock;
  t_ring_helping = true;
  struct Reset {
    ~Reset() { t_ring_helping = false; }
  } reset;
  auto last = Clock::now();
  auto until = last + budget;
  cxx2go_ring_slot message;
  for (;;) {
    if (!ring_begin_help(t)) return ready(arg);
    bool gave_up = false;
    for (unsigned i = 1;; ++i) {
      if (ready(arg)) {
        ring_end_help(t);
        site.found();
        return true;
      }
      if (ring_take_front(t, take, message)) break;
      cpu_relax();
      if (i % 64 != 0) continue;
      const auto now = Clock::now();
      // Lost the CPU meanwhile: the machine is busy, and spinning on takes it from the thread that would
      // answer. Park instead (AdaptiveSpin).
      const bool preempted = now - last > AdaptiveSpin::kPreemptedGap;
      if (preempted || now >= until) {
        site.ran_out();
        gave_up = true;
        break;
      }
      last = now;
    }
    ring_end_help(t);
    if (gave_up) return ready(arg);
    site.found();
    // Handled as the ring thread would, but outside the transport and uncounted: completions run
    // continuations and calls run implementations (user code), which may wait for other calls (the ring
    // thread must be woken for them) or stop the runtime (which waits for the transport's users).
    ring_handle(&message, message.payload, message.len);
    if (message.kind == CXX2GO_RING_CALL) forget_call_in_hand(message.call_id);  // if never listed
    budget = site.next_budget();
    if (budget <= std::chrono::nanoseconds::zero()) return ready(arg);
    last = Clock::now();
    until = last + budget;
  }
}

bool ring_help_wait(bool (*ready)(const void*), const void* arg) noexcept {
  return ring_help(ready, arg, RingTake::completions);
}

bool ring_help_executor(bool (*ready)(const void*), const void* arg) noexcept {
  return ring_help(ready, arg, RingTake::calls);
}

bool ring_is_current_thread() noexcept { return t_on_ring_thread; }

bool ring_wanted(uint32_t method_flags) noexcept {
  RingTransport& t = ring_transport();
  if (!t.active.load(std::memory_order_acquire)) return false;
  const uint32_t mode = t.transport.load(std::memory_order_relaxed);
  return mode == CXX2GO_TRANSPORT_RING || (mode == CXX2GO_TRANSPORT_PER_METHOD && (method_flags & kMethodRing) != 0);
}

size_t ring_max_call_payload() noexcept { return ring_transport().max_payload.load(std::memory_order_relaxed); }

bool ring_send_call(const cxx2go_call& call, bool oneway) noexcept {
  RingTransport& t = ring_transport();
  const size_t size = ring_call_size(call);
  if (size > t.max_payload.load(std::memory_order_relaxed) || !t.enter()) return false;  // too big: cgo
  const uint64_t n = ring_message_slots(size);
  uint64_t pos = 0;
  cxx2go_ring_slot* slot = ring_claim_to_go(t, pos, n);
  if (slot == nullptr) {
    t.leave();
    return false;
  }
  ring_note_carried(t);
  ring_write_call(t.to_go, pos, oneway ? CXX2GO_RING_ONEWAY : CXX2GO_RING_CALL, call);
  if (t.to_go.publish(slot, pos, n)) ring_wake_go(t);
  t.leave();
  return true;
}

bool ring_send_completion(uint64_t call_id, int32_t code, const uint8_t* data, size_t len) noexcept {
  if ((call_id & kRingCallBit) == 0) return false;  // not a ring call: entry_points.complete
  RingTransport& t = ring_transport();
  // Too big: cgo, whose complete handles ring ids too.
  if (len > t.max_payload.load(std::memory_order_relaxed) || !t.enter()) return false;
  const uint64_t n = ring_message_slots(len);
  uint64_t pos = 0;
  cxx2go_ring_slot* slot = ring_claim_to_go(t, pos, n);
  if (slot == nullptr) {
    // Go detached: it answered the call with Code::stopped already, and nobody reads this any more.
    t.leave();
    return true;
  }
  slot->kind = CXX2GO_RING_COMPLETE;
  slot->call_id = call_id;
  slot->code = code;
  slot->len = static_cast<uint32_t>(len);
  ring_put(t.to_go, pos, 0, data, len);
  if (t.to_go.publish(slot, pos, n)) ring_wake_go(t);
  t.leave();
  return true;
}

bool ring_send_cancel(uint64_t call_id) noexcept {
  if ((call_id & kRingCallBit) == 0) return false;
  RingTransport& t = ring_transport();
  if (!t.enter()) return false;  // Go detached after draining the ring: the call is known to Go by now
  uint64_t pos = 0;
  cxx2go_ring_slot* slot = ring_claim_to_go(t, pos);
  if (slot == nullptr) {
    t.leave();
    return false;
  }
  slot->kind = CXX2GO_RING_CANCEL;
  slot->call_id = call_id;
  slot->len = 0;
  if (t.to_go.publish(slot, pos)) ring_wake_go(t);
  t.leave();
  return true;
}

// A @direct call in message form (CXX2GO_CALL_DIRECT: an isolated worker's host cannot call the method's
// function itself), run here on the ring thread, as its host would have run it on the calling thread;
// the reply is its result words or its error.
void ring_call_direct(const cxx2go_call& call, cxx2go_reply& reply) noexcept {
  int32_t code = CXX2GO_OK;
  char* message = nullptr;
  const cxx2go_direct_fn fn = cxx2go_cpp_direct_entry(call.method_id, &code, &message);
  if (fn == nullptr) {
    write_incoming_error(reply, Error(static_cast<Code>(code), message != nullptr ? message : "no C++ function"));
    std::free(message);
    return;
  }
  if (call.args_len != CXX2GO_DIRECT_WORDS * sizeof(uint64_t) || call.nviews > CXX2GO_DIRECT_VIEWS) {
    write_incoming_error(reply, Error(Code::protocol, "malformed @direct call in the Go → C++ ring"));
    return;
  }
  uint64_t words[CXX2GO_DIRECT_WORDS];
  std::memcpy(words, call.args, sizeof words);
  cxx2go_view views[CXX2GO_DIRECT_VIEWS] = {};
  for (uint32_t i = 0; i < call.nviews; ++i) views[i] = call.views[i];
  cxx2go_direct_result result = {{0, 0, 0, 0}, CXX2GO_OK, nullptr, 0};
  fn(words, views, call.deadline_unix_nanos, &result);
  if (result.code != CXX2GO_OK) {
    write_incoming_error(reply, Error(static_cast<Code>(result.code),
                                      result.message != nullptr ? std::string(result.message, result.message_len) : ""));
    std::free(result.message);
    return;
  }
  reply.code = CXX2GO_OK;
  reply.where = CXX2GO_REPLY_INLINE;
  reply.len = sizeof result.words;
  std::memcpy(reply.inline_buf, result.words, sizeof result.words);
}

// One Go → C++ message, on the ring thread: its first slot, and its payload (in place, or gathered from
// its slots by ring_front_payload).
void ring_handle(cxx2go_ring_slot* slot, const unsigned char* payload, size_t len) noexcept {
  try {
    if (slot->kind == CXX2GO_RING_CANCEL) {
      receive_cancel(slot->call_id);
      return;
    }
    if (slot->kind == CXX2GO_RING_COMPLETE) {
      RingTransport& t = ring_transport();
      if (t.hooks.take_completion != nullptr && t.hooks.take_completion(slot->call_id, slot->code, payload, len)) return;
      receive_completion(slot->call_id, slot->code, payload, len);
      return;
    }
    if (slot->kind == CXX2GO_RING_CALL && (slot->flags & CXX2GO_CALL_NESTED) != 0) {
      const RingTransport& t = ring_transport();
      if (t.hooks.take_nested != nullptr && t.hooks.take_nested(*slot, payload, len)) return;
    }
    const bool oneway = slot->kind == CXX2GO_RING_ONEWAY;
    const uint64_t id = slot->call_id;
    cxx2go_reply reply{};
    std::array<cxx2go_view, 64> views;
    cxx2go_call call{};
    if ((slot->kind != CXX2GO_RING_CALL && !oneway) || !ring_read_call(slot, payload, len, call, views)) {
      write_incoming_error(reply, Error(Code::protocol, "malformed message in the Go → C++ ring"));
    } else {
      if (ring_transport().external) call.method_name = nullptr;  // an address in the host's memory
      if ((call.flags & CXX2GO_CALL_DIRECT) != 0) {
        ring_call_direct(call, reply);
      } else {
        // Copies what it keeps before returning (an executor call owns its arguments), so the slot is
        // released right after; the answer comes later through send_completion.
        receive_call(call, reply);
      }
    }
    const uint8_t* data = reply.where == CXX2GO_REPLY_MALLOC ? reply.heap : reply.inline_buf;
    if (oneway) {
      if (reply.code != CXX2GO_OK) {
        std::fprintf(stderr, "cxx2go: dropped oneway call from Go: %.*s\n", static_cast<int>(reply.len),
                     reinterpret_cast<const char*>(data));
      }
    } else if (reply.code != CXX2GO_PENDING && id != 0) {
      // Answered at once (an error, or a call that ran inline): its completion goes back over the ring.
      send_completion(core(), id, reply.code, data, reply.len);
    }
    if (reply.where == CXX2GO_REPLY_MALLOC) std::free(reply.heap);
  } catch (...) {
    report_uncaught_exception("cxx2go ring thread");
  }
}

// The payload of the front message of to_cpp, whose first slot is `slot`: in place if it has one slot,
// else gathered into `buffer`. Sets n to its slots and len to its payload's length (0 if the message
// claims more slots than the ring has).
const unsigned char* ring_front_payload(RingTransport& t, cxx2go_ring_slot* slot, std::vector<uint64_t>& buffer,
                                        uint64_t& n, size_t& len) {
  len = slot->len;
  n = ring_message_slots(len);
  if (n == 1) return slot->payload;
  if (n > t.to_cpp.capacity()) {
    n = 1;
    len = 0;
    return slot->payload;
  }
  buffer.resize((len + 7) / 8);
  ring_get(t.to_cpp, t.to_cpp.head(), 0, buffer.data(), len);
  return reinterpret_cast<const unsigned char*>(buffer.data());
}

// The consumer of the Go → C++ ring: drains it in batches, polls for spin_ns when it runs dry, then
// parks on the ring's futex word until a Go producer wakes it.
void ring_thread_main(RingTransport& t) noexcept {
  std::vector<uint64_t> buffer;  // the payload of a message of several slots
  set_thread_name("cxx2go-ring");
  enter_runtime_thread();
  t_on_ring_thread = true;
  t.serving.wait(false);
  for (;;) {
    if (ring_try_consume(t)) {
      while (cxx2go_ring_slot* slot = t.to_cpp.front()) {
        ring_note_carried(t);
        uint64_t n = 1;
        size_t len = 0;
        const unsigned char* payload = nullptr;
        try {
          payload = ring_front_payload(t, slot, buffer, n, len);
        } catch (...) {  // no memory for the gathered payload: the message is answered as malformed
          len = 0;
          payload = slot->payload;
        }
        ring_handle(slot, payload, len);
        t.to_cpp.release(slot, n);
      }
      ring_end_consume(t);
    } else {
      std::this_thread::yield();  // a helper holds the role for one message: never park while it does
      continue;
    }
    if (t.stop_thread.load()) return;
    // While a waiting caller helps, it takes the completions and wakes this thread for anything else:
    // spinning here would only take a CPU from it (on 2 vCPUs, the difference between a round trip of
    // about a microsecond and tens of them).
    if (!t.to_cpp.helped()) {
      const bool arrived = t.consumer_spin.spin([&t] {
        return t.to_cpp.front() != nullptr || t.to_cpp.helped() || t.stop_thread.load(std::memory_order_relaxed);
      });
      if (arrived && !t.to_cpp.helped()) continue;
    }
    if (t.to_cpp.prepare_park()) {
      const auto parked = std::chrono::steady_clock::now();
      if (!t.stop_thread.load()) ring_futex_wait(t.to_cpp.sleeping_word(), 1, 0, t.external);
      t.to_cpp.unpark();
      if (t.to_cpp.front() != nullptr) t.consumer_spin.parked_for(std::chrono::steady_clock::now() - parked);
    }
  }
}

int64_t ring_env_int(const char* name, int64_t fallback) noexcept {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == 0) return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  return (end != nullptr && *end == 0 && n >= 0) ? n : fallback;
}

// The region of an isolated worker, mapped from its host (ring_use_external_region), until ring_start
// takes it.
struct ExternalRegion {
  cxx2go_ring_region* region = nullptr;
  size_t size = 0;
  int doorbell = -1;
  ExternalRingHooks hooks;
};
ExternalRegion g_external_region;

void ring_use_external_region(void* region, size_t size, int doorbell_fd, ExternalRingHooks hooks) noexcept {
  g_external_region = ExternalRegion{static_cast<cxx2go_ring_region*>(region), size, doorbell_fd, hooks};
}

// Frees what ring_start set up for the region: unmaps a host's region, frees our own.
void ring_release_region(RingTransport& t) noexcept {
  if (t.eventfd >= 0) close(t.eventfd);
  t.eventfd = -1;
  if (t.external) {
    munmap(t.region, t.external_size);
  } else {
    std::free(t.region);
  }
  t.region = nullptr;
}

// Allocates and lays out the region of an in-process Go peer, with Go's doorbell (an eventfd).
Result<cxx2go_ring_region*> ring_allocate_region() {
  uint32_t mode = CXX2GO_TRANSPORT_PER_METHOD;
  if (const char* env = std::getenv("CXX2GO_TRANSPORT"); env != nullptr && *env != 0) {
    const std::string_view v(env);
    if (v == "ring") {
      mode = CXX2GO_TRANSPORT_RING;
    } else if (v == "cgo") {
      mode = CXX2GO_TRANSPORT_CGO;
    } else {
      return Error(Code::invalid_argument, "CXX2GO_TRANSPORT must be 'ring' or 'cgo', not '" + std::string(v) + "'");
    }
  }
  uint64_t slots = static_cast<uint64_t>(ring_env_int("CXX2GO_RING_SLOTS", CXX2GO_RING_DEFAULT_SLOTS));
  if (slots < 2 || slots > (uint64_t{1} << 20) || (slots & (slots - 1)) != 0) {
    return Error(Code::invalid_argument, "CXX2GO_RING_SLOTS must be a power of two between 2 and 1048576");
  }
  const int64_t spin_us = ring_env_int("CXX2GO_RING_SPIN_US", 20);
  const size_t ring_bytes = slots * sizeof(cxx2go_ring_slot);
  const size_t size = sizeof(cxx2go_ring_region) + 2 * ring_bytes;
  void* memory = std::aligned_alloc(64, size);
  if (memory == nullptr) return Error(Code::resource_exhausted, "cannot allocate the ring region");
  std::memset(memory, 0, sizeof(cxx2go_ring_region));
  const int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd < 0) {
    std::free(memory);
    return Error(Code::resource_exhausted, "cannot create the ring's eventfd");
  }
  auto* region = static_cast<cxx2go_ring_region*>(memory);
  region->magic = CXX2GO_RING_MAGIC;
  region->version = CXX2GO_RING_VERSION;
  region->transport = mode;
  region->size = size;
  region->go_eventfd = efd;
  region->spin_ns = static_cast<uint32_t>(std::min<int64_t>(spin_us * 1000, UINT32_MAX));
  Ring::init(region, &region->to_go, sizeof(cxx2go_ring_region), slots);
  Ring::init(region, &region->to_cpp, sizeof(cxx2go_ring_region) + ring_bytes, slots);
  return region;
}

Result<void> ring_start(Core& c) {
  RingTransport& t = ring_transport();
  const ExternalRegion external = std::exchange(g_external_region, ExternalRegion{});
  cxx2go_ring_region* region = external.region;
  if (region == nullptr) {
    if (c.go.ring_attach == nullptr) return {};  // a Go peer without the ring (C++ tests' fakes): cgo only
    Result<cxx2go_ring_region*> allocated = ring_allocate_region();
    if (!allocated) return allocated.error();
    region = *allocated;
  }
  t.region = region;
  t.external = region == external.region;
  t.external_size = external.size;
  t.hooks = external.hooks;
  t.to_go = Ring(region, &region->to_go);
  t.to_cpp = Ring(region, &region->to_cpp);
  t.max_payload.store(ring_max_payload(std::min(t.to_go.capacity(), t.to_cpp.capacity())));
  // An isolated worker wakes its host through the host's doorbell, which the host handed it.
  t.eventfd = t.external ? external.doorbell : region->go_eventfd;
  t.spin_ns = region->spin_ns;
  for (AdaptiveSpin* site : {&t.consumer_spin, &t.helper_spin, &t.executor_spin}) {
    site->reset(std::chrono::nanoseconds(t.spin_ns));
  }
  // A worker sends every call over the ring: its peer is in another process.
  t.transport.store(t.external ? CXX2GO_TRANSPORT_RING : region->transport);
  t.users.store(0);
  t.stop_thread.store(false);
  t.serving.store(false);
  try {
    t.thread = std::thread([&t] { ring_thread_main(t); });
  } catch (...) {
    ring_release_region(t);
    throw;
  }
  // Go starts its dispatcher goroutine; the region is ready before Go sees it. A worker's host attached
  // before starting the worker.
  const int32_t attached = t.external ? CXX2GO_OK : [&] {
    InGo in_go;
    return c.go.ring_attach(region);
  }();
  if (attached != CXX2GO_OK) {
    t.stop_thread.store(true);
    ring_serve();
    ring_atomic(*t.to_cpp.sleeping_word()).store(0);
    ring_futex_wake(t.to_cpp.sleeping_word());
    t.thread.join();
    ring_release_region(t);
    return Error(Code::failed_precondition, "the Go runtime refused the ring transport's region");
  }
  t.closed.store(false);
  t.carried.store(false, std::memory_order_relaxed);
  t.active.store(true, std::memory_order_release);
  return {};
}

void ring_serve() noexcept {
  RingTransport& t = ring_transport();
  t.serving.store(true);
  t.serving.notify_all();
}

void ring_stop(Core&, std::chrono::steady_clock::time_point deadline) noexcept {
  RingTransport& t = ring_transport();
  if (t.region == nullptr) return;
  t.active.store(false);
  // Go first: it stops producing, delivers what the ring still holds, fails its callers still waiting for
  // a ring completion with Code::stopped, and acknowledges. The ring thread keeps draining meanwhile, so
  // that Go producers waiting for room can finish. A worker's host learns of the stop from the worker's
  // exit (which follows), and is not waited for: it does not acknowledge.
  ring_atomic(t.region->closing).store(1, std::memory_order_seq_cst);
  ring_wake_go(t);
  while (!t.external) {
    if (ring_go_detached(t)) break;
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      std::fprintf(stderr, "cxx2go: stop: the Go side did not detach from the ring transport within stop_timeout; "
                           "its memory is kept\n");
      t.closed.store(true);  // the thread keeps serving Go; the region is leaked, never freed under Go
      return;
    }
    // Polled, not woken: Go's store of go_detached is its last access to the region.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  t.closed.store(true);
  while (t.users.load() != 0) std::this_thread::yield();  // producers finishing a message Go will not read
  t.stop_thread.store(true);
  ring_serve();  // a thread that never served (start failed after ring_start) ends too
  ring_atomic(*t.to_cpp.sleeping_word()).store(0);
  ring_futex_wake(t.to_cpp.sleeping_word(), t.external);
  if (t.thread.joinable()) t.thread.join();
  t.final_counters = ring_counters_of(t);
  ring_release_region(t);
}

}  // namespace cxx2go::detail
