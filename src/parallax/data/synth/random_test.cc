#include "parallax/data/synth/random.h"

#include <cmath>

#include <gtest/gtest.h>

namespace parallax::synth {
namespace {

// QuickNormal stands in for Normal as camera noise: the same mean and
// spread, a bounded tail, and the same numbers for a seed.
TEST(RngTest, QuickNormalHasUnitVarianceAndIsRepeatable) {
  Rng rng(42), again(42);
  double sum = 0, squares = 0, fourth = 0;
  float low = 0, high = 0;
  constexpr int kDraws = 200000;
  for (int i = 0; i < kDraws; ++i) {
    const float x = rng.QuickNormal();
    ASSERT_EQ(x, again.QuickNormal());
    sum += x;
    squares += x * x;
    fourth += double(x) * x * x * x;
    low = std::min(low, x);
    high = std::max(high, x);
  }
  const double mean = sum / kDraws, variance = squares / kDraws - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(variance, 1.0, 0.01);
  // Irwin-Hall with four terms: kurtosis 3 - 1.2 / 4 = 2.7 (normal: 3).
  EXPECT_NEAR(fourth / kDraws, 2.7, 0.05);
  EXPECT_GE(low, -3.47f);
  EXPECT_LE(high, 3.47f);
  EXPECT_LT(low, -3.0f);
  EXPECT_GT(high, 3.0f);
}

}  // namespace
}  // namespace parallax::synth
