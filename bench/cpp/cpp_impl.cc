// The C++ side of the Go host (bench/gohost): the cxx2go implementations of CppBench (executor) and
// CppBenchInline (@inline), and the raw C functions of the baseline. Both do the same work: nothing
// that depends on the payload size (the size is returned, the bytes are not read), so that the time
// measured is the cost of passing the arguments.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench.c2g.h"
#include "cxx2go/cxx2go.h"
#include "raw.h"

namespace {

using benchgen::Nested;
using benchgen::Small;
using cxx2go::Context;
using cxx2go::Result;

Small twiddle(const Small& v) { return Small{v.a + 1, v.b * 2, v.c - 1}; }

uint64_t count_names(const std::vector<std::string>& l) {
  uint64_t n = 0;
  for (const auto& s : l) n += s.size();
  return n;
}

class Executor final : public benchgen::CppBench {
 public:
  Result<void> ping(const Context&) override { return {}; }
  Result<Small> small(const Small& v, const Context&) override { return twiddle(v); }
  Result<uint64_t> text(std::string_view s, const Context&) override { return s.size(); }
  Result<uint64_t> blob(std::span<const uint8_t> b, const Context&) override { return b.size(); }
  Result<uint64_t> names(const std::vector<std::string>& l, const Context&) override { return count_names(l); }
  Result<Nested> nested(const Nested& n, const Context&) override { return n; }
};

class Inline final : public benchgen::CppBenchInline {
 public:
  Result<void> ping(const Context&) override { return {}; }
  Result<Small> small(const Small& v, const Context&) override { return twiddle(v); }
  Result<uint64_t> text(std::string_view s, const Context&) override { return s.size(); }
  Result<uint64_t> blob(std::span<const uint8_t> b, const Context&) override { return b.size(); }
  Result<uint64_t> names(const std::vector<std::string>& l, const Context&) override { return count_names(l); }
  Result<Nested> nested(const Nested& n, const Context&) override { return n; }
};

}  // namespace

extern "C" {

// noinline + an empty asm: the compiler may not drop the call or its result.
__attribute__((noinline)) void bench_raw_ping(void) { asm volatile(""); }

__attribute__((noinline)) void bench_raw_small(const bench_small* in, bench_small* out) {
  out->a = in->a + 1;
  out->b = in->b * 2;
  out->c = in->c - 1;
}

__attribute__((noinline)) uint64_t bench_raw_bytes(const uint8_t* data, size_t len) {
  asm volatile("" : : "r"(data));
  return len;
}

__attribute__((noinline)) uint64_t bench_raw_names(const uint8_t* packed, size_t packed_len, const uint64_t* lens,
                                                   size_t count) {
  // What a hand-written shim hands its C++ callee: views of the strings.
  std::vector<std::string_view> views;
  views.reserve(count);
  size_t at = 0;
  for (size_t i = 0; i < count && at + lens[i] <= packed_len; ++i) {
    views.emplace_back(reinterpret_cast<const char*>(packed) + at, lens[i]);
    at += lens[i];
  }
  uint64_t n = 0;
  for (auto v : views) n += v.size();
  return n;
}

int32_t bench_register_cpp(void) {
  if (auto r = cxx2go::register_service(std::make_shared<Executor>()); !r) return static_cast<int32_t>(r.error().code);
  if (auto r = cxx2go::register_service(std::make_shared<Inline>()); !r) return static_cast<int32_t>(r.error().code);
  return 0;
}

}  // extern "C"
