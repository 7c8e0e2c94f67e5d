#include "parallax/data/synth/random.h"

#include <cmath>

#include <gtest/gtest.h>

namespace parallax::synth {
namespace {

// QuickNormalPair stands in for Normal as camera noise: the same mean and
// spread, a bounded tail, and the same numbers for a seed.
TEST(RngTest, QuickNormalPairHasUnitVarianceAndIsRepeatable) {
  Rng rng(7), again(7);
  double sum = 0, squares = 0, fourth = 0, cross = 0;
  float low = 0, high = 0;
  constexpr int kDraws = 200000;
  for (int i = 0; i < kDraws; ++i) {
    const auto [a, b] = rng.QuickNormalPair();
    const auto [a2, b2] = again.QuickNormalPair();
    ASSERT_EQ(a, a2);
    ASSERT_EQ(b, b2);
    for (const float x : {a, b}) {
      sum += x;
      squares += x * x;
      fourth += double(x) * x * x * x;
      low = std::min(low, x);
      high = std::max(high, x);
    }
    cross += double(a) * b;
  }
  const double n = 2.0 * kDraws;
  const double mean = sum / n, variance = squares / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(variance, 1.0, 0.01);
  // Irwin-Hall with four terms: kurtosis 3 - 1.2 / 4 = 2.7 (normal: 3).
  EXPECT_NEAR(fourth / n, 2.7, 0.05);
  // The two halves of a draw are independent.
  EXPECT_NEAR(cross / kDraws, 0.0, 0.01);
  EXPECT_GE(low, -3.46f);
  EXPECT_LE(high, 3.46f);
  EXPECT_LT(low, -3.0f);
  EXPECT_GT(high, 3.0f);
}

}  // namespace
}  // namespace parallax::synth
