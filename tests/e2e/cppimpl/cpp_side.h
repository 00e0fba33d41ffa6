// The C++ half of the end-to-end tests: implementations of e2e::CppSide and e2e::Affine (called from Go).
// Both test hosts compile this directory: tests/e2e/gohost through cgo, tests/e2e/cpphost through CMake.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "e2e.c2g.h"

namespace cxx2go_test::e2e_impl {

namespace e2e = ::cxx2go_test::e2e;

class CppSideImpl final : public e2e::CppSide {
 public:
  cxx2go::Result<std::vector<e2e::CheckResult>> run_checks(std::string_view filter,
                                                          const cxx2go::Context& context) override;
  cxx2go::Result<e2e::Everything> echo(const e2e::Everything& value, const cxx2go::Context& context) override;
  cxx2go::Result<std::string> concat(std::string_view text, std::span<const uint8_t> blob,
                                     std::span<const int32_t> numbers, std::span<const double> doubles,
                                     const cxx2go::Context& context) override;
  cxx2go::Result<void> fail(int32_t code, std::string_view message, const cxx2go::Context& context) override;
  cxx2go::Result<void> throw_std(std::string_view message, const cxx2go::Context& context) override;
  cxx2go::Result<void> throw_int(int32_t value, const cxx2go::Context& context) override;
  // Sleeps up to millis: true, or false if the stop token fired first, or Code::deadline_exceeded if the
  // call's deadline passed first (GoSide.sleep behaves the same).
  cxx2go::Result<bool> sleep(int64_t millis, const cxx2go::Context& context) override;
  cxx2go::Result<int64_t> twice(int64_t value, const cxx2go::Context& context) override;
  cxx2go::Result<int64_t> call_go(int64_t value, const cxx2go::Context& context) override;
  // A coroutine: awaits GoSide.sleep_async (a C++ → Go call from inside a Go → C++ call), then doubles.
  cxx2go::Future<int64_t> async_twice_async(int64_t value, cxx2go::Context context) override;
  cxx2go::Result<int64_t> add(int64_t a, int64_t b, const cxx2go::Context& context) override;
  cxx2go::Result<std::string> inline_concat(std::string_view a, std::string_view b,
                                            const cxx2go::Context& context) override;
  cxx2go::Result<void> fail_inline(int32_t code, std::string_view message, const cxx2go::Context& context) override;
  cxx2go::Result<int64_t> direct_add(int64_t a, int64_t b, const cxx2go::Context& context) override;
  cxx2go::Result<uint64_t> direct_sizes(std::string_view text, std::span<const uint8_t> blob,
                                        std::span<const int32_t> numbers, const std::vector<std::string>& names,
                                        const cxx2go::Context& context) override;
  cxx2go::Result<void> fail_direct(int32_t code, std::string_view message, const cxx2go::Context& context) override;
  cxx2go::Result<uint64_t> direct_digest(const e2e::DirectRecord& r, uint8_t salt,
                                         const cxx2go::Context& context) override;
  cxx2go::Result<uint64_t> thread_id(const cxx2go::Context& context) override;
  cxx2go::Result<int64_t> deadline(const cxx2go::Context& context) override;
  cxx2go::Result<void> notify(std::string_view text, const cxx2go::Context& context) override;
  // Waits until count notifications arrived (at most 5 s, or until the stop token fires) and returns up
  // to count of them, in arrival order, removing them.
  cxx2go::Result<std::vector<std::string>> notifications(uint32_t count, const cxx2go::Context& context) override;
  // contexts.cc: record why their context ended, and relay one to GoSide with the options it implies.
  cxx2go::Result<void> wait_context(std::string_view tag, const cxx2go::Context& context) override;
  cxx2go::Result<std::vector<std::string>> context_ends(std::string_view tag, uint32_t count,
                                                        const cxx2go::Context& context) override;
  cxx2go::Result<void> relay_wait(std::string_view tag, bool use_async, const cxx2go::Context& context) override;
  // What the host's tests ask of the process CppSide runs in, which is another one when it is isolated.
  cxx2go::Result<uint64_t> process_id(const cxx2go::Context& context) override;
  cxx2go::Result<e2e::LiveCounts> live_counts(const cxx2go::Context& context) override;
  cxx2go::Result<int32_t> active_sleeps(const cxx2go::Context& context) override;

 private:
  std::mutex mu_;
  std::condition_variable_any arrived_;
  std::vector<std::string> notes_;
};

class AffineImpl final : public e2e::Affine {
 public:
  cxx2go::Result<uint64_t> thread_id(const cxx2go::Context& context) override;
  cxx2go::Result<uint64_t> process_id(const cxx2go::Context& context) override;
};

// Registers a CppSideImpl and an AffineImpl (cxx2go::register_service), before or after cxx2go::start().
cxx2go::Result<void> register_cpp_services();

// How many CppSide.sleep calls are sleeping right now (lifecycle tests wait for one to be in progress).
int active_sleeps() noexcept;

}  // namespace cxx2go_test::e2e_impl
