// The ring of the shared-memory transport (src/transport/ring.h), without any runtime: wrap-around, a full ring,
// a slow consumer, concurrent producers with the park/wake handshake, and message encoding.
#include "transport/ring.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cxx2go::detail {
namespace {

// A region with one ring (to_go) of `capacity` slots, freed at the end of the test.
struct TestRegion {
  explicit TestRegion(uint64_t capacity) {
    const size_t size = sizeof(cxx2go_ring_region) + capacity * sizeof(cxx2go_ring_slot);
    memory.reset(static_cast<unsigned char*>(std::aligned_alloc(64, size)));
    std::memset(memory.get(), 0, sizeof(cxx2go_ring_region));
    auto* region = reinterpret_cast<cxx2go_ring_region*>(memory.get());
    Ring::init(region, &region->to_go, sizeof(cxx2go_ring_region), capacity);
    ring = Ring(region, &region->to_go);
  }
  struct Free {
    void operator()(unsigned char* p) const { std::free(p); }
  };
  std::unique_ptr<unsigned char, Free> memory;
  Ring ring;
};

bool push_value(Ring& ring, uint64_t value) {
  uint64_t pos = 0;
  cxx2go_ring_slot* slot = ring.try_claim(pos);
  if (slot == nullptr) return false;
  slot->kind = CXX2GO_RING_COMPLETE;
  slot->call_id = value;
  slot->len = 8;
  std::memcpy(slot->payload, &value, 8);
  ring.publish(slot, pos);
  return true;
}

std::optional<uint64_t> pop_value(Ring& ring) {
  cxx2go_ring_slot* slot = ring.front();
  if (slot == nullptr) return std::nullopt;
  uint64_t payload = 0;
  std::memcpy(&payload, slot->payload, 8);
  EXPECT_EQ(payload, slot->call_id);
  const uint64_t value = slot->call_id;
  ring.release(slot);
  return value;
}

TEST(Ring, EmptyRingHasNoFront) {
  TestRegion r(4);
  EXPECT_EQ(r.ring.front(), nullptr);
}

TEST(Ring, WrapsAroundManyTimesInOrder) {
  TestRegion r(4);
  uint64_t next_in = 0, next_out = 0;
  // Uneven batches, so that head and tail cross slot 0 at every offset.
  for (int round = 0; round < 1000; ++round) {
    const int batch = 1 + round % 4;
    for (int i = 0; i < batch; ++i) ASSERT_TRUE(push_value(r.ring, next_in++));
    for (int i = 0; i < batch; ++i) {
      std::optional<uint64_t> v = pop_value(r.ring);
      ASSERT_TRUE(v.has_value());
      EXPECT_EQ(*v, next_out++);
    }
    EXPECT_EQ(r.ring.front(), nullptr);
  }
}

TEST(Ring, FullRingRefusesUntilTheConsumerReleases) {
  TestRegion r(4);
  for (uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(push_value(r.ring, i));
  EXPECT_FALSE(push_value(r.ring, 99));  // full: reported, never grown
  EXPECT_EQ(pop_value(r.ring), 0u);
  EXPECT_TRUE(push_value(r.ring, 4));
  EXPECT_FALSE(push_value(r.ring, 99));
  for (uint64_t i = 1; i <= 4; ++i) EXPECT_EQ(pop_value(r.ring), i);
  EXPECT_EQ(r.ring.front(), nullptr);
}

TEST(Ring, ConsumerWaitsAtAClaimedButUnpublishedSlot) {
  TestRegion r(4);
  uint64_t pos = 0;
  cxx2go_ring_slot* first = r.ring.try_claim(pos);
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(push_value(r.ring, 1));  // published behind the claimed slot
  EXPECT_EQ(r.ring.front(), nullptr);  // in order: the first position is not published yet
  first->call_id = 0;
  std::memset(first->payload, 0, 8);
  r.ring.publish(first, pos);
  EXPECT_EQ(pop_value(r.ring), 0u);
  EXPECT_EQ(pop_value(r.ring), 1u);
}

TEST(Ring, ParkingIsRefusedWhenAMessageIsThere) {
  TestRegion r(4);
  ASSERT_TRUE(push_value(r.ring, 7));
  EXPECT_FALSE(r.ring.prepare_park());
  EXPECT_EQ(*r.ring.sleeping_word(), 0u);
  EXPECT_EQ(pop_value(r.ring), 7u);
  EXPECT_TRUE(r.ring.prepare_park());
  EXPECT_EQ(*r.ring.sleeping_word(), 1u);
  // The next producer is told to wake the consumer, and only that one.
  uint64_t pos = 0;
  cxx2go_ring_slot* slot = r.ring.try_claim(pos);
  ASSERT_NE(slot, nullptr);
  std::memset(slot->payload, 0, 8);
  slot->call_id = 0;
  EXPECT_TRUE(r.ring.publish(slot, pos));
  uint64_t pos2 = 0;
  cxx2go_ring_slot* second = r.ring.try_claim(pos2);
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(r.ring.publish(second, pos2));  // the consumer is already being woken
  EXPECT_EQ(r.ring.wakeups(), 1u);
}

// Many producers against one consumer that parks on the futex when the ring is empty, with a ring much
// smaller than the traffic (producers often find it full and wait). Every message arrives exactly once,
// each producer's in its order; a lost wake-up would hang (ctest's timeout is the watchdog).
void run_producers_against_consumer(uint64_t capacity, int producers, uint64_t per_producer, bool slow_consumer) {
  TestRegion r(capacity);
  std::vector<uint64_t> next(producers, 0);
  std::atomic<int> running{producers};
  std::thread consumer([&] {
    uint64_t received = 0;
    const uint64_t total = per_producer * producers;
    while (received < total) {
      if (std::optional<uint64_t> v = pop_value(r.ring)) {
        const auto producer = static_cast<int>(*v >> 32);
        ASSERT_LT(producer, producers);
        EXPECT_EQ(*v & 0xffffffffu, next[producer]) << "producer " << producer;
        next[producer] = (*v & 0xffffffffu) + 1;
        ++received;
        if (slow_consumer && received % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
        continue;
      }
      if (r.ring.prepare_park()) {
        ring_futex_wait(r.ring.sleeping_word(), 1, 0);
        r.ring.unpark();
      }
    }
  });
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      for (uint64_t i = 0; i < per_producer; ++i) {
        const uint64_t value = (uint64_t(p) << 32) | i;
        uint64_t pos = 0;
        cxx2go_ring_slot* slot;
        while ((slot = r.ring.try_claim(pos)) == nullptr) std::this_thread::yield();  // full: wait
        slot->call_id = value;
        slot->len = 8;
        std::memcpy(slot->payload, &value, 8);
        if (r.ring.publish(slot, pos)) ring_futex_wake(r.ring.sleeping_word());
      }
      running.fetch_sub(1);
    });
  }
  for (std::thread& t : threads) t.join();
  consumer.join();
  for (int p = 0; p < producers; ++p) EXPECT_EQ(next[p], per_producer);
  EXPECT_EQ(r.ring.front(), nullptr);
}

TEST(Ring, ConcurrentProducersOneParkingConsumer) { run_producers_against_consumer(8, 4, 20000, false); }

TEST(Ring, SlowConsumerBackpressure) { run_producers_against_consumer(4, 3, 5000, true); }

TEST(Ring, HelpersSilenceProducersAndHandLeftoversToTheConsumer) {
  TestRegion r(4);
  ASSERT_TRUE(r.ring.prepare_park());  // the consumer sleeps
  r.ring.begin_help();
  EXPECT_TRUE(r.ring.helped());
  uint64_t pos = 0;
  cxx2go_ring_slot* slot = r.ring.try_claim(pos);
  ASSERT_NE(slot, nullptr);
  slot->call_id = 5;
  std::memcpy(slot->payload, &slot->call_id, 8);
  EXPECT_FALSE(r.ring.publish(slot, pos));  // a helper polls: nobody is woken
  EXPECT_EQ(*r.ring.sleeping_word(), 1u);
  r.ring.end_help();
  EXPECT_FALSE(r.ring.helped());
  // What the helper leaves is the consumer's: the helper wakes it, exactly once.
  ASSERT_NE(r.ring.front(std::memory_order_seq_cst), nullptr);
  EXPECT_TRUE(r.ring.take_sleeper());
  EXPECT_FALSE(r.ring.take_sleeper());
  EXPECT_EQ(r.ring.wakeups(), 1u);
  EXPECT_EQ(pop_value(r.ring), 5u);
}

// The ring transport's protocol with helpers (ring.cc: ring_take_completion, ring_end_help) against the
// parking consumer: the consumer's role is a token; helpers take the messages they may handle (here: even
// values) one at a time under it, wake the consumer for the others, and wake it for leftovers when they
// stop helping. Every message is received exactly once, and no wake-up is lost: the helpers stop half-way,
// after which a lost wake-up leaves the consumer parked for good (ctest's timeout is the watchdog).
TEST(Ring, HelpersAndAParkingConsumerLoseNothing) {
  constexpr uint64_t kCapacity = 8;
  constexpr int kProducers = 3;
  constexpr uint64_t kPerProducer = 20000;
  constexpr uint64_t kTotal = kPerProducer * kProducers;
  TestRegion r(kCapacity);
  std::atomic<bool> token{false};
  std::vector<std::atomic<uint8_t>> seen(kTotal);
  std::atomic<uint64_t> received{0};
  auto record = [&](uint64_t v) {
    const uint64_t index = (v >> 32) * kPerProducer + (v & 0xffffffffu);
    ASSERT_LT(index, kTotal);
    EXPECT_EQ(seen[index].fetch_add(1), 0) << "message " << v << " received twice";
    received.fetch_add(1);
  };
  auto try_token = [&] {
    bool expected = false;
    return token.compare_exchange_strong(expected, true, std::memory_order_acquire);
  };
  auto wake_consumer = [&] {
    if (r.ring.take_sleeper()) ring_futex_wake(r.ring.sleeping_word());
  };
  std::thread consumer([&] {
    while (received.load() < kTotal) {
      if (try_token()) {
        while (std::optional<uint64_t> v = pop_value(r.ring)) record(*v);
        token.store(false, std::memory_order_release);
      } else {
        std::this_thread::yield();
        continue;
      }
      if (received.load() >= kTotal) break;
      if (r.ring.prepare_park()) {
        ring_futex_wait(r.ring.sleeping_word(), 1, 0);
        r.ring.unpark();
      }
    }
  });
  std::vector<std::thread> helpers;
  for (int h = 0; h < 2; ++h) {
    helpers.emplace_back([&] {
      while (received.load() < kTotal / 2) {
        r.ring.begin_help();
        for (int i = 0; i < 200; ++i) {
          if (r.ring.front() == nullptr || !try_token()) continue;
          cxx2go_ring_slot* slot = r.ring.front();
          std::optional<uint64_t> taken;
          if (slot != nullptr && slot->call_id % 2 == 0) taken = pop_value(r.ring);
          token.store(false, std::memory_order_release);
          if (taken) {
            record(*taken);
          } else if (slot != nullptr) {
            wake_consumer();  // not ours to handle
          }
        }
        r.ring.end_help();
        if (r.ring.front(std::memory_order_seq_cst) != nullptr) wake_consumer();
        std::this_thread::yield();
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (uint64_t i = 0; i < kPerProducer; ++i) {
        const uint64_t value = (uint64_t(p) << 32) | i;
        uint64_t pos = 0;
        cxx2go_ring_slot* slot;
        while ((slot = r.ring.try_claim(pos)) == nullptr) std::this_thread::yield();
        slot->call_id = value;
        slot->len = 8;
        std::memcpy(slot->payload, &value, 8);
        if (r.ring.publish(slot, pos)) ring_futex_wake(r.ring.sleeping_word());
      }
    });
  }
  for (std::thread& t : producers) t.join();
  for (std::thread& t : helpers) t.join();
  consumer.join();
  EXPECT_EQ(received.load(), kTotal);
  EXPECT_EQ(r.ring.front(), nullptr);
}

TEST(Ring, CallMessagesRoundTrip) {
  TestRegion r(2);
  const std::string s = "hello, ring";
  const int32_t numbers[3] = {1, -2, 3};
  const uint8_t args[5] = {9, 8, 7, 6, 5};
  cxx2go_view views[3] = {{s.data(), s.size()}, {numbers, sizeof numbers}, {nullptr, 0}};
  cxx2go_call call{};
  call.method_id = 42;
  call.method_name = "pkg.Service.method";
  call.call_id = 7;
  call.deadline_unix_nanos = 123;
  call.flags = CXX2GO_CALL_ONEWAY;
  call.args = args;
  call.args_len = sizeof args;
  call.views = views;
  call.nviews = 3;
  ASSERT_LE(ring_call_size(call), size_t{CXX2GO_RING_PAYLOAD_CAP});
  uint64_t pos = 0;
  cxx2go_ring_slot* slot = r.ring.try_claim(pos);
  ASSERT_NE(slot, nullptr);
  ring_write_call(r.ring, pos, CXX2GO_RING_ONEWAY, call);
  r.ring.publish(slot, pos);

  cxx2go_ring_slot* got = r.ring.front();
  ASSERT_NE(got, nullptr);
  cxx2go_view out_views[8];
  cxx2go_call out{};
  ASSERT_TRUE(ring_read_call(got, out, out_views));
  EXPECT_EQ(out.method_id, 42u);
  EXPECT_STREQ(out.method_name, "pkg.Service.method");
  EXPECT_EQ(out.call_id, 7u);
  EXPECT_EQ(out.deadline_unix_nanos, 123);
  EXPECT_EQ(out.flags, CXX2GO_CALL_ONEWAY);
  ASSERT_EQ(out.args_len, sizeof args);
  EXPECT_EQ(std::memcmp(out.args, args, sizeof args), 0);
  ASSERT_EQ(out.nviews, 3u);
  EXPECT_EQ(std::string(static_cast<const char*>(out.views[0].data), out.views[0].len), s);
  ASSERT_EQ(out.views[1].len, sizeof numbers);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(out.views[1].data) % alignof(int32_t), 0u);
  EXPECT_EQ(std::memcmp(out.views[1].data, numbers, sizeof numbers), 0);
  EXPECT_EQ(out.views[2].len, 0u);
  EXPECT_EQ(out.views[2].data, nullptr);

  // Corrupt lengths are rejected, never read past the slot.
  got->args_len = CXX2GO_RING_PAYLOAD_CAP;
  EXPECT_FALSE(ring_read_call(got, out, out_views));
  got->args_len = sizeof args;
  uint32_t huge = 0xffffff00u;
  std::memcpy(got->payload + 4, &huge, 4);  // the second view's length
  EXPECT_FALSE(ring_read_call(got, out, out_views));
  got->nviews = 9;  // more than the reader has room for
  EXPECT_FALSE(ring_read_call(got, out, out_views));
  got->len = CXX2GO_RING_PAYLOAD_CAP + 1;
  EXPECT_FALSE(ring_read_call(got, out, out_views));
  r.ring.release(got);
}

// A call larger than a slot continues in the slots after it, and reads back whole once gathered, after
// messages of one slot that wrapped the ring around.
TEST(Ring, CallsOfSeveralSlotsReadBackWhole) {
  TestRegion r(8);
  for (uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(push_value(r.ring, i));
  for (uint64_t i = 0; i < 5; ++i) ASSERT_EQ(pop_value(r.ring), std::optional<uint64_t>(i));
  std::string big(1500, 0);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + 1);
  const uint8_t args[3] = {1, 2, 3};
  cxx2go_view view{big.data(), big.size()};
  cxx2go_call call{};
  call.method_id = 9;
  call.call_id = 11;
  call.args = args;
  call.args_len = sizeof args;
  call.views = &view;
  call.nviews = 1;
  const size_t size = ring_call_size(call);
  const uint64_t n = ring_message_slots(size);
  ASSERT_EQ(n, 4u);  // 448 + 3 × 504 bytes hold 8 + 8 + 1,500
  ASSERT_LE(size, ring_max_payload(r.ring.capacity()));
  uint64_t pos = 0;
  cxx2go_ring_slot* slot = r.ring.try_claim(pos, n);
  ASSERT_NE(slot, nullptr);
  ring_write_call(r.ring, pos, CXX2GO_RING_CALL, call);
  uint64_t pos2 = 0;
  EXPECT_EQ(r.ring.try_claim(pos2, 5), nullptr);  // 4 of 8 slots are left
  r.ring.publish(slot, pos, n);

  cxx2go_ring_slot* got = r.ring.front();
  ASSERT_EQ(got, slot);
  ASSERT_EQ(got->len, size);
  std::vector<unsigned char> payload(got->len);
  ring_get(r.ring, r.ring.head(), 0, payload.data(), payload.size());
  cxx2go_view out_views[2];
  cxx2go_call out{};
  ASSERT_TRUE(ring_read_call(got, payload.data(), payload.size(), out, out_views));
  EXPECT_EQ(out.call_id, 11u);
  ASSERT_EQ(out.args_len, sizeof args);
  EXPECT_EQ(std::memcmp(out.args, args, sizeof args), 0);
  ASSERT_EQ(out.nviews, 1u);
  EXPECT_EQ(std::string(static_cast<const char*>(out_views[0].data), out_views[0].len), big);
  r.ring.release(got, n);
  EXPECT_EQ(r.ring.front(), nullptr);
  for (uint64_t i = 0; i < 8; ++i) ASSERT_TRUE(push_value(r.ring, i));  // every slot is free again
}

// Messages of every size up to the ring's, from concurrent producers, interleaved with messages of one
// slot: each arrives whole, in each producer's order (the slots of a message are freed in order, or a
// producer claiming the slots after them could be overtaken by the consumer's release of the first).
TEST(Ring, ConcurrentMessagesOfSeveralSlotsArriveWhole) {
  TestRegion r(8);
  constexpr int kProducers = 3, kPerProducer = 3000;
  const size_t most = ring_max_payload(r.ring.capacity());
  auto size_of = [most](int i) { return static_cast<size_t>(i) * 977 % (most + 1); };
  auto byte_of = [](int producer, int i, size_t j) { return static_cast<unsigned char>(producer * 131 + i * 7 + j); };
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      std::vector<unsigned char> data;
      for (int i = 0; i < kPerProducer; ++i) {
        data.resize(size_of(i));
        for (size_t j = 0; j < data.size(); ++j) data[j] = byte_of(p, i, j);
        const uint64_t n = ring_message_slots(data.size());
        uint64_t pos = 0;
        cxx2go_ring_slot* slot;
        while ((slot = r.ring.try_claim(pos, n)) == nullptr) std::this_thread::yield();
        slot->call_id = uint64_t(p) << 32 | uint32_t(i);
        slot->len = static_cast<uint32_t>(data.size());
        ring_put(r.ring, pos, 0, data.data(), data.size());
        r.ring.publish(slot, pos, n);
      }
    });
  }
  std::vector<int> next(kProducers, 0);
  std::vector<unsigned char> got;
  for (int received = 0; received < kProducers * kPerProducer;) {
    cxx2go_ring_slot* slot = r.ring.front();
    if (slot == nullptr) {
      std::this_thread::yield();
      continue;
    }
    const int p = static_cast<int>(slot->call_id >> 32), i = static_cast<int>(uint32_t(slot->call_id));
    ASSERT_EQ(i, next[p]) << "producer " << p;
    ASSERT_EQ(slot->len, size_of(i));
    got.resize(slot->len);
    ring_get(r.ring, r.ring.head(), 0, got.data(), got.size());
    for (size_t j = 0; j < got.size(); ++j) ASSERT_EQ(got[j], byte_of(p, i, j)) << "message " << i << ", byte " << j;
    r.ring.release(slot, ring_message_slots(got.size()));
    ++next[p];
    ++received;
  }
  for (std::thread& t : producers) t.join();
}

TEST(Ring, OversizeCallsAreMeasuredNotWritten) {
  std::string big(CXX2GO_RING_PAYLOAD_CAP, 'x');
  cxx2go_view view{big.data(), big.size()};
  cxx2go_call call{};
  call.views = &view;
  call.nviews = 1;
  // The producer checks this before claiming a slot and takes the cgo path instead.
  EXPECT_GT(ring_call_size(call), size_t{CXX2GO_RING_PAYLOAD_CAP});
}

}  // namespace
}  // namespace cxx2go::detail
