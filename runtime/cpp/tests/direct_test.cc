// Direct calls (@direct, cxx2go/detail/direct.h): what a generated cxx2go_direct_fn does, written by hand —
// refused before start, after stop and without a registered implementation; the code space at the
// boundary; and stop() and unregister_service() waiting for direct calls in flight, which hold no
// reference to the implementation.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <future>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/generated.h"
#include "cxx2go/detail/testing.h"
#include "fake_go.h"

namespace cxx2go::testing {
namespace {

using namespace std::chrono_literals;

// A service with one @direct method, as generated code would describe it.
class Adder : public Service {
 public:
  // word 0 + word 1; word 2 selects a behaviour: 1 blocks until release(), 2 throws, 3 fails with code
  // word 1.
  Result<uint64_t> add(uint64_t a, uint64_t b, uint64_t mode, const Context&) {
    if (mode == 1) {
      entered.count_down();
      release_.get_future().wait();
    }
    if (mode == 2) throw std::runtime_error("boom");
    if (mode == 3) return Error(static_cast<Code>(static_cast<int32_t>(b)), "asked to fail");
    return a + b;
  }

  const detail::ServiceDescriptor& cxx2go_descriptor() const noexcept override;

  void release() { release_.set_value(); }
  std::latch entered{1};
  std::atomic<bool>* destroyed = nullptr;
  ~Adder() override {
    if (destroyed != nullptr) destroyed->store(true);
  }

 private:
  std::promise<void> release_;
};

detail::DirectBinding adder_binding;
constexpr detail::MethodInfo kAdd{0xADD, "test.Adder.add", CXX2GO_METHOD_INLINE | CXX2GO_METHOD_DIRECT};

void direct_add(const uint64_t* words, const cxx2go_view*, int64_t deadline, cxx2go_direct_result* result) noexcept {
  auto call = [&](Adder& impl, const Context& context, detail::DirectResultWords& out) -> Result<void> {
    Result<uint64_t> r = impl.add(words[0], words[1], words[2], context);
    if (!r) return r.error();
    out[0] = *r;
    return {};
  };
  detail::run_direct<Adder>(adder_binding, kAdd, deadline, result, call);
}

void invoke_unused(Service&, detail::IncomingCall& call) noexcept {
  call.fail(Error(Code::unimplemented, "called through the registry"));
}

const detail::MethodEntry kEntries[] = {{kAdd, &invoke_unused, &direct_add}};
const detail::ServiceDescriptor kDescriptor{"test.Adder", false, kEntries, 1, &adder_binding};
const detail::ServiceDescriptor& Adder::cxx2go_descriptor() const noexcept { return kDescriptor; }

struct Outcome {
  int32_t code;
  uint64_t value;
  std::string message;
};

// Calls the function directly, as Go does once it has it.
Outcome call_function(uint64_t a, uint64_t b, uint64_t mode = 0, cxx2go_direct_fn fn = &direct_add) {
  const uint64_t words[CXX2GO_DIRECT_WORDS] = {a, b, mode};
  cxx2go_direct_result result{};
  fn(words, nullptr, 0, &result);
  Outcome o{result.code, result.words[0], std::string(result.message != nullptr ? result.message : "", result.message_len)};
  std::free(result.message);
  return o;
}

// Calls the method the way Go does: looks up its function, then calls it.
Outcome call_add(uint64_t a, uint64_t b, uint64_t mode = 0) {
  int32_t code = 0;
  char* message = nullptr;
  cxx2go_direct_fn fn = cxx2go_cpp_direct_entry(kAdd.id, &code, &message);
  if (fn == nullptr) {
    Outcome o{code, 0, message != nullptr ? message : ""};
    std::free(message);
    return o;
  }
  return call_function(a, b, mode, fn);
}

class DirectTest : public RuntimeTest {
 protected:
  RuntimeOptions options() const override {
    RuntimeOptions o = RuntimeTest::options();
    o.stop_timeout = 300ms;
    return o;
  }
  void TearDown() override {
    (void)unregister_service("test.Adder");
    RuntimeTest::TearDown();
  }
};

TEST_F(DirectTest, CallsTheBoundImplementationAndAnswersFailuresAsCodes) {
  auto adder = std::make_shared<Adder>();
  ASSERT_TRUE(register_service(adder));
  Outcome ok = call_add(40, 2);
  EXPECT_EQ(ok.code, CXX2GO_OK);
  EXPECT_EQ(ok.value, 42u);

  Outcome thrown = call_function(1, 2, 2);
  EXPECT_EQ(thrown.code, CXX2GO_EXCEPTION);
  EXPECT_NE(thrown.message.find("boom"), std::string::npos) << thrown.message;

  Outcome failed = call_function(1, static_cast<uint64_t>(CXX2GO_OUT_OF_RANGE), 3);
  EXPECT_EQ(failed.code, CXX2GO_OUT_OF_RANGE);
  EXPECT_EQ(failed.message, "asked to fail");

  // The code space at the boundary: neither OK nor PENDING can be forged by an implementation.
  for (int32_t forged : {-1, -7}) {  // (Code::ok itself cannot be an Error: Result makes it internal)
    Outcome o = call_function(1, static_cast<uint64_t>(static_cast<int64_t>(forged)), 3);
    EXPECT_EQ(o.code, CXX2GO_UNKNOWN) << forged;
    EXPECT_NE(o.message.find("code " + std::to_string(forged)), std::string::npos) << o.message;
  }
}

TEST_F(DirectTest, WithoutARegisteredImplementationTheCallIsUnknownMethod) {
  Outcome looked_up = call_add(1, 2);
  EXPECT_EQ(looked_up.code, CXX2GO_UNKNOWN_METHOD);
  auto adder = std::make_shared<Adder>();
  ASSERT_TRUE(register_service(adder));
  ASSERT_EQ(call_add(1, 2).code, CXX2GO_OK);
  ASSERT_TRUE(unregister_service("test.Adder"));
  // Go keeps the function it looked up: the function itself finds no implementation.
  Outcome o = call_function(1, 2);
  EXPECT_EQ(o.code, CXX2GO_UNKNOWN_METHOD);
  EXPECT_NE(o.message.find("test.Adder.add"), std::string::npos) << o.message;
}

// Holds a direct call inside the implementation while stop() runs: stop() must wait for it, calls made
// meanwhile are refused, and so are calls after it.
void expect_stop_waits_for_a_direct_call() {
  auto adder = std::make_shared<Adder>();
  ASSERT_TRUE(register_service(adder));
  std::future<Outcome> in_flight = std::async(std::launch::async, [] { return call_add(1, 2, 1); });
  adder->entered.wait();
  std::future<Result<void>> stopping = std::async(std::launch::async, [] { return stop(); });
  EXPECT_EQ(stopping.wait_for(100ms), std::future_status::timeout) << "stop() did not wait for the direct call";
  EXPECT_EQ(call_function(1, 2).code, CXX2GO_STOPPED) << "a direct call admitted while stopping";
  adder->release();
  EXPECT_TRUE(stopping.get());
  EXPECT_EQ(in_flight.get().value, 3u);
  EXPECT_EQ(call_function(1, 2).code, CXX2GO_STOPPED);
}

TEST_F(DirectTest, StopWaitsForDirectCallsAndLaterOnesAreRefused) { expect_stop_waits_for_a_direct_call(); }

// Without membarrier (an old kernel, seccomp, TSan builds) the handshake is sequentially consistent
// stores and loads; start() registers again, so the next test is back on membarrier where it is allowed.
TEST_F(DirectTest, StopWaitsForDirectCallsWithoutMembarrier) {
  detail::direct_calls_fence.store(true);
  expect_stop_waits_for_a_direct_call();
}

TEST_F(DirectTest, UnregisterWaitsForDirectCallsBeforeReleasingTheImplementation) {
  std::atomic<bool> destroyed{false};
  auto adder = std::make_shared<Adder>();
  adder->destroyed = &destroyed;
  Adder* raw = adder.get();
  ASSERT_TRUE(register_service(std::move(adder)));
  std::future<Outcome> in_flight = std::async(std::launch::async, [] { return call_add(5, 6, 1); });
  raw->entered.wait();
  std::future<Result<void>> unregistering =
      std::async(std::launch::async, [] { return unregister_service("test.Adder"); });
  EXPECT_EQ(unregistering.wait_for(100ms), std::future_status::timeout)
      << "unregister_service did not wait for the direct call";
  EXPECT_FALSE(destroyed.load()) << "the implementation was destroyed under a direct call";
  raw->release();
  EXPECT_TRUE(unregistering.get());
  EXPECT_EQ(in_flight.get().value, 11u);
  EXPECT_TRUE(destroyed.load());
}

TEST(DirectBeforeStart, IsRefusedNotStarted) {
  ASSERT_EQ(state(), State::not_started);
  Outcome o = call_add(1, 2);
  EXPECT_EQ(o.code, CXX2GO_NOT_STARTED);
  EXPECT_EQ(call_function(1, 2).code, CXX2GO_NOT_STARTED);
}

}  // namespace
}  // namespace cxx2go::testing

namespace cxx2go::testing {
namespace {

constexpr detail::MethodInfo kGoAdd{0x60ADD, "test.Go.add", CXX2GO_METHOD_DIRECT};

Result<uint64_t> go_add(uint64_t a, uint64_t b, const CallOptions& options = {}, std::string_view text = {}) {
  const uint64_t words[CXX2GO_DIRECT_WORDS] = {a, b};
  detail::ViewList views;
  views.add(text);
  detail::Encoder args;
  args.u32(7);
  cxx2go_direct_result result;
  Result<void> done = detail::call_go_direct(kGoAdd, words, views, &args, options, &result);
  if (!done) return done.error();
  return result.words[0];
}

class GoDirectTest : public RuntimeTest {};

TEST_F(GoDirectTest, PassesWordsViewsEncodingAndDeadlineAndReadsTheWords) {
  go().handle_direct([](uint64_t id, const uint64_t* words, const cxx2go_view* views, uint32_t nviews, int64_t deadline,
                        cxx2go_direct_result* result) {
    EXPECT_EQ(id, kGoAdd.id);
    ASSERT_EQ(nviews, 2u) << "the view argument, then the encoded arguments";
    EXPECT_EQ(std::string_view(static_cast<const char*>(views[0].data), views[0].len), "text");
    detail::Decoder encoded(static_cast<const uint8_t*>(views[1].data), views[1].len);
    EXPECT_EQ(encoded.u32(), 7u);
    EXPECT_TRUE(encoded.finish());
    EXPECT_NE(deadline, 0);
    result->words[0] = words[0] + words[1];
  });
  Result<uint64_t> r = go_add(40, 2, CallOptions::with_timeout(1h), "text");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, 42u);
}

// A list<string> travels as a view of its elements' views (abi.h), pointing into the caller's strings,
// whether ElementViews holds them itself (short lists) or on the heap.
TEST_F(GoDirectTest, ListsOfStringsTravelAsViewsOfTheirElements) {
  for (size_t count : {size_t{0}, size_t{3}, detail::ElementViews::kInlineElements,
                       detail::ElementViews::kInlineElements + 1, size_t{100}}) {
    std::vector<std::string> tags;
    for (size_t i = 0; i < count; ++i) tags.push_back(std::string(i % 5, static_cast<char>('a' + i % 26)));
    go().handle_direct([&tags](uint64_t, const uint64_t*, const cxx2go_view* views, uint32_t nviews, int64_t,
                               cxx2go_direct_result* result) {
      ASSERT_EQ(nviews, 1u);
      ASSERT_EQ(views[0].len, tags.size() * sizeof(cxx2go_view));
      const auto* elements = static_cast<const cxx2go_view*>(views[0].data);
      for (size_t i = 0; i < tags.size(); ++i) {
        EXPECT_EQ(elements[i].len, tags[i].size());
        if (tags[i].empty()) {
          EXPECT_EQ(elements[i].data, nullptr);
        } else {
          EXPECT_EQ(elements[i].data, tags[i].data()) << "a view into the caller's string, not a copy";
        }
      }
      result->words[0] = tags.size();
    });
    const uint64_t words[CXX2GO_DIRECT_WORDS] = {};
    const detail::ElementViews elements(tags);
    detail::ViewList views;
    views.add(elements);
    cxx2go_direct_result result;
    Result<void> done = detail::call_go_direct(kGoAdd, words, views, nullptr, {}, &result);
    ASSERT_TRUE(done) << done.error().to_string();
    EXPECT_EQ(result.words[0], count);
  }
}

TEST_F(GoDirectTest, ErrorsCarryTheirCodeAndMessageAndForgedCodesAreProtocolErrors) {
  go().handle_direct([](uint64_t, const uint64_t* words, const cxx2go_view*, uint32_t, int64_t,
                        cxx2go_direct_result* result) {
    result->code = static_cast<int32_t>(words[0]);
    const char text[] = "go says no";
    result->message = static_cast<char*>(std::malloc(sizeof text - 1));
    std::memcpy(result->message, text, sizeof text - 1);
    result->message_len = sizeof text - 1;
  });
  Result<uint64_t> failed = go_add(CXX2GO_NOT_FOUND, 0);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Code::not_found);
  EXPECT_EQ(failed.error().message, "go says no");
  Result<uint64_t> forged = go_add(static_cast<uint64_t>(static_cast<int64_t>(CXX2GO_PENDING)), 0);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, Code::protocol);
}

TEST_F(GoDirectTest, RefusedBeforeCrossingWhenCancelledOrExpiredOrWithoutAPeerThatTakesThem) {
  std::atomic<int> crossed{0};
  go().handle_direct([&](uint64_t, const uint64_t*, const cxx2go_view*, uint32_t, int64_t, cxx2go_direct_result*) {
    ++crossed;
  });
  std::stop_source stopped;
  stopped.request_stop();
  CallOptions cancelled;
  cancelled.stop_token = stopped.get_token();
  EXPECT_EQ(go_add(1, 2, cancelled).error().code, Code::cancelled);
  EXPECT_EQ(go_add(1, 2, CallOptions::with_deadline(std::chrono::system_clock::now() - 1s)).error().code,
            Code::deadline_exceeded);
  EXPECT_EQ(crossed.load(), 0);
  ASSERT_TRUE(stop());
  EXPECT_EQ(go_add(1, 2).error().code, Code::stopped);
  EXPECT_EQ(crossed.load(), 0);
}

}  // namespace
}  // namespace cxx2go::testing
