// The cxx2go wire format (docs/wire-format.md): what generated code uses to encode arguments and results.
//
// Both classes are deliberately dumb: positional, little-endian, no tags. The schema compiler emits one
// encode/decode routine per type on both sides, so all the structure lives in generated code; this file
// only guarantees the byte layout and the safety properties:
//  - Encoder fails with Code::out_of_range (sticky) on a length that does not fit in a u32;
//  - Decoder never reads out of bounds, never allocates more than the input's size (counts are checked
//    against the remaining bytes before any allocation), and after the first error returns zero values.
//
// The Go runtime's Encoder/Decoder (runtime/go/cxx2go/c2gimpl/wire.go) produce and accept exactly the same
// bytes; runtime/testdata/wire_vectors.txt is checked by the tests of both.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cxx2go/error.h"

namespace cxx2go::detail {

// Largest length or count the format can carry (a u32).
inline constexpr size_t kMaxWireLength = 0xFFFF'FFFFu;
// Deepest nesting of lists, maps and boxed (recursive) values a Decoder accepts (docs/wire-format.md).
// Decoding recurses once per level, so without a bound a hostile or merely very deep input of a few
// megabytes (a chain of presence bytes) would overflow the decoding thread's stack.
inline constexpr size_t kMaxWireDepth = 1000;

// Append-only byte buffer. Small encodings (the common case for arguments) stay in an inline buffer, so a
// stack-allocated Encoder usually costs no allocation. Growth uses malloc/realloc and throws
// std::bad_alloc on exhaustion, like any standard container; code reachable from Go catches it.
class Encoder {
 public:
  static constexpr size_t kInlineCapacity = 128;

  Encoder() noexcept = default;
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  Encoder(Encoder&& other) noexcept;
  Encoder& operator=(Encoder&& other) noexcept;
  ~Encoder();

  void u8(uint8_t v) { put(&v, 1); }
  void u16(uint16_t v) { put_le(v); }
  void u32(uint32_t v) { put_le(v); }
  void u64(uint64_t v) { put_le(v); }
  void i8(int8_t v) { u8(static_cast<uint8_t>(v)); }
  void i16(int16_t v) { u16(static_cast<uint16_t>(v)); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f32(float v) { u32(std::bit_cast<uint32_t>(v)); }
  void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  // optional<T>: the presence byte; the value follows when present.
  void present(bool v) { u8(v ? 1 : 0); }
  // A list or map count. Above kMaxWireLength the encoder fails with Code::out_of_range.
  void len(size_t n) {
    if (n > kMaxWireLength) return fail_length(n);
    u32(static_cast<uint32_t>(n));
  }
  void str(std::string_view s) {
    len(s.size());
    put(s.data(), s.size());
  }
  void bytes(std::span<const uint8_t> b) {
    len(b.size());
    put(b.data(), b.size());
  }

  const uint8_t* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  std::span<const uint8_t> span() const noexcept { return {data_, size_}; }

  // False after a length overflow; the bytes written so far are then meaningless.
  bool ok() const noexcept { return bad_length_ == 0; }
  // Code::out_of_range with the offending length; only meaningful when !ok().
  Error error() const;

  // Forgets the contents and the error, keeping the allocated capacity.
  void clear() noexcept {
    size_ = 0;
    bad_length_ = 0;
  }

 private:
  template <class U>
  void put_le(U v) {
    uint8_t b[sizeof(U)];
    for (size_t i = 0; i < sizeof(U); ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    put(b, sizeof(U));
  }
  void put(const void* p, size_t n) {
    if (!ok() || n == 0) return;  // after an error the output is dead: don't grow it further
    if (cap_ - size_ < n) grow(n);
    std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  void grow(size_t extra);
  void fail_length(size_t n) noexcept {
    if (ok()) bad_length_ = n;
  }
  bool on_heap() const noexcept { return data_ != inline_; }

  uint8_t* data_ = inline_;
  size_t size_ = 0;
  size_t cap_ = kInlineCapacity;
  size_t bad_length_ = 0;  // nonzero: the first length that did not fit (any such length is > 0)
  uint8_t inline_[kInlineCapacity];
};

// Bounds-checked reader over borrowed bytes (the bytes must outlive the Decoder and the string_views
// it returns). Every reader is noexcept except str()/bytes(), which allocate the returned value.
class Decoder {
 public:
  Decoder() noexcept = default;
  Decoder(const uint8_t* data, size_t size) noexcept : data_(data), size_(size) {}
  explicit Decoder(std::span<const uint8_t> bytes) noexcept : Decoder(bytes.data(), bytes.size()) {}

  uint8_t u8() noexcept { return get_le<uint8_t>(); }
  uint16_t u16() noexcept { return get_le<uint16_t>(); }
  uint32_t u32() noexcept { return get_le<uint32_t>(); }
  uint64_t u64() noexcept { return get_le<uint64_t>(); }
  int8_t i8() noexcept { return static_cast<int8_t>(u8()); }
  int16_t i16() noexcept { return static_cast<int16_t>(u16()); }
  int32_t i32() noexcept { return static_cast<int32_t>(u32()); }
  int64_t i64() noexcept { return static_cast<int64_t>(u64()); }
  float f32() noexcept { return std::bit_cast<float>(u32()); }
  double f64() noexcept { return std::bit_cast<double>(u64()); }
  // 0 or 1; anything else is a protocol error.
  bool boolean() noexcept { return flag(Fault::bad_bool); }
  // optional<T>'s presence byte: 0 or 1; anything else is a protocol error.
  bool present() noexcept { return flag(Fault::bad_presence); }

  // A list or map count, rejected when count × min_elem_size exceeds the remaining bytes. Pass the
  // minimum encoded size of one element (an entry for maps); 0 is treated as 1 so that no count can
  // exceed the input's size.
  size_t len(size_t min_elem_size) noexcept;

  // string / bytes, copied into an owned value.
  std::string str();
  std::vector<uint8_t> bytes();
  // string / bytes, borrowed from the input (valid as long as the input is). Inline, like take_sized:
  // they are the inner loop of decoding a list of strings.
  std::string_view str_view() noexcept {
    std::span<const uint8_t> b = take_sized();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
  std::span<const uint8_t> bytes_view() noexcept { return take_sized(); }

  // Marks the input malformed with a protocol error (e.g. a repeated map key). The first error wins.
  void fail(std::string message);

  // Entering and leaving one level of nesting: the elements of a list or map, the value of a present box.
  // enter() fails, recording a protocol error, when the contents would lie more than kMaxWireDepth
  // levels below the top-level value; every enter() is paired with a leave().
  bool enter() noexcept {
    if (++depth_ > kMaxWireDepth) set_fault(Fault::too_deep, kMaxWireDepth, 0);
    return ok();
  }
  void leave() noexcept { --depth_; }

  size_t remaining() const noexcept { return size_ - pos_; }
  bool ok() const noexcept { return fault_ == Fault::none; }
  // Code::protocol describing the first error; only meaningful when !ok().
  Error error() const;
  // True when no error occurred and every byte was consumed; otherwise records the error (trailing bytes
  // are one) and returns false.
  bool finish() noexcept;

 private:
  enum class Fault : uint8_t {
    none,
    truncated,
    bad_bool,
    bad_presence,
    too_long,
    too_many,
    trailing,
    too_deep,
    custom
  };

  // Returns a pointer to n readable bytes and advances, or nullptr (recording the error) if they are
  // not there or an error already occurred.
  const uint8_t* take(size_t n) noexcept {
    if (!ok()) return nullptr;
    if (remaining() < n) {
      set_fault(Fault::truncated, n, remaining());
      return nullptr;
    }
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  template <class U>
  U get_le() noexcept {
    const uint8_t* p = take(sizeof(U));
    if (p == nullptr) return 0;
    U v = 0;
    for (size_t i = 0; i < sizeof(U); ++i) v |= static_cast<U>(static_cast<U>(p[i]) << (8 * i));
    return v;
  }
  bool flag(Fault bad) noexcept {
    const size_t at = pos_;
    const uint8_t b = u8();
    if (b > 1) {
      pos_ = at;
      set_fault(bad, b, 0);
    }
    return b == 1;
  }
  // Reads a string/bytes length and takes that many bytes; {nullptr, 0} on error.
  std::span<const uint8_t> take_sized() noexcept {
    const size_t at = pos_;
    const size_t n = u32();
    if (!ok()) return {};
    if (n > remaining()) [[unlikely]] {
      pos_ = at;
      set_fault(Fault::too_long, n, remaining());
      return {};
    }
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return {p, n};
  }
  void set_fault(Fault f, size_t a, size_t b) noexcept {
    if (!ok()) return;
    fault_ = f;
    fault_at_ = pos_;
    fault_a_ = a;
    fault_b_ = b;
  }

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  size_t depth_ = 0;
  Fault fault_ = Fault::none;
  size_t fault_at_ = 0;  // offset where the failing read started
  size_t fault_a_ = 0;   // fault-specific numbers, formatted by error()
  size_t fault_b_ = 0;
  std::string custom_;
};

}  // namespace cxx2go::detail
