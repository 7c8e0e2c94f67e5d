#include "parallax/util/fast_round.h"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

namespace parallax {
namespace {

TEST(FastRoundTest, MatchesStdFloorAndCeil) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> wide(-1e9f, 1e9f), near(-4.0f, 4.0f);
  for (int i = 0; i < 200000; ++i) {
    for (const float v : {wide(rng), near(rng)}) {
      ASSERT_EQ(FastFloor(v), std::floor(v)) << v;
      ASSERT_EQ(FastCeil(v), std::ceil(v)) << v;
      if (std::abs(v) < 1e9f) {
        ASSERT_EQ(FloorToInt(v), static_cast<int>(std::floor(v))) << v;
        ASSERT_EQ(CeilToInt(v), static_cast<int>(std::ceil(v))) << v;
      }
    }
  }
  for (const float v :
       {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 8388607.5f, -8388607.5f,
        8388608.0f, 1e30f, -1e30f, std::numeric_limits<float>::infinity(),
        -std::numeric_limits<float>::infinity(), std::nextafter(1.0f, 0.0f),
        -1e-30f}) {
    EXPECT_EQ(FastFloor(v), std::floor(v)) << v;
    EXPECT_EQ(FastCeil(v), std::ceil(v)) << v;
  }
  EXPECT_TRUE(std::isnan(FastFloor(std::nanf(""))));
}

}  // namespace
}  // namespace parallax
