#include "cxx2go/context.h"

#include <gtest/gtest.h>

#include <memory>

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

// The runtime's inline calls borrow a stop source instead of holding a token; copies and moves own one, so
// they keep working after the source is gone.
TEST(Context, BorrowedSourceAndItsCopies) {
  auto source = std::make_unique<std::stop_source>();
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  Context borrowed;
  detail::ContextAccess::borrow(borrowed, *source, deadline);
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

TEST(CallOptions, TimeoutBecomesADeadline) {
  auto before = std::chrono::system_clock::now();
  CallOptions options = CallOptions::with_timeout(std::chrono::seconds(10));
  ASSERT_TRUE(options.deadline.has_value());
  EXPECT_GE(*options.deadline, before + std::chrono::seconds(10));
  auto at = std::chrono::system_clock::now() + std::chrono::hours(1);
  EXPECT_EQ(CallOptions::with_deadline(at).deadline, at);
  EXPECT_FALSE(CallOptions{}.deadline.has_value());
}

}  // namespace
}  // namespace cxx2go
