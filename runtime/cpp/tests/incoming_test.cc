// Go → C++ calls: cxx2go_cpp_invoke / cxx2go_cpp_cancel and the IncomingCall seen by implementations,
// driven by the fake Go peer as the Go runtime would drive them.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <latch>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/generated.h"
#include "cxx2go/detail/testing.h"
#include "cxx2go/detail/codec.h"
#include "fake_go.h"
#include "scripted_service.h"

namespace cxx2go::testing {
namespace {

std::string thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

class IncomingTest : public RuntimeTest {
 protected:
  void SetUp() override {
    RuntimeTest::SetUp();
    svc_ = std::make_shared<ScriptedService>("test.Svc");
  }
  void register_svc() { ASSERT_TRUE(register_service(svc_)); }

  CppCall call(uint64_t method_id, std::vector<std::string> views = {}, bool with_id = true) {
    CppCall c(method_id, "test.Svc.m", with_id ? go().next_call_id() : 0);
    c.views = std::move(views);
    return c;
  }

  std::shared_ptr<ScriptedService> svc_;
};

TEST_F(IncomingTest, UnknownMethodNamesItAndTheLikelyCauses) {
  CppCall c(0xDEAD, "shop.Pricer.quote", go().next_call_id());
  CppAnswer a = go().invoke_cpp(c);
  EXPECT_FALSE(a.pending);
  EXPECT_EQ(a.code, CXX2GO_UNKNOWN_METHOD);
  EXPECT_NE(a.bytes.find("shop.Pricer.quote"), std::string::npos) << a.bytes;
  EXPECT_NE(a.bytes.find("not registered"), std::string::npos) << a.bytes;
  EXPECT_NE(a.bytes.find("different schema version"), std::string::npos) << a.bytes;
  EXPECT_NE(a.bytes.find("0xdead"), std::string::npos) << a.bytes;
}

TEST_F(IncomingTest, InlineMethodsRunOnTheCallersThreadReadingGoMemoryInPlace) {
  const void* seen = nullptr;
  std::thread::id thread;
  svc_->add(
      0x1, "inline",
      [&](detail::IncomingCall& call) {
        seen = call.view_string(0).data();
        thread = std::this_thread::get_id();
        EXPECT_TRUE(call.sync_only());
        call.reply(encode_string(call.view_string(0)));
      },
      detail::kMethodInline);
  register_svc();
  CppCall c = call(0x1, {"in place"}, /*with_id=*/false);  // Go sends no id for @inline methods
  CppAnswer a = go().invoke_cpp(c);
  ASSERT_EQ(a.code, CXX2GO_OK);
  EXPECT_FALSE(a.pending);
  EXPECT_EQ(a.bytes, std::string("\x08\0\0\0in place", 12));
  EXPECT_EQ(seen, c.views[0].data());
  EXPECT_EQ(thread, std::this_thread::get_id());
}

TEST_F(IncomingTest, DefaultMethodsRunOnTheExecutorFromCopies) {
  std::latch go_overwrote(1);
  svc_->add(0x2, "exec", [&](detail::IncomingCall& call) {
    go_overwrote.wait();  // Go's memory is gone (overwritten) by now
    EXPECT_FALSE(call.sync_only());
    EXPECT_EQ(thread_name().rfind("cxx2go-", 0), 0u) << thread_name();
    detail::Decoder args = call.args();
    detail::Encoder out;
    out.str(std::string(call.view_string(0)) + "/" + std::to_string(args.i32()));
    call.reply(out);
  });
  register_svc();
  CppCall c = call(0x2, {"copied"});
  detail::Encoder args;
  args.i32(77);
  c.args.assign(args.data(), args.data() + args.size());
  CppAnswer a = go().invoke_cpp(c);
  ASSERT_TRUE(a.pending);
  std::fill(c.views[0].begin(), c.views[0].end(), '#');
  std::fill(c.args.begin(), c.args.end(), 0xEE);
  go_overwrote.count_down();
  std::optional<CppAnswer> done = go().await_cpp(c.call_id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->code, CXX2GO_OK);
  detail::Decoder d(reinterpret_cast<const uint8_t*>(done->bytes.data()), done->bytes.size());
  EXPECT_EQ(d.str(), "copied/77");
}

TEST_F(IncomingTest, CopiedListViewsStayAlignedForTheirElementType) {
  svc_->add(0x3, "sum", [](detail::IncomingCall& call) {
    // A 1-byte view first, so that a packed copy would misalign the doubles that follow.
    EXPECT_EQ(call.view_bytes(0).size(), 1u);
    std::span<const double> values = call.view_list<double>(1);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(values.data()) % alignof(double), 0u);
    double total = 0;
    for (double v : values) total += v;
    detail::Encoder out;
    out.f64(total);
    out.u64(call.view_list<int32_t>(1).size());  // 24 bytes read as i32: 6 elements
    out.u64(call.view_list<double>(7).size());   // out of range: empty
    call.reply(out);
  });
  register_svc();
  const double values[] = {1.5, 2.5, 4.0};
  CppCall c = call(0x3, {"x", std::string(reinterpret_cast<const char*>(values), sizeof values)});
  CppAnswer a = go().call_cpp(c);
  ASSERT_EQ(a.code, CXX2GO_OK);
  detail::Decoder d(reinterpret_cast<const uint8_t*>(a.bytes.data()), a.bytes.size());
  EXPECT_EQ(d.f64(), 8.0);
  EXPECT_EQ(d.u64(), 6u);
  EXPECT_EQ(d.u64(), 0u);
}

TEST_F(IncomingTest, ExceptionsBecomeCodeExceptionWithTypeAndWhat) {
  svc_->add(0x4, "throws", [](detail::IncomingCall&) -> void { throw std::runtime_error("boom"); });
  svc_->add(
      0x5, "throws_inline", [](detail::IncomingCall&) -> void { throw 42; }, detail::kMethodInline);
  register_svc();
  CppAnswer a = go().call_cpp(call(0x4));
  EXPECT_EQ(a.code, CXX2GO_EXCEPTION);
  EXPECT_EQ(a.bytes, "std::runtime_error: boom");
  CppAnswer b = go().call_cpp(call(0x5, {}, false));
  EXPECT_EQ(b.code, CXX2GO_EXCEPTION);
  EXPECT_EQ(b.bytes, "int");
}

TEST_F(IncomingTest, ErrorsAndLargeRepliesReachGo) {
  svc_->add(0x6, "fail", [](detail::IncomingCall& call) { call.fail(Error(Code::not_found, "no such sku")); });
  svc_->add(
      0x7, "big", [](detail::IncomingCall& call) { call.reply(encode_string(std::string(5000, 'b'))); },
      detail::kMethodInline);
  register_svc();
  CppAnswer a = go().call_cpp(call(0x6));
  EXPECT_EQ(a.code, CXX2GO_NOT_FOUND);
  EXPECT_EQ(a.bytes, "no such sku");
  CppAnswer b = go().call_cpp(call(0x7, {}, false));  // malloc()ed reply, freed by the fake
  EXPECT_EQ(b.code, CXX2GO_OK);
  EXPECT_EQ(b.bytes.size(), 5004u);
}

// The code space at the boundary (docs/design.md): positive codes, the runtime's own included, cross
// unchanged; Code::ok and negative codes become unknown with the number in the message, so that no
// implementation can answer CXX2GO_PENDING (-1) — an @inline caller would wait for a completion forever.
TEST_F(IncomingTest, ErrorCodesOutsideTheCodeSpaceBecomeUnknownKeepingTheNumber) {
  int32_t code = 0;
  std::string message;
  auto fail = [&](detail::IncomingCall& call) { call.fail(Error(static_cast<Code>(code), message)); };
  svc_->add(0xB1, "fail_inline", fail, detail::kMethodInline);
  svc_->add(0xB2, "fail_executor", fail);
  register_svc();
  struct Case {
    int32_t code;
    std::string message;
    int32_t want_code;
    std::string want_message;
  };
  const std::vector<Case> cases = {
      {-1, "x", CXX2GO_UNKNOWN, "code -1: x"},
      {INT32_MIN, "x", CXX2GO_UNKNOWN, "code -2147483648: x"},
      {-2, "", CXX2GO_UNKNOWN, "code -2"},
      {CXX2GO_OK, "x", CXX2GO_UNKNOWN, "code 0: x"},
      {INT32_MAX, "x", INT32_MAX, "x"},
      {42, "x", 42, "x"},
      {CXX2GO_CANCELLED, "x", CXX2GO_CANCELLED, "x"},
      {CXX2GO_UNAUTHENTICATED, "x", CXX2GO_UNAUTHENTICATED, "x"},
      {CXX2GO_PANIC, "x", CXX2GO_PANIC, "x"},
      {CXX2GO_EXCEPTION, "x", CXX2GO_EXCEPTION, "x"},
      {CXX2GO_NOT_STARTED, "x", CXX2GO_NOT_STARTED, "x"},
      {CXX2GO_STOPPED, "x", CXX2GO_STOPPED, "x"},
      {CXX2GO_UNKNOWN_METHOD, "x", CXX2GO_UNKNOWN_METHOD, "x"},
      {CXX2GO_PROTOCOL, "x", CXX2GO_PROTOCOL, "x"},
  };
  for (const Case& c : cases) {
    code = c.code;
    message = c.message;
    CppAnswer a = go().invoke_cpp(call(0xB1, {}, /*with_id=*/false));  // never waits for a completion
    EXPECT_FALSE(a.pending) << c.code;
    EXPECT_EQ(a.code, c.want_code) << c.code;
    EXPECT_EQ(a.bytes, c.want_message) << c.code;
    CppAnswer b = go().call_cpp(call(0xB2));
    EXPECT_EQ(b.code, c.want_code) << c.code;
    EXPECT_EQ(b.bytes, c.want_message) << c.code;
  }
}

// A oneway call has no answer to carry an error: one failing with CXX2GO_PENDING's number is accepted
// like any other, and nothing reaches Go afterwards (the fake fails the test on a stray completion).
TEST_F(IncomingTest, AOnewayImplementationFailingWithANegativeCodeIsStillJustAccepted) {
  std::latch ran(1);
  svc_->add(
      0xB3, "fail_oneway",
      [&](detail::IncomingCall& call) {
        call.fail(Error(static_cast<Code>(CXX2GO_PENDING), "x"));
        ran.count_down();
      },
      CXX2GO_CALL_ONEWAY);
  register_svc();
  CppCall c = call(0xB3, {}, /*with_id=*/false);
  c.flags = CXX2GO_CALL_ONEWAY;
  CppAnswer a = go().invoke_cpp(c);
  EXPECT_EQ(a.code, CXX2GO_OK);
  EXPECT_FALSE(a.pending);
  ran.wait();
}

TEST_F(IncomingTest, OnlyTheFirstAnswerCounts) {
  svc_->add(0x8, "twice", [](detail::IncomingCall& call) {
    call.reply(encode_string("first"));
    call.fail(Error(Code::internal, "second"));
    call.reply(encode_string("third"));
  });
  register_svc();
  CppAnswer a = go().call_cpp(call(0x8));  // the fake fails the test on a second completion
  EXPECT_EQ(a.code, CXX2GO_OK);
}

TEST_F(IncomingTest, AnImplementationThatNeverAnswersFailsWithInternal) {
  svc_->add(0x9, "silent", [](detail::IncomingCall&) {});
  svc_->add(
      0xA, "silent_inline", [](detail::IncomingCall&) {}, detail::kMethodInline);
  register_svc();
  CppAnswer a = go().call_cpp(call(0x9));
  EXPECT_EQ(a.code, CXX2GO_INTERNAL);
  EXPECT_NE(a.bytes.find("test.Svc.silent"), std::string::npos) << a.bytes;
  CppAnswer b = go().call_cpp(call(0xA, {}, false));
  EXPECT_EQ(b.code, CXX2GO_INTERNAL);
}

TEST_F(IncomingTest, CancelFromGoFiresTheStopToken) {
  std::atomic<bool> started{false};
  svc_->add(0xB, "wait", [&](detail::IncomingCall& call) {
    started = true;
    const Context& ctx = call.context();
    if (!eventually([&] { return ctx.cancelled(); })) {
      call.fail(Error(Code::internal, "never cancelled"));
      return;
    }
    call.fail(Error(Code::cancelled, "saw the stop token"));
  });
  register_svc();
  CppCall c = call(0xB);
  ASSERT_TRUE(go().invoke_cpp(c).pending);
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  cxx2go_cpp_cancel(c.call_id);
  cxx2go_cpp_cancel(c.call_id);    // idempotent
  cxx2go_cpp_cancel(0xFFFF'FFFF);  // unknown ids are ignored
  std::optional<CppAnswer> done = go().await_cpp(c.call_id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->code, CXX2GO_CANCELLED);
  EXPECT_EQ(done->bytes, "saw the stop token");
}

TEST_F(IncomingTest, ACallCancelledWhileQueuedDoesNotRun) {
  std::latch release(1);
  std::atomic<int> runs{0};
  svc_->add(0xC, "block", [&](detail::IncomingCall& call) {
    ++runs;
    release.wait();
    call.reply(detail::Encoder());
  });
  register_svc();
  // Two executor threads: two blocking calls occupy them, the third is queued.
  CppCall a = call(0xC), b = call(0xC), queued = call(0xC);
  ASSERT_TRUE(go().invoke_cpp(a).pending);
  ASSERT_TRUE(go().invoke_cpp(b).pending);
  ASSERT_TRUE(eventually([&] { return runs.load() == 2; }));
  ASSERT_TRUE(go().invoke_cpp(queued).pending);
  cxx2go_cpp_cancel(queued.call_id);
  release.count_down();
  std::optional<CppAnswer> done = go().await_cpp(queued.call_id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->code, CXX2GO_CANCELLED);
  EXPECT_TRUE(go().await_cpp(a.call_id));
  EXPECT_TRUE(go().await_cpp(b.call_id));
  EXPECT_EQ(runs.load(), 2);
}

TEST_F(IncomingTest, TheDeadlineReachesTheContext) {
  std::optional<std::chrono::system_clock::time_point> seen;
  svc_->add(0xD, "deadline", [&](detail::IncomingCall& call) {
    seen = call.context().deadline();
    call.reply(detail::Encoder());
  });
  register_svc();
  const auto deadline = std::chrono::system_clock::now() + 3s;
  CppCall c = call(0xD);
  c.deadline_unix_nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  ASSERT_EQ(go().call_cpp(c).code, CXX2GO_OK);
  ASSERT_TRUE(seen);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::nanoseconds>(seen->time_since_epoch()),
            std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()));
}

TEST_F(IncomingTest, CancelFromGoCancelsAnAsynchronousImplementationsFuture) {
  // An implementation's future that only its caller's cancellation can end, like a coroutine awaiting
  // another call: reply_when_ready must pass the cancellation on, and answer.
  std::shared_ptr<Promise<void>> pending;  // written on the pool thread before `started` is set
  std::atomic<bool> started{false};
  std::atomic<bool> cancel_seen{false};
  svc_->add(0x1B, "await_forever", [&](detail::IncomingCall& call) {
    pending = std::make_shared<Promise<void>>();
    pending->on_cancel([&] { cancel_seen = true; });
    detail::reply_when_ready(call, pending->get_future());
    started = true;
  });
  register_svc();
  CppCall c = call(0x1B);
  ASSERT_TRUE(go().invoke_cpp(c).pending);
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  cxx2go_cpp_cancel(c.call_id);
  std::optional<CppAnswer> done = go().await_cpp(c.call_id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->code, CXX2GO_CANCELLED);
  EXPECT_TRUE(eventually([&] { return cancel_seen.load(); })) << "the implementation's future was not cancelled";
  pending.reset();
  EXPECT_TRUE(eventually([] { return live_counts().incoming_calls == 0; }));
}

TEST_F(IncomingTest, AsynchronousAnswersThroughShared) {
  Threads threads;
  svc_->add(0xE, "later", [&](detail::IncomingCall& call) {
    std::shared_ptr<detail::IncomingCall> held = call.shared();
    threads.start([held] {
      std::this_thread::sleep_for(10ms);
      held->reply(encode_string(std::string(held->view_string(0)) + "!"));
    });
  });
  register_svc();
  CppCall c = call(0xE, {"async"});
  CppAnswer a = go().call_cpp(c);
  threads.join();
  EXPECT_EQ(a.code, CXX2GO_OK);
  EXPECT_EQ(a.bytes, std::string("\x06\0\0\0async!", 10));
}

TEST_F(IncomingTest, SharedOnAnInlineCallCopiesGoMemoryAndGoesPending) {
  // A non-@inline method called from the service's own executor runs inline; if it then answers
  // asynchronously, the call must stop reading Go's memory and answer PENDING + a completion.
  Threads threads;
  auto inner = svc_->add(0xF, "inner", [&](detail::IncomingCall& call) {
    EXPECT_EQ(thread_name().rfind("cxx2go-", 0), 0u);
    std::shared_ptr<detail::IncomingCall> held = call.shared();
    EXPECT_NE(held.get(), &call);
    threads.start([held] {
      std::this_thread::sleep_for(10ms);
      held->reply(encode_string(held->view_string(0)));
    });
  });
  std::atomic<bool> inner_was_pending{false};
  std::string inner_result;
  svc_->add(0x10, "outer", [&](detail::IncomingCall& call) {
    // Running on the executor: call back into C++ "from Go", on this thread.
    CppCall c(inner.id, inner.name, go().next_call_id());
    c.views = {"from the executor"};
    CppAnswer first = go().invoke_cpp(c);
    inner_was_pending = first.pending;
    c.views[0].assign(c.views[0].size(), '#');  // Go's memory changes once invoke returned
    std::optional<CppAnswer> done = go().await_cpp(c.call_id);
    inner_result = done ? done->bytes : "no completion";
    call.reply(detail::Encoder());
  });
  register_svc();
  ASSERT_EQ(go().call_cpp(call(0x10)).code, CXX2GO_OK);
  threads.join();
  EXPECT_TRUE(inner_was_pending.load());
  EXPECT_EQ(inner_result, std::string("\x11\0\0\0from the executor", 21));
}

TEST_F(IncomingTest, SharedOnASyncOnlyCallBlocksTheCallerUntilTheAnswer) {
  Threads threads;
  svc_->add(0x11, "later", [&](detail::IncomingCall& call) {
    EXPECT_TRUE(call.sync_only());
    std::shared_ptr<detail::IncomingCall> held = call.shared();
    threads.start([held] {
      std::this_thread::sleep_for(20ms);
      held->reply(encode_string(held->view_string(0)));
    });
  });
  register_svc();
  CppCall c = call(0x11, {"sync"}, /*with_id=*/false);
  CppAnswer a = go().invoke_cpp(c);
  threads.join();
  EXPECT_FALSE(a.pending);
  EXPECT_EQ(a.code, CXX2GO_OK);
  EXPECT_EQ(a.bytes, std::string("\x04\0\0\0sync", 8));
}

TEST_F(IncomingTest, CallsFromTheServicesOwnExecutorRunInline) {
  std::string inner_thread;
  auto inner = svc_->add(0x12, "inner", [&](detail::IncomingCall& call) {
    inner_thread = thread_name();
    call.reply(detail::Encoder());
  });
  std::string outer_thread;
  svc_->add(0x13, "outer", [&](detail::IncomingCall& call) {
    outer_thread = thread_name();
    CppAnswer a = go().invoke_cpp(CppCall(inner.id, inner.name, go().next_call_id()));
    EXPECT_FALSE(a.pending) << "a call from the service's executor must not wait for that executor";
    call.reply(detail::Encoder());
  });
  register_svc();
  ASSERT_EQ(go().call_cpp(call(0x13)).code, CXX2GO_OK);
  EXPECT_EQ(inner_thread, outer_thread);
}

TEST_F(IncomingTest, AffineServicesRunOnOneDedicatedThread) {
  auto affine = std::make_shared<ScriptedService>("test.Affine", /*affine=*/true);
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::string name;
  affine->add(0x14, "where", [&](detail::IncomingCall& call) {
    std::lock_guard lock(mu);
    threads.insert(std::this_thread::get_id());
    name = thread_name();
    call.reply(detail::Encoder());
  });
  ASSERT_TRUE(register_service(affine));
  std::vector<uint64_t> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(go().next_call_id());
    ASSERT_TRUE(go().invoke_cpp(CppCall(0x14, "test.Affine.where", ids.back())).pending);
  }
  for (uint64_t id : ids) ASSERT_TRUE(go().await_cpp(id));
  std::lock_guard lock(mu);
  EXPECT_EQ(threads.size(), 1u);
  EXPECT_EQ(name, "Affine-0");
}

TEST_F(IncomingTest, OnewayCallsAreAcceptedAtOnceAndRunLater) {
  std::latch ran(1);
  std::string seen;
  svc_->add(
      0x15, "notify",
      [&](detail::IncomingCall& call) {
        seen = std::string(call.view_string(0));
        call.reply(detail::Encoder());  // goes nowhere
        ran.count_down();
      },
      CXX2GO_CALL_ONEWAY);
  register_svc();
  CppCall c = call(0x15, {"note"}, /*with_id=*/false);
  c.flags = CXX2GO_CALL_ONEWAY;
  CppAnswer a = go().invoke_cpp(c);
  EXPECT_EQ(a.code, CXX2GO_OK);
  EXPECT_FALSE(a.pending);
  c.views[0] = "####";
  ran.wait();
  EXPECT_EQ(seen, "note");
}

TEST_F(IncomingTest, RegistrationRules) {
  svc_->add(0x16, "a", [](detail::IncomingCall& call) { call.reply(detail::Encoder()); });
  register_svc();
  EXPECT_EQ(register_service(svc_).error().code, Code::already_exists);
  auto clash = std::make_shared<ScriptedService>("test.Other");
  clash->add(0x16, "b", [](detail::IncomingCall&) {});
  Result<void> r = register_service(clash);
  EXPECT_EQ(r.error().code, Code::already_exists);
  EXPECT_NE(r.error().message.find("test.Svc.a"), std::string::npos) << r.error().message;
  EXPECT_EQ(register_service(nullptr).error().code, Code::invalid_argument);
  ASSERT_TRUE(unregister_service("test.Svc"));
  EXPECT_EQ(unregister_service("test.Svc").error().code, Code::not_found);
  EXPECT_EQ(go().call_cpp(call(0x16)).code, CXX2GO_UNKNOWN_METHOD);
}

TEST_F(IncomingTest, UnregisteringKeepsCallsInFlightAlive) {
  std::latch entered(1), release(1);
  std::weak_ptr<ScriptedService> weak = svc_;
  svc_->add(0x17, "slow", [&](detail::IncomingCall& call) {
    entered.count_down();
    release.wait();
    call.reply(encode_string("still here"));
  });
  register_svc();
  CppCall c = call(0x17);
  ASSERT_TRUE(go().invoke_cpp(c).pending);
  entered.wait();
  ASSERT_TRUE(unregister_service("test.Svc"));
  svc_.reset();
  EXPECT_FALSE(weak.expired()) << "the call in flight holds the implementation";
  release.count_down();
  std::optional<CppAnswer> done = go().await_cpp(c.call_id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->code, CXX2GO_OK);
  EXPECT_TRUE(eventually([&] { return weak.expired(); }));
}

// lookup_method caches each thread's lookups (incoming.cc, MethodCacheEntry): a call made after
// unregister_service returned must miss the cache, a service registered again under the same method ids
// must be the one called, and the cache must not keep an unregistered implementation alive.
TEST_F(IncomingTest, CachedLookupsFollowUnregisterAndRegisterAgain) {
  std::latch entered(1), release(1);
  svc_->add(
      0x18, "cached", [](detail::IncomingCall& call) { call.reply(encode_string("first")); },
      detail::kMethodInline);
  svc_->add(
      0x19, "slow",
      [&](detail::IncomingCall& call) {
        entered.count_down();
        release.wait();
        call.reply(detail::Encoder());
      },
      detail::kMethodInline);
  register_svc();
  for (int i = 0; i < 3; ++i) {  // warm this thread's cache
    CppAnswer a = go().call_cpp(call(0x18, {}, /*with_id=*/false));
    ASSERT_EQ(a.code, CXX2GO_OK);
    EXPECT_EQ(a.bytes, std::string("\x05\0\0\0first", 9));
  }
  // An @inline call in flight on another thread holds the service's slot, so this thread's cached entry
  // could still reach it: only the registry's generation tells the cache that the service is gone.
  std::thread slow([&] { EXPECT_EQ(go().invoke_cpp(call(0x19, {}, /*with_id=*/false)).code, CXX2GO_OK); });
  entered.wait();
  std::weak_ptr<ScriptedService> first = svc_;
  ASSERT_TRUE(unregister_service("test.Svc"));
  svc_.reset();
  EXPECT_EQ(go().call_cpp(call(0x18, {}, /*with_id=*/false)).code, CXX2GO_UNKNOWN_METHOD);
  release.count_down();
  slow.join();
  EXPECT_TRUE(first.expired()) << "the lookup cache keeps an unregistered implementation alive";

  svc_ = std::make_shared<ScriptedService>("test.Svc");
  svc_->add(
      0x18, "cached", [](detail::IncomingCall& call) { call.reply(encode_string("second")); },
      detail::kMethodInline);
  register_svc();
  CppAnswer a = go().call_cpp(call(0x18, {}, /*with_id=*/false));
  ASSERT_EQ(a.code, CXX2GO_OK);
  EXPECT_EQ(a.bytes, std::string("\x06\0\0\0second", 10));
}

}  // namespace
}  // namespace cxx2go::testing
