#include "parallax/eval/alignment.h"

#include <gtest/gtest.h>

#include "parallax/util/check.h"

namespace parallax {
namespace {

cv::Mat Row(std::initializer_list<float> values) {
  cv::Mat row(1, static_cast<int>(values.size()), CV_32FC1);
  int i = 0;
  for (float v : values) row.at<float>(0, i++) = v;
  return row;
}

cv::Mat AllValid(const cv::Mat& map) {
  return cv::Mat(map.size(), CV_8UC1, cv::Scalar(255));
}

TEST(Alignment, ParseAndName) {
  for (Alignment a :
       {Alignment::kNone, Alignment::kMedian, Alignment::kScaleShift}) {
    EXPECT_EQ(ParseAlignment(ToString(a)), a);
  }
  EXPECT_EQ(ParseAlignment("Scale-Shift"), Alignment::kScaleShift);
  try {
    ParseAlignment("affine");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--align"), std::string::npos);
  }
}

TEST(Alignment, NoneIsIdentity) {
  const ScaleShift fit = FitAlignment(Alignment::kNone, Row({1, 2}),
                                      Row({5, 9}), AllValid(Row({1, 2})));
  EXPECT_EQ(fit.scale, 1);
  EXPECT_EQ(fit.shift, 0);
}

TEST(Alignment, ScaleShiftIsLeastSquares) {
  // gt = 2·pred + 3 exactly.
  const cv::Mat pred = Row({1, 2, 3});
  ScaleShift fit = FitAlignment(Alignment::kScaleShift, pred, Row({5, 7, 9}),
                                AllValid(pred));
  EXPECT_NEAR(fit.scale, 2, 1e-12);
  EXPECT_NEAR(fit.shift, 3, 1e-12);
  // Not exact: pred 0,1,2 vs gt 0,2,1 -> s = cov/var = 0.5/1, t = 1 - 0.5.
  fit = FitAlignment(Alignment::kScaleShift, Row({0, 1, 2}), Row({0, 2, 1}),
                     AllValid(pred));
  EXPECT_NEAR(fit.scale, 0.5, 1e-12);
  EXPECT_NEAR(fit.shift, 0.5, 1e-12);
  // Invalid pixels do not pull the fit.
  cv::Mat valid = AllValid(Row({1, 2, 3, 4}));
  valid.at<uint8_t>(0, 3) = 0;
  fit = FitAlignment(Alignment::kScaleShift, Row({1, 2, 3, 4}),
                     Row({5, 7, 9, -1000}), valid);
  EXPECT_NEAR(fit.scale, 2, 1e-12);
}

TEST(Alignment, ConstantGetsZeroScaleAndTheMean) {
  const cv::Mat pred = Row({4, 4, 4});
  const ScaleShift fit = FitAlignment(Alignment::kScaleShift, pred,
                                      Row({1, 2, 6}), AllValid(pred));
  EXPECT_EQ(fit.scale, 0);
  EXPECT_DOUBLE_EQ(fit.shift, 3);
}

TEST(Alignment, MedianScalesDepth) {
  // Depths 1, 1/2, 1/4 (median 1/2) against 1/2, 1/4, 1/8 (median 1/4):
  // depth halves, so disparity doubles.
  const cv::Mat pred = Row({1, 2, 4});
  ScaleShift fit =
      FitAlignment(Alignment::kMedian, pred, Row({2, 4, 8}), AllValid(pred));
  EXPECT_DOUBLE_EQ(fit.scale, 2);
  EXPECT_EQ(fit.shift, 0);
  // Even count: numpy's median, the mean of the middle two depths
  // (1/2 + 1/4) / 2 = 3/8, against 1/4.
  const cv::Mat four = Row({1, 2, 4, 8});
  fit =
      FitAlignment(Alignment::kMedian, four, Row({4, 4, 4, 4}), AllValid(four));
  EXPECT_DOUBLE_EQ(fit.scale, 1.5);
  // Disparity 0 lies at infinity; fine while it is not the median.
  fit = FitAlignment(Alignment::kMedian, Row({0, 1, 2}), Row({1, 1, 1}),
                     AllValid(pred));
  EXPECT_DOUBLE_EQ(fit.scale, 1);
  EXPECT_THROW(FitAlignment(Alignment::kMedian, Row({0, -1, 2}), Row({1, 1, 1}),
                            AllValid(pred)),
               Error);
}

TEST(Alignment, ApplyRaisesToTheFloor) {
  const cv::Mat aligned = ApplyAlignment(Row({-1, 0, 1, 2}), {2, 1}, 0.5);
  // 2·d + 1 = -1, 1, 3, 5; -1 is raised to 0.5.
  EXPECT_FLOAT_EQ(aligned.at<float>(0, 0), 0.5f);
  EXPECT_FLOAT_EQ(aligned.at<float>(0, 1), 1);
  EXPECT_FLOAT_EQ(aligned.at<float>(0, 3), 5);
}

}  // namespace
}  // namespace parallax
