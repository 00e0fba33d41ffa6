// src/transport/ring.h — the C++ operations on one ring of the shared-memory transport (layout and
// ownership rules: cxx2go/ring_abi.h; design: docs/ring.md). The Go runtime implements the same
// operations on the same memory (runtime/go/cxx2go/c2gimpl/ring.go).
//
// A bounded multi-producer queue after Dmitry Vyukov: one sequence number per slot, so a producer never
// reads the consumer's index (the per-slot sequence is the "cached index": a producer touches only the
// tail and its own slot), and the consumer never reads the tail. A full ring is reported, never grown.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

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

  // Claims the next `n` free slots (a message of n slots, ring_message_slots; n <= capacity), or returns
  // nullptr when the ring has not that much room. The caller writes them, then publish()es; until then the
  // consumer waits at the first, so claim-write-publish never blocks. The consumer frees slots in order,
  // so the last of the n being free means all of them are.
  cxx2go_ring_slot* try_claim(uint64_t& pos, uint64_t n = 1) noexcept {
    std::atomic_ref<uint64_t> tail(ring_->tail);
    uint64_t p = tail.load(std::memory_order_relaxed);
    for (;;) {
      cxx2go_ring_slot* slot = &slots_[p & (ring_->capacity - 1)];
      const uint64_t last = p + n - 1;
      const uint64_t seq = ring_atomic(slots_[last & (ring_->capacity - 1)].seq).load(std::memory_order_acquire);
      const auto diff = static_cast<int64_t>(seq - last);
      if (diff == 0) {
        if (tail.compare_exchange_weak(p, p + n, std::memory_order_relaxed)) {
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
  //
  // A message of n slots publishes its continuation slots first, so that a consumer that sees the first
  // published finds the rest published too.
  bool publish(cxx2go_ring_slot* slot, uint64_t pos, uint64_t n = 1) noexcept {
    ring_tsan_release();
    for (uint64_t i = 1; i < n; ++i) ring_atomic(at(pos + i)->seq).store(pos + i + 1, std::memory_order_release);
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

  // Gives the front message's n slots back to producers (its payload must not be read afterwards), in
  // order: a producer that finds the last slot of its claim free relies on every slot before it being free
  // too (try_claim).
  void release(cxx2go_ring_slot* slot, uint64_t n = 1) noexcept {
    ring_tsan_release();
    const uint64_t pos = ring_atomic(ring_->head).load(std::memory_order_relaxed);
    ring_atomic(slot->seq).store(pos + ring_->capacity, std::memory_order_release);
    for (uint64_t i = 1; i < n; ++i) {
      ring_atomic(at(pos + i)->seq).store(pos + i + ring_->capacity, std::memory_order_release);
    }
    ring_atomic(ring_->head).store(pos + n, std::memory_order_seq_cst);
  }

  // The slot of position pos (a message's continuation slots are at the positions after its first).
  cxx2go_ring_slot* at(uint64_t pos) const noexcept { return &slots_[pos & (ring_->capacity - 1)]; }
  // Where the front message is: its first slot's position.
  uint64_t head() const noexcept { return ring_atomic(ring_->head).load(std::memory_order_relaxed); }

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

// A message's payload that does not fit its first slot continues in the slots after it (docs/ring.md,
// "Messages of several slots"): payload byte i < CXX2GO_RING_PAYLOAD_CAP is in the first slot's payload,
// the rest fill each following slot after its sequence number, kRingContinuationBytes per slot.
inline constexpr size_t kRingContinuationBytes = CXX2GO_RING_SLOT_SIZE - sizeof(uint64_t);

// The slots a message with `len` bytes of payload takes.
inline uint64_t ring_message_slots(size_t len) noexcept {
  if (len <= CXX2GO_RING_PAYLOAD_CAP) return 1;
  return 1 + (len - CXX2GO_RING_PAYLOAD_CAP + kRingContinuationBytes - 1) / kRingContinuationBytes;
}

// The most payload a message can have in a ring of `capacity` slots.
inline size_t ring_max_payload(uint64_t capacity) noexcept {
  return CXX2GO_RING_PAYLOAD_CAP + (capacity - 1) * kRingContinuationBytes;
}

// Copies `len` bytes between `data` and payload offset `off` of the message at `pos` (claimed by the
// caller, or the consumer's front), across its slots.
template <bool kIn>
inline void ring_copy(const Ring& ring, uint64_t pos, size_t off, std::conditional_t<kIn, const void*, void*> data,
                      size_t len) noexcept {
  auto* bytes = static_cast<std::conditional_t<kIn, const unsigned char*, unsigned char*>>(data);
  while (len != 0) {
    unsigned char* dst;
    size_t room;
    if (off < CXX2GO_RING_PAYLOAD_CAP) {
      dst = ring.at(pos)->payload + off;
      room = CXX2GO_RING_PAYLOAD_CAP - off;
    } else {
      const size_t k = off - CXX2GO_RING_PAYLOAD_CAP;
      dst = reinterpret_cast<unsigned char*>(ring.at(pos + 1 + k / kRingContinuationBytes)) + sizeof(uint64_t) +
            k % kRingContinuationBytes;
      room = kRingContinuationBytes - k % kRingContinuationBytes;
    }
    const size_t n = std::min(room, len);
    if constexpr (kIn) {
      std::memcpy(dst, bytes, n);
    } else {
      std::memcpy(bytes, dst, n);
    }
    bytes += n;
    off += n;
    len -= n;
  }
}
inline void ring_put(const Ring& ring, uint64_t pos, size_t off, const void* data, size_t len) noexcept {
  ring_copy<true>(ring, pos, off, data, len);
}
inline void ring_get(const Ring& ring, uint64_t pos, size_t off, void* out, size_t len) noexcept {
  ring_copy<false>(ring, pos, off, out, len);
}

// Payload bytes a call needs in a slot (SIZE_MAX if it cannot be described at all).
inline size_t ring_call_size(const cxx2go_call& call) noexcept {
  size_t n = ring_round8(size_t{call.nviews} * 4) + ring_round8(call.args_len);
  for (uint32_t i = 0; i < call.nviews; ++i) n += ring_round8(call.views[i].len);
  return n;
}

// Writes `call` into the ring_message_slots(ring_call_size(call)) slots claimed at `pos`.
inline void ring_write_call(const Ring& ring, uint64_t pos, uint32_t kind, const cxx2go_call& call) noexcept {
  cxx2go_ring_slot* slot = ring.at(pos);
  slot->kind = kind;
  slot->call_id = call.call_id;
  slot->method_id = call.method_id;
  slot->deadline_unix_nanos = call.deadline_unix_nanos;
  slot->name = reinterpret_cast<uintptr_t>(call.method_name);
  slot->code = 0;
  slot->flags = call.flags;
  slot->nviews = call.nviews;
  slot->args_len = static_cast<uint32_t>(call.args_len);
  size_t off = 0;
  for (uint32_t i = 0; i < call.nviews; ++i) {
    const auto len = static_cast<uint32_t>(call.views[i].len);
    ring_put(ring, pos, off + 4 * i, &len, 4);
  }
  off += ring_round8(size_t{call.nviews} * 4);
  ring_put(ring, pos, off, call.args, call.args_len);
  off += ring_round8(call.args_len);
  for (uint32_t i = 0; i < call.nviews; ++i) {
    ring_put(ring, pos, off, call.views[i].data, call.views[i].len);
    off += ring_round8(call.views[i].len);
  }
  slot->len = static_cast<uint32_t>(off);
}

// Reads a CALL/ONEWAY message into `call`, with views (into `views`, n_views entries) pointing into the
// slot. Returns false for a message that does not describe itself consistently (bounds are checked
// against the slot, never trusted).
inline bool ring_read_call(const cxx2go_ring_slot* slot, const unsigned char* payload, size_t len,
                           cxx2go_call& call, std::span<cxx2go_view> views) noexcept {
  if (slot->nviews > views.size()) return false;
  const size_t cap = len;
  size_t off = ring_round8(size_t{slot->nviews} * 4);
  if (off > cap || slot->args_len > cap - off) return false;
  const unsigned char* base = payload;
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

// The same for a message of one slot, read in place.
inline bool ring_read_call(cxx2go_ring_slot* slot, cxx2go_call& call, std::span<cxx2go_view> views) noexcept {
  if (slot->len > CXX2GO_RING_PAYLOAD_CAP) return false;
  return ring_read_call(slot, slot->payload, slot->len, call, views);
}

}  // namespace cxx2go::detail
