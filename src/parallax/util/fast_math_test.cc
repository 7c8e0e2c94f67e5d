#include "parallax/util/fast_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace parallax {
namespace {

TEST(FastLog2, WithinTwoMillionthsOfLibm) {
  double worst = 0;
  // Every exponent from 1e-6 (the mip code's floor) to 1e6, and mantissas
  // on both sides of the sqrt(2) split.
  for (float x = 1e-6f; x < 1e6f; x *= 1.0137f) {
    worst = std::max(worst, std::abs(static_cast<double>(FastLog2(x)) -
                                     std::log2(static_cast<double>(x))));
  }
  EXPECT_LT(worst, 2e-6);
  EXPECT_EQ(FastLog2(1.0f), 0.0f);
  EXPECT_NEAR(FastLog2(1.41421f), std::log2(1.41421f), 2e-6f);
  EXPECT_NEAR(FastLog2(1.41422f), std::log2(1.41422f), 2e-6f);
  EXPECT_EQ(FastLog2(0.25f), -2.0f);
}

TEST(FastExp, CloseToLibmAndZeroFarBelow) {
  // Relative error: the rounding of x log2(e) to float grows with |x|.
  const auto worst_in = [](float low, float high) {
    double worst = 0;
    for (float x = low; x < high; x += 0.00173f * (high - low)) {
      const double exact = std::exp(static_cast<double>(x));
      worst = std::max(worst, std::abs(FastExp(x) - exact) / exact);
    }
    return worst;
  };
  EXPECT_LT(worst_in(-10, 10), 1e-6);
  EXPECT_LT(worst_in(-87, 88), 6e-6);
  EXPECT_EQ(FastExp(0.0f), 1.0f);
  EXPECT_EQ(FastExp(-1000.0f), 0.0f);
  EXPECT_EQ(FastExp(-std::numeric_limits<float>::infinity()), 0.0f);
  // Whole powers of two land exactly.
  EXPECT_FLOAT_EQ(FastExp(-3.0f * 0.693147181f), 0.125f);
}

TEST(FastAtan2, WithinTwoMillionthsOfARadianAllRound) {
  double worst = 0;
  for (int i = 0; i < 20000; ++i) {
    const double angle = -3.14159 + i * (2 * 3.14159 / 20000);
    for (double radius : {1e-3, 1.0, 700.0}) {
      const float y = static_cast<float>(radius * std::sin(angle));
      const float x = static_cast<float>(radius * std::cos(angle));
      worst = std::max(
          worst, std::abs(FastAtan2(y, x) - std::atan2(double(y), double(x))));
    }
  }
  EXPECT_LT(worst, 2e-6);
  EXPECT_EQ(FastAtan2(0.0f, 0.0f), 0.0f);
  EXPECT_NEAR(FastAtan2(1.0f, -1.0f), 2.35619449f, 2e-6f);
  EXPECT_NEAR(FastAtan2(-1.0f, 0.0f), -1.57079633f, 2e-6f);
}

TEST(FastAsin, WithinTwoMillionthsOfARadian) {
  double worst = 0;
  for (float x = -1.0f; x <= 1.0f; x += 1e-4f) {
    worst = std::max(worst, std::abs(FastAsin(x) - std::asin(double(x))));
  }
  EXPECT_LT(worst, 2e-6);
  EXPECT_NEAR(FastAsin(1.0f), 1.57079633f, 1e-6f);
  EXPECT_NEAR(FastAsin(-1.0f), -1.57079633f, 1e-6f);
}

}  // namespace
}  // namespace parallax
