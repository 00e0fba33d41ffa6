// Test values shared by the C++ implementation and the C++ battery of the end-to-end tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "e2e.c2g.h"

namespace cxx2go_test::e2e_impl {

namespace e2e = ::cxx2go_test::e2e;

inline constexpr size_t kMiB = size_t{1} << 20;

// What both implementations of concat return (goimpl.ConcatFormat is the Go twin; they must agree):
//   text=<text>;blob=<blob in lowercase hex>;numbers=<n,n,…>;doubles=<d,d,…>   (doubles as "%.3f")
std::string concat_format(std::string_view text, std::span<const uint8_t> blob, std::span<const int32_t> numbers,
                          std::span<const double> doubles);

// n bytes that are not all alike (the same sequence as goimpl.Pattern).
std::vector<uint8_t> pattern(size_t n, uint8_t seed);

// Every field set and non-zero, nested and recursive values included (the twin of goimpl.FullEverything).
e2e::Everything full_everything();
// full_everything() with a 1 MiB text and a 1 MiB blob.
e2e::Everything large_everything();

// The first field in which want and got differ, or "" if they are equal.
std::string describe_difference(const e2e::Everything& want, const e2e::Everything& got);

// What both implementations of direct_digest return (goimpl.DirectDigestOf is the Go twin; they must
// agree): FNV-1a (64 bits) over every field of r in order, then salt, each number as 8 little-endian bytes
// and each string or bytes as its length and its bytes.
uint64_t direct_digest_of(const e2e::DirectRecord& r, uint8_t salt);

// The records both batteries send to direct_digest (the twins of goimpl.DirectRecords): empty, typical,
// more tags than ElementViews keeps inline, and large.
std::vector<e2e::DirectRecord> direct_records();

// Unix nanoseconds of a deadline, 0 for none (the wire form of deadline()).
int64_t unix_nanos(const std::optional<std::chrono::system_clock::time_point>& deadline);

// The Linux thread id of the calling thread.
uint64_t current_tid();

}  // namespace cxx2go_test::e2e_impl
