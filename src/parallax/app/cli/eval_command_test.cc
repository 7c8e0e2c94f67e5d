// `parallax eval` in-process on temporary folders (COLMAP style).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/eval/eval_scene.h"
#include "parallax/eval/ground_truth.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/tiny_model.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

int RunEvalWith(std::vector<std::string> args) {
  return testing::RunCommandLine(RunEval, std::move(args));
}

nlohmann::json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// Two scenes: Middlebury 2001 "mb/tiny" (scale 4, with nonocc.png) and a
// suffixed "room" (scale 1, no mask).
void WriteGroundTruth(const fs::path& gt) {
  cv::Mat disparity(12, 16, CV_8UC1);
  for (int y = 0; y < disparity.rows; ++y) {
    for (int x = 0; x < disparity.cols; ++x) {
      disparity.at<uint8_t>(y, x) = static_cast<uint8_t>(8 + 3 * y + x);
    }
  }
  const cv::Mat left(12, 16, CV_8UC3, cv::Scalar(40, 80, 120));
  fs::create_directories(gt / "mb/tiny");
  WriteImage(gt / "mb/tiny/imL.png", left);
  WriteImage(gt / "mb/tiny/groundtruth.png", disparity);
  std::ofstream(gt / "mb/tiny/info.txt") << "4 60\n";
  cv::Mat nonocc(12, 16, CV_8UC1, cv::Scalar(255));
  nonocc.colRange(0, 3).setTo(0);
  WriteImage(gt / "mb/tiny/nonocc.png", nonocc);
  WriteImage(gt / "room_left.png", left);
  WriteImage(gt / "room_gt.png", disparity);
}

// The ground truth of every scene, written as predictions by `write`.
void WritePredictions(
    const fs::path& gt, const fs::path& pred,
    const std::function<void(const EvalScene&, const cv::Mat&)>& write) {
  fs::create_directories(pred);
  for (const EvalScene& scene : ScanEvalScenes(gt)) {
    write(scene, LoadGroundTruth(scene).disparity);
  }
}

TEST(EvalCommand, HelpAndFlagErrors) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunEvalWith({"--help"}), kExitOk);
  const std::string help = ::testing::internal::GetCapturedStdout();
  for (const char* flag :
       {"--gt", "--pred", "--model", "--baseline", "--align", "--bad", "--mask",
        "--max-depth", "--json", "--channel-order"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  testing::TempDir dir;
  WriteGroundTruth(dir / "gt");
  const std::string gt = (dir / "gt").string();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunEvalWith({"--gt", gt}), kExitError);
  EXPECT_EQ(
      RunEvalWith({"--gt", gt, "--baseline", "constant", "--align", "affine"}),
      kExitUsage);
  EXPECT_EQ(RunEvalWith({"--gt", gt, "--baseline", "constant", "--bad", "x"}),
            kExitUsage);
  EXPECT_EQ(
      RunEvalWith({"--gt", (dir / "none").string(), "--baseline", "constant"}),
      kExitError);
  EXPECT_EQ(RunEvalWith({"--gt", gt, "--baseline", "constant",
                         "--channel-order", "gbr"}),
            kExitUsage);
  EXPECT_EQ(RunEvalWith({"--gt", gt, "--baseline", "constant",
                         "--channel-order", "rgr"}),
            kExitUsage);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("--pred DIR, --model FILE"), std::string::npos) << err;
  EXPECT_NE(err.find("use it with --model"), std::string::npos) << err;
  EXPECT_NE(err.find("not 'rgr'"), std::string::npos) << err;
  EXPECT_NE(err.find("affine"), std::string::npos) << err;
  EXPECT_NE(err.find("none' does not exist"), std::string::npos) << err;
}

TEST(EvalCommand, ChannelOrderChangesOnlyWhatTheNetworkSees) {
  testing::TempDir dir;
  // A colourful textured scene whose channels differ, so that a network
  // sees something else when they are reordered.
  cv::Mat left(48, 64, CV_8UC3);
  cv::randu(left, 0, 255);
  cv::GaussianBlur(left, left, {0, 0}, 2.0);
  cv::Mat disparity(48, 64, CV_8UC1);
  for (int y = 0; y < disparity.rows; ++y) {
    disparity.row(y).setTo(10 + y);
  }
  fs::create_directories(dir / "gt");
  WriteImage(dir / "gt/room_left.png", left);
  WriteImage(dir / "gt/room_gt.png", disparity);
  const fs::path model = testing::SaveTinyModel(dir / "tiny.plx");
  const auto scores = [&](const std::string& order) {
    const fs::path json = dir / ("scores_" + order + ".json");
    ::testing::internal::CaptureStdout();
    EXPECT_EQ(RunEvalWith({"--gt", (dir / "gt").string(), "--model",
                           model.string(), "--channel-order", order, "--json",
                           json.string(), "--quiet", "--overwrite"}),
              kExitOk);
    const std::string out = ::testing::internal::GetCapturedStdout();
    const bool reordered = ToLower(order) != "rgb";
    EXPECT_EQ(out.find(", channels ") != std::string::npos, reordered) << out;
    return ReadJson(json);
  };
  const nlohmann::json plain = scores("rgb"), swapped = scores("BRG");
  EXPECT_EQ(plain["options"]["channel_order"], "rgb");
  EXPECT_EQ(swapped["options"]["channel_order"], "brg");
  EXPECT_NE(plain["mean"]["abs_rel"], swapped["mean"]["abs_rel"]);
  // The default is the plain order, score for score.
  EXPECT_EQ(scores("rgb")["mean"], plain["mean"]);
}

// A 7-channel model scored on frame folders sees each scene's neighbouring
// frames (the flow input changes its prediction); the same frames as
// separate photos give it zero flow, as does a sequence's first frame.
TEST(EvalCommand, FlowModelsSeeTheNeighbouringFramesOfASequence) {
  testing::TempDir dir;
  cv::Mat world(48, 96, CV_8UC3);
  cv::randu(world, 0, 255);
  cv::GaussianBlur(world, world, {0, 0}, 2.0);
  cv::Mat disparity(48, 64, CV_32FC1);
  for (int y = 0; y < disparity.rows; ++y) disparity.row(y).setTo(10 + y);
  for (int f = 0; f < 3; ++f) {  // a pan: 8 px a frame
    const cv::Mat frame = world(cv::Rect(8 * f, 0, 64, 48));
    const std::string name = fmt::format("{:06d}", f);
    fs::create_directories(dir / "seq/shot/left");
    WriteImage(dir / "seq/shot/left" / (name + ".png"), frame);
    fs::create_directories(dir / "photos" / name);
    WriteImage(dir / "photos" / name / "left.png", frame);
    WriteImage(dir / "photos" / name / "disp.pfm", disparity);
  }
  fs::create_directories(dir / "seq/shot/disp_left");
  WriteImage(dir / "seq/shot/disp_left/000001.pfm", disparity);
  const fs::path model =
      testing::SaveTinyModel(dir / "tiny7.plx", {.input_channels = 7});
  const auto score = [&](const std::string& gt) {
    const fs::path json = dir / (gt + ".json");
    ::testing::internal::CaptureStdout();
    EXPECT_EQ(RunEvalWith({"--gt", (dir / gt).string(), "--model",
                           model.string(), "--json", json.string(), "--quiet"}),
              kExitOk);
    ::testing::internal::GetCapturedStdout();
    return ReadJson(json);
  };
  const nlohmann::json sequence = score("seq"), photos = score("photos");
  ASSERT_EQ(sequence["scenes"].size(), 1u);
  ASSERT_EQ(photos["scenes"].size(), 3u);
  EXPECT_NE(sequence["scenes"][0]["metrics"]["abs_rel"],
            photos["scenes"][1]["metrics"]["abs_rel"]);
}

TEST(EvalCommand, PerfectPredictionsScorePerfectlyInJson) {
  testing::TempDir dir;
  WriteGroundTruth(dir / "gt");
  // Float disparity beside the relative path for one scene, by scene name
  // (NPY) for the other.
  WritePredictions(dir / "gt", dir / "pred",
                   [&](const EvalScene& scene, const cv::Mat& disparity) {
                     const fs::path path =
                         scene.name == "tiny"
                             ? dir / "pred/mb/tiny/imL_disp.pfm"
                             : dir / "pred/room.npy";
                     fs::create_directories(path.parent_path());
                     WriteImage(path, disparity);
                   });
  const fs::path json_path = dir / "out/scores.json";
  fs::create_directories(json_path.parent_path());
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunEvalWith({"--gt", (dir / "gt").string(), "--pred",
                         (dir / "pred").string(), "--json", json_path.string(),
                         "--quiet", "--bad", "0.5,3"}),
            kExitOk);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("mean (2 scenes)"), std::string::npos) << out;
  EXPECT_NE(out.find("bad-0.5%"), std::string::npos) << out;

  const nlohmann::json json = ReadJson(json_path);
  EXPECT_EQ(json["scene_count"], 2);
  EXPECT_EQ(json["options"]["align"], "scale-shift");
  EXPECT_EQ(json["options"]["pred"], (dir / "pred").string());
  EXPECT_TRUE(json["options"]["baseline"].is_null());
  EXPECT_EQ(json["options"]["mask"], "nonocc");
  EXPECT_NEAR(json["mean"]["abs_rel"].get<double>(), 0, 1e-6);
  EXPECT_DOUBLE_EQ(json["mean"]["delta1"].get<double>(), 1);
  EXPECT_DOUBLE_EQ(json["mean"]["bad_0.5"].get<double>(), 0);
  EXPECT_NEAR(json["mean"]["spearman"].get<double>(), 1, 1e-9);
  const nlohmann::json& tiny = json["scenes"][0];
  EXPECT_EQ(tiny["name"], "tiny");
  EXPECT_EQ(tiny["valid_pixels"], 12 * 13);  // nonocc drops 3 columns
  EXPECT_NE(tiny["prediction"].get<std::string>().find("imL_disp.pfm"),
            std::string::npos);
  EXPECT_EQ(json["scenes"][1]["region"], "all");  // no mask: all with GT
}

TEST(EvalCommand, DepthPredictionsAreInvertedAndPngIsRelative) {
  testing::TempDir dir;
  WriteGroundTruth(dir / "gt");
  // Depth = 1 / disparity, as NPY: perfect without any alignment.
  WritePredictions(dir / "gt", dir / "depth",
                   [&](const EvalScene& scene, const cv::Mat& disparity) {
                     cv::Mat depth;
                     cv::divide(1.0, disparity, depth);
                     WriteImage(dir / "depth" / (scene.name + "_disp.npy"),
                                depth);
                   });
  const fs::path json_path = dir / "depth.json";
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunEvalWith({"--gt", (dir / "gt").string(), "--pred",
                         (dir / "depth").string(), "--pred-kind", "depth",
                         "--quiet", "--align", "none", "--json",
                         json_path.string(), "--overwrite"}),
            kExitOk);
  ::testing::internal::GetCapturedStdout();
  nlohmann::json json = ReadJson(json_path);
  EXPECT_NEAR(json["mean"]["abs_rel"].get<double>(), 0, 1e-5);
  EXPECT_EQ(json["options"]["pred_kind"], "depth");

  // Normalised 16-bit PNGs at half size: fine after scale-shift alignment
  // up to resampling; with --align none the units are unknown (a note).
  WritePredictions(dir / "gt", dir / "png",
                   [&](const EvalScene& scene, const cv::Mat& disparity) {
                     cv::Mat half, normalised;
                     cv::resize(disparity, half, {8, 6}, 0, 0, cv::INTER_AREA);
                     half.convertTo(normalised, CV_16U, 1000);
                     WriteImage(dir / "png" / (scene.name + ".png"),
                                normalised);
                   });
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunEvalWith({"--gt", (dir / "gt").string(), "--pred",
                         (dir / "png").string(), "--json", json_path.string(),
                         "--overwrite"}),
            kExitOk);
  ::testing::internal::GetCapturedStdout();
  json = ReadJson(json_path);
  EXPECT_LT(json["mean"]["abs_rel"].get<double>(), 0.05);
  EXPECT_TRUE(json["scenes"][0]["resized"].get<bool>());
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunEvalWith({"--gt", (dir / "gt").string(), "--pred",
                         (dir / "png").string(), "--align", "none", "--quiet",
                         "--json", json_path.string(), "--overwrite"}),
            kExitOk);
  ::testing::internal::GetCapturedStdout();
  json = ReadJson(json_path);
  std::string notes;
  for (const auto& note : json["notes"]) notes += note.get<std::string>();
  EXPECT_NE(notes.find("unknown units"), std::string::npos) << notes;
  EXPECT_NE(notes.find("resized"), std::string::npos) << notes;
}

TEST(EvalCommand, MissingAndBrokenPredictionsAreNamedErrors) {
  testing::TempDir dir;
  WriteGroundTruth(dir / "gt");
  fs::create_directories(dir / "pred");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunEvalWith({"--gt", (dir / "gt").string(), "--pred",
                         (dir / "pred").string()}),
            kExitError);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("no prediction for 2 of 2 scenes"), std::string::npos)
      << err;
  EXPECT_NE(err.find("tiny: tried"), std::string::npos) << err;
  EXPECT_NE(err.find("room: tried"), std::string::npos) << err;

  cv::Mat nan(12, 16, CV_32FC1, cv::Scalar(1));
  nan.at<float>(3, 4) = NAN;
  WriteImage(dir / "pred/tiny.pfm", nan);
  WriteImage(dir / "pred/room.pfm", nan);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunEvalWith({"--gt", (dir / "gt").string(), "--pred",
                         (dir / "pred").string()}),
            kExitError);
  err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("tiny.pfm"), std::string::npos) << err;
  EXPECT_NE(err.find("NaN"), std::string::npos) << err;
}

TEST(EvalCommand, BaselinesOnTheSharedScenes) {
  const auto stereo = testing::SharedStereoDir();
  if (!stereo || !fs::is_directory(*stereo / "eval")) {
    GTEST_SKIP() << "no ../shared/data/stereo/eval";
  }
  testing::TempDir dir;
  const fs::path json_path = dir / "gradient.json";
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(RunEvalWith({"--gt", (*stereo / "eval").string(), "--baseline",
                         "vertical-gradient", "--json", json_path.string(),
                         "--quiet"}),
            kExitOk);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("Adirondack"), std::string::npos) << out;
  const nlohmann::json json = ReadJson(json_path);
  EXPECT_EQ(json["scene_count"], 5);
  EXPECT_EQ(json["options"]["baseline"], "vertical-gradient");
  EXPECT_NEAR(json["mean"]["abs_rel"].get<double>(), 0.214, 1e-3);
  EXPECT_NEAR(json["mean"]["delta1"].get<double>(), 0.620, 1e-3);
}

}  // namespace
}  // namespace parallax
