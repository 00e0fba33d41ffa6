// C++ → Go calls: call_go (sync), call_go_async (Future), call_go_oneway, against the fake Go peer.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/generated.h"
#include "cxx2go/detail/testing.h"
#include "fake_go.h"

namespace cxx2go::testing {
namespace {

constexpr detail::MethodInfo kEcho{0xB001, "test.Go.echo", 0};
constexpr detail::MethodInfo kSum{0xB002, "test.Go.sum", 0};
constexpr detail::MethodInfo kNotify{0xB003, "test.Go.notify", CXX2GO_CALL_ONEWAY};
constexpr detail::MethodInfo kMissing{0xB0FF, "test.Go.missing", 0};

// echo(prefix: i32, s: string) -> string: "<prefix>:<s>"
GoAnswer echo(const GoCall& call) {
  detail::Decoder d = call.decoder();
  const int32_t prefix = d.i32();
  if (!d.finish()) return GoAnswer::error(Code::protocol, d.error().message);
  detail::Encoder out;
  out.str(std::to_string(prefix) + ":" + call.views.at(0));
  return GoAnswer::ok(out);
}

// sum(values: list<i64>) -> i64, the list as a view (len in bytes)
GoAnswer sum(const GoCall& call) {
  const std::string& bytes = call.views.at(0);
  int64_t total = 0;
  for (size_t i = 0; i + 8 <= bytes.size(); i += 8) {
    int64_t v;
    std::memcpy(&v, bytes.data() + i, 8);
    total += v;
  }
  detail::Encoder out;
  out.i64(total);
  return GoAnswer::ok(out);
}

struct EchoArgs {
  int32_t prefix;
  std::string s;
};

void prepare_echo(const EchoArgs& a, detail::Encoder& e, detail::ViewList& v) {
  e.i32(a.prefix);
  v.add(std::string_view(a.s));
}

bool decode_string(detail::Decoder& d, std::string& out) {
  out = d.str();
  return d.ok();
}

Future<std::string> echo_async(int32_t prefix, std::string s, CallOptions options = {}) {
  return detail::call_go_async<std::string>(kEcho, options, EchoArgs{prefix, std::move(s)}, &prepare_echo,
                                            &decode_string);
}

Result<std::string> echo_sync(int32_t prefix, std::string_view s, CallOptions options = {}) {
  detail::Encoder args;
  args.i32(prefix);
  detail::ViewList views;
  views.add(s);
  Result<detail::Reply> reply = detail::call_go(kEcho, args, views, options);
  if (!reply) return reply.error();
  detail::Decoder d = reply->decoder();
  std::string out = d.str();
  if (!d.finish()) return d.error();
  return out;
}

using CallGoTest = RuntimeTest;

TEST_F(CallGoTest, SyncCallPassesViewsWithoutCopying) {
  const void* seen = nullptr;
  go().handle(kEcho.id, [&](const GoCall& call) {
    EXPECT_EQ(call.call_id, 0u);
    EXPECT_EQ(call.method_name, "test.Go.echo");
    seen = call.view_data.at(0);
    return echo(call);
  });
  const std::string s = "hello";
  Result<std::string> r = echo_sync(7, s);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, "7:hello");
  EXPECT_EQ(seen, s.data()) << "a sync call's view must point at the caller's memory";
  EXPECT_EQ(go().invokes(), 1);
}

TEST_F(CallGoTest, ListViewsCarryTheirLengthInBytes) {
  go().handle(kSum.id, [](const GoCall& call) {
    EXPECT_EQ(call.views.at(0).size(), 3 * sizeof(int64_t));
    return sum(call);
  });
  const std::vector<int64_t> values = {1, 20, 300};
  detail::Encoder args;
  detail::ViewList views;
  views.add(values);
  Result<detail::Reply> reply = detail::call_go(kSum, args, views, {});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->decoder().i64(), 321);
}

TEST_F(CallGoTest, MoreThanSixteenViewsSpillToTheHeapInOrder) {
  std::vector<std::string> seen;
  go().handle(kEcho.id, [&](const GoCall& call) {
    seen = call.views;
    return GoAnswer::ok();
  });
  std::vector<std::string> texts;
  for (int i = 0; i < 20; ++i) texts.push_back("view " + std::to_string(i));
  detail::Encoder args;
  detail::ViewList views;
  for (const std::string& t : texts) views.add(t);
  ASSERT_EQ(views.size(), 20u);
  ASSERT_TRUE(detail::call_go(kEcho, args, views, {}));
  EXPECT_EQ(seen, texts);
}

TEST_F(CallGoTest, LargeResultsComeInMallocedMemory) {
  const std::string big(10000, 'z');
  go().handle(kEcho.id, [&](const GoCall&) {
    detail::Encoder out;
    out.str(big);
    return GoAnswer::ok(out);
  });
  Result<std::string> r = echo_sync(1, "x");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, big);  // and ASan checks that the reply freed the payload
}

TEST_F(CallGoTest, GoErrorsArriveWithTheirCodeAndMessage) {
  go().handle(kEcho.id, [](const GoCall&) { return GoAnswer::error(Code::not_found, "no such sku"); });
  Result<std::string> r = echo_sync(1, "x");
  EXPECT_EQ(r.error(), Error(Code::not_found, "no such sku"));
  Result<std::string> a = echo_async(1, "x").get();
  EXPECT_EQ(a.error(), Error(Code::not_found, "no such sku"));
  go().handle(kEcho.id, [](const GoCall&) { return GoAnswer::error(Code::panic, "panic: boom"); });
  EXPECT_EQ(echo_sync(1, "x").error(), Error(Code::panic, "panic: boom"));
}

TEST_F(CallGoTest, UnknownGoMethodNamesTheMethod) {
  detail::Encoder args;
  detail::ViewList views;
  Result<detail::Reply> r = detail::call_go(kMissing, args, views, {});
  EXPECT_EQ(r.error().code, Code::unknown_method);
  EXPECT_NE(r.error().message.find("test.Go.missing"), std::string::npos);
}

TEST_F(CallGoTest, MalformedResultsAreProtocolErrors) {
  go().handle(kEcho.id, [](const GoCall&) {
    detail::Encoder out;
    out.u32(100);  // a string length with no bytes behind it
    return GoAnswer::ok(out);
  });
  EXPECT_EQ(echo_sync(1, "x").error().code, Code::protocol);
  EXPECT_EQ(echo_async(1, "x").get().error().code, Code::protocol);
  go().handle(kEcho.id, [](const GoCall&) {
    detail::Encoder out;
    out.str("ok");
    out.u8(0);  // trailing byte
    return GoAnswer::ok(out);
  });
  EXPECT_EQ(echo_async(1, "x").get().error().code, Code::protocol);
}

TEST_F(CallGoTest, APassedDeadlineFailsWithoutCrossing) {
  go().handle(kEcho.id, echo);
  const auto past = CallOptions::with_deadline(std::chrono::system_clock::now() - 1ms);
  EXPECT_EQ(echo_sync(1, "x", past).error().code, Code::deadline_exceeded);
  EXPECT_EQ(echo_async(1, "x", past).get().error().code, Code::deadline_exceeded);
  EXPECT_EQ(go().invokes(), 0);
  EXPECT_EQ(go().submits(), 0);
}

TEST_F(CallGoTest, TheDeadlineTravelsToGo) {
  int64_t seen = 0;
  go().handle(kEcho.id, [&](const GoCall& call) {
    seen = call.deadline_unix_nanos;
    return echo(call);
  });
  const auto deadline = std::chrono::system_clock::now() + 10s;
  ASSERT_TRUE(echo_sync(1, "x", CallOptions::with_deadline(deadline)));
  EXPECT_EQ(seen, std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count());
  ASSERT_TRUE(echo_sync(1, "x"));
  EXPECT_EQ(seen, 0);
}

TEST_F(CallGoTest, AsyncCallRunsOnAnotherThreadFromOwnedArguments) {
  std::thread::id handler_thread;
  go().handle(kEcho.id, [&](const GoCall& call) {
    handler_thread = std::this_thread::get_id();
    return echo(call);
  });
  Future<std::string> f = echo_async(3, std::string(1000, 'a'));  // the temporary is gone: the record owns it
  Result<std::string> r = f.get();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, "3:" + std::string(1000, 'a'));
  EXPECT_NE(handler_thread, std::this_thread::get_id());
}

TEST_F(CallGoTest, ACompletionBeforeSubmitReturnsIsFine) {
  go().set_submit_mode(SubmitMode::in_submit);
  go().handle(kEcho.id, echo);
  for (int i = 0; i < 100; ++i) {
    Result<std::string> r = echo_async(i, "now").get();
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, std::to_string(i) + ":now");
  }
}

TEST_F(CallGoTest, VoidResultsAndTheirDecoder) {
  go().handle(kEcho.id, [](const GoCall&) { return GoAnswer::ok(); });
  auto call = [] {
    return detail::call_go_async<void>(kEcho, {}, EchoArgs{1, "v"}, &prepare_echo, detail::DecodeNothing{});
  };
  EXPECT_TRUE(call().get());
  go().handle(kEcho.id, [](const GoCall&) {
    detail::Encoder out;
    out.u8(1);
    return GoAnswer::ok(out);
  });
  EXPECT_EQ(call().get().error().code, Code::protocol) << "a void result must be empty";
}

TEST_F(CallGoTest, CancellingResolvesAtOnceButFreesOnlyAfterGoCompletes) {
  go().set_submit_mode(SubmitMode::manual);
  Future<std::string> f = echo_async(5, "keep me alive");
  ASSERT_TRUE(go().wait_pending(1));
  const uint64_t id = go().pending_ids().at(0);
  EXPECT_EQ(live_counts().records, 1u);

  f.cancel();
  EXPECT_EQ(f.get().error().code, Code::cancelled);  // at once, without Go
  EXPECT_EQ(go().cancels(), std::vector<uint64_t>{id}) << "Go must be told to cancel the handler";

  // Go may still read the arguments: the record is alive (ASan would flag a read of freed memory).
  GoCall still = go().read_pending(id);
  EXPECT_EQ(still.views.at(0), "keep me alive");
  EXPECT_EQ(live_counts().records, 1u);
  EXPECT_EQ(live_counts().outgoing_calls, 1u);

  go().complete(id, GoAnswer::error(Code::cancelled, "context canceled"));
  EXPECT_EQ(live_counts().records, 0u);
  EXPECT_EQ(live_counts().outgoing_calls, 0u);
}

TEST_F(CallGoTest, DestroyingTheFutureCancels) {
  go().set_submit_mode(SubmitMode::manual);
  { Future<std::string> dropped = echo_async(5, "x"); }
  ASSERT_TRUE(go().wait_pending(1));
  const uint64_t id = go().pending_ids().at(0);
  EXPECT_EQ(go().cancels(), std::vector<uint64_t>{id});
  go().complete(id, GoAnswer::error(Code::cancelled, "context canceled"));
  EXPECT_EQ(live_counts().records, 0u);
}

TEST_F(CallGoTest, ALateResultAfterCancellationIsDropped) {
  go().set_submit_mode(SubmitMode::manual);
  Future<std::string> f = echo_async(5, "x");
  ASSERT_TRUE(go().wait_pending(1));
  const uint64_t id = go().pending_ids().at(0);
  f.cancel();
  detail::Encoder out;
  out.str("too late");
  go().complete(id, GoAnswer::ok(out));
  EXPECT_EQ(f.get().error().code, Code::cancelled);
}

// Go holds the same deadline and ends the handler's context itself (as DeadlineExceeded): a cancel from
// the timer would overtake it and make the handler read context.Canceled.
TEST_F(CallGoTest, TheDeadlineTimerResolvesAndLeavesTheDeadlineToGo) {
  go().set_submit_mode(SubmitMode::manual);
  const auto start = std::chrono::steady_clock::now();
  Future<std::string> f = echo_async(5, "x", CallOptions::with_timeout(50ms));
  ASSERT_TRUE(go().wait_pending(1));
  const uint64_t id = go().pending_ids().at(0);
  EXPECT_NE(go().read_pending(id).deadline_unix_nanos, 0);
  Result<std::string> r = f.get();
  EXPECT_EQ(r.error().code, Code::deadline_exceeded);
  EXPECT_EQ(r.error().message, "context deadline exceeded") << "the text a Go handler's ctx.Err() gives";
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_TRUE(go().cancels().empty()) << "the deadline is Go's to enforce";
  EXPECT_EQ(live_counts().records, 1u) << "Go has not completed: the record stays";
  go().complete(id, GoAnswer::error(Code::deadline_exceeded, "context deadline exceeded"));
  EXPECT_EQ(live_counts().records, 0u);
}

// CallOptions::stop_token cancels an asynchronous call like Future::cancel does, and a synchronous one
// too: that one gets an id Go lists before C++ watches the token, and its handler stays on the caller's
// thread.
TEST_F(CallGoTest, TheStopTokenCancelsAsyncAndSyncCalls) {
  std::mutex mu;
  std::thread::id handler_thread;
  go().handle(kEcho.id, [&](const GoCall& call) {
    {
      std::lock_guard lock(mu);
      handler_thread = std::this_thread::get_id();
    }
    EXPECT_TRUE(call.wait_cancelled());
    return GoAnswer::error(Code::cancelled, "context canceled");
  });
  for (const bool async : {true, false}) {
    std::stop_source source;
    CallOptions options;
    options.stop_token = source.get_token();
    std::thread stopper([&] {
      EXPECT_TRUE(eventually([] { return live_counts().outgoing_calls == 1; }));
      source.request_stop();
    });
    Result<std::string> r = async ? echo_async(1, "x", options).get() : echo_sync(1, "x", options);
    stopper.join();
    EXPECT_EQ(r.error().code, Code::cancelled) << (async ? "async" : "sync");
    if (!async) {
      std::lock_guard lock(mu);
      EXPECT_EQ(handler_thread, std::this_thread::get_id()) << "a synchronous handler runs on the caller's thread";
    }
    EXPECT_TRUE(eventually([] { return live_counts().records == 0; }));
    // After the stop: refused at once, without reaching Go.
    EXPECT_EQ(echo_sync(1, "x", options).error().code, Code::cancelled);
    EXPECT_EQ(echo_async(1, "x", options).get().error().code, Code::cancelled);
  }
}

// A synchronous call with a stop token that never fires still answers with Go's result.
TEST_F(CallGoTest, ASyncCallWithAnUnfiredStopTokenAnswers) {
  go().handle(kEcho.id, echo);
  std::stop_source source;
  CallOptions options;
  options.stop_token = source.get_token();
  Result<std::string> r = echo_sync(7, "hello", options);
  ASSERT_TRUE(r) << r.error().to_string();
  Result<std::string> plain = echo_sync(7, "hello");
  ASSERT_TRUE(plain);
  EXPECT_EQ(*r, *plain);
  EXPECT_EQ(live_counts().records, 0u);
}

TEST_F(CallGoTest, GoHandlersSeeCancellation) {
  go().handle(kEcho.id, [](const GoCall& call) {
    EXPECT_TRUE(call.wait_cancelled());
    return GoAnswer::error(Code::cancelled, "context canceled");
  });
  Future<std::string> f = echo_async(1, "x");
  std::this_thread::sleep_for(10ms);
  f.cancel();
  EXPECT_EQ(f.get().error().code, Code::cancelled);
  EXPECT_TRUE(eventually([] { return live_counts().records == 0; }));
}

TEST_F(CallGoTest, ContinuationsRunWithTheResult) {
  go().handle(kEcho.id, echo);
  Future<size_t> len = echo_async(42, "abc").then([](Result<std::string>&& r) { return r->size(); });
  EXPECT_EQ(*len.get(), 6u);
}

TEST_F(CallGoTest, OnewayCallsAreCopiedInsideSubmit) {
  struct Owned {
    std::string text;
  };
  Result<void> r = detail::call_go_oneway(kNotify, {}, Owned{"fire and forget"},
                                          [](const Owned& o, detail::Encoder& e, detail::ViewList& v) {
                                            e.u8(9);
                                            v.add(std::string_view(o.text));
                                          });
  ASSERT_TRUE(r);
  std::vector<GoCall> calls = go().oneway_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].views.at(0), "fire and forget");
  EXPECT_EQ(calls[0].args, std::vector<uint8_t>{9});
  EXPECT_EQ(calls[0].flags & CXX2GO_CALL_ONEWAY, CXX2GO_CALL_ONEWAY);
  EXPECT_EQ(live_counts().outgoing_calls, 0u);
}

TEST_F(CallGoTest, EncoderFailuresAreReportedWithoutCrossing) {
  struct Huge {};
  auto prepare = [](const Huge&, detail::Encoder& e, detail::ViewList&) { e.len(size_t{1} << 40); };
  Future<void> f = detail::call_go_async<void>(kEcho, {}, Huge{}, prepare, detail::DecodeNothing{});
  EXPECT_EQ(f.get().error().code, Code::out_of_range);
  EXPECT_EQ(detail::call_go_oneway(kNotify, {}, Huge{}, prepare).error().code, Code::out_of_range);
  EXPECT_EQ(go().submits(), 0);
}

TEST_F(CallGoTest, ManyConcurrentCallsAllCompleteAndNothingLeaks) {
  go().handle(kEcho.id, echo);
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (i % 2 == 0) {
          if (echo_sync(t, "s") == Result<std::string>(std::to_string(t) + ":s")) ++ok;
        } else {
          Future<std::string> f = echo_async(t, "a");
          if (i % 5 == 0) f.cancel();
          Result<std::string> r = f.get();
          if (r ? *r == std::to_string(t) + ":a" : r.error().code == Code::cancelled) ++ok;
        }
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_TRUE(eventually([] { return live_counts().records == 0 && live_counts().outgoing_calls == 0; }));
}

// Enough calls in flight that every shard of the runtime's table of C++ → Go calls (outgoing.cc) grows
// its buckets, and calls of a first batch still pending while a second one shares their buckets (ids that
// far apart collide): completed in an order unlike their submission, some cancelled while Go holds them,
// each Future resolves once with its own answer, unknown and repeated completions are ignored, and nothing
// is left.
TEST_F(CallGoTest, ThousandsInFlightCompleteInAnyOrder) {
  go().set_submit_mode(SubmitMode::manual);
  constexpr int kBatch = 3000;
  std::vector<Future<std::string>> futures;
  std::map<uint64_t, int> index_of;  // call id → index into futures
  auto submit_batch = [&] {
    const int first = static_cast<int>(futures.size());
    const size_t pending_before = go().pending_ids().size();
    for (int i = first; i < first + kBatch; ++i) futures.push_back(echo_async(i, "x"));
    ASSERT_TRUE(go().wait_pending(pending_before + kBatch));
    for (uint64_t id : go().pending_ids()) {
      if (index_of.count(id) == 0) index_of[id] = static_cast<int>(index_of.size());
    }
  };
  auto complete = [&](uint64_t id) {
    go().complete(id, echo(go().read_pending(id)));
    cxx2go_cpp_complete(id, CXX2GO_OK, nullptr, 0);  // a second completion: ignored
  };
  submit_batch();
  for (int i = 0; i < kBatch; i += 7) futures[i].cancel();
  for (uint64_t id : go().pending_ids()) {
    if (index_of.at(id) % 3 != 0) complete(id);  // a third of the first batch stays with Go
  }
  submit_batch();
  for (size_t i = kBatch; i < futures.size(); i += 7) futures[i].cancel();
  std::vector<uint64_t> ids = go().pending_ids();
  ASSERT_EQ(ids.size(), static_cast<size_t>(kBatch + kBatch / 3));
  EXPECT_EQ(live_counts().outgoing_calls, ids.size());
  // Odd positions from the back, then even ones from the front.
  for (size_t i = ids.size(); i-- > 0;) {
    if (i % 2 == 1) complete(ids[i]);
  }
  for (size_t i = 0; i < ids.size(); i += 2) complete(ids[i]);
  cxx2go_cpp_complete(ids.back() + 100000, CXX2GO_OK, nullptr, 0);  // never submitted: ignored

  ASSERT_EQ(index_of.size(), futures.size());
  for (const auto& [id, i] : index_of) {
    Result<std::string> r = futures[i].get();
    if ((i % kBatch) % 7 == 0) {
      EXPECT_EQ(r.error().code, Code::cancelled) << i;
    } else {
      EXPECT_EQ(r, Result<std::string>(std::to_string(i) + ":x")) << i;
    }
  }
  EXPECT_EQ(live_counts().records, 0u);
  EXPECT_EQ(live_counts().outgoing_calls, 0u);
}

}  // namespace
}  // namespace cxx2go::testing
