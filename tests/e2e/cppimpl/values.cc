#include "values.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <bit>
#include <cstdio>
#include <limits>

namespace cxx2go_test::e2e_impl {

std::string concat_format(std::string_view text, std::span<const uint8_t> blob, std::span<const int32_t> numbers,
                          std::span<const double> doubles) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2 * blob.size() + 12 * numbers.size() + 16 * doubles.size() + 32);
  out += "text=";
  out += text;
  out += ";blob=";
  for (uint8_t b : blob) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  out += ";numbers=";
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(numbers[i]);
  }
  out += ";doubles=";
  for (size_t i = 0; i < doubles.size(); ++i) {
    if (i > 0) out += ',';
    char buf[400];  // "%.3f" of DBL_MAX has 313 characters
    const int n = std::snprintf(buf, sizeof buf, "%.3f", doubles[i]);
    out.append(buf, n > 0 ? static_cast<size_t>(n) : 0);
  }
  return out;
}

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 131 + i / 251) ^ seed;
  return b;
}

e2e::Everything full_everything() {
  using e2e::Color;
  using e2e::Node;
  e2e::Everything v;
  v.scalars = e2e::Scalars{true,
                           std::numeric_limits<int8_t>::min(),
                           std::numeric_limits<int16_t>::min(),
                           std::numeric_limits<int32_t>::min(),
                           std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<uint8_t>::max(),
                           std::numeric_limits<uint16_t>::max(),
                           std::numeric_limits<uint32_t>::max(),
                           std::numeric_limits<uint64_t>::max(),
                           -3.5f,
                           -1.25e300};
  // "text with ünïcödé and a \0 NUL" (literals split where a hex escape would swallow the next letter)
  v.text = std::string("text with \xc3\xbc" "n\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 and a \0 NUL", 33);
  v.blob = {0, 1, 2, 0xfe, 0xff};
  v.color = Color::BLUE;
  v.maybe_text = "maybe \xe2\x98\x83";
  v.maybe_scalars = e2e::Scalars{true,
                                 std::numeric_limits<int8_t>::max(),
                                 std::numeric_limits<int16_t>::max(),
                                 std::numeric_limits<int32_t>::max(),
                                 std::numeric_limits<int64_t>::max(),
                                 1,
                                 2,
                                 3,
                                 4,
                                 std::numeric_limits<float>::denorm_min(),
                                 std::numeric_limits<double>::max()};
  v.maybe_list = std::vector<int32_t>{1, -2, std::numeric_limits<int32_t>::max()};
  v.texts = {"a", "", "\xc3\x9f", std::string("x\0y", 3)};
  v.numbers = {std::numeric_limits<int64_t>::min(), -1, 0, std::numeric_limits<int64_t>::max()};
  v.colors = {Color::RED, Color::GREEN, Color::BLUE, static_cast<Color>(7)};
  v.flags = {true, false, true};
  v.small = {0, 1, 255};
  v.by_name = {{"pi", 3.14159}, {"", -0.5}, {"e", 2.71828}};
  v.by_id = {{0, "zero"}, {std::numeric_limits<uint32_t>::max(), "max"}};
  v.by_color = {{Color::RED, {"r"}}, {Color::GREEN, {}}, {Color::BLUE, {"b1", "b2"}}};
  v.by_flag = {{true, 1}, {false, std::numeric_limits<int8_t>::min()}};
  v.nested = {{"a", "b"}, {}, {"c"}};

  Node c1{"c1", {Node{"c1.1", {}, {}}, Node{"c1.2", {}, {}}}, {}};
  Node c2{"c2", {}, Node{"c2-next", {}, {}}};
  Node n2{"n2", {Node{"n2.1", {}, {}}}, {}};
  Node n1{"n1", {}, std::move(n2)};
  v.tree = Node{"root", {std::move(c1), std::move(c2)}, std::move(n1)};

  v.type = "type";
  v.func = 42;
  v.class_ = true;
  v.delete_ = 7;
  v.range = {"range", "for"};
  return v;
}

e2e::Everything large_everything() {
  e2e::Everything v = full_everything();
  v.text.clear();
  v.text.reserve(kMiB);
  while (v.text.size() < kMiB) v.text += "0123456789abcdef";
  v.blob = pattern(kMiB, 0x5a);
  return v;
}

std::string describe_difference(const e2e::Everything& want, const e2e::Everything& got) {
#define E2E_FIELD(f) \
  if (!(want.f == got.f)) return "field " #f " differs";
  E2E_FIELD(scalars)
  E2E_FIELD(text)
  E2E_FIELD(blob)
  E2E_FIELD(color)
  E2E_FIELD(maybe_text)
  E2E_FIELD(maybe_scalars)
  E2E_FIELD(maybe_list)
  E2E_FIELD(texts)
  E2E_FIELD(numbers)
  E2E_FIELD(colors)
  E2E_FIELD(flags)
  E2E_FIELD(small)
  E2E_FIELD(by_name)
  E2E_FIELD(by_id)
  E2E_FIELD(by_color)
  E2E_FIELD(by_flag)
  E2E_FIELD(nested)
  E2E_FIELD(tree)
  E2E_FIELD(empty)
  E2E_FIELD(type)
  E2E_FIELD(func)
  E2E_FIELD(class_)
  E2E_FIELD(delete_)
  E2E_FIELD(range)
#undef E2E_FIELD
  if (!(want == got)) return "the values differ, but no single field does (operator== is inconsistent)";
  return "";
}

int64_t unix_nanos(const std::optional<std::chrono::system_clock::time_point>& deadline) {
  if (!deadline) return 0;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(deadline->time_since_epoch()).count();
}

uint64_t current_tid() { return static_cast<uint64_t>(::syscall(SYS_gettid)); }

uint64_t direct_digest_of(const e2e::DirectRecord& r, uint8_t salt) {
  uint64_t h = 0xcbf29ce484222325;  // FNV-1a, as Go's hash/fnv
  auto write = [&h](const void* data, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      h ^= static_cast<const uint8_t*>(data)[i];
      h *= 0x100000001b3;
    }
  };
  auto number = [&write](uint64_t v) {
    uint8_t word[8];
    for (int i = 0; i < 8; ++i) word[i] = static_cast<uint8_t>(v >> (8 * i));
    write(word, sizeof word);
  };
  auto sized = [&](const auto& bytes) {
    number(bytes.size());
    write(bytes.data(), bytes.size());
  };
  number(r.id);
  sized(r.name);
  number(r.tags.size());
  for (const std::string& t : r.tags) sized(t);
  sized(r.blob);
  number(r.blobs.size());
  for (const std::vector<uint8_t>& b : r.blobs) sized(b);
  number(r.numbers.size());
  for (int32_t n : r.numbers) number(static_cast<uint64_t>(static_cast<int64_t>(n)));
  number(static_cast<uint64_t>(static_cast<int64_t>(r.color)));
  number(std::bit_cast<uint64_t>(r.point.x));
  number(r.point.ok ? 1 : 0);
  number(r.note ? 1 : 0);
  if (r.note) sized(*r.note);
  number(salt);
  return h;
}

std::vector<e2e::DirectRecord> direct_records() {
  std::vector<e2e::DirectRecord> records(4);
  e2e::DirectRecord& typical = records[1];
  typical.id = 42;
  typical.name = "0123456789abcdef";
  typical.tags = {"alpha", "beta", "gamma"};
  typical.blob = {0, 1, 2};
  typical.blobs = {{7}, {}, {8, 9}};
  typical.numbers = {std::numeric_limits<int32_t>::min(), -1, 7};
  typical.color = e2e::Color::BLUE;
  typical.point = {-2.5, true};
  typical.note = "ñote";
  e2e::DirectRecord& many = records[2];
  many.id = std::numeric_limits<uint64_t>::max();
  many.name = "x";
  for (size_t i = 0; i < 20; ++i) {
    many.tags.emplace_back(i, 't');
    many.blobs.push_back(pattern(i, static_cast<uint8_t>(i)));
  }
  many.color = e2e::Color::GREEN;
  many.point.x = std::numeric_limits<double>::infinity();
  std::string big;
  for (int i = 0; i < 50'000; ++i) big += "é";
  e2e::DirectRecord& large = records[3];
  large.id = 1;
  large.name = big;
  large.tags = {big, "", big};
  large.blob = pattern(kMiB, 0x22);
  large.blobs = {pattern(kMiB, 0x33)};
  for (int32_t i = 0; i < 1000; ++i) large.numbers.push_back(i * 7919 - 1000);
  large.note = big;
  return records;
}

}  // namespace cxx2go_test::e2e_impl
