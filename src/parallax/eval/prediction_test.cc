#include "parallax/eval/prediction.h"

#include <gtest/gtest.h>

#include <limits>

#include "parallax/eval/baselines.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

using testing::ErrorOf;

EvalScene Scene(const std::string& name, const fs::path& left_relative) {
  EvalScene scene;
  scene.name = name;
  scene.left_relative = left_relative;
  scene.gt = "/gt" / left_relative.parent_path() / (name + "_gt.png");
  return scene;
}

void Touch(const fs::path& path, const cv::Mat& map) {
  fs::create_directories(path.parent_path());
  WriteImage(path, map);
}

const cv::Mat kMap(2, 3, CV_32FC1, cv::Scalar(1));

TEST(Prediction, CandidatesInOrder) {
  const std::vector<fs::path> candidates =
      PredictionCandidates(Scene("cones", "mb/cones/imL.png"), "/pred");
  ASSERT_EQ(candidates.size(), 16u);
  EXPECT_EQ(candidates[0], fs::path("/pred/mb/cones/imL_disp.pfm"));
  EXPECT_EQ(candidates[1], fs::path("/pred/mb/cones/imL_disp.npy"));
  EXPECT_EQ(candidates[2], fs::path("/pred/mb/cones/imL_disp.exr"));
  EXPECT_EQ(candidates[3], fs::path("/pred/mb/cones/imL_disp.png"));
  EXPECT_EQ(candidates[4], fs::path("/pred/cones.pfm"));
  EXPECT_EQ(candidates[8], fs::path("/pred/cones_disp.pfm"));
  EXPECT_EQ(candidates[11], fs::path("/pred/cones_disp.png"));
  // `parallax depth` on the left images alone writes them flat.
  EXPECT_EQ(candidates[12], fs::path("/pred/imL_disp.pfm"));
  EXPECT_EQ(PredictionCandidates(Scene("cones", "mb/cones/imL.png"), "/pred",
                                 /*name_is_unique=*/false,
                                 /*stem_is_unique=*/false)
                .size(),
            4u);
}

TEST(Prediction, IntegerScaleMakesPngsMetric) {
  testing::TempDir dir;
  // KITTI's submission format: disparity x 256 in a uint16 PNG.
  Touch(dir / "k.png", cv::Mat(2, 3, CV_16UC1, cv::Scalar(256 * 7 + 128)));
  const Prediction relative =
      ReadPrediction(dir / "k.png", PredictionKind::kDisparity);
  EXPECT_TRUE(relative.relative);
  const Prediction metric =
      ReadPrediction(dir / "k.png", PredictionKind::kDisparity, 256);
  EXPECT_FALSE(metric.relative);
  EXPECT_FLOAT_EQ(metric.values.at<float>(1, 2), 7.5f);
}

TEST(Prediction, AnotherAspectRatioIsAnErrorNotAStretch) {
  const Prediction square(cv::Mat(8, 8, CV_32FC1, cv::Scalar(2)),
                          PredictionKind::kDisparity, false, "square.pfm");
  const std::string error = ErrorOf([&] {
    PredictionToDisparity(square, {16, 8});
  });
  EXPECT_NE(error.find("square.pfm"), std::string::npos) << error;
  EXPECT_NE(error.find("aspect"), std::string::npos) << error;
  // Half size, same shape: resized and scaled by the width ratio.
  bool resized = false;
  const cv::Mat full = PredictionToDisparity(
      Prediction(cv::Mat(4, 8, CV_32FC1, cv::Scalar(2))), {16, 8}, &resized);
  EXPECT_TRUE(resized);
  EXPECT_FLOAT_EQ(full.at<float>(3, 5), 4.0f);
}

TEST(Prediction, FindsEveryFormAndListsAllMissing) {
  testing::TempDir dir;
  const fs::path pred = dir / "pred";
  const std::vector<EvalScene> scenes = {
      Scene("cones", "mb/cones/imL.png"), Scene("teddy", "mb/teddy/imL.png"),
      Scene("000000_10", "kitti/image_2/000000_10.png"),
      Scene("venus", "mb/venus/imL.png"),
      Scene("tsukuba", "mb/tsukuba/imL.png")};
  Touch(pred / "mb/cones/imL_disp.pfm", kMap);
  Touch(pred / "teddy.npy", kMap);
  Touch(pred / "000000_10_disp.png", cv::Mat(2, 3, CV_16UC1, cv::Scalar(7)));
  std::string error = ErrorOf([&] { FindPredictionFiles(scenes, pred); });
  EXPECT_NE(error.find("2 of 5 scenes"), std::string::npos) << error;
  EXPECT_NE(error.find("venus: tried "), std::string::npos) << error;
  EXPECT_NE(error.find("mb/venus/imL_disp.{pfm,npy,exr,png}"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("tsukuba_disp.{pfm,npy,exr,png}"), std::string::npos)
      << error;

  Touch(pred / "venus_disp.npy", kMap);
  Touch(pred / "tsukuba.pfm", kMap);
  // The form beside the relative path wins over the scene name.
  Touch(pred / "cones.pfm", kMap);
  const std::vector<fs::path> files = FindPredictionFiles(scenes, pred);
  EXPECT_EQ(files[0], pred / "mb/cones/imL_disp.pfm");
  EXPECT_EQ(files[1], pred / "teddy.npy");
  EXPECT_EQ(files[2], pred / "000000_10_disp.png");
  EXPECT_EQ(files[3], pred / "venus_disp.npy");
  EXPECT_EQ(files[4], pred / "tsukuba.pfm");

  error = ErrorOf([&] { FindPredictionFiles(scenes, dir / "nope"); });
  EXPECT_NE(error.find("nope"), std::string::npos) << error;
}

TEST(Prediction, AmbiguousNamesNeedTheRelativePath) {
  testing::TempDir dir;
  const std::vector<EvalScene> scenes = {Scene("scene1", "a/scene1/im0.png"),
                                         Scene("scene1", "b/scene1/im0.png")};
  Touch(dir / "scene1.pfm", kMap);
  const std::string error =
      ErrorOf([&] { FindPredictionFiles(scenes, dir.path()); });
  EXPECT_NE(error.find("not unique"), std::string::npos) << error;
}

TEST(Prediction, ReadMarksIntegerImagesRelative) {
  testing::TempDir dir;
  Touch(dir / "a.png", cv::Mat(2, 3, CV_16UC1, cv::Scalar(1000)));
  Touch(dir / "b.pfm", kMap);
  const Prediction png = ReadPrediction(dir / "a.png", PredictionKind::kDepth);
  EXPECT_TRUE(png.relative);
  EXPECT_EQ(png.kind, PredictionKind::kDepth);
  EXPECT_FLOAT_EQ(png.values.at<float>(0, 0), 1000);
  EXPECT_NE(png.source.find("a.png"), std::string::npos);
  EXPECT_FALSE(
      ReadPrediction(dir / "b.pfm", PredictionKind::kDisparity).relative);
}

TEST(Prediction, ResizeScalesDisparityByTheWidthRatio) {
  const Prediction half(cv::Mat(2, 3, CV_32FC1, cv::Scalar(5)));
  bool resized = false;
  const cv::Mat full = PredictionToDisparity(half, {6, 4}, &resized);
  EXPECT_TRUE(resized);
  ASSERT_EQ(full.size(), cv::Size(6, 4));
  EXPECT_FLOAT_EQ(full.at<float>(3, 5), 10);
  PredictionToDisparity(half, {3, 2}, &resized);
  EXPECT_FALSE(resized);
  // Depth is resized but not scaled, then inverted.
  const Prediction depth(cv::Mat(2, 3, CV_32FC1, cv::Scalar(4)),
                         PredictionKind::kDepth);
  EXPECT_FLOAT_EQ(PredictionToDisparity(depth, {6, 4}).at<float>(1, 1), 0.25f);
}

TEST(Prediction, BadValuesAreNamedErrors) {
  cv::Mat values(2, 3, CV_32FC1, cv::Scalar(1));
  values.at<float>(1, 2) = std::numeric_limits<float>::quiet_NaN();
  values.at<float>(0, 0) = std::numeric_limits<float>::infinity();
  std::string error = ErrorOf([&] {
    PredictionToDisparity(
        Prediction(values, PredictionKind::kDisparity, false, "p.pfm"), {3, 2});
  });
  EXPECT_NE(error.find("p.pfm"), std::string::npos) << error;
  EXPECT_NE(error.find("2 NaN or infinite"), std::string::npos) << error;

  cv::Mat depth(2, 3, CV_32FC1, cv::Scalar(1));
  depth.at<float>(0, 1) = 0;
  error = ErrorOf([&] {
    PredictionToDisparity(
        Prediction(depth, PredictionKind::kDepth, false, "d.npy"), {3, 2});
  });
  EXPECT_NE(error.find("d.npy"), std::string::npos) << error;
  EXPECT_NE(error.find("<= 0"), std::string::npos) << error;
  // The same map as disparity is fine: 0 lies at infinity.
  EXPECT_NO_THROW(PredictionToDisparity(Prediction(depth), {3, 2}));

  error = ErrorOf([&] {
    PredictionToDisparity(
        Prediction(cv::Mat(2, 3, CV_32FC3), PredictionKind::kDisparity, false,
                   "rgb.exr"),
        {3, 2});
  });
  EXPECT_NE(error.find("3 channels"), std::string::npos) << error;
  error = ErrorOf([&] {
    PredictionToDisparity(Prediction(cv::Mat()), {3, 2});
  });
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
}

TEST(Prediction, ParseKind) {
  EXPECT_EQ(ParsePredictionKind("depth"), PredictionKind::kDepth);
  EXPECT_EQ(ParsePredictionKind(ToString(PredictionKind::kDisparity)),
            PredictionKind::kDisparity);
  EXPECT_NE(ErrorOf([] { ParsePredictionKind("inverse"); }).find("--pred-kind"),
            std::string::npos);
}

TEST(Baselines, ConstantAndGradient) {
  const cv::Mat constant = BaselineDisparity(Baseline::kConstant, {4, 3});
  EXPECT_EQ(cv::countNonZero(constant != 1), 0);
  const cv::Mat gradient =
      BaselineDisparity(Baseline::kVerticalGradient, {4, 3});
  EXPECT_FLOAT_EQ(gradient.at<float>(0, 3), 0);
  EXPECT_FLOAT_EQ(gradient.at<float>(2, 1), 2);
  EXPECT_EQ(ParseBaseline("vertical-gradient"), Baseline::kVerticalGradient);
  EXPECT_NE(ErrorOf([] { ParseBaseline("zero"); }).find("--baseline"),
            std::string::npos);

  testing::TempDir dir;
  EvalScene scene;
  scene.left = dir / "left.png";
  WriteImage(scene.left, cv::Mat(5, 7, CV_8UC3, cv::Scalar(0)));
  const Prediction p = MakeBaselinePredictor(Baseline::kConstant)(scene);
  EXPECT_EQ(p.values.size(), cv::Size(7, 5));
  EXPECT_TRUE(p.relative);
  EXPECT_EQ(p.source, "baseline constant");
}

}  // namespace
}  // namespace parallax
