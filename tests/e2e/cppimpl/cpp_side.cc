#include "cpp_side.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "battery.h"
#include "values.h"

namespace cxx2go_test::e2e_impl {

namespace {

std::atomic<int> g_active_sleeps{0};

// The options of a call made while serving `context`: the caller's deadline and cancellation travel on.
// The re-entrant chains (call_go → GoSide.call_cpp → twice) then run with a stop token on the
// synchronous path too.
cxx2go::CallOptions options_from(const cxx2go::Context& context) { return cxx2go::CallOptions::from(context); }

}  // namespace

int active_sleeps() noexcept { return g_active_sleeps.load(); }

cxx2go::Result<std::vector<e2e::CheckResult>> CppSideImpl::run_checks(std::string_view filter,
                                                                     const cxx2go::Context& context) {
  return run_cpp_checks(filter, &context);
}

cxx2go::Result<e2e::Everything> CppSideImpl::echo(const e2e::Everything& value, const cxx2go::Context&) {
  return value;
}

cxx2go::Result<std::string> CppSideImpl::concat(std::string_view text, std::span<const uint8_t> blob,
                                                std::span<const int32_t> numbers, std::span<const double> doubles,
                                                const cxx2go::Context&) {
  return concat_format(text, blob, numbers, doubles);
}

cxx2go::Result<void> CppSideImpl::fail(int32_t code, std::string_view message, const cxx2go::Context&) {
  return cxx2go::Error(static_cast<cxx2go::Code>(code), std::string(message));
}

cxx2go::Result<void> CppSideImpl::fail_inline(int32_t code, std::string_view message, const cxx2go::Context& context) {
  return fail(code, message, context);
}

cxx2go::Result<int64_t> CppSideImpl::direct_add(int64_t a, int64_t b, const cxx2go::Context& context) {
  return add(a, b, context);
}

cxx2go::Result<uint64_t> CppSideImpl::direct_sizes(std::string_view text, std::span<const uint8_t> blob,
                                                  std::span<const int32_t> numbers,
                                                  const std::vector<std::string>& names, const cxx2go::Context&) {
  uint64_t n = text.size() + blob.size() + numbers.size_bytes();
  for (const std::string& name : names) n += name.size();
  return n;
}

cxx2go::Result<void> CppSideImpl::fail_direct(int32_t code, std::string_view message, const cxx2go::Context& context) {
  return fail(code, message, context);
}

cxx2go::Result<uint64_t> CppSideImpl::direct_digest(const e2e::DirectRecord& r, uint8_t salt,
                                                   const cxx2go::Context&) {
  return direct_digest_of(r, salt);
}

cxx2go::Result<void> CppSideImpl::throw_std(std::string_view message, const cxx2go::Context&) {
  throw std::runtime_error(std::string(message));
}

cxx2go::Result<void> CppSideImpl::throw_int(int32_t value, const cxx2go::Context&) { throw value; }

cxx2go::Result<bool> CppSideImpl::sleep(int64_t millis, const cxx2go::Context& context) {
  using clock = std::chrono::system_clock;
  auto until = clock::now() + std::chrono::milliseconds(std::max<int64_t>(millis, 0));
  bool deadline_first = false;
  if (const auto deadline = context.deadline(); deadline && *deadline < until) {
    until = *deadline;
    deadline_first = true;
  }
  g_active_sleeps.fetch_add(1);
  std::mutex mu;
  std::condition_variable_any cv;
  {
    std::unique_lock lock(mu);
    // Returns early only when the stop token fires (the predicate never becomes true otherwise).
    cv.wait_until(lock, context.stop_token(), until, [] { return false; });
  }
  g_active_sleeps.fetch_sub(1);
  if (context.cancelled()) return false;
  // The Go caller's context expires at the same moment: both must tell it the same thing.
  if (deadline_first) return cxx2go::Error(cxx2go::Code::deadline_exceeded, "deadline exceeded while sleeping");
  return true;
}

cxx2go::Result<int64_t> CppSideImpl::twice(int64_t value, const cxx2go::Context&) {
  return static_cast<int64_t>(static_cast<uint64_t>(value) * 2);
}

cxx2go::Result<int64_t> CppSideImpl::call_go(int64_t value, const cxx2go::Context& context) {
  return e2e::GoSideClient().call_cpp(value, options_from(context));
}

cxx2go::Future<int64_t> CppSideImpl::async_twice_async(int64_t value, cxx2go::Context context) {
  cxx2go::Result<bool> slept = co_await e2e::GoSideClient().sleep_async(1, options_from(context));
  if (!slept) co_return slept.error();
  if (!*slept) co_return cxx2go::Error(cxx2go::Code::cancelled, "GoSide.sleep was interrupted");
  co_return static_cast<int64_t>(static_cast<uint64_t>(value) * 2);
}

cxx2go::Result<int64_t> CppSideImpl::add(int64_t a, int64_t b, const cxx2go::Context&) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

cxx2go::Result<std::string> CppSideImpl::inline_concat(std::string_view a, std::string_view b,
                                                       const cxx2go::Context&) {
  std::string out;
  out.reserve(a.size() + b.size());
  out += a;
  out += b;
  return out;
}

cxx2go::Result<uint64_t> CppSideImpl::thread_id(const cxx2go::Context&) { return current_tid(); }

cxx2go::Result<uint64_t> CppSideImpl::process_id(const cxx2go::Context&) { return static_cast<uint64_t>(getpid()); }

cxx2go::Result<e2e::LiveCounts> CppSideImpl::live_counts(const cxx2go::Context&) {
  const cxx2go::LiveCounts c = cxx2go::live_counts();
  // Less this call: it runs on an executor, so it is a Go → C++ call with a heap record.
  auto less_one = [](uint64_t n) { return n > 0 ? n - 1 : 0; };
  return e2e::LiveCounts{c.outgoing_calls, less_one(c.incoming_calls), less_one(c.records)};
}

cxx2go::Result<int32_t> CppSideImpl::active_sleeps(const cxx2go::Context&) { return g_active_sleeps.load(); }

cxx2go::Result<int64_t> CppSideImpl::deadline(const cxx2go::Context& context) {
  return unix_nanos(context.deadline());
}

cxx2go::Result<void> CppSideImpl::notify(std::string_view text, const cxx2go::Context&) {
  {
    std::lock_guard lock(mu_);
    notes_.emplace_back(text);
  }
  arrived_.notify_all();
  return {};
}

cxx2go::Result<std::vector<std::string>> CppSideImpl::notifications(uint32_t count, const cxx2go::Context& context) {
  std::unique_lock lock(mu_);
  arrived_.wait_for(lock, context.stop_token(), std::chrono::seconds(5), [&] { return notes_.size() >= count; });
  const size_t n = std::min<size_t>(count, notes_.size());
  std::vector<std::string> out(std::make_move_iterator(notes_.begin()),
                               std::make_move_iterator(notes_.begin() + static_cast<std::ptrdiff_t>(n)));
  notes_.erase(notes_.begin(), notes_.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

cxx2go::Result<uint64_t> AffineImpl::thread_id(const cxx2go::Context&) { return current_tid(); }

cxx2go::Result<uint64_t> AffineImpl::process_id(const cxx2go::Context&) { return static_cast<uint64_t>(getpid()); }

cxx2go::Result<void> register_cpp_services() {
  if (cxx2go::Result<void> r = cxx2go::register_service(std::make_shared<CppSideImpl>()); !r) return r;
  return cxx2go::register_service(std::make_shared<AffineImpl>());
}

}  // namespace cxx2go_test::e2e_impl
