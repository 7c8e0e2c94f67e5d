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

}  // namespace
}  // namespace parallax
