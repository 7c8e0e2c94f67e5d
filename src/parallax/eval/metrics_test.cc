#include "parallax/eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "parallax/util/check.h"

namespace parallax {
namespace {

cv::Mat Row(std::initializer_list<float> values) {
  cv::Mat row(1, static_cast<int>(values.size()), CV_32FC1);
  int i = 0;
  for (float v : values) row.at<float>(0, i++) = v;
  return row;
}

cv::Mat Valid(std::initializer_list<int> flags) {
  cv::Mat valid(1, static_cast<int>(flags.size()), CV_8UC1);
  int i = 0;
  for (int f : flags) valid.at<uint8_t>(0, i++) = f ? 255 : 0;
  return valid;
}

TEST(DepthMetrics, HandComputed) {
  // Pixels: (2 vs 1), (1 vs 2), (1.2 vs 1), and an invalid garbage pixel.
  const cv::Mat pred = Row({2, 1, 1.2f, -7});
  const cv::Mat gt = Row({1, 2, 1, 0});
  const DepthMetrics m = ComputeDepthMetrics(pred, gt, Valid({1, 1, 1, 0}));
  EXPECT_NEAR(m.abs_rel, (1 + 0.5 + 0.2) / 3, 1e-6);
  EXPECT_NEAR(m.sq_rel, (1 + 0.5 + 0.04) / 3, 1e-6);
  EXPECT_NEAR(m.rmse, std::sqrt((1 + 1 + 0.04) / 3), 1e-6);
  const double ln2 = std::log(2.0), ln12 = std::log(1.2);
  EXPECT_NEAR(m.rmse_log, std::sqrt((2 * ln2 * ln2 + ln12 * ln12) / 3), 1e-6);
  // Ratios 2, 2, 1.2: only the last is within 1.25^k (1.25^3 = 1.95).
  EXPECT_DOUBLE_EQ(m.delta1, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.delta2, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.delta3, 1.0 / 3);
  // Ratio 1.5: within 1.25^2 = 1.5625 but not 1.25.
  const DepthMetrics near = ComputeDepthMetrics(Row({3}), Row({2}), Valid({1}));
  EXPECT_DOUBLE_EQ(near.delta1, 0);
  EXPECT_DOUBLE_EQ(near.delta2, 1);
  EXPECT_DOUBLE_EQ(near.delta3, 1);
}

TEST(DepthMetrics, PerfectIsZeroErrorAndAllWithinDelta) {
  const cv::Mat depth = Row({0.1f, 0.5f, 3});
  const DepthMetrics m = ComputeDepthMetrics(depth, depth, Valid({1, 1, 1}));
  EXPECT_DOUBLE_EQ(m.abs_rel, 0);
  EXPECT_DOUBLE_EQ(m.rmse, 0);
  EXPECT_DOUBLE_EQ(m.rmse_log, 0);
  EXPECT_DOUBLE_EQ(m.delta1, 1);
}

TEST(DepthMetrics, MisuseIsACheckFailure) {
  EXPECT_THROW(ComputeDepthMetrics(Row({1}), Row({1}), Valid({0})),
               std::exception);  // nothing to score
  EXPECT_THROW(ComputeDepthMetrics(Row({0}), Row({1}), Valid({1})),
               std::exception);  // depth 0
  EXPECT_THROW(ComputeDepthMetrics(Row({1, 2}), Row({1}), Valid({1})),
               std::exception);  // sizes differ
}

TEST(D1All, NeedsBothThreePixelsAndFivePercent) {
  // Errors 4 (of 10: bad), 4 (of 100: under 5 %), 6 (of 100: bad), 0.
  const cv::Mat gt = Row({10, 100, 100, 50, 1});
  const cv::Mat pred = Row({14, 104, 106, 50, 99});
  EXPECT_DOUBLE_EQ(D1AllPercent(pred, gt, Valid({1, 1, 1, 1, 0})), 50);
  // 3 px exactly is not an outlier.
  EXPECT_DOUBLE_EQ(D1AllPercent(Row({13}), Row({10}), Valid({1})), 0);
}

TEST(BadPixels, StrictlyAboveTheThreshold) {
  const cv::Mat gt = Row({10, 10, 10, 10});
  const cv::Mat pred = Row({10.5f, 11, 11.5f, 7});
  const cv::Mat valid = Valid({1, 1, 1, 1});
  EXPECT_DOUBLE_EQ(BadPixelPercent(pred, gt, valid, 1), 50);
  EXPECT_DOUBLE_EQ(BadPixelPercent(pred, gt, valid, 0.25), 100);
  EXPECT_DOUBLE_EQ(BadPixelPercent(pred, gt, valid, 4), 0);
}

TEST(Spearman, TiesShareTheirAverageRank) {
  // Ranks of b: 1, 2, 3.5, 5, 3.5; of a: 1..5. cov 8, var 10 and 9.5.
  const cv::Mat a = Row({1, 2, 3, 4, 5});
  const cv::Mat b = Row({5, 6, 7, 8, 7});
  const cv::Mat valid = Valid({1, 1, 1, 1, 1});
  EXPECT_NEAR(SpearmanCorrelation(a, b, valid), 8 / std::sqrt(95.0), 1e-12);
  EXPECT_NEAR(SpearmanCorrelation(b, a, valid), 8 / std::sqrt(95.0), 1e-12);
}

TEST(Spearman, MonotoneConstantAndInvalidPixels) {
  const cv::Mat a = Row({0.1f, 0.4f, 0.2f, 9, 0.3f});
  const cv::Mat cubed = a.mul(a).mul(a);
  const cv::Mat valid = Valid({1, 1, 1, 0, 1});
  EXPECT_NEAR(SpearmanCorrelation(a, cubed, valid), 1, 1e-12);
  EXPECT_NEAR(SpearmanCorrelation(a, -a, valid), -1, 1e-12);
  // The invalid pixel (9) would break the order if it were counted.
  const cv::Mat b = Row({1, 4, 2, -100, 3});
  EXPECT_NEAR(SpearmanCorrelation(a, b, valid), 1, 1e-12);
  EXPECT_DOUBLE_EQ(SpearmanCorrelation(Row({2, 2, 2, 2, 2}), a, valid), 0);
  EXPECT_DOUBLE_EQ(SpearmanCorrelation(a, Row({1, 1, 1, 0, 1}), valid), 0);
}

TEST(Spearman, LargeMapsWithManyTies) {
  // A vertical ramp against a map of its rows quantised to 4 levels: ties
  // everywhere, correlation high but below 1.
  cv::Mat ramp(64, 32, CV_32FC1), steps(64, 32, CV_32FC1);
  for (int y = 0; y < 64; ++y) {
    ramp.row(y).setTo(static_cast<float>(y));
    steps.row(y).setTo(static_cast<float>(y / 16));
  }
  const cv::Mat valid(64, 32, CV_8UC1, cv::Scalar(255));
  const double rho = SpearmanCorrelation(ramp, steps, valid);
  EXPECT_GT(rho, 0.9);
  EXPECT_LT(rho, 1);
}

TEST(ValidValues, RowMajorOrder) {
  const std::vector<float> values =
      ValidValues(Row({1, 2, 3, 4}), Valid({0, 1, 0, 1}));
  EXPECT_EQ(values, (std::vector<float>{2, 4}));
}

}  // namespace
}  // namespace parallax
