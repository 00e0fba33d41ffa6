// The runtime's state machine: not_started → running → stopping → stopped, and what calls get in each state.
#include <gtest/gtest.h>

#include <thread>

#include "cxx2go/cxx2go.h"
#include "cxx2go/detail/generated.h"
#include "cxx2go/detail/testing.h"
#include "fake_go.h"
#include "scripted_service.h"

namespace cxx2go::testing {
namespace {

constexpr detail::MethodInfo kGoEcho{0xA001, "test.Go.echo", 0};

// Leaves the runtime as the next test expects it (not_started), whatever this one did.
class StateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeGo::get().reset();
    ASSERT_TRUE(detail::reset_for_testing());
  }
  void TearDown() override {
    if (state() == State::running) {
      EXPECT_TRUE(stop());
    }
    FakeGo::get().reset();
    EXPECT_TRUE(detail::reset_for_testing());
  }
};

Result<detail::Reply> call_echo() {
  detail::Encoder args;
  detail::ViewList views;
  views.add(std::string_view("hi"));
  return detail::call_go(kGoEcho, args, views, {});
}

TEST_F(StateTest, CallsBeforeStartFailWithNotStartedWithoutReachingGo) {
  detail::install_go_peer(FakeGo::get().entry_points());
  EXPECT_EQ(state(), State::not_started);
  EXPECT_EQ(call_echo().error().code, Code::not_started);
  Future<void> f = detail::call_go_async<void>(kGoEcho, {}, detail::NoArguments{},
                                              [](const detail::NoArguments&, detail::Encoder&, detail::ViewList&) {},
                                              detail::DecodeNothing{});
  EXPECT_EQ(f.get().error().code, Code::not_started);
  EXPECT_EQ(detail::call_go_oneway(kGoEcho, {}, detail::NoArguments{},
                                   [](const detail::NoArguments&, detail::Encoder&, detail::ViewList&) {})
                .error()
                .code,
            Code::not_started);
  CppAnswer a = FakeGo::get().invoke_cpp(CppCall(1, "test.X.y"));
  EXPECT_EQ(a.code, CXX2GO_NOT_STARTED);
  EXPECT_EQ(stop().error().code, Code::not_started);
  EXPECT_EQ(FakeGo::get().invokes(), 0);
  EXPECT_EQ(FakeGo::get().submits(), 0);
}

TEST_F(StateTest, StartTwiceFailsAndStoppedIsFinal) {
  detail::install_go_peer(FakeGo::get().entry_points());
  ASSERT_TRUE(start());
  EXPECT_EQ(state(), State::running);
  EXPECT_EQ(start().error().code, Code::failed_precondition);
  ASSERT_TRUE(stop());
  EXPECT_EQ(state(), State::stopped);
  EXPECT_TRUE(FakeGo::get().stop_seen()) << "stop() must cancel every Go handler (cancel(0))";
  EXPECT_EQ(stop().error().code, Code::stopped);
  EXPECT_EQ(start().error().code, Code::stopped);
  EXPECT_EQ(call_echo().error().code, Code::stopped);
  CppAnswer a = FakeGo::get().invoke_cpp(CppCall(1, "test.X.y"));
  EXPECT_EQ(a.code, CXX2GO_STOPPED);
  EXPECT_EQ(FakeGo::get().invokes(), 0);
}

TEST_F(StateTest, TheCAbiDrivesTheSameStateMachine) {
  detail::install_go_peer(FakeGo::get().entry_points());
  EXPECT_EQ(cxx2go_cpp_state(), 0);
  EXPECT_EQ(cxx2go_cpp_start(3, -1, 0), CXX2GO_OK);
  EXPECT_EQ(cxx2go_cpp_state(), 1);
  EXPECT_EQ(cxx2go_cpp_start(3, -1, 0), CXX2GO_FAILED_PRECONDITION);
  EXPECT_EQ(cxx2go_cpp_stop(), CXX2GO_OK);
  EXPECT_EQ(cxx2go_cpp_state(), 3);
  EXPECT_EQ(cxx2go_cpp_stop(), CXX2GO_STOPPED);
}

TEST_F(StateTest, StartNeedsACompatibleGoPeer) {
  EXPECT_EQ(start().error().code, Code::failed_precondition) << "no peer installed, no Go in this build";
  cxx2go_go_entry_points peer = FakeGo::get().entry_points();
  peer.abi_version = CXX2GO_ABI_VERSION + 1;
  detail::install_go_peer(peer);
  Result<void> r = start();
  EXPECT_EQ(r.error().code, Code::failed_precondition);
  EXPECT_NE(r.error().message.find("ABI"), std::string::npos) << r.error().message;
  peer = FakeGo::get().entry_points();
  peer.cancel = nullptr;
  detail::install_go_peer(peer);
  EXPECT_EQ(start().error().code, Code::failed_precondition);
  EXPECT_EQ(state(), State::not_started);
}

TEST_F(StateTest, StopFromAnExecutorThreadIsRefused) {
  detail::install_go_peer(FakeGo::get().entry_points());
  ASSERT_TRUE(start());
  auto svc = std::make_shared<ScriptedService>("test.Stopper");
  std::atomic<int> code{-1};
  svc->add(0x5001, "stop", [&](detail::IncomingCall& call) {
    code = static_cast<int>(stop().error().code);
    call.reply(detail::Encoder());
  });
  ASSERT_TRUE(register_service(svc));
  CppAnswer a = FakeGo::get().call_cpp(
      CppCall(0x5001, "test.Stopper.stop", FakeGo::get().next_call_id()));
  EXPECT_EQ(a.code, CXX2GO_OK);
  EXPECT_EQ(code.load(), static_cast<int>(Code::failed_precondition));
  EXPECT_EQ(state(), State::running);
}

TEST_F(StateTest, ResetIsRefusedWhileRunning) {
  detail::install_go_peer(FakeGo::get().entry_points());
  ASSERT_TRUE(start());
  EXPECT_EQ(detail::reset_for_testing().error().code, Code::failed_precondition);
}

TEST_F(StateTest, ExecutorThreadsAreNamedAndCounted) {
  detail::install_go_peer(FakeGo::get().entry_points());
  RuntimeOptions options;
  options.executor_threads = 3;
  ASSERT_TRUE(start(options));
  auto svc = std::make_shared<ScriptedService>("test.Names");
  std::mutex mu;
  std::set<std::string> names;
  svc->add(0x5002, "name", [&](detail::IncomingCall& call) {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    {
      std::lock_guard lock(mu);
      names.insert(name);
    }
    std::this_thread::sleep_for(20ms);  // keep the thread busy so that others take the next calls
    call.reply(detail::Encoder());
  });
  ASSERT_TRUE(register_service(svc));
  std::vector<uint64_t> ids;
  for (int i = 0; i < 12; ++i) {
    ids.push_back(FakeGo::get().next_call_id());
    EXPECT_TRUE(FakeGo::get()
                    .invoke_cpp(CppCall(0x5002, "test.Names.name", ids.back()))
                    .pending);
  }
  for (uint64_t id : ids) EXPECT_TRUE(FakeGo::get().await_cpp(id));
  std::lock_guard lock(mu);
  EXPECT_EQ(names, (std::set<std::string>{"cxx2go-0", "cxx2go-1", "cxx2go-2"}));
}

}  // namespace
}  // namespace cxx2go::testing
