// Out-of-line parts of the wire format: growth and error messages (cold paths).
#include "cxx2go/detail/wire.h"

#include <cstdlib>
#include <new>
#include <utility>

namespace cxx2go::detail {

Encoder::Encoder(Encoder&& other) noexcept { *this = std::move(other); }

Encoder& Encoder::operator=(Encoder&& other) noexcept {
  if (this == &other) return *this;
  if (on_heap()) std::free(data_);
  if (other.on_heap()) {
    data_ = other.data_;
    cap_ = other.cap_;
  } else {
    data_ = inline_;
    cap_ = kInlineCapacity;
    std::memcpy(inline_, other.inline_, other.size_);
  }
  size_ = other.size_;
  bad_length_ = other.bad_length_;
  other.data_ = other.inline_;
  other.cap_ = kInlineCapacity;
  other.size_ = 0;
  other.bad_length_ = 0;
  return *this;
}

Encoder::~Encoder() {
  if (on_heap()) std::free(data_);
}

void Encoder::grow(size_t extra) {
  size_t want = size_ + extra;
  if (want < size_) throw std::bad_alloc();  // overflow: no such buffer can exist
  size_t cap = cap_ * 2;
  if (cap < want) cap = want;
  void* p = on_heap() ? std::realloc(data_, cap) : std::malloc(cap);
  if (p == nullptr) throw std::bad_alloc();
  if (!on_heap()) std::memcpy(p, inline_, size_);
  data_ = static_cast<uint8_t*>(p);
  cap_ = cap;
}

Error Encoder::error() const {
  if (ok()) return Error{Code::ok, {}};
  return Error{Code::out_of_range, "cannot encode a length of " + std::to_string(bad_length_) +
                                       ": the wire format's limit is 4294967295"};
}

size_t Decoder::len(size_t min_elem_size) noexcept {
  const size_t at = pos_;
  const size_t n = u32();
  if (!ok()) return 0;
  if (min_elem_size == 0) min_elem_size = 1;
  // Division instead of n * min_elem_size: the product could overflow on 32-bit size_t.
  if (n > remaining() / min_elem_size) {
    pos_ = at;
    set_fault(Fault::too_many, n, min_elem_size);
    return 0;
  }
  return n;
}

std::string Decoder::str() {
  std::span<const uint8_t> b = take_sized();
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::vector<uint8_t> Decoder::bytes() {
  std::span<const uint8_t> b = take_sized();
  return {b.begin(), b.end()};
}

void Decoder::fail(std::string message) {
  if (!ok()) return;
  custom_ = std::move(message);
  set_fault(Fault::custom, 0, 0);
}

bool Decoder::finish() noexcept {
  if (ok() && remaining() != 0) set_fault(Fault::trailing, remaining(), 0);
  return ok();
}

Error Decoder::error() const {
  std::string at = " at offset " + std::to_string(fault_at_);
  std::string a = std::to_string(fault_a_);
  std::string b = std::to_string(fault_b_);
  std::string msg;
  switch (fault_) {
    case Fault::none:
      return Error{Code::ok, {}};
    case Fault::truncated:
      msg = "truncated input: need " + a + " bytes" + at + ", " + b + " remain";
      break;
    case Fault::bad_bool:
      msg = "invalid bool byte " + a + at + " (must be 0 or 1)";
      break;
    case Fault::bad_presence:
      msg = "invalid optional presence byte " + a + at + " (must be 0 or 1)";
      break;
    case Fault::too_long:
      msg = "length " + a + at + " exceeds the " + b + " remaining bytes";
      break;
    case Fault::too_many:
      msg = "count " + a + at + " of elements of at least " + b + " bytes exceeds the " +
            std::to_string(size_ - fault_at_ - 4) + " remaining bytes";
      break;
    case Fault::trailing:
      msg = a + " unexpected trailing bytes" + at;
      break;
    case Fault::too_deep:
      msg = "values nested more than " + a + " levels deep" + at;
      break;
    case Fault::custom:
      msg = custom_ + at;
      break;
  }
  return Error{Code::protocol, "malformed encoding: " + msg};
}

}  // namespace cxx2go::detail
