#include "parallax/data/synth/fast_math_x4.h"

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "parallax/util/fast_math.h"

namespace parallax::synth {
namespace {

// Inputs that reach every branch: spreads over many exponents, both signs,
// zeros of both signs, the functions' split points, infinities and NaN.
std::vector<float> Inputs() {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  std::vector<float> values = {
      0.0f,          -0.0f,   1.0f,    -1.0f, 1.41421356f,  1.41421357f, 0.5f,
      127.0f,        -126.0f, -87.3f,  88.7f, 0.267949194f, kInf,        -kInf,
      std::nanf(""), 1e-30f,  -1e-30f, 1e30f, -1e30f};
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> unit(-1, 1);
  std::uniform_int_distribution<int> exponent(-40, 40);
  for (int i = 0; i < 200000; ++i) {
    values.push_back(std::ldexp(unit(rng), exponent(rng)));
  }
  return values;
}

// Runs `vector` on four inputs at a time and expects the scalar function's
// bits in every lane.
template <typename Scalar, typename Vector>
void ExpectSameBits(Scalar scalar, Vector vector) {
  const std::vector<float> x = Inputs();
  int mismatches = 0;
  for (size_t i = 0; i + 4 <= x.size(); i += 4) {
    float out[4];
    cv::v_store(out, vector(cv::v_load(&x[i])));
    for (size_t k = 0; k < 4; ++k) {
      const float expected = scalar(x[i + k]);
      const bool same =
          std::bit_cast<uint32_t>(out[k]) == std::bit_cast<uint32_t>(expected);
      if (!same && ++mismatches <= 5) {
        ADD_FAILURE() << "input " << x[i + k] << ": " << out[k] << " vs "
                      << expected;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(FastMathX4, ExpGivesTheScalarBits) {
  ExpectSameBits([](float x) { return FastExp(x); }, FastExp4);
}

TEST(FastMathX4, Log2GivesTheScalarBitsForPositiveInputs) {
  // The renderer passes max(x, 1e-6): positive, finite.
  ExpectSameBits(
      [](float x) { return FastLog2(std::abs(x) + 1e-6f); },
      [](const F4& x) { return FastLog2x4(cv::v_abs(x) + Splat(1e-6f)); });
}

TEST(FastMathX4, AsinGivesTheScalarBitsInsideTheDomain) {
  ExpectSameBits([](float x) { return FastAsin(std::clamp(x, -1.0f, 1.0f)); },
                 [](const F4& x) { return FastAsin4(Clamp(x, -1.0f, 1.0f)); });
}

TEST(FastMathX4, Atan2GivesTheScalarBitsAllRound) {
  // y from the inputs, x from the same list shifted: every sign and
  // magnitude pairing, zeros and non-finite values included.
  const std::vector<float> values = Inputs();
  int mismatches = 0;
  for (size_t shift : {1u, 7u, 1000u}) {
    for (size_t i = 0; i + 4 + shift <= values.size(); i += 4) {
      float out[4];
      cv::v_store(out, FastAtan2x4(cv::v_load(&values[i]),
                                   cv::v_load(&values[i + shift])));
      for (size_t k = 0; k < 4; ++k) {
        const float expected = FastAtan2(values[i + k], values[i + k + shift]);
        if (std::bit_cast<uint32_t>(out[k]) !=
                std::bit_cast<uint32_t>(expected) &&
            !(std::isnan(out[k]) && std::isnan(expected))) {
          if (++mismatches <= 5) {
            ADD_FAILURE() << "atan2(" << values[i + k] << ", "
                          << values[i + k + shift] << "): " << out[k] << " vs "
                          << expected;
          }
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace parallax::synth
