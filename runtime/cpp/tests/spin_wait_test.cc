// AdaptiveSpin (src/exec/spin_wait.h): the spin budget of a waiting site follows whether spinning pays off.
#include "exec/spin_wait.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace cxx2go::detail {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;

TEST(AdaptiveSpin, StartsAtTheMaximum) {
  AdaptiveSpin spin(microseconds(20));
  EXPECT_EQ(spin.budget(), microseconds(20));
  EXPECT_EQ(spin.next_budget(), microseconds(20));
}

TEST(AdaptiveSpin, MissesInARowHalveTheBudgetUntilItStopsSpinning) {
  AdaptiveSpin spin(microseconds(20));
  int polls = 0;
  EXPECT_FALSE(spin.spin([&] { return ++polls < 0; }));
  EXPECT_GT(polls, 1);                            // it did spin
  EXPECT_EQ(spin.budget(), microseconds(20));     // one miss is not a trend
  for (uint32_t i = 1; i < AdaptiveSpin::kMissesToHalve; ++i) spin.ran_out();
  EXPECT_EQ(spin.budget(), microseconds(10));
  for (uint32_t i = 0; i < 4 * AdaptiveSpin::kMissesToHalve; ++i) spin.ran_out();
  EXPECT_EQ(spin.budget(), nanoseconds::zero());  // a site whose work never comes soon stops spinning
}

TEST(AdaptiveSpin, AHitRestoresTheFullBudgetAndStartsTheCountAgain) {
  AdaptiveSpin spin(microseconds(20));
  for (uint32_t i = 0; i < 2 * AdaptiveSpin::kMissesToHalve; ++i) spin.ran_out();
  ASSERT_EQ(spin.budget(), microseconds(5));
  int polls = 0;
  EXPECT_TRUE(spin.spin([&] { return ++polls == 3; }));
  EXPECT_EQ(spin.budget(), microseconds(20));
  for (uint32_t i = 1; i < AdaptiveSpin::kMissesToHalve; ++i) spin.ran_out();
  EXPECT_EQ(spin.budget(), microseconds(20));  // the misses before the hit do not count
}

TEST(AdaptiveSpin, LosingTheCpuWhileSpinningStopsAtOnce) {
  AdaptiveSpin spin(std::chrono::milliseconds(10));
  int polls = 0;
  // The 60th poll sleeps past kPreemptedGap, as a thread descheduled by a busy machine would.
  EXPECT_FALSE(spin.spin([&] {
    if (++polls == 60) std::this_thread::sleep_for(AdaptiveSpin::kPreemptedGap * 2);
    return false;
  }));
  // The clock is read every 64 polls: the first read after the gap stops the spin (and one last poll), long
  // before the 10 ms budget.
  EXPECT_EQ(polls, 65);
}

TEST(AdaptiveSpin, ProbesAtZeroAndComesBackWhenSpinningPaysOffAgain) {
  AdaptiveSpin spin(microseconds(20));
  for (uint32_t i = 0; i < 10 * AdaptiveSpin::kMissesToHalve; ++i) spin.ran_out();
  ASSERT_EQ(spin.budget(), nanoseconds::zero());
  int probes = 0;
  for (uint32_t i = 0; i < 4 * AdaptiveSpin::kProbeEvery; ++i) probes += spin.next_budget() > nanoseconds::zero();
  EXPECT_EQ(probes, 4);
  for (uint32_t i = 0; i < 2 * AdaptiveSpin::kProbeEvery && spin.budget() == nanoseconds::zero(); ++i) {
    spin.spin([] { return true; });
  }
  EXPECT_EQ(spin.budget(), microseconds(20));
}

TEST(AdaptiveSpin, AShortParkRestoresTheBudgetALongOneDoesNot) {
  AdaptiveSpin spin(microseconds(20));
  for (uint32_t i = 0; i < 10 * AdaptiveSpin::kMissesToHalve; ++i) spin.ran_out();
  spin.parked_for(std::chrono::milliseconds(5));
  EXPECT_EQ(spin.budget(), nanoseconds::zero());
  spin.parked_for(microseconds(8));
  EXPECT_EQ(spin.budget(), microseconds(20));
}

TEST(AdaptiveSpin, AZeroMaximumNeverSpins) {
  AdaptiveSpin spin(nanoseconds::zero());
  int polls = 0;
  for (int i = 0; i < 100; ++i) spin.spin([&] { return ++polls, false; });
  EXPECT_EQ(polls, 100);  // one poll per wait, never a spin
  spin.parked_for(nanoseconds(1));
  EXPECT_EQ(spin.budget(), nanoseconds::zero());
}

}  // namespace
}  // namespace cxx2go::detail
