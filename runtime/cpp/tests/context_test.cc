#include "cxx2go/context.h"

#include <gtest/gtest.h>

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
