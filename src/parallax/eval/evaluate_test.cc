#include "parallax/eval/evaluate.h"

#include <gtest/gtest.h>

#include <cmath>

#include "parallax/eval/baselines.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

GroundTruth MakeGt(const cv::Mat& disparity) {
  GroundTruth gt;
  gt.disparity = disparity.clone();
  gt.valid = disparity > 0;
  return gt;
}

// 2x3 ground truth: disparities 10..60, all valid.
cv::Mat SmallGt() { return (cv::Mat_<float>(2, 3) << 10, 20, 30, 40, 50, 60); }

TEST(ScorePrediction, GroundTruthAgainstItselfIsPerfect) {
  const GroundTruth gt = MakeGt(SmallGt());
  for (Alignment alignment :
       {Alignment::kNone, Alignment::kMedian, Alignment::kScaleShift}) {
    EvalOptions options;
    options.alignment = alignment;
    const ScoredPrediction scored = ScorePrediction(gt.disparity, gt, options);
    const SceneScores& s = scored.scores;
    EXPECT_NEAR(s.depth.abs_rel, 0, 1e-6);
    EXPECT_NEAR(s.depth.rmse, 0, 1e-6);
    EXPECT_DOUBLE_EQ(s.depth.delta1, 1);
    EXPECT_DOUBLE_EQ(s.d1_all, 0);
    ASSERT_EQ(s.bad.size(), 3u);
    EXPECT_DOUBLE_EQ(s.bad[0], 0);
    EXPECT_NEAR(s.spearman, 1, 1e-12);
    EXPECT_EQ(scored.valid_pixels, 6);
    EXPECT_NEAR(scored.alignment.scale, 1, 1e-9);
    EXPECT_NEAR(scored.alignment.shift, 0, 1e-6);
  }
}

TEST(ScorePrediction, ScaleShiftUndoesAnAffineDisparity) {
  const GroundTruth gt = MakeGt(SmallGt());
  const cv::Mat pred = (gt.disparity - 4) * 0.25;  // gt = 4·pred + 4
  const ScoredPrediction scored = ScorePrediction(pred, gt, {});
  EXPECT_NEAR(scored.alignment.scale, 4, 1e-6);
  EXPECT_NEAR(scored.alignment.shift, 4, 1e-5);
  EXPECT_NEAR(scored.scores.depth.abs_rel, 0, 1e-6);
}

TEST(ScorePrediction, ConstantIsAlignedToTheMeanAndFloored) {
  // GT 10 and 30: the constant aligns to 20 (s = 0, t = mean).
  const GroundTruth gt = MakeGt((cv::Mat_<float>(1, 2) << 10, 30));
  const ScoredPrediction scored =
      ScorePrediction(cv::Mat(1, 2, CV_32F, cv::Scalar(7)), gt, {});
  EXPECT_DOUBLE_EQ(scored.alignment.scale, 0);
  EXPECT_DOUBLE_EQ(scored.alignment.shift, 20);
  EXPECT_DOUBLE_EQ(scored.floor, 0.5);  // 5 % of 10
  // Depths 1/20 vs 1/10 and 1/30: |0.05-0.1|/0.1 = 0.5, |0.05-1/30|/(1/30)
  // = 0.5.
  EXPECT_NEAR(scored.scores.depth.abs_rel, 0.5, 1e-6);
  EXPECT_DOUBLE_EQ(scored.scores.spearman, 0);
  // |20-10| = 10 > 3 and > 5 %: both pixels are D1 outliers.
  EXPECT_DOUBLE_EQ(scored.scores.d1_all, 100);

  // An anti-correlated prediction aligns to a negative scale; the floor
  // keeps its depth finite.
  const GroundTruth far_near = MakeGt((cv::Mat_<float>(1, 3) << 10, 30, 50));
  const cv::Mat flipped = (cv::Mat_<float>(1, 3) << 0, 0, 100);
  EvalOptions none;
  none.alignment = Alignment::kNone;
  const ScoredPrediction floored =
      ScorePrediction((cv::Mat_<float>(1, 3) << -5, 0, 50), far_near, none);
  EXPECT_DOUBLE_EQ(floored.floor, 0.5);
  // Depths 2, 2, 1/50 against 1/10, 1/30, 1/50.
  EXPECT_NEAR(floored.scores.depth.abs_rel,
              ((2 - 0.1) / 0.1 + (2 - 1.0 / 30) * 30 + 0) / 3, 1e-4);
  EXPECT_TRUE(
      std::isfinite(ScorePrediction(flipped, far_near, {}).scores.depth.rmse));
}

TEST(ScorePrediction, MaxDepthDropsFarGroundTruthAndClampsPredictions) {
  const GroundTruth gt = MakeGt((cv::Mat_<float>(1, 3) << 2, 10, 20));
  EvalOptions options;
  options.alignment = Alignment::kNone;
  options.max_depth = 0.2;  // disparity >= 5 px
  const cv::Mat pred = (cv::Mat_<float>(1, 3) << 2, 1, 20);
  const ScoredPrediction scored = ScorePrediction(pred, gt, options);
  EXPECT_EQ(scored.valid_pixels, 2);
  // Pixel 2: depth 1 clamped to 0.2 against 0.1: AbsRel 1; pixel 3: 0.
  EXPECT_NEAR(scored.scores.depth.abs_rel, 0.5, 1e-6);
  options.max_depth = 0.01;  // nothing that near
  EXPECT_THROW(ScorePrediction(pred, gt, options), Error);
}

TEST(EvalOptions, CheckNamesTheFlag) {
  EvalOptions options;
  options.Check();
  options.min_disp_fraction = 0;
  EXPECT_THROW(
      {
        try {
          options.Check();
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("--min-disp-fraction"),
                    std::string::npos);
          throw;
        }
      },
      Error);
  options = {};
  options.bad_thresholds = {1, -2};
  EXPECT_THROW(options.Check(), Error);
  options = {};
  options.max_depth = -1;
  EXPECT_THROW(options.Check(), Error);
}

TEST(MeanScores, AveragesPerScene) {
  SceneScores a, b;
  a.depth.abs_rel = 0.1;
  b.depth.abs_rel = 0.3;
  a.bad = {10};
  b.bad = {30};
  a.spearman = 1;
  b.spearman = 0;
  const SceneScores mean = MeanScores({a, b});
  EXPECT_DOUBLE_EQ(mean.depth.abs_rel, 0.2);
  EXPECT_DOUBLE_EQ(mean.bad[0], 20);
  EXPECT_DOUBLE_EQ(mean.spearman, 0.5);
}

TEST(MeanScores, EdgeErrorsSkipScenesWithoutEdges) {
  SceneScores a, b, c;
  a.edge_accuracy = 2;
  a.edge_completeness = 4;
  b.edge_accuracy = b.edge_completeness = std::nan("");  // no true edge
  c.edge_accuracy = 6;
  c.edge_completeness = 8;
  const SceneScores mean = MeanScores({a, b, c});
  EXPECT_DOUBLE_EQ(mean.edge_accuracy, 4);
  EXPECT_DOUBLE_EQ(mean.edge_completeness, 6);
  EXPECT_TRUE(std::isnan(MeanScores({b}).edge_accuracy));
}

// Two tiny suffixed scenes (4x2): "a" with a mask, "b" without.
std::vector<EvalScene> WriteTwoScenes(const std::filesystem::path& dir) {
  const cv::Mat left(2, 4, CV_8UC3, cv::Scalar(50, 60, 70));
  WriteImage(dir / "a_left.png", left);
  WriteImage(dir / "a_gt.png",
             (cv::Mat_<uint8_t>(2, 4) << 10, 20, 30, 40, 50, 60, 70, 0));
  WriteImage(dir / "a_mask.png", cv::Mat(2, 4, CV_8UC1, cv::Scalar(255)));
  WriteImage(dir / "b_left.png", left);
  WriteImage(dir / "b_gt.png",
             (cv::Mat_<uint8_t>(2, 4) << 5, 5, 5, 5, 9, 9, 9, 9));
  return ScanEvalScenes(dir);
}

TEST(Evaluate, ReportsNotesProgressAndPerSceneMean) {
  testing::TempDir dir;
  const std::vector<EvalScene> scenes = WriteTwoScenes(dir.path());
  ASSERT_EQ(scenes.size(), 2u);
  // Half-size predictions (resized and scaled 2x); "b" is relative.
  const PredictFn predict = [](const EvalScene& scene) {
    cv::Mat half = scene.name == "a"
                       ? cv::Mat((cv::Mat_<float>(1, 2) << 10, 20))
                       : cv::Mat(1, 2, CV_32FC1, cv::Scalar(3));
    return Prediction(half, PredictionKind::kDisparity, scene.name == "b",
                      scene.name + ".pfm");
  };
  std::vector<int64_t> progress;
  EvalOptions options;
  options.alignment = Alignment::kNone;
  const EvalReport report =
      Evaluate(scenes, predict, options, [&](int64_t done, int64_t total) {
        EXPECT_EQ(total, 2);
        progress.push_back(done);
      });
  EXPECT_EQ(progress, (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(report.scenes.size(), 2u);
  EXPECT_TRUE(report.scenes[0].resized);
  EXPECT_EQ(report.scenes[0].prediction, "a.pfm");
  EXPECT_EQ(report.scenes[0].result.valid_pixels, 7);  // GT 0 left out
  const double mean_bad1 = (report.scenes[0].result.scores.bad[0] +
                            report.scenes[1].result.scores.bad[0]) /
                           2;
  EXPECT_DOUBLE_EQ(report.mean.bad[0], mean_bad1);
  std::string notes;
  for (const std::string& note : report.notes) notes += note + "\n";
  EXPECT_NE(notes.find("2 of 2 predictions had another size"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("unknown units"), std::string::npos) << notes;
  EXPECT_NE(notes.find("no non-occlusion mask"), std::string::npos) << notes;
  EXPECT_NE(notes.find(": b"), std::string::npos) << notes;
}

TEST(Evaluate, ErrorsNameTheSceneAndCancelStops) {
  testing::TempDir dir;
  const std::vector<EvalScene> scenes = WriteTwoScenes(dir.path());
  const PredictFn nan = [](const EvalScene& scene) {
    cv::Mat map(2, 4, CV_32FC1, cv::Scalar(1));
    if (scene.name == "b") map.at<float>(0, 0) = NAN;
    return Prediction(map, PredictionKind::kDisparity, false, "b_disp.pfm");
  };
  try {
    Evaluate(scenes, nan, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("scene 'b'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("b_disp.pfm"), std::string::npos);
  }
  int calls = 0;
  EXPECT_THROW(Evaluate(scenes, MakeBaselinePredictor(Baseline::kConstant), {},
                        [&](int64_t, int64_t) {
                          ++calls;
                          throw Cancelled();
                        }),
               Cancelled);
  EXPECT_EQ(calls, 1);
  EvalOptions bad;
  bad.min_disp_fraction = 2;
  EXPECT_THROW(
      Evaluate(scenes, MakeBaselinePredictor(Baseline::kConstant), bad), Error);
}

// The reference figures of the issue, on the five real scenes in
// ../shared/data/stereo/eval.
class SharedEval : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto stereo = testing::SharedStereoDir();
    if (!stereo || !std::filesystem::is_directory(*stereo / "eval")) {
      GTEST_SKIP() << "no ../shared/data/stereo/eval";
    }
    scenes_ = ScanEvalScenes(*stereo / "eval");
  }
  std::vector<EvalScene> scenes_;
};

TEST_F(SharedEval, ReproducesTheReferenceFigures) {
  ASSERT_EQ(scenes_.size(), 5u);
  const EvalReport constant =
      Evaluate(scenes_, MakeBaselinePredictor(Baseline::kConstant), {});
  EXPECT_NEAR(constant.mean.depth.abs_rel, 0.356, 1e-3);
  EXPECT_NEAR(constant.mean.depth.delta1, 0.252, 1e-3);
  EXPECT_DOUBLE_EQ(constant.mean.spearman, 0);
  EXPECT_DOUBLE_EQ(constant.mean.edge_accuracy, 10);
  EXPECT_DOUBLE_EQ(constant.mean.edge_completeness, 10);

  const EvalReport gradient =
      Evaluate(scenes_, MakeBaselinePredictor(Baseline::kVerticalGradient), {});
  EXPECT_NEAR(gradient.mean.depth.abs_rel, 0.214, 1e-3);
  EXPECT_NEAR(gradient.mean.depth.delta1, 0.620, 1e-3);
  // The issue quotes 0.672. Spearman with average ranks on exactly the
  // pixels that reproduce AbsRel and δ1 gives 0.7196 (per scene: cones
  // 0.934, teddy 0.808, tsukuba 0.407, venus 0.823, Adirondack 0.627), and
  // no rank convention tried (min/max/dense ranks, ties broken by position,
  // ranks over the whole image, after alignment, pooled) gives 0.672; the
  // nearest figure is Pearson's correlation of depths, 0.676.
  EXPECT_NEAR(gradient.mean.spearman, 0.7196, 1e-3);
  // A ramp has no depth edge: both edge errors sit at their 10 px limit.
  EXPECT_DOUBLE_EQ(gradient.mean.edge_accuracy, 10);
  EXPECT_DOUBLE_EQ(gradient.mean.edge_completeness, 10);

  // A predictor may return the disparity map itself.
  const PredictFn perfect = [](const EvalScene& scene) -> cv::Mat {
    return LoadGroundTruth(scene).disparity;
  };
  const EvalReport self = Evaluate(scenes_, perfect, {});
  EXPECT_NEAR(self.mean.depth.abs_rel, 0, 1e-6);
  EXPECT_DOUBLE_EQ(self.mean.depth.delta1, 1);
  EXPECT_DOUBLE_EQ(self.mean.bad[0], 0);
  EXPECT_NEAR(self.mean.spearman, 1, 1e-9);
  // Every scene has depth edges, and the truth finds them all, exactly.
  for (const SceneResult& r : self.scenes) {
    EXPECT_DOUBLE_EQ(r.result.scores.edge_accuracy, 0) << r.scene.name;
    EXPECT_DOUBLE_EQ(r.result.scores.edge_completeness, 0) << r.scene.name;
  }
}

}  // namespace
}  // namespace parallax
