#include "battery.h"

#include "cxx2go/detail/generated.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "values.h"

namespace cxx2go_test::e2e_impl {

namespace {

using namespace std::chrono_literals;
using cxx2go::Code;
using cxx2go::Error;
using cxx2go::Future;
using cxx2go::Result;
using Clock = std::chrono::steady_clock;

// How long a cancelled or expired call may take to end: generous, only a watchdog (no timing assertions).
constexpr auto kPromptly = 10s;
// How long any single future may take before the check gives up on it instead of hanging its host.
constexpr auto kWatchdog = 60s;

template <class T>
std::string describe(const Result<T>& r) {
  return r ? std::string("success") : r.error().to_string();
}

// f's result, or a failure if it is not ready within kWatchdog (then f is cancelled).
template <class T>
Result<T> await(Future<T> f) {
  if (!f.wait_for(kWatchdog)) {
    f.cancel();
    return Error(Code::internal, "watchdog: the future was not ready after 60 s");
  }
  return f.get();
}

// "" if r is an error with `code` (and `message`, if given), else what it is instead.
template <class T>
std::string expect_error(const Result<T>& r, Code code, std::optional<std::string_view> message = std::nullopt) {
  if (r) return "want " + std::string(cxx2go::code_name(code)) + ", got success";
  if (r.error().code != code) {
    return "want " + std::string(cxx2go::code_name(code)) + ", got " + r.error().to_string();
  }
  if (message && r.error().message != *message) {
    return "want the message \"" + std::string(*message) + "\", got \"" + r.error().message + "\"";
  }
  return "";
}

// "" if r holds `want`.
template <class T, class U>
std::string expect_value(const Result<T>& r, const U& want) {
  if (!r) return "want a value, got " + r.error().to_string();
  if (!(*r == want)) return "got a different value";
  return "";
}

std::string with_context(const std::string& what, const std::string& failure) {
  return failure.empty() ? failure : what + ": " + failure;
}

// Waits until no C++ → Go call is alive: Go completed every call, cancelled ones included (their handlers
// observed their context; otherwise they would sleep for a minute).
std::string wait_outgoing_drained() {
  const auto until = Clock::now() + kPromptly;
  while (cxx2go::live_counts().outgoing_calls != 0) {
    if (Clock::now() > until) {
      return std::to_string(cxx2go::live_counts().outgoing_calls) +
             " C++ → Go call(s) still alive 10 s after cancelling: the Go handler did not observe its context";
    }
    std::this_thread::sleep_for(5ms);
  }
  return "";
}

e2e::GoSideClient go() { return e2e::GoSideClient(); }

// ---- echo ----

std::string check_echo(const e2e::Everything& value) {
  Result<e2e::Everything> r = go().echo(value);
  if (!r) return "echo: " + r.error().to_string();
  return with_context("echo", describe_difference(value, *r));
}

std::string echo_async_get() {
  e2e::Everything value = full_everything();
  Future<e2e::Everything> f = go().echo_async(value);  // a copy: the call owns its arguments
  Result<e2e::Everything> r = f.get();
  if (!r) return "echo_async: " + r.error().to_string();
  return with_context("echo_async", describe_difference(value, *r));
}

// ---- concat ----

std::string check_concat(std::string_view text, std::span<const uint8_t> blob, std::span<const int32_t> numbers,
                         std::span<const double> doubles) {
  const std::string want = concat_format(text, blob, numbers, doubles);
  Result<std::string> r = go().concat(text, blob, numbers, doubles);
  if (!r) return "concat: " + r.error().to_string();
  if (*r != want) {
    return "concat: want \"" + want.substr(0, 80) + "\" (" + std::to_string(want.size()) + " bytes), got \"" +
           r->substr(0, 80) + "\" (" + std::to_string(r->size()) + " bytes)";
  }
  return "";
}

const std::vector<uint8_t> kBlob{0, 1, 0x7f, 0xff};
const std::vector<int32_t> kNumbers{std::numeric_limits<int32_t>::min(), -1, 0, 7, std::numeric_limits<int32_t>::max()};
const std::vector<double> kDoubles{-1.5, 0, 3.25, 1e10, -0.125};
const std::string kText = "h\xc3\xa9llo | w\xc3\xb6rld";

std::vector<int32_t> range_int32(int n) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i * 7919 - n;
  return v;
}

std::vector<double> range_double(int n) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i * 0.25 - 3;
  return v;
}

std::string concat_large() {
  const std::string text(1000, 'e');
  const std::vector<uint8_t> blob = pattern(kMiB, 0x33);
  const std::vector<int32_t> numbers = range_int32(1000);
  const std::vector<double> doubles = range_double(100);
  return check_concat(text, blob, numbers, doubles);
}

std::string concat_async_get() {
  const std::string want = concat_format(kText, kBlob, kNumbers, kDoubles);
  Future<std::string> f;
  {
    // The arguments move into the call; these copies are gone before Go reads them.
    std::string text = kText;
    std::vector<uint8_t> blob = pattern(kMiB, 0x11);
    std::vector<int32_t> numbers = kNumbers;
    std::vector<double> doubles = kDoubles;
    f = go().concat_async(std::move(text), std::move(blob), std::move(numbers), std::move(doubles));
  }
  Result<std::string> r = await(std::move(f));
  const std::vector<uint8_t> blob = pattern(kMiB, 0x11);
  return with_context("concat_async", expect_value(r, concat_format(kText, blob, kNumbers, kDoubles)));
}

// ---- errors ----

struct FailCase {
  int32_t code;
  std::string message;
};

std::vector<FailCase> fail_cases() {
  return {{CXX2GO_INVALID_ARGUMENT, "bad argument"},
          {CXX2GO_NOT_FOUND, "no such thing: \xc3\xbc"},
          {CXX2GO_UNAUTHENTICATED, ""},
          {CXX2GO_INTERNAL, std::string(1000, 'm')},
          {42, "a code abi.h does not define is carried through"}};
}

std::string fail_sync() {
  for (const FailCase& c : fail_cases()) {
    Result<void> r = go().fail(c.code, c.message);
    if (auto f = expect_error(r, static_cast<Code>(c.code), c.message); !f.empty()) {
      return "fail(" + std::to_string(c.code) + "): " + f;
    }
  }
  return "";
}

std::string fail_async() {
  for (const FailCase& c : fail_cases()) {
    Result<void> r = await(go().fail_async(c.code, c.message));
    if (auto f = expect_error(r, static_cast<Code>(c.code), c.message); !f.empty()) {
      return "fail_async(" + std::to_string(c.code) + "): " + f;
    }
  }
  return "";
}

// The edges of the code space at the boundary (docs/design.md): codes a Go handler may return, with the
// code and message C++ must see. A code <= 0 (0 is success, -1 the PENDING sentinel) becomes unknown with
// its number in the message; every positive code, the runtime's own included, is carried unchanged.
struct CodeSpaceCase {
  int32_t code;
  std::string message;
  Code want_code;
  std::string want_message;
};

std::vector<CodeSpaceCase> code_space_cases() {
  std::vector<CodeSpaceCase> cases = {
      {-1, "x", Code::unknown, "code -1: x"},
      {std::numeric_limits<int32_t>::min(), "x", Code::unknown, "code -2147483648: x"},
      {-2, "", Code::unknown, "code -2"},
      {CXX2GO_OK, "x", Code::unknown, "code 0: x"},
      {std::numeric_limits<int32_t>::max(), "max", static_cast<Code>(std::numeric_limits<int32_t>::max()), "max"},
  };
  for (Code code : {Code::panic, Code::exception, Code::not_started, Code::stopped, Code::unknown_method,
                    Code::protocol, Code::cancelled, Code::deadline_exceeded}) {
    const std::string message = "forwarded " + std::string(cxx2go::code_name(code));
    cases.push_back({static_cast<int32_t>(code), message, code, message});
  }
  return cases;
}

std::string code_space_sync() {
  for (const CodeSpaceCase& c : code_space_cases()) {
    if (auto f = expect_error(go().fail(c.code, c.message), c.want_code, c.want_message); !f.empty()) {
      return "fail(" + std::to_string(c.code) + "): " + f;
    }
  }
  return "";
}

std::string code_space_direct() {
  for (const CodeSpaceCase& c : code_space_cases()) {
    if (auto f = expect_error(go().fail_direct(c.code, c.message), c.want_code, c.want_message); !f.empty()) {
      return "fail_direct(" + std::to_string(c.code) + "): " + f;
    }
  }
  return "";
}

// @direct: C++ calls Go's direct handler of the method.
std::string direct_add() {
  const int64_t cases[][3] = {{2, 40, 42}, {-5, 3, -2}, {INT64_MAX, 1, INT64_MIN}};
  for (const auto& c : cases) {
    Result<int64_t> r = go().direct_add(c[0], c[1]);
    if (!r || *r != c[2]) {
      return "direct_add(" + std::to_string(c[0]) + ", " + std::to_string(c[1]) + "): " +
             (r ? std::to_string(*r) : r.error().to_string());
    }
  }
  return "";
}

std::string direct_sizes() {
  const std::string big(100'000, 'q');
  const std::vector<uint8_t> blob(1 << 20, 0x11);
  const std::vector<int32_t> numbers{INT32_MIN, 0, 7};
  struct Case {
    std::string_view text;
    std::span<const uint8_t> blob;
    std::span<const int32_t> numbers;
    std::vector<std::string> names;
    uint64_t want;
  };
  const Case cases[] = {
      {"héllo", std::span<const uint8_t>(blob).first(3), numbers, {"a", "", "xyz"}, 6 + 3 + 12 + 4},
      {{}, {}, {}, {}, 0},
      {big, blob, numbers, {big, big}, 100'000 + (1u << 20) + 12 + 200'000},
  };
  for (const Case& c : cases) {
    Result<uint64_t> r = go().direct_sizes(c.text, c.blob, c.numbers, c.names);
    if (!r || *r != c.want) {
      return "direct_sizes: want " + std::to_string(c.want) + ", got " + (r ? std::to_string(*r) : r.error().to_string());
    }
  }
  return "";
}

std::string direct_digest() {
  const std::vector<e2e::DirectRecord> records = direct_records();
  for (size_t i = 0; i < records.size(); ++i) {
    const auto salt = static_cast<uint8_t>(i + 1);
    Result<uint64_t> r = go().direct_digest(records[i], salt);
    if (const uint64_t want = direct_digest_of(records[i], salt); !r || *r != want) {
      return "direct_digest(record " + std::to_string(i) + "): want " + std::to_string(want) + ", got " +
             (r ? std::to_string(*r) : r.error().to_string());
    }
  }
  return "";
}

std::string code_space_async() {
  for (const CodeSpaceCase& c : code_space_cases()) {
    if (auto f = expect_error(await(go().fail_async(c.code, c.message)), c.want_code, c.want_message); !f.empty()) {
      return "fail_async(" + std::to_string(c.code) + "): " + f;
    }
  }
  return "";
}

// Go's code-space checks (Go failing calls to CppSide) run inside this synchronous C++ → Go call. Run by
// a Go host on an executor thread, this is where a forged PENDING used to wedge that thread: its calls to
// CppSide must then run synchronously, and the answer must never read as "a completion follows".
std::string code_space_nested() {
  Result<std::vector<e2e::CheckResult>> r = go().run_checks("code_space_");
  if (!r) return "run_checks: " + r.error().to_string();
  // The executor, @inline and @direct methods.
  if (r->size() != 3) return "run_checks(\"code_space_\") ran " + std::to_string(r->size()) + " checks, want 3";
  for (const e2e::CheckResult& c : *r) {
    if (!c.failure.empty()) return c.name + ": " + c.failure;
  }
  return "";
}

// A Node whose deepest value lies `levels` levels below it (docs/wire-format.md), through next
// (optional<Node>) or through children (list<Node>).
e2e::Node nested_node(size_t levels, bool via_list) {
  e2e::Node n;
  for (size_t i = 0; i < levels; ++i) {
    e2e::Node outer;
    if (via_list) {
      outer.children.push_back(std::move(n));
    } else {
      outer.next.emplace() = std::move(n);
    }
    n = std::move(outer);
  }
  return n;
}

// Go echoes values of any depth; C++ decodes the result exactly up to the limit, and not one level deeper.
std::string nesting_limit_go() {
  constexpr size_t kLimit = 1000;
  for (bool via_list : {false, true}) {
    const std::string how = via_list ? " levels via list: " : " levels via optional: ";
    e2e::Everything v;
    v.tree = nested_node(kLimit, via_list);
    if (auto f = expect_value(go().echo(v), v); !f.empty()) return "echo " + std::to_string(kLimit) + how + f;
    v.tree = nested_node(kLimit + 1, via_list);
    Result<e2e::Everything> r = go().echo(v);
    if (auto f = expect_error(r, Code::protocol); !f.empty()) return "echo " + std::to_string(kLimit + 1) + how + f;
    if (r.error().message.find("values nested more than 1000 levels deep") == std::string::npos) {
      return "echo " + std::to_string(kLimit + 1) + how + "unexpected message " + r.error().message;
    }
  }
  return "";
}

std::string panic_sync() {
  return with_context("panic", expect_error(go().panic("oh no"), Code::panic, "panic: oh no"));
}

std::string panic_async() {
  return with_context("panic_async", expect_error(await(go().panic_async("oh no, async")), Code::panic,
                                                  "panic: oh no, async"));
}

// ---- cancellation and deadlines ----

std::string cancel_explicit() {
  Future<bool> f = go().sleep_async(60'000);
  const auto start = Clock::now();
  f.cancel();
  if (!f.ready()) return "sleep_async: not ready right after cancel()";
  Result<bool> r = f.get();
  if (Clock::now() - start > kPromptly) return "sleep_async: cancel() did not resolve the future promptly";
  if (auto failure = expect_error(r, Code::cancelled); !failure.empty()) return "sleep_async cancelled: " + failure;
  return wait_outgoing_drained();
}

// A coroutine awaiting a long Go call; it reports what the await returned.
Future<void> await_long_sleep(std::shared_ptr<std::promise<Result<bool>>> seen) {
  Result<bool> r = co_await go().sleep_async(60'000);
  seen->set_value(std::move(r));
}

std::string cancel_by_destruction() {
  // A dropped future cancels its call: the Go handler's context ends and Go completes the call.
  { Future<bool> dropped = go().sleep_async(60'000); }
  if (auto failure = wait_outgoing_drained(); !failure.empty()) return "dropped sleep_async: " + failure;

  // Dropping a coroutine's future cancels the future it awaits: the coroutine resumes with Code::cancelled.
  auto seen = std::make_shared<std::promise<Result<bool>>>();
  std::future<Result<bool>> outcome = seen->get_future();
  { Future<void> dropped = await_long_sleep(seen); }
  if (outcome.wait_for(kPromptly) != std::future_status::ready) {
    return "the coroutine awaiting sleep_async did not resume after its future was dropped";
  }
  if (auto failure = expect_error(outcome.get(), Code::cancelled); !failure.empty()) {
    return "the awaited sleep_async of a dropped coroutine: " + failure;
  }
  return wait_outgoing_drained();
}

std::string timeout_async() {
  const auto start = Clock::now();
  Result<bool> r = await(go().sleep_async(60'000, cxx2go::CallOptions::with_timeout(200ms)));
  if (Clock::now() - start > kPromptly) return "sleep_async with a 200 ms timeout did not end promptly";
  if (auto failure = expect_error(r, Code::deadline_exceeded); !failure.empty()) {
    return "sleep_async past its deadline: " + failure;
  }
  return wait_outgoing_drained();
}

std::string timeout_sync() {
  // A synchronous call runs the handler on this thread: the handler's context carries the deadline, and
  // GoSide.sleep returns context.DeadlineExceeded when it passes.
  const auto start = Clock::now();
  Result<bool> r = go().sleep(60'000, cxx2go::CallOptions::with_timeout(200ms));
  if (Clock::now() - start > kPromptly) return "sleep with a 200 ms timeout did not end promptly";
  return with_context("sleep past its deadline", expect_error(r, Code::deadline_exceeded));
}

std::string expired_deadline() {
  const auto past = cxx2go::CallOptions::with_deadline(std::chrono::system_clock::now() - 1s);
  if (auto f = expect_error(go().sleep(1, past), Code::deadline_exceeded); !f.empty()) return "sleep: " + f;
  if (auto f = expect_error(await(go().sleep_async(1, past)), Code::deadline_exceeded); !f.empty()) {
    return "sleep_async: " + f;
  }
  return "";
}

std::string check_deadline(bool async) {
  const auto deadline = std::chrono::system_clock::now() + 30s;
  const auto options = cxx2go::CallOptions::with_deadline(deadline);
  Result<int64_t> r = async ? await(go().deadline_async(options)) : go().deadline(options);
  if (!r) return "deadline: " + r.error().to_string();
  const int64_t want = unix_nanos(deadline);
  const int64_t off = *r - want;
  if (off < -1'000'000 || off > 1'000'000) {
    return "deadline: Go saw " + std::to_string(*r) + ", the caller's deadline is " + std::to_string(want);
  }
  return "";
}

std::string deadline_none() {
  if (auto f = expect_value(go().deadline(), int64_t{0}); !f.empty()) return "deadline without one: " + f;
  return with_context("deadline_async without one", expect_value(await(go().deadline_async()), int64_t{0}));
}

// ---- re-entrancy ----

std::string reentry_sync() {
  return with_context("call_cpp(21) (C++ → Go → C++)", expect_value(go().call_cpp(21), int64_t{42}));
}

std::string reentry_async() {
  return with_context("call_cpp_async(21) (C++ → Go → C++)", expect_value(await(go().call_cpp_async(21)), int64_t{42}));
}

// ---- futures and coroutines ----

// Records a failure if the calling thread is not `loop_thread`.
void check_on_loop(std::thread::id loop_thread, std::string& failure, std::string_view after) {
  if (std::this_thread::get_id() != loop_thread && failure.empty()) {
    failure = "resumed off the event loop's thread after " + std::string(after);
  }
}

// Awaits several Go calls in a row; after each, checks it resumed on the event loop's thread.
Future<int64_t> chain_on_loop(std::thread::id loop_thread, std::shared_ptr<std::string> failure) {
  const std::string expected_concat = "text=x;blob=01;numbers=2;doubles=0.500";
  Result<int64_t> a = co_await go().call_cpp_async(10);
  check_on_loop(loop_thread, *failure, "call_cpp_async");
  if (!a) co_return a.error();
  // Built outside the co_await expression: GCC 12 rejects std::initializer_list temporaries in a
  // full-expression that suspends ("array used as initializer").
  std::vector<uint8_t> blob(1, 1);
  std::vector<int32_t> numbers(1, 2);
  std::vector<double> doubles(1, 0.5);
  Result<std::string> b =
      co_await go().concat_async(std::string("x"), std::move(blob), std::move(numbers), std::move(doubles));
  check_on_loop(loop_thread, *failure, "concat_async");
  if (!b) co_return b.error();
  if (*b != expected_concat) co_return Error(Code::internal, "concat_async returned " + *b);
  Result<e2e::Everything> c = co_await go().echo_async(full_everything());
  check_on_loop(loop_thread, *failure, "echo_async");
  if (!c) co_return c.error();
  if (!(*c == full_everything())) co_return Error(Code::internal, "echo_async returned a different value");
  Result<void> d = co_await go().fail_async(CXX2GO_ABORTED, std::string("aborted on purpose"));
  check_on_loop(loop_thread, *failure, "fail_async");
  if (d || d.error().code != Code::aborted) co_return Error(Code::internal, "fail_async: " + describe(d));
  co_return *a + static_cast<int64_t>(b->size());
}

std::string coroutine_event_loop() {
  cxx2go::EventLoop loop;
  auto failure = std::make_shared<std::string>();
  Result<int64_t> r = loop.block_on([&] { return chain_on_loop(std::this_thread::get_id(), failure); });
  if (!failure->empty()) return *failure;
  return with_context("the coroutine", expect_value(r, int64_t{20 + 38}));
}

std::string future_wait_for() {
  Future<bool> quick = go().sleep_async(10);
  if (!quick.wait_for(kWatchdog)) return "sleep_async(10): wait_for(60 s) returned false";
  if (auto f = expect_value(quick.get(), true); !f.empty()) return "sleep_async(10): " + f;

  Future<bool> slow = go().sleep_async(60'000);
  if (slow.wait_for(20ms)) return "sleep_async(60 s) was ready after 20 ms";
  slow.cancel();
  if (auto f = expect_error(slow.get(), Code::cancelled); !f.empty()) return "sleep_async(60 s) cancelled: " + f;
  return wait_outgoing_drained();
}

std::string future_then() {
  const e2e::Everything value = full_everything();
  Result<size_t> n = await(go().echo_async(value).then([](Result<e2e::Everything>&& r) -> Result<size_t> {
    if (!r) return r.error();
    return r->text.size();
  }));
  if (auto f = expect_value(n, value.text.size()); !f.empty()) return "echo_async().then(size): " + f;

  Result<int64_t> chained = await(go().call_cpp_async(5).then([](Result<int64_t>&& r) -> Future<int64_t> {
    if (!r) return cxx2go::make_ready_future<int64_t>(r.error());
    return go().call_cpp_async(*r);
  }));
  if (auto f = expect_value(chained, int64_t{20}); !f.empty()) return "call_cpp_async().then(call_cpp_async): " + f;

  Result<int64_t> failed = await(go().panic_async("then").then([](Result<void>&& r) -> Result<int64_t> {
    if (!r) return r.error();
    return int64_t{1};
  }));
  return with_context("panic_async().then()", expect_error(failed, Code::panic, "panic: then"));
}

// ---- oneway ----

std::string oneway_notify() {
  static std::atomic<int> seq{0};
  const std::string prefix =
      "cpp-note-" + std::to_string(::getpid()) + "-" + std::to_string(seq.fetch_add(1)) + "-";
  std::vector<std::string> want;
  for (int i = 0; i < 10; ++i) {
    want.push_back(prefix + std::to_string(i));
    if (Result<void> r = go().notify(want.back()); !r) return "notify: " + r.error().to_string();
  }
  Result<std::vector<std::string>> got = go().notifications(static_cast<uint32_t>(want.size()));
  if (!got) return "notifications: " + got.error().to_string();
  std::sort(got->begin(), got->end());  // oneway calls may run in any order
  std::sort(want.begin(), want.end());
  if (*got != want) {
    std::string s;
    for (const auto& g : *got) s += " " + g;
    return "notifications: got" + s;
  }
  return "";
}

// ---- unknown method ----

const cxx2go::detail::MethodInfo kNoSuchMethod{0x0123456789abcdefull, "e2e.GoSide.no_such_method", 0};

std::string unknown_method() {
  cxx2go::detail::Encoder args;
  cxx2go::detail::ViewList views;
  Result<cxx2go::detail::Reply> r = cxx2go::detail::call_go(kNoSuchMethod, args, views, {});
  if (auto f = expect_error(r, Code::unknown_method); !f.empty()) return "sync: " + f;
  if (r.error().message.find("e2e.GoSide.no_such_method") == std::string::npos) {
    return "sync: the error does not name the method: " + r.error().message;
  }
  Result<void> a = await(cxx2go::detail::call_go_async<void>(
      kNoSuchMethod, {}, cxx2go::detail::NoArguments{},
      [](const cxx2go::detail::NoArguments&, cxx2go::detail::Encoder&, cxx2go::detail::ViewList&) {},
      cxx2go::detail::DecodeInto<void>{}));
  if (auto f = expect_error(a, Code::unknown_method); !f.empty()) return "async: " + f;
  if (a.error().message.find("e2e.GoSide.no_such_method") == std::string::npos) {
    return "async: the error does not name the method: " + a.error().message;
  }
  return "";
}

// ---- load ----

std::string many_async_calls() {
  constexpr int kCalls = 1000;
  std::vector<Future<std::string>> concats;
  std::vector<Future<int64_t>> doubled;
  std::vector<Future<bool>> sleeps;
  std::vector<Future<void>> failures;
  for (int i = 0; i < kCalls; ++i) {
    switch (i % 4) {
      case 0:
        concats.push_back(go().concat_async("call-" + std::to_string(i), {static_cast<uint8_t>(i)}, {i}, {i * 0.5}));
        break;
      case 1:
        doubled.push_back(go().call_cpp_async(i));
        break;
      case 2:
        sleeps.push_back(go().sleep_async(1));
        break;
      default:
        failures.push_back(go().fail_async(CXX2GO_OUT_OF_RANGE, "out of range " + std::to_string(i)));
        break;
    }
  }
  for (size_t k = 0; k < concats.size(); ++k) {
    const int i = static_cast<int>(k) * 4;
    const uint8_t blob[] = {static_cast<uint8_t>(i)};
    const int32_t numbers[] = {i};
    const double doubles[] = {i * 0.5};
    const std::string want = concat_format("call-" + std::to_string(i), blob, numbers, doubles);
    if (auto f = expect_value(await(std::move(concats[k])), want); !f.empty()) return "concat_async #" + std::to_string(i) + ": " + f;
  }
  for (size_t k = 0; k < doubled.size(); ++k) {
    const int64_t i = static_cast<int64_t>(k) * 4 + 1;
    if (auto f = expect_value(await(std::move(doubled[k])), 2 * i); !f.empty()) return "call_cpp_async #" + std::to_string(i) + ": " + f;
  }
  for (size_t k = 0; k < sleeps.size(); ++k) {
    if (auto f = expect_value(await(std::move(sleeps[k])), true); !f.empty()) return "sleep_async: " + f;
  }
  for (size_t k = 0; k < failures.size(); ++k) {
    const std::string msg = "out of range " + std::to_string(k * 4 + 3);
    if (auto f = expect_error(await(std::move(failures[k])), Code::out_of_range, msg); !f.empty()) return "fail_async: " + f;
  }
  return wait_outgoing_drained();
}

std::vector<Check> make_battery() {
  return {
      {"echo_full", [] { return check_echo(full_everything()); }},
      {"echo_zero", [] { return check_echo(e2e::Everything{}); }},
      {"echo_large", [] { return check_echo(large_everything()); }},
      {"echo_async_get", echo_async_get},
      {"concat_views", [] { return check_concat(kText, kBlob, kNumbers, kDoubles); }},
      {"concat_empty", [] { return check_concat({}, {}, {}, {}); }},
      {"concat_large", concat_large},
      {"concat_async_get", concat_async_get},
      {"fail_sync", fail_sync},
      {"fail_async", fail_async},
      {"code_space_sync", code_space_sync},
      {"code_space_async", code_space_async},
      {"code_space_direct", code_space_direct},
      {"direct_add", direct_add},
      {"direct_sizes", direct_sizes},
      {"direct_digest", direct_digest},
      {"code_space_nested", code_space_nested},
      {"nesting_limit_go", nesting_limit_go},
      {"panic_sync", panic_sync},
      {"panic_async", panic_async},
      {"cancel_explicit", cancel_explicit},
      {"cancel_by_destruction", cancel_by_destruction},
      {"timeout_async", timeout_async},
      {"timeout_sync", timeout_sync},
      {"expired_deadline", expired_deadline},
      {"deadline_sync", [] { return check_deadline(false); }},
      {"deadline_async", [] { return check_deadline(true); }},
      {"deadline_none", deadline_none},
      {"reentry_sync", reentry_sync},
      {"reentry_async", reentry_async},
      {"coroutine_event_loop", coroutine_event_loop},
      {"future_wait_for", future_wait_for},
      {"future_then", future_then},
      {"oneway_notify", oneway_notify},
      {"unknown_method", unknown_method},
      {"many_async_calls", many_async_calls},
  };
}

}  // namespace

const std::vector<Check>& cpp_battery() {
  static const std::vector<Check> battery = [] {
    std::vector<Check> checks = make_battery();
    for (Check& check : context_checks()) checks.push_back(std::move(check));
    return checks;
  }();
  return battery;
}

std::vector<e2e::CheckResult> run_cpp_checks(std::string_view filter, const cxx2go::Context* context) {
  std::vector<e2e::CheckResult> out;
  for (const Check& check : cpp_battery()) {
    if (check.name.find(filter) == std::string::npos) continue;
    e2e::CheckResult result{check.name, ""};
    if (context != nullptr && context->cancelled()) {
      result.failure = "not run: the run_checks call was cancelled";
    } else {
      try {
        result.failure = check.run();
      } catch (...) {
        result.failure = "threw " + cxx2go::error_from_current_exception().to_string();
      }
    }
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace cxx2go_test::e2e_impl
