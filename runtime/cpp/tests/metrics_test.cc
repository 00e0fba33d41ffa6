// Per-method metrics (cxx2go/metrics.h) against the fake Go peer: counts, codes, bytes, in-flight, sampled
// latency, both directions, and counts of threads that exited. Metrics are process-wide and other tests
// run in this process too, so each test uses method ids of its own and compares snapshots.
#include <gtest/gtest.h>

#include <thread>

#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/generated.h"
#include "cxx2go/metrics.h"
#include "fake_go.h"
#include "scripted_service.h"

namespace cxx2go::testing {
namespace {

constexpr detail::MethodInfo kCounted{0xC0DE01, "test.Metrics.counted", 0};
constexpr detail::MethodInfo kAsync{0xC0DE02, "test.Metrics.async", 0};
constexpr detail::MethodInfo kFromThreads{0xC0DE03, "test.Metrics.from_threads", 0};

// This method's metrics in `s`, or an empty one.
MethodMetrics find(const MetricsSnapshot& s, std::string_view method, Direction direction) {
  for (const MethodMetrics& m : s.methods) {
    if (m.method == method && m.direction == direction) return m;
  }
  MethodMetrics none;
  none.method = method;
  return none;
}

uint64_t finished(const MethodMetrics& m, Code code) {
  for (auto [c, n] : m.finished) {
    if (c == code) return n;
  }
  return 0;
}

Result<detail::Reply> call_sync(const detail::MethodInfo& method, std::string_view view) {
  detail::Encoder args;
  args.i32(7);  // 4 bytes
  detail::ViewList views;
  views.add(view);
  return detail::call_go(method, args, views, {});
}

class MetricsTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    set_metrics_enabled(true);
  }
  void TearDown() override {
    set_metrics_enabled(false);
    RuntimeTest::TearDown();
  }
};

TEST_F(MetricsTest, SyncCallsAreCountedByCodeWithTheirBytes) {
  go().handle(kCounted.id, [](const GoCall& call) {
    if (call.views.at(0) == "fail") return GoAnswer::error(Code::not_found, "nope");  // 4 bytes
    detail::Encoder out;
    out.u8(1);  // 1 byte
    return GoAnswer::ok(out);
  });
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(call_sync(kCounted, "abc"));
  ASSERT_FALSE(call_sync(kCounted, "fail"));
  const MethodMetrics m = find(metrics_snapshot(), kCounted.name, Direction::cpp_to_go);
  EXPECT_EQ(m.calls, 4u);
  EXPECT_EQ(m.in_flight, 0u);
  EXPECT_EQ(finished(m, Code::ok), 3u);
  EXPECT_EQ(finished(m, Code::not_found), 1u);
  EXPECT_EQ(m.request_bytes, 3 * (4 + 3) + (4 + 4u));
  EXPECT_EQ(m.response_bytes, 3 * 1 + 4u);
  uint64_t sampled = 0;
  for (uint64_t n : m.latency_buckets) sampled += n;
  EXPECT_EQ(sampled, m.latency_samples);
  EXPECT_LE(m.latency_samples, m.calls);
}

TEST_F(MetricsTest, AnAsyncCallIsInFlightUntilGoCompletesIt) {
  go().set_submit_mode(SubmitMode::manual);
  struct Args {};
  auto start = [] {
    return detail::call_go_async<void>(kAsync, {}, Args{}, [](const Args&, detail::Encoder&, detail::ViewList&) {},
                                       detail::DecodeNothing{});
  };
  Future<void> f = start();
  ASSERT_TRUE(go().wait_pending(1));
  MethodMetrics m = find(metrics_snapshot(), kAsync.name, Direction::cpp_to_go);
  EXPECT_EQ(m.calls, 1u);
  EXPECT_EQ(m.in_flight, 1u);
  go().complete(go().pending_ids().at(0), GoAnswer::error(Code::aborted, "x"));
  EXPECT_FALSE(f.get());
  m = find(metrics_snapshot(), kAsync.name, Direction::cpp_to_go);
  EXPECT_EQ(m.in_flight, 0u);
  EXPECT_EQ(finished(m, Code::aborted), 1u);
}

TEST_F(MetricsTest, CountsOfThreadsThatExitedAreKept) {
  go().handle(kFromThreads.id, [](const GoCall&) { return GoAnswer::ok(); });
  const size_t live_threads = detail::metrics_threads_for_testing();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 40; ++i) ASSERT_TRUE(call_sync(kFromThreads, "x"));
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(detail::metrics_threads_for_testing(), live_threads) << "the exited threads' counters were not folded";
  const MethodMetrics m = find(metrics_snapshot(), kFromThreads.name, Direction::cpp_to_go);
  EXPECT_EQ(m.calls, 160u);
  EXPECT_EQ(finished(m, Code::ok), 160u);
  // Every kLatencySampleEvery-th call of a thread is timed.
  EXPECT_EQ(m.latency_samples, 4 * (40 / kLatencySampleEvery));
}

TEST_F(MetricsTest, GoToCppCallsAreCountedOnTheirSide) {
  auto svc = std::make_shared<ScriptedService>("test.MetricsSvc");
  svc->add(0xC0DE10, "inline", [](detail::IncomingCall& call) { call.reply(encode_string("ok")); },
           detail::kMethodInline);
  svc->add(0xC0DE11, "exec", [](detail::IncomingCall& call) { call.fail(Error(Code::out_of_range, "far")); });
  ASSERT_TRUE(register_service(svc));
  CppCall inline_call(0xC0DE10, "test.MetricsSvc.inline", 0);
  inline_call.views = {"12345"};
  EXPECT_EQ(go().invoke_cpp(inline_call).code, CXX2GO_OK);
  CppCall exec_call(0xC0DE11, "test.MetricsSvc.exec", go().next_call_id());
  ASSERT_TRUE(go().invoke_cpp(exec_call).pending);
  std::optional<CppAnswer> done = go().await_cpp(exec_call.call_id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->code, CXX2GO_OUT_OF_RANGE);
  const MetricsSnapshot s = metrics_snapshot();
  const MethodMetrics in = find(s, "test.MetricsSvc.inline", Direction::go_to_cpp);
  EXPECT_EQ(in.calls, 1u);
  EXPECT_EQ(finished(in, Code::ok), 1u);
  EXPECT_EQ(in.request_bytes, 5u);
  EXPECT_EQ(in.response_bytes, 4 + 2u);  // a length-prefixed string
  const MethodMetrics ex = find(s, "test.MetricsSvc.exec", Direction::go_to_cpp);
  EXPECT_EQ(ex.calls, 1u);
  EXPECT_EQ(finished(ex, Code::out_of_range), 1u);
  EXPECT_EQ(ex.in_flight, 0u);
  ASSERT_TRUE(unregister_service("test.MetricsSvc"));
}

TEST_F(MetricsTest, NothingIsCountedWhileOff) {
  set_metrics_enabled(false);
  constexpr detail::MethodInfo kOff{0xC0DE20, "test.Metrics.off", 0};
  go().handle(kOff.id, [](const GoCall&) { return GoAnswer::ok(); });
  ASSERT_TRUE(call_sync(kOff, "x"));
  EXPECT_EQ(find(metrics_snapshot(), kOff.name, Direction::cpp_to_go).calls, 0u);
  EXPECT_FALSE(metrics_snapshot().enabled);
}

}  // namespace
}  // namespace cxx2go::testing
