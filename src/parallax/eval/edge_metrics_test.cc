#include "parallax/eval/edge_metrics.h"

#include <cmath>
#include <utility>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

const cv::Size kSize(96, 64);

// A near box (disparity 30) on a far wall (disparity 10): its outline is the
// only depth edge. `shift` moves the box right.
cv::Mat BoxOnWall(int shift = 0) {
  cv::Mat disparity(kSize, CV_32FC1, cv::Scalar(10));
  disparity(cv::Rect(30 + shift, 16, 30, 30)).setTo(30);
  return disparity;
}

cv::Mat AllKnown() { return cv::Mat(kSize, CV_8UC1, cv::Scalar(255)); }

TEST(EdgeMetricsTest, ThePerfectPredictionScoresZero) {
  const EdgeScores s = ComputeEdgeScores(BoxOnWall(), BoxOnWall(), AllKnown());
  EXPECT_GT(s.true_edges, 100);  // the box's outline, ~2 x 120 pixels
  EXPECT_EQ(s.predicted_edges, s.true_edges);
  EXPECT_DOUBLE_EQ(s.accuracy, 0);
  EXPECT_DOUBLE_EQ(s.completeness, 0);
}

TEST(EdgeMetricsTest, ScalingThePredictionKeepsItsEdges) {
  // Doubling every predicted disparity makes its jumps larger, not new.
  const cv::Mat doubled = BoxOnWall() * 2.0;
  const EdgeScores s = ComputeEdgeScores(doubled, BoxOnWall(), AllKnown());
  EXPECT_DOUBLE_EQ(s.accuracy, 0);
  EXPECT_DOUBLE_EQ(s.completeness, 0);
}

TEST(EdgeMetricsTest, AShiftedBoxScoresItsShift) {
  const EdgeScores s =
      ComputeEdgeScores(BoxOnWall(/*shift=*/3), BoxOnWall(), AllKnown());
  // The vertical sides are 3 px off; the top and bottom overlap but for 3 px
  // at the ends, so the mean lies between 0 and 3.
  EXPECT_GT(s.accuracy, 0.8);
  EXPECT_LT(s.accuracy, 3.0);
  EXPECT_GT(s.completeness, 0.8);
  EXPECT_LT(s.completeness, 3.0);
  const EdgeScores far =
      ComputeEdgeScores(BoxOnWall(/*shift=*/8), BoxOnWall(), AllKnown());
  EXPECT_GT(far.accuracy, s.accuracy + 1);
  EXPECT_GT(far.completeness, s.completeness + 1);
}

TEST(EdgeMetricsTest, ASmearedBoundaryIsIncomplete) {
  // A box half a median nearer than the wall, then a halo: the same box
  // blurred with sigma 4 px has no edge steep enough.
  cv::Mat truth(kSize, CV_32FC1, cv::Scalar(10));
  truth(cv::Rect(30, 16, 30, 30)).setTo(15);
  cv::Mat smeared;
  cv::GaussianBlur(truth, smeared, {0, 0}, 4.0);
  const EdgeScores s = ComputeEdgeScores(smeared, truth, AllKnown());
  EXPECT_GT(s.true_edges, 100);
  EXPECT_GT(s.completeness, 5.0);
  // A slight blur stays an edge in the right place.
  cv::Mat soft;
  cv::GaussianBlur(truth, soft, {0, 0}, 0.7);
  const EdgeScores sharp = ComputeEdgeScores(soft, truth, AllKnown());
  EXPECT_LT(sharp.completeness, 1.5);
  EXPECT_LT(sharp.accuracy, 1.5);
}

TEST(EdgeMetricsTest, OnlyJumpsAboveTheThresholdAreEdges) {
  // The wall is the median: a box 1.18x its disparity jumps by 0.18
  // medians, below the default step of 0.2; one 1.3x above it.
  for (const auto& [factor, expect_edges] :
       {std::pair{1.18, false}, std::pair{1.30, true}}) {
    cv::Mat truth(kSize, CV_32FC1, cv::Scalar(10));
    truth(cv::Rect(30, 16, 30, 30)).setTo(10 * factor);
    const EdgeScores s = ComputeEdgeScores(truth, truth, AllKnown());
    EXPECT_EQ(s.true_edges > 0, expect_edges) << factor;
  }
}

TEST(EdgeMetricsTest, AccuracyLooksFromThePredictionCompletenessFromTheTruth) {
  // The prediction has the box's edges and a spurious one besides: every
  // true edge is found (completeness 0), not every predicted edge is true.
  cv::Mat pred = BoxOnWall();
  pred(cv::Rect(75, 5, 15, 50)).setTo(40);
  const EdgeScores s = ComputeEdgeScores(pred, BoxOnWall(), AllKnown());
  EXPECT_DOUBLE_EQ(s.completeness, 0);
  EXPECT_GT(s.accuracy, 1);
  EXPECT_GT(s.predicted_edges, s.true_edges);
  // And the other way round: a prediction missing the box's right half.
  cv::Mat half = BoxOnWall();
  half(cv::Rect(45, 16, 15, 30)).setTo(10);
  const EdgeScores missing = ComputeEdgeScores(half, BoxOnWall(), AllKnown());
  EXPECT_GT(missing.completeness, 1);
  EXPECT_LT(missing.accuracy, missing.completeness);
}

TEST(EdgeMetricsTest, AGroundPlaneToTheHorizonHasNoEdge) {
  // Disparity falling linearly to 0.2 at the top row: in ln d its far rows
  // would be steep (a relative change of 3 per row there); in disparity
  // they are as flat as the rest.
  cv::Mat ground(kSize, CV_32FC1);
  for (int y = 0; y < kSize.height; ++y) {
    ground.row(y).setTo(0.2 + 40.0 * y / (kSize.height - 1));
  }
  EXPECT_EQ(ComputeEdgeScores(ground, ground, AllKnown()).true_edges, 0);
  // A post standing on it is an edge.
  ground(cv::Rect(40, 10, 4, 40)).setTo(60);
  EXPECT_GT(ComputeEdgeScores(ground, ground, AllKnown()).true_edges, 0);
}

TEST(EdgeMetricsTest, NoPredictedEdgeScoresTheLimit) {
  const cv::Mat flat(kSize, CV_32FC1, cv::Scalar(5));
  EdgeOptions options;
  options.max_distance = 7;
  const EdgeScores s =
      ComputeEdgeScores(flat, BoxOnWall(), AllKnown(), options);
  EXPECT_EQ(s.predicted_edges, 0);
  EXPECT_DOUBLE_EQ(s.accuracy, 7);
  EXPECT_DOUBLE_EQ(s.completeness, 7);
}

TEST(EdgeMetricsTest, SlantedPlanesAndUnknownTruthAreNoEdges) {
  // A floor receding to the top: disparity 40 at the bottom row, 8 at the
  // top, and a hole of unknown truth (0) in it.
  cv::Mat floor(kSize, CV_32FC1);
  for (int y = 0; y < kSize.height; ++y) {
    floor.row(y).setTo(8 + 32.0 * y / (kSize.height - 1));
  }
  cv::Mat known = AllKnown();
  floor(cv::Rect(40, 20, 12, 12)).setTo(0);
  known(cv::Rect(40, 20, 12, 12)).setTo(0);
  const EdgeScores s = ComputeEdgeScores(floor, floor, known);
  EXPECT_EQ(s.true_edges, 0);
  EXPECT_TRUE(std::isnan(s.accuracy));
  EXPECT_TRUE(std::isnan(s.completeness));
}

TEST(EdgeMetricsTest, EdgesOfThePredictionAreSoughtWhereTheTruthIsKnown) {
  // The prediction's only edge lies inside unknown truth: it is not counted.
  cv::Mat known = AllKnown();
  known.colRange(0, 20).setTo(0);
  cv::Mat pred = BoxOnWall();
  pred(cv::Rect(4, 4, 8, 8)).setTo(50);
  const EdgeScores s = ComputeEdgeScores(pred, BoxOnWall(), known);
  EXPECT_DOUBLE_EQ(s.accuracy, 0);
  EXPECT_DOUBLE_EQ(s.completeness, 0);
}

TEST(EdgeMetricsTest, BadOptionsAreRefused) {
  EdgeOptions options;
  options.low = 0.1;
  options.high = 0.05;
  EXPECT_THROW(options.Check(), Error);
  options = {};
  options.max_distance = std::nan("");
  EXPECT_THROW(options.Check(), Error);
}

}  // namespace
}  // namespace parallax
