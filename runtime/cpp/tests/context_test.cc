#include "cxx2go/context.h"

#include <gtest/gtest.h>

#include <memory>

#include "cxx2go/detail/call.h"

namespace cxx2go {
namespace {

TEST(Context, DefaultIsNeverCancelledAndHasNoDeadline) {
  Context ctx;
  EXPECT_FALSE(ctx.cancelled());
  EXPECT_FALSE(ctx.stop_token().stop_possible());
  EXPECT_FALSE(ctx.deadline().has_value());
}

TEST(Context, FollowsItsStopToken) {
  std::stop_source source;
  auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  Context ctx(source.get_token(), deadline);
  EXPECT_FALSE(ctx.cancelled());
  EXPECT_EQ(ctx.deadline(), deadline);
  source.request_stop();
  EXPECT_TRUE(ctx.cancelled());
  EXPECT_TRUE(ctx.stop_token().stop_requested());
}

// A call record's Context borrowing a stop source, as the runtime's inline calls do.
class BorrowingCall : public detail::IncomingCall {
 public:
  BorrowingCall(const std::stop_source& source, Context::Deadline deadline) : IncomingCall(nullptr, cxx2go_call{}) {
    borrow_context(source, deadline);
  }
  Context& borrowed() noexcept { return context_; }
};

// The runtime's inline calls borrow a stop source instead of holding a token; copies and moves own one, so
// they keep working after the source is gone.
TEST(Context, BorrowedSourceAndItsCopies) {
  auto source = std::make_unique<std::stop_source>();
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  BorrowingCall call(*source, deadline);
  Context& borrowed = call.borrowed();
  EXPECT_FALSE(borrowed.cancelled());
  EXPECT_EQ(borrowed.deadline(), deadline);
  EXPECT_TRUE(borrowed.stop_token().stop_possible());

  Context copy(borrowed);
  Context assigned;
  assigned = borrowed;
  Context moved(std::move(borrowed));
  Context move_assigned;
  move_assigned = Context(copy);
  std::stop_token token = copy.stop_token();

  source->request_stop();
  for (const Context* c : {&copy, &assigned, &moved, &move_assigned}) {
    EXPECT_TRUE(c->cancelled());
    EXPECT_EQ(c->deadline(), deadline);
  }
  EXPECT_TRUE(token.stop_requested());

  source.reset();  // copies own their token: still readable
  EXPECT_TRUE(copy.cancelled());
  EXPECT_TRUE(moved.stop_token().stop_requested());
  EXPECT_TRUE(token.stop_requested());
}

TEST(Context, CauseTellsCancellationFromTheDeadline) {
  EXPECT_EQ(Context().cause(), Code::ok);
  EXPECT_FALSE(Context().deadline_exceeded());

  std::stop_source early;
  const Context before(early.get_token(), std::chrono::system_clock::now() + std::chrono::hours(1));
  EXPECT_EQ(before.cause(), Code::ok);
  early.request_stop();
  EXPECT_EQ(before.cause(), Code::cancelled);
  EXPECT_FALSE(before.deadline_exceeded());

  std::stop_source late;
  const Context after(late.get_token(), std::chrono::system_clock::now() - std::chrono::milliseconds(1));
  EXPECT_TRUE(after.deadline_exceeded());
  EXPECT_EQ(after.cause(), Code::ok) << "like Go's ctx.Err(): nothing until the stop arrives";
  late.request_stop();
  EXPECT_EQ(after.cause(), Code::deadline_exceeded);

  std::stop_source no_deadline;
  const Context plain(no_deadline.get_token(), std::nullopt);
  no_deadline.request_stop();
  EXPECT_EQ(plain.cause(), Code::cancelled);
}

TEST(CallOptions, TimeoutBecomesADeadline) {
  auto before = std::chrono::system_clock::now();
  CallOptions options = CallOptions::with_timeout(std::chrono::seconds(10));
  ASSERT_TRUE(options.deadline.has_value());
  EXPECT_GE(*options.deadline, before + std::chrono::seconds(10));
  auto at = std::chrono::system_clock::now() + std::chrono::hours(1);
  EXPECT_EQ(CallOptions::with_deadline(at).deadline, at);
  EXPECT_FALSE(CallOptions{}.deadline.has_value());
  EXPECT_FALSE(CallOptions{}.stop_token.stop_possible()) << "no token by default: nothing to watch";
}

TEST(CallOptions, FromAContextCarriesItsTokenAndDeadline) {
  std::stop_source source;
  const auto deadline = std::chrono::system_clock::now() + std::chrono::hours(1);
  const Context context(source.get_token(), deadline);
  const CallOptions options = CallOptions::from(context);
  EXPECT_EQ(options.deadline, deadline);
  EXPECT_FALSE(options.stop_token.stop_requested());
  source.request_stop();
  EXPECT_TRUE(options.stop_token.stop_requested());

  // A borrowed source (inline calls): the options own their token.
  auto borrowed_source = std::make_unique<std::stop_source>();
  BorrowingCall call(*borrowed_source, std::nullopt);
  const CallOptions from_borrowed = CallOptions::from(call.borrowed());
  EXPECT_FALSE(from_borrowed.deadline.has_value());
  borrowed_source->request_stop();
  borrowed_source.reset();
  EXPECT_TRUE(from_borrowed.stop_token.stop_requested());
}

TEST(CallOptions, TheEarlierDeadlineWins) {
  std::stop_source source;
  const auto now = std::chrono::system_clock::now();
  const Context far(source.get_token(), now + std::chrono::hours(1));
  const CallOptions shorter = CallOptions::from(far, std::chrono::seconds(10));
  ASSERT_TRUE(shorter.deadline.has_value());
  EXPECT_LT(*shorter.deadline, now + std::chrono::minutes(1));
  EXPECT_TRUE(shorter.stop_token.stop_possible());

  const Context near(source.get_token(), now + std::chrono::seconds(1));
  EXPECT_EQ(CallOptions::from(near, std::chrono::hours(1)).deadline, now + std::chrono::seconds(1));
  EXPECT_EQ(CallOptions::from(near).until(now + std::chrono::hours(2)).deadline, now + std::chrono::seconds(1));
  EXPECT_EQ(CallOptions::from(near).until(now).deadline, now);
  EXPECT_EQ(CallOptions{}.until(now).deadline, now) << "no deadline: any deadline is earlier";
  EXPECT_TRUE(CallOptions{}.within(std::chrono::seconds(1)).deadline.has_value());
}

}  // namespace
}  // namespace cxx2go
