// Randomized robustness tests of the wire decoder (reliability checklist item 19: bit flips of valid
// encodings → no crash, every read bounds-checked). Deterministic: fixed seeds, so a failure reproduces.
// Under scripts/run-sanitizers.sh they run with ASan + UBSan and with TSan, where any out-of-bounds read
// is a report; in `make test` they check the decoder's contract on the same inputs.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cxx2go/box.h"
#include "cxx2go/detail/codec.h"
#include "cxx2go/detail/wire.h"

namespace cxx2go::detail {
namespace {

enum class Color : int32_t { red = 0, green = 1, blue = 7 };

// Every shape the codec composes: nested containers, optionals, boxes, bools, enums, bytes, floats.
struct Value {
  std::map<std::string, std::vector<std::optional<int32_t>>> index;
  std::vector<bool> flags;
  std::vector<uint8_t> blob;
  Box<double> boxed;
  std::optional<std::map<int64_t, std::vector<uint8_t>>> maybe;
  std::vector<std::vector<Color>> colors;
  uint16_t small = 0;
  float ratio = 0;
};

void encode(Encoder& e, const Value& v) {
  c2g_encode(e, v.index);
  c2g_encode(e, v.flags);
  c2g_encode(e, v.blob);
  c2g_encode(e, v.boxed);
  c2g_encode(e, v.maybe);
  c2g_encode(e, v.colors);
  c2g_encode(e, v.small);
  c2g_encode(e, v.ratio);
}

void decode(Decoder& d, Value& v) {
  c2g_decode(d, v.index);
  c2g_decode(d, v.flags);
  c2g_decode(d, v.blob);
  c2g_decode(d, v.boxed);
  c2g_decode(d, v.maybe);
  c2g_decode(d, v.colors);
  c2g_decode(d, v.small);
  c2g_decode(d, v.ratio);
}

Value random_value(std::mt19937_64& rng) {
  auto n = [&](int max) { return static_cast<size_t>(rng() % static_cast<uint64_t>(max + 1)); };
  auto str = [&] {
    std::string s(n(12), '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  };
  auto bytes = [&] {
    std::vector<uint8_t> b(n(16));
    for (uint8_t& c : b) c = static_cast<uint8_t>(rng());
    return b;
  };
  Value v;
  for (size_t i = n(4); i > 0; --i) {
    auto& list = v.index[str()];
    for (size_t j = n(5); j > 0; --j)
      list.push_back(rng() % 3 == 0 ? std::nullopt : std::optional<int32_t>(rng()));
  }
  for (size_t i = n(9); i > 0; --i) v.flags.push_back(rng() % 2 == 0);
  v.blob = bytes();
  if (rng() % 2) v.boxed.emplace(std::bit_cast<double>(rng()));
  if (rng() % 2) {
    v.maybe.emplace();
    for (size_t i = n(3); i > 0; --i) (*v.maybe)[static_cast<int64_t>(rng())] = bytes();
  }
  for (size_t i = n(3); i > 0; --i) {
    auto& row = v.colors.emplace_back();
    for (size_t j = n(4); j > 0; --j) row.push_back(static_cast<Color>(rng() % 3 == 0 ? 7 : rng() % 2));
  }
  v.small = static_cast<uint16_t>(rng());
  v.ratio = std::bit_cast<float>(static_cast<uint32_t>(rng()));
  return v;
}

std::vector<uint8_t> encoded(const Value& v) {
  Encoder e;
  encode(e, v);
  EXPECT_TRUE(e.ok());
  return {e.data(), e.data() + e.size()};
}

// Mutations of a valid encoding: bit flips, byte overwrites with boundary values, truncation, extension,
// and a length prefix somewhere replaced by a huge count.
std::vector<uint8_t> mutate(std::vector<uint8_t> b, std::mt19937_64& rng) {
  const int kind = static_cast<int>(rng() % 5);
  if (b.empty() || kind == 3) {
    for (size_t i = 1 + rng() % 8; i > 0; --i) b.push_back(static_cast<uint8_t>(rng()));
    return b;
  }
  switch (kind) {
    case 0:
      for (size_t i = 1 + rng() % 4; i > 0; --i)
        b[rng() % b.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    case 1: {
      static constexpr uint8_t kBoundary[] = {0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff};
      b[rng() % b.size()] = kBoundary[rng() % std::size(kBoundary)];
      break;
    }
    case 2:
      b.resize(rng() % b.size());
      break;
    default: {
      const size_t at = rng() % b.size();
      const uint32_t huge = rng() % 2 ? 0xFFFF'FFFFu : static_cast<uint32_t>(b.size() - at);
      for (size_t i = 0; i < 4 && at + i < b.size(); ++i) b[at + i] = static_cast<uint8_t>(huge >> (8 * i));
      break;
    }
  }
  return b;
}

TEST(WireFuzz, MutatedEncodingsDecodeOrFailCleanly) {
  std::mt19937_64 rng(20261122);
  int accepted = 0, rejected = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::vector<uint8_t> valid = encoded(random_value(rng));
    std::vector<uint8_t> input = mutate(valid, rng);
    if (round % 7 == 0) input = mutate(std::move(input), rng);
    // A heap copy of exactly the input's size, so that ASan sees any read past its end.
    const std::vector<uint8_t> exact(input.begin(), input.end());
    Decoder d(exact.data(), exact.size());
    Value v;
    decode(d, v);
    ASSERT_LE(d.remaining(), exact.size());
    if (d.finish()) {
      ++accepted;
      // Whatever was accepted is a value: it re-encodes, and that encoding decodes to the same encoding.
      const std::vector<uint8_t> again = encoded(v);
      Decoder d2(again.data(), again.size());
      Value v2;
      decode(d2, v2);
      ASSERT_TRUE(d2.finish()) << "round " << round;
      ASSERT_EQ(encoded(v2), again) << "round " << round;
    } else {
      ++rejected;
      const Error err = d.error();
      ASSERT_EQ(err.code, Code::protocol) << "round " << round << ": " << err.message;
      ASSERT_FALSE(err.message.empty());
    }
  }
  // Both outcomes must be common, or the mutations are not exercising the decoder.
  EXPECT_GT(accepted, 500);
  EXPECT_GT(rejected, 5000);
}

TEST(WireFuzz, RandomReadProgramsStayInBounds) {
  std::mt19937_64 rng(4);
  for (int round = 0; round < 20000; ++round) {
    std::vector<uint8_t> data(rng() % 40);
    for (uint8_t& b : data) b = static_cast<uint8_t>(rng() % 4 == 0 ? rng() % 3 : rng());
    Decoder d(data.data(), data.size());
    bool had_error = false;
    for (int op = 0; op < 24; ++op) {
      const size_t before = d.remaining();
      bool zero = true;
      switch (rng() % 11) {
        case 0:
          zero = d.u8() == 0;
          break;
        case 1:
          zero = d.u16() == 0;
          break;
        case 2:
          zero = d.u32() == 0;
          break;
        case 3:
          zero = d.u64() == 0;
          break;
        case 4:
          zero = !d.boolean();
          break;
        case 5:
          zero = !d.present();
          break;
        case 6:
          zero = d.len(rng() % 10) == 0;
          break;
        case 7:
          zero = d.str().empty();
          break;
        case 8:
          zero = d.bytes().empty();
          break;
        case 9:
          zero = d.str_view().empty();
          break;
        default: {
          const auto view = d.bytes_view();
          zero = view.empty();
          if (!view.empty()) {
            ASSERT_GE(view.data(), data.data());
            ASSERT_LE(view.data() + view.size(), data.data() + data.size());
          }
        }
      }
      ASSERT_LE(d.remaining(), before);
      if (had_error) {
        ASSERT_TRUE(zero) << "a read after an error returned a value";
        ASSERT_EQ(d.remaining(), before) << "a read after an error consumed bytes";
      }
      had_error = !d.ok();
    }
  }
}

// Recursive types, as generated code declares them: through a box, a list and a map.
struct Chain {
  Box<Chain> next;
};
void c2g_decode(Decoder& d, Chain& v) { c2g_decode(d, v.next); }
struct Tree {
  std::vector<Tree> children;
};
constexpr size_t c2g_min_size(const Tree*) { return 4; }
void c2g_decode(Decoder& d, Tree& v) { c2g_decode(d, v.children); }
struct MapTree {
  std::map<uint8_t, MapTree> children;
};
constexpr size_t c2g_min_size(const MapTree*) { return 4; }
void c2g_decode(Decoder& d, MapTree& v) { c2g_decode(d, v.children); }

// A value `levels` deep through optional<Self>: `levels` present boxes, then the innermost, absent one.
std::vector<uint8_t> chain_of(size_t levels) {
  std::vector<uint8_t> b(levels + 1, 1);
  b.back() = 0;
  return b;
}
// A value `levels` deep through list<Self>: `levels` lists of one element, then the innermost, empty list.
std::vector<uint8_t> tree_of(size_t levels) {
  std::vector<uint8_t> b;
  for (size_t i = 0; i < levels; ++i) b.insert(b.end(), {1, 0, 0, 0});
  b.insert(b.end(), {0, 0, 0, 0});
  return b;
}
// A value `levels` deep through map<u8, Self>: `levels` maps of one entry (key 7), then an empty map.
std::vector<uint8_t> map_tree_of(size_t levels) {
  std::vector<uint8_t> b;
  for (size_t i = 0; i < levels; ++i) b.insert(b.end(), {1, 0, 0, 0, 7});
  b.insert(b.end(), {0, 0, 0, 0});
  return b;
}

template <class T>
Decoder decode_all(const std::vector<uint8_t>& in, T& value) {
  Decoder d(in.data(), in.size());
  c2g_decode(d, value);
  return d;
}

// docs/wire-format.md: a value may be nested kMaxWireDepth levels deep, counting only contents (list and
// map elements, the value of a present box); one level more is a protocol error. The empty list or map
// or the absent box at the bottom of a value is no level of its own.
TEST(WireFuzz, NestingLimitIsExactForOptionalListAndMapRecursion) {
  const std::string want = "values nested more than 1000 levels deep";
  {
    Chain c;
    Decoder ok = decode_all(chain_of(kMaxWireDepth), c);
    EXPECT_TRUE(ok.finish()) << ok.error().message;
    size_t depth = 0;
    for (const Chain* p = &c; p->next; p = &*p->next) ++depth;
    EXPECT_EQ(depth, kMaxWireDepth);
    Decoder deep = decode_all(chain_of(kMaxWireDepth + 1), c);
    ASSERT_FALSE(deep.finish());
    EXPECT_EQ(deep.error().code, Code::protocol);
    EXPECT_NE(deep.error().message.find(want), std::string::npos) << deep.error().message;
  }
  {
    Tree t;
    Decoder ok = decode_all(tree_of(kMaxWireDepth), t);
    EXPECT_TRUE(ok.finish()) << ok.error().message;
    Decoder deep = decode_all(tree_of(kMaxWireDepth + 1), t);
    ASSERT_FALSE(deep.finish());
    EXPECT_EQ(deep.error().code, Code::protocol);
    EXPECT_NE(deep.error().message.find(want), std::string::npos) << deep.error().message;
  }
  {
    MapTree m;
    Decoder ok = decode_all(map_tree_of(kMaxWireDepth), m);
    EXPECT_TRUE(ok.finish()) << ok.error().message;
    Decoder deep = decode_all(map_tree_of(kMaxWireDepth + 1), m);
    ASSERT_FALSE(deep.finish());
    EXPECT_EQ(deep.error().code, Code::protocol);
    EXPECT_NE(deep.error().message.find(want), std::string::npos) << deep.error().message;
  }
}

// Bug found by these tests: decoding recursed once per level without a bound, so a few megabytes of
// presence bytes (or of list counts of 1) overflowed the decoding thread's stack (SIGSEGV).
TEST(WireFuzz, DeepNestingIsAProtocolErrorNotAStackOverflow) {
  {
    Chain c;
    Decoder d = decode_all(chain_of(5'000'000), c);
    ASSERT_FALSE(d.finish());
    EXPECT_EQ(d.error().code, Code::protocol);
    EXPECT_NE(d.error().message.find("nested more than 1000 levels"), std::string::npos) << d.error().message;
  }
  {
    Tree t;
    Decoder d = decode_all(tree_of(2'000'000), t);
    ASSERT_FALSE(d.finish());
    EXPECT_NE(d.error().message.find("nested more than"), std::string::npos) << d.error().message;
  }
}

}  // namespace
}  // namespace cxx2go::detail
