// The wire format (docs/wire-format.md): the shared vectors that the Go runtime's tests check too, and the
// decoder's behaviour on hostile input.
#include "cxx2go/detail/wire.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace cxx2go::detail {
namespace {

struct VectorOp {
  std::string kind;  // u8 … f64, bool, present, str, bytes, len
  size_t min = 0;    // len: the minimum element size passed to len()
  std::string value;
};

struct Vector {
  int line = 0;
  bool ok = false;
  std::vector<uint8_t> data;
  std::vector<VectorOp> ops;
};

std::vector<uint8_t> from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd hex length: " + hex);
  std::vector<uint8_t> out;
  for (size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string to_hex(const uint8_t* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

std::vector<Vector> load_vectors() {
  // The file lives in the repository, next to runtime/cpp: found from this source file's path.
  const auto path = std::filesystem::path(__FILE__).parent_path() / "../../testdata/wire_vectors.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<Vector> vectors;
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    std::istringstream fields(text);
    std::string form, hex;
    if (!(fields >> form) || form[0] == '#') continue;
    Vector v;
    v.line = n;
    v.ok = form == "ok";
    if ((form != "ok" && form != "bad") || !(fields >> hex)) throw std::runtime_error("malformed vector: " + text);
    if (hex != "-") v.data = from_hex(hex);
    for (std::string op; fields >> op;) {
      VectorOp o;
      const size_t eq = op.find('=');
      o.kind = op.substr(0, eq);
      if (eq != std::string::npos) o.value = op.substr(eq + 1);
      if (o.kind.rfind("len", 0) == 0) {
        o.min = std::stoul(o.kind.substr(3));
        o.kind = "len";
      }
      v.ops.push_back(o);
    }
    if (v.ops.empty()) throw std::runtime_error("vector without ops: " + text);
    vectors.push_back(std::move(v));
  }
  return vectors;
}

void encode(Encoder& e, const VectorOp& op) {
  const std::string& v = op.value;
  if (op.kind == "u8") return e.u8(static_cast<uint8_t>(std::stoul(v)));
  if (op.kind == "u16") return e.u16(static_cast<uint16_t>(std::stoul(v)));
  if (op.kind == "u32") return e.u32(static_cast<uint32_t>(std::stoul(v)));
  if (op.kind == "u64") return e.u64(std::stoull(v));
  if (op.kind == "i8") return e.i8(static_cast<int8_t>(std::stol(v)));
  if (op.kind == "i16") return e.i16(static_cast<int16_t>(std::stol(v)));
  if (op.kind == "i32") return e.i32(static_cast<int32_t>(std::stol(v)));
  if (op.kind == "i64") return e.i64(std::stoll(v));
  if (op.kind == "f32") return e.f32(std::bit_cast<float>(static_cast<uint32_t>(std::stoul(v, nullptr, 16))));
  if (op.kind == "f64") return e.f64(std::bit_cast<double>(static_cast<uint64_t>(std::stoull(v, nullptr, 16))));
  if (op.kind == "bool") return e.boolean(v == "1");
  if (op.kind == "present") return e.present(v == "1");
  if (op.kind == "str") {
    const std::vector<uint8_t> b = from_hex(v);
    return e.str(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  }
  if (op.kind == "bytes") return e.bytes(from_hex(v));
  if (op.kind == "len") return e.len(std::stoul(v));
  throw std::runtime_error("unknown op " + op.kind);
}

// What decoding op.kind reads, written the way the vector file writes values.
std::string decode(Decoder& d, const VectorOp& op) {
  auto hex_bits = [](uint64_t bits) {
    std::ostringstream s;
    s << "0x" << std::hex << bits;
    return s.str();
  };
  if (op.kind == "u8") return std::to_string(d.u8());
  if (op.kind == "u16") return std::to_string(d.u16());
  if (op.kind == "u32") return std::to_string(d.u32());
  if (op.kind == "u64") return std::to_string(d.u64());
  if (op.kind == "i8") return std::to_string(d.i8());
  if (op.kind == "i16") return std::to_string(d.i16());
  if (op.kind == "i32") return std::to_string(d.i32());
  if (op.kind == "i64") return std::to_string(d.i64());
  if (op.kind == "f32") return hex_bits(std::bit_cast<uint32_t>(d.f32()));
  if (op.kind == "f64") return hex_bits(std::bit_cast<uint64_t>(d.f64()));
  if (op.kind == "bool") return d.boolean() ? "1" : "0";
  if (op.kind == "present") return d.present() ? "1" : "0";
  if (op.kind == "str") {
    const std::string s = d.str();
    return to_hex(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  if (op.kind == "bytes") {
    const std::vector<uint8_t> b = d.bytes();
    return to_hex(b.data(), b.size());
  }
  if (op.kind == "len") return std::to_string(d.len(op.min));
  throw std::runtime_error("unknown op " + op.kind);
}

TEST(WireTest, SharedVectorsEncodeAndDecodeExactly) {
  const std::vector<Vector> vectors = load_vectors();
  ASSERT_GE(vectors.size(), 40u);
  for (const Vector& v : vectors) {
    SCOPED_TRACE("wire_vectors.txt line " + std::to_string(v.line));
    if (v.ok) {
      Encoder e;
      for (const VectorOp& op : v.ops) encode(e, op);
      EXPECT_TRUE(e.ok());
      EXPECT_EQ(to_hex(e.data(), e.size()), to_hex(v.data.data(), v.data.size()));
    }
    Decoder d(v.data);
    for (const VectorOp& op : v.ops) {
      const std::string got = decode(d, op);
      if (v.ok) {
        EXPECT_EQ(got, op.value) << op.kind;
      }
    }
    const bool finished = d.finish();
    EXPECT_EQ(finished, v.ok);
    if (!v.ok) {
      EXPECT_EQ(d.error().code, Code::protocol);
    }
  }
}

TEST(WireTest, DecoderErrorIsStickyAndReadsReturnZero) {
  const uint8_t in[] = {0x02, 0x01, 0x00, 0x00, 0x00, 0x07};
  Decoder d(in, sizeof in);
  EXPECT_FALSE(d.boolean());
  ASSERT_FALSE(d.ok());
  const Error first = d.error();
  EXPECT_EQ(first.code, Code::protocol);
  EXPECT_NE(first.message.find("invalid bool byte 2 at offset 0"), std::string::npos) << first.message;
  // The rest of the input is valid, but nothing is read after the first error.
  EXPECT_EQ(d.u8(), 0);
  EXPECT_EQ(d.u32(), 0u);
  EXPECT_EQ(d.str(), "");
  EXPECT_TRUE(d.bytes().empty());
  EXPECT_EQ(d.len(1), 0u);
  EXPECT_FALSE(d.present());
  d.fail("another problem");
  EXPECT_FALSE(d.finish());
  EXPECT_EQ(d.error(), first);
}

TEST(WireTest, HostileCountsAreRejectedBeforeAllocating) {
  // 2^32-1 elements of 8 bytes with 8 bytes of input: trusting the count would mean allocating 32 GiB.
  const uint8_t in[] = {0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8};
  Decoder d(in, sizeof in);
  EXPECT_EQ(d.len(8), 0u);
  EXPECT_NE(d.error().message.find("count 4294967295"), std::string::npos) << d.error().message;
  // The largest count that fits is accepted; a zero element size counts as 1.
  const uint8_t one[] = {1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  Decoder ok(one, sizeof one);
  EXPECT_EQ(ok.len(8), 1u);
  EXPECT_TRUE(ok.ok());
  const uint8_t nine[] = {9, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  Decoder zero(nine, sizeof nine);
  EXPECT_EQ(zero.len(0), 0u);
  EXPECT_FALSE(zero.ok());
}

TEST(WireTest, EveryTruncationFailsCleanly) {
  Encoder e;
  e.i64(-5);
  e.str("hello");
  e.len(2);
  e.f64(1.5);
  e.f64(2.5);
  e.present(true);
  const uint8_t blob[] = {9, 9, 9};
  e.bytes(blob);
  const std::vector<uint8_t> full(e.data(), e.data() + e.size());
  for (size_t n = 0; n < full.size(); ++n) {
    Decoder d(full.data(), n);
    d.i64();
    d.str();
    for (size_t i = 0, c = d.len(8); i < c; ++i) d.f64();
    if (d.present()) d.bytes();
    EXPECT_FALSE(d.finish()) << "prefix of " << n << " bytes";
    EXPECT_EQ(d.error().code, Code::protocol);
  }
  Decoder d(full);
  EXPECT_EQ(d.i64(), -5);
  EXPECT_EQ(d.str_view(), "hello");
  EXPECT_EQ(d.len(8), 2u);
  EXPECT_EQ(d.f64(), 1.5);
  EXPECT_EQ(d.f64(), 2.5);
  EXPECT_TRUE(d.present());
  EXPECT_EQ(d.bytes_view().size(), 3u);
  EXPECT_TRUE(d.finish());
}

TEST(WireTest, EncoderGrowsBeyondItsInlineBufferAndMoves) {
  Encoder e;
  std::string big(Encoder::kInlineCapacity * 5 + 3, 'x');
  e.u8(1);
  e.str(big);
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e.size(), 1 + 4 + big.size());
  Encoder moved(std::move(e));
  EXPECT_EQ(e.size(), 0u);  // NOLINT(bugprone-use-after-move): a moved-from Encoder is empty
  Decoder d(moved.span());
  EXPECT_EQ(d.u8(), 1);
  EXPECT_EQ(d.str(), big);
  EXPECT_TRUE(d.finish());

  Encoder small;
  small.u16(0xBEEF);
  Encoder target;
  target.str(big);  // on the heap
  target = std::move(small);
  ASSERT_EQ(target.size(), 2u);
  EXPECT_EQ(target.data()[0], 0xEF);
  EXPECT_EQ(target.data()[1], 0xBE);
}

TEST(WireTest, EncoderLengthOverflowIsStickyOutOfRange) {
  Encoder e;
  e.u8(1);
  e.len(size_t{std::numeric_limits<uint32_t>::max()} + 1);
  e.u8(2);
  e.str("ignored");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Code::out_of_range);
  EXPECT_NE(e.error().message.find("4294967296"), std::string::npos);
  EXPECT_EQ(e.size(), 1u);
  e.clear();
  EXPECT_TRUE(e.ok());
  e.len(std::numeric_limits<uint32_t>::max());
  EXPECT_TRUE(e.ok());
  EXPECT_EQ(to_hex(e.data(), e.size()), "ffffffff");
}

TEST(WireTest, DecodedValuesDoNotAliasTheInput) {
  uint8_t in[] = {3, 0, 0, 0, 'a', 'b', 'c', 3, 0, 0, 0, 'x', 'y', 'z'};
  Decoder d(in, sizeof in);
  const std::string s = d.str();
  const std::vector<uint8_t> b = d.bytes();
  std::fill(std::begin(in), std::end(in), 0);
  EXPECT_EQ(s, "abc");
  EXPECT_EQ(b, (std::vector<uint8_t>{'x', 'y', 'z'}));
}

}  // namespace
}  // namespace cxx2go::detail
