// src/transport/ring.h — the C++ operations on one ring of the shared-memory transport (layout and
// ownership rules: cxx2go/ring_abi.h; design: docs/ring.md). The Go runtime implements the same
// operations on the same memory (runtime/go/cxx2go/c2gimpl/ring.go).
//
// A bounded multi-producer queue after Dmitry Vyukov: one sequence number per slot, so a producer never
// reads the consumer's index (the per-slot sequence is the "cached index": a producer touches only the
// tail and its own slot), and the consumer never reads the tail. A full ring is reported, never grown.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "cxx2go/abi.h"
#include "cxx2go/ring_abi.h"
#include "cxx2go/detail/testing.h"

namespace cxx2go::detail {

static_assert(sizeof(cxx2go_ring_slot) == CXX2GO_RING_SLOT_SIZE);
static_assert(offsetof(cxx2go_ring_slot, payload) == CXX2GO_RING_HEADER_SIZE);
static_assert(offsetof(cxx2go_ring, head) == 64 && offsetof(cxx2go_ring, sleeping) == 128 &&
              offsetof(cxx2go_ring, capacity) == 192 && sizeof(cxx2go_ring) == 256);
static_assert(offsetof(cxx2go_ring_region, to_go) == 64 && sizeof(cxx2go_ring_region) == 64 + 2 * 256);

// Plain fields of the C layout, accessed atomically (std::atomic_ref keeps the layout C).
inline std::atomic_ref<uint64_t> ring_atomic(uint64_t& v) noexcept { return std::atomic_ref<uint64_t>(v); }
inline std::atomic_ref<uint32_t> ring_atomic(uint32_t& v) noexcept { return std::atomic_ref<uint32_t>(v); }

// Blocks while *word == expected (FUTEX_WAIT), at most timeout_ns if nonzero. Returns on a wake-up, a
// changed word, a timeout or a signal (EINTR): callers re-check their condition in a loop. `shared`: the
// word is in memory shared with another process (an isolated worker's region), whose wake-ups must find
// it; otherwise the cheaper process-private futex.
void ring_futex_wait(uint32_t* word, uint32_t expected, int64_t timeout_ns, bool shared = false) noexcept;
// Wakes every thread blocked in ring_futex_wait on word.
void ring_futex_wake(uint32_t* word, bool shared = false) noexcept;

// ThreadSanitizer and the Go side of the rings. When the C++ code is built with TSan (the tsan-e2e steps
// of scripts/run-sanitizers.sh), the Go code in the same process is not instrumented: a message C++ hands
// to Go, and whatever Go hands back in turn, synchronizes through Go's atomics, which TSan never sees, so
// it would report every C++ access ordered only by a round trip through Go. As libcgo does for cgo calls
// (one global object, released on the way to Go and acquired on the way back), every publish and release
// of a slot releases, and every claim and take of one acquires, one object. In other builds: nothing.
#if defined(__SANITIZE_THREAD__)
#define CXX2GO_RING_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CXX2GO_RING_TSAN 1
#endif
#endif
#ifdef CXX2GO_RING_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
inline char ring_tsan_sync;
inline void ring_tsan_acquire() noexcept { __tsan_acquire(&ring_tsan_sync); }
inline void ring_tsan_release() noexcept { __tsan_release(&ring_tsan_sync); }
#else
inline void ring_tsan_acquire() noexcept {}
inline void ring_tsan_release() noexcept {}
#endif

// One direction of a region. Cheap to copy: two pointers.
class Ring {
 public:
  Ring() noexcept = default;
  Ring(void* region, cxx2go_ring* ring) noexcept
      : ring_(ring),
        slots_(reinterpret_cast<cxx2go_ring_slot*>(static_cast<unsigned char*>(region) + ring->slots)) {}

  // Lays out an empty ring of `capacity` (a power of two) slots at `slots_offset` of `region`.
  static void init(void* region, cxx2go_ring* ring, uint64_t slots_offset, uint64_t capacity) noexcept {
    std::memset(ring, 0, sizeof *ring);
    ring->capacity = capacity;
    ring->slots = slots_offset;
    auto* slots = reinterpret_cast<cxx2go_ring_slot*>(static_cast<unsigned char*>(region) + slots_offset);
    for (uint64_t i = 0; i < capacity; ++i) {
      std::memset(&slots[i], 0, CXX2GO_RING_HEADER_SIZE);  // payload bytes are written before being read
      slots[i].seq = i;
    }
  }

  uint64_t capacity() const noexcept { return ring_->capacity; }

  // ---- producers (any thread) ----

  // Claims the next free slot, or returns nullptr when the ring is full. The caller writes the slot, then
  // publish()es it; until then the consumer waits at this slot, so claim-write-publish never blocks.
  cxx2go_ring_slot* try_claim(uint64_t& pos) noexcept {
    std::atomic_ref<uint64_t> tail(ring_->tail);
    uint64_t p = tail.load(std::memory_order_relaxed);
    for (;;) {
      cxx2go_ring_slot* slot = &slots_[p & (ring_->capacity - 1)];
      const uint64_t seq = ring_atomic(slot->seq).load(std::memory_order_acquire);
      const auto diff = static_cast<int64_t>(seq - p);
      if (diff == 0) {
        if (tail.compare_exchange_weak(p, p + 1, std::memory_order_relaxed)) {
          pos = p;
          ring_tsan_acquire();  // the slot may have been released by Go
          return slot;
        }
      } else if (diff < 0) {
        return nullptr;  // the slot still holds the message of position p - capacity: full
      } else {
        p = tail.load(std::memory_order_relaxed);  // another producer took p
      }
    }
  }

  // Hands a claimed slot to the consumer. Returns true if the consumer is parked and this producer must
  // wake it (exactly one producer gets true per parking). The sleep/wake handshake is a Dekker pattern:
  // the producer stores seq then loads `sleeping`, the consumer (prepare_park) stores `sleeping` then loads
  // seq. All four are sequentially consistent operations, so they fall in one total order and at least
  // one side sees the other's store (release/acquire alone would let both read old values and lose the
  // wake-up). SC operations rather than SC fences: GCC's ThreadSanitizer does not support fences.
  //
  // While a waiting caller helps (`helpers` != 0) nobody is woken: the helper polls the ring, and wakes
  // the consumer for whatever it leaves there (end_help). The same Dekker argument covers it: the producer
  // stores seq then loads `helpers`, the helper decrements `helpers` then loads seq.
  bool publish(cxx2go_ring_slot* slot, uint64_t pos) noexcept {
    ring_tsan_release();
    ring_atomic(slot->seq).store(pos + 1, std::memory_order_seq_cst);
    if (ring_atomic(ring_->helpers).load(std::memory_order_seq_cst) != 0) return false;
    return take_sleeper();
  }

  // Takes the parked consumer's announcement: true if it was parked (or about to park) and the caller
  // must wake it. Exactly one caller gets true per parking.
  bool take_sleeper() noexcept {
    std::atomic_ref<uint32_t> sleeping(ring_->sleeping);
    if (sleeping.load(std::memory_order_seq_cst) == 0) return false;
    if (sleeping.exchange(0, std::memory_order_seq_cst) == 0) return false;
    ring_atomic(ring_->wakeups).fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  // ---- helpers: threads that wait for a completion and poll the ring meanwhile ----

  // Counts a helper in (producers stop waking the consumer) or out. After end_help() the caller must
  // check front() and wake the consumer if a message is left (take_sleeper()).
  void begin_help() noexcept { ring_atomic(ring_->helpers).fetch_add(1, std::memory_order_seq_cst); }
  void end_help() noexcept { ring_atomic(ring_->helpers).fetch_sub(1, std::memory_order_seq_cst); }
  bool helped() const noexcept { return ring_atomic(ring_->helpers).load(std::memory_order_seq_cst) != 0; }

  // ---- the consumer (one thread at a time: the holder of the consumer's role) ----

  // The next published message, or nullptr. It stays the consumer's until release(). Also callable by a
  // thread that does not hold the consumer's role, to see whether a message is waiting (never to read it):
  // head and seq are read atomically.
  cxx2go_ring_slot* front(std::memory_order order = std::memory_order_acquire) noexcept {
    const uint64_t pos = ring_atomic(ring_->head).load(std::memory_order_seq_cst);
    cxx2go_ring_slot* slot = &slots_[pos & (ring_->capacity - 1)];
    if (ring_atomic(slot->seq).load(order) != pos + 1) return nullptr;
    ring_tsan_acquire();  // the message may come from Go
    return slot;
  }

  // Gives the front slot back to producers (its payload must not be read afterwards).
  void release(cxx2go_ring_slot* slot) noexcept {
    ring_tsan_release();
    const uint64_t pos = ring_atomic(ring_->head).load(std::memory_order_relaxed);
    ring_atomic(slot->seq).store(pos + ring_->capacity, std::memory_order_release);
    ring_atomic(ring_->head).store(pos + 1, std::memory_order_seq_cst);
  }

  // Parking, step 1: announces that the consumer is about to sleep. Returns false (and takes the
  // announcement back) if a message arrived meanwhile; true means: sleep on `sleeping` == 1.
  bool prepare_park() noexcept {
    std::atomic_ref<uint32_t> sleeping(ring_->sleeping);
    sleeping.store(1, std::memory_order_seq_cst);
    if (front(std::memory_order_seq_cst) == nullptr) return true;  // see publish()
    sleeping.store(0, std::memory_order_relaxed);
    return false;
  }
  // Parking, step 2 (after the sleep, whatever woke it).
  void unpark() noexcept { std::atomic_ref<uint32_t>(ring_->sleeping).store(0, std::memory_order_relaxed); }
  uint32_t* sleeping_word() noexcept { return &ring_->sleeping; }
  uint64_t wakeups() const noexcept { return ring_atomic(ring_->wakeups).load(std::memory_order_relaxed); }

 private:
  cxx2go_ring* ring_ = nullptr;
  cxx2go_ring_slot* slots_ = nullptr;
};

// RingCounters and ring_counters(): cxx2go/detail/testing.h (tests and benchmarks read them).

// ---- messages ----

inline size_t ring_round8(size_t n) noexcept { return (n + 7) & ~size_t{7}; }

// Payload bytes a call needs in a slot (SIZE_MAX if it cannot be described at all).
inline size_t ring_call_size(const cxx2go_call& call) noexcept {
  size_t n = ring_round8(size_t{call.nviews} * 4) + ring_round8(call.args_len);
  for (uint32_t i = 0; i < call.nviews; ++i) n += ring_round8(call.views[i].len);
  return n;
}

// Writes `call` into a claimed slot; the caller checked ring_call_size() <= CXX2GO_RING_PAYLOAD_CAP.
inline void ring_write_call(cxx2go_ring_slot* slot, uint32_t kind, const cxx2go_call& call) noexcept {
  slot->kind = kind;
  slot->call_id = call.call_id;
  slot->method_id = call.method_id;
  slot->deadline_unix_nanos = call.deadline_unix_nanos;
  slot->name = reinterpret_cast<uintptr_t>(call.method_name);
  slot->code = 0;
  slot->flags = call.flags;
  slot->nviews = call.nviews;
  slot->args_len = static_cast<uint32_t>(call.args_len);
  unsigned char* p = slot->payload;
  for (uint32_t i = 0; i < call.nviews; ++i) {
    const auto len = static_cast<uint32_t>(call.views[i].len);
    std::memcpy(p + 4 * i, &len, 4);
  }
  p += ring_round8(size_t{call.nviews} * 4);
  if (call.args_len != 0) std::memcpy(p, call.args, call.args_len);
  p += ring_round8(call.args_len);
  for (uint32_t i = 0; i < call.nviews; ++i) {
    if (call.views[i].len != 0) std::memcpy(p, call.views[i].data, call.views[i].len);
    p += ring_round8(call.views[i].len);
  }
  slot->len = static_cast<uint32_t>(p - slot->payload);
}

// Reads a CALL/ONEWAY message into `call`, with views (into `views`, n_views entries) pointing into the
// slot. Returns false for a message that does not describe itself consistently (bounds are checked
// against the slot, never trusted).
inline bool ring_read_call(cxx2go_ring_slot* slot, cxx2go_call& call, std::span<cxx2go_view> views) noexcept {
  if (slot->len > CXX2GO_RING_PAYLOAD_CAP || slot->nviews > views.size()) return false;
  const size_t cap = slot->len;
  size_t off = ring_round8(size_t{slot->nviews} * 4);
  if (off > cap || slot->args_len > cap - off) return false;
  const unsigned char* base = slot->payload;
  call.method_id = slot->method_id;
  call.method_name = reinterpret_cast<const char*>(static_cast<uintptr_t>(slot->name));
  call.call_id = slot->call_id;
  call.deadline_unix_nanos = slot->deadline_unix_nanos;
  call.flags = slot->flags;
  call.args = base + off;
  call.args_len = slot->args_len;
  off += ring_round8(slot->args_len);
  for (uint32_t i = 0; i < slot->nviews; ++i) {
    uint32_t len;
    std::memcpy(&len, base + 4 * i, 4);
    if (off > cap || len > cap - off) return false;
    views[i] = cxx2go_view{len == 0 ? nullptr : base + off, len};
    off += ring_round8(len);
  }
  call.nviews = slot->nviews;
  call.views = views.data();
  return true;
}

}  // namespace cxx2go::detail
