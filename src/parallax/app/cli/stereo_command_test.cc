// `parallax stereo` end to end, in-process: exact re-rendering from a given
// pixel disparity, every layout's size, videos with audio and a stereo tag
// on a tiny random model, and clear errors.
#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/io/image_io.h"
#include "parallax/io/video_info.h"
#include "parallax/io/video_reader.h"
#include "parallax/io/video_test_util.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/jobs/stereo_job.h"
#include "parallax/jobs/stereo_video_job.h"
#include "parallax/model/checkpoint.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/tiny_model.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

int RunStereoArgs(std::vector<std::string> args) {
  args.push_back("--quiet");
  return testing::RunCommandLine(RunStereo, std::move(args), "parallax-stereo");
}

class StereoCommandTest : public ::testing::Test {
 protected:
  // A textured square 10 px in front of a background at 3 px, both views
  // rendered exactly, and the left view's disparity as PFM.
  void MakePair() {
    const cv::Size size(120, 80);
    cv::Mat back(size, CV_8UC3), front(size, CV_8UC3);
    cv::randu(back, 0, 255);
    cv::randu(front, 0, 255);
    cv::GaussianBlur(back, back, {0, 0}, 2.0);
    cv::GaussianBlur(front, front, {0, 0}, 2.0);
    const cv::Rect square(50, 20, 30, 40);
    cv::Mat left(size, CV_8UC3), right(size, CV_8UC3);
    cv::Mat disparity(size, CV_32F);
    for (int y = 0; y < size.height; ++y) {
      for (int x = 0; x < size.width; ++x) {
        const bool in = square.contains({x, y});
        left.at<cv::Vec3b>(y, x) =
            in ? front.at<cv::Vec3b>(y, x) : back.at<cv::Vec3b>(y, x);
        disparity.at<float>(y, x) = in ? 10.0f : 3.0f;
        right.at<cv::Vec3b>(y, x) =
            square.contains({x + 10, y})
                ? front.at<cv::Vec3b>(y, x + 10)
                : back.at<cv::Vec3b>(y, std::min(x + 3, size.width - 1));
      }
    }
    left_ = dir_ / "left.png";
    right_ = right;
    disparity_ = dir_ / "disp.pfm";
    WriteImage(left_, left);
    WriteImage(disparity_, disparity);
  }

  // A random ResNet18 x0.125 at 128x64: fast, and enough for plumbing.
  fs::path SaveTinyModel(HeadType head = HeadType::kDisparity) {
    return testing::SaveTinyModel(
        dir_ / (head == HeadType::kDeep3d ? "tiny_deep3d.plx" : "tiny.plx"),
        {.head = head, .train_width = 128, .train_height = 64});
  }

  testing::TempDir dir_;
  fs::path left_, disparity_;
  cv::Mat right_;
};

TEST_F(StereoCommandTest, HelpNamesTheControls) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunStereoArgs({"--help"}), kExitOk);
  const std::string help = ::testing::internal::GetCapturedStdout();
  for (const char* flag :
       {"--layout", "--divergence", "--convergence", "--disparity-unit",
        "--synthetic-view", "--renderer", "--net-size", "--crf"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

TEST_F(StereoCommandTest, RightLayoutWithPixelDisparityReproducesTheRightView) {
  MakePair();
  const fs::path out = dir_ / "right.png";
  ASSERT_EQ(RunStereoArgs({left_.string(), "--disparity", disparity_.string(),
                           "--disparity-unit", "pixels", "--layout", "right",
                           "-o", out.string()}),
            kExitOk);
  const cv::Mat rendered = ReadImage(out, ReadMode::kColor8);
  ASSERT_EQ(rendered.size(), right_.size());
  // Everything but the disoccluded strip (7 px beside the square) and the
  // right border (3 px) is exact up to rounding.
  cv::Mat mask(right_.size(), CV_8U, cv::Scalar(255));
  mask(cv::Rect(70, 20, 7, 40)).setTo(0);
  mask(cv::Rect(117, 0, 3, 80)).setTo(0);
  cv::Mat diff;
  cv::absdiff(rendered, right_, diff);
  EXPECT_LE(cv::mean(diff, mask)[0], 0.5);
}

TEST_F(StereoCommandTest, EveryLayoutHasItsSize) {
  MakePair();
  const std::pair<const char*, cv::Size> layouts[] = {
      {"sbs", {240, 80}},   {"hsbs", {120, 80}},     {"tb", {120, 160}},
      {"htb", {120, 80}},   {"anaglyph", {120, 80}}, {"cross", {240, 80}},
      {"right", {120, 80}}, {"left", {120, 80}}};
  for (const auto& [layout, size] : layouts) {
    const fs::path out = dir_ / fmt::format("out_{}.png", layout);
    ASSERT_EQ(RunStereoArgs({left_.string(), "--disparity", disparity_.string(),
                             "--layout", layout, "-o", out.string()}),
              kExitOk)
        << layout;
    EXPECT_EQ(ReadImage(out, ReadMode::kColor8).size(), size) << layout;
  }
  // Two files for lr.
  ASSERT_EQ(
      RunStereoArgs({left_.string(), "--disparity", disparity_.string(),
                     "--layout", "lr", "-o", (dir_ / "pair.png").string()}),
      kExitOk);
  EXPECT_TRUE(fs::exists(dir_ / "pair_L.png"));
  EXPECT_TRUE(fs::exists(dir_ / "pair_R.png"));
}

TEST_F(StereoCommandTest, ZeroDivergenceGivesIdenticalViews) {
  MakePair();
  const fs::path out = dir_ / "flat.png";
  ASSERT_EQ(RunStereoArgs({left_.string(), "--disparity", disparity_.string(),
                           "--divergence", "0", "--layout", "sbs", "-o",
                           out.string()}),
            kExitOk);
  const cv::Mat sbs = ReadImage(out, ReadMode::kColor8);
  const cv::Mat input = ReadImage(left_, ReadMode::kColor8);
  EXPECT_EQ(cv::norm(sbs(cv::Rect(0, 0, 120, 80)), input, cv::NORM_INF), 0);
  EXPECT_EQ(cv::norm(sbs(cv::Rect(120, 0, 120, 80)), input, cv::NORM_INF), 0);
}

TEST_F(StereoCommandTest, BadInputIsAClearErrorAndWritesNothing) {
  MakePair();
  const fs::path out = dir_ / "bad.png";
  cv::Mat small(10, 10, CV_32F, cv::Scalar(1));
  WriteImage(dir_ / "small.pfm", small);
  EXPECT_EQ(RunStereoArgs({left_.string(), "--disparity",
                           (dir_ / "small.pfm").string(), "--disparity-unit",
                           "pixels", "-o", out.string()}),
            kExitError);
  cv::Mat nan(80, 120, CV_32F, cv::Scalar(1));
  nan.at<float>(5, 5) = NAN;
  WriteImage(dir_ / "nan.pfm", nan);
  EXPECT_EQ(RunStereoArgs({left_.string(), "--disparity",
                           (dir_ / "nan.pfm").string(), "-o", out.string()}),
            kExitError);
  EXPECT_EQ(RunStereoArgs({left_.string(), "--disparity", disparity_.string(),
                           "--layout", "sideways", "-o", out.string()}),
            kExitUsage);
  EXPECT_EQ(RunStereoArgs({left_.string(), "--disparity", disparity_.string(),
                           "--convergence", "2", "-o", out.string()}),
            kExitUsage);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(StereoCommandTest, Deep3dRendererUsesTheNetworksPlanes) {
  MakePair();
  const fs::path deep3d = SaveTinyModel(HeadType::kDeep3d);
  const fs::path out = dir_ / "deep3d_sbs.png";
  ASSERT_EQ(RunStereoArgs({left_.string(), "--model", deep3d.string(),
                           "--device", "cpu", "--renderer", "deep3d",
                           "--layout", "sbs", "-o", out.string()}),
            kExitOk);
  const cv::Mat left = ReadImage(left_, ReadMode::kColor8);
  const cv::Mat sbs = ReadImage(out, ReadMode::kColor8);
  ASSERT_EQ(sbs.size(), cv::Size(2 * left.cols, left.rows));
  // Both eyes are synthesised (half the parallax each): neither is the
  // input, yet both stay close to it at the default 2 % divergence.
  for (const cv::Rect eye : {cv::Rect(0, 0, left.cols, left.rows),
                             cv::Rect(left.cols, 0, left.cols, left.rows)}) {
    const cv::Mat view = sbs(eye);
    EXPECT_GT(cv::norm(view, left, cv::NORM_L1), 0.0);
    EXPECT_LT(cv::norm(view, left, cv::NORM_L1) / left.total() / 3, 40.0);
  }
  // The right-only layout keeps the input as the left eye.
  const fs::path right = dir_ / "deep3d_right.png";
  ASSERT_EQ(
      RunStereoArgs({left_.string(), "--model", deep3d.string(), "--renderer",
                     "deep3d", "--layout", "right", "-o", right.string()}),
      kExitOk);
  EXPECT_EQ(ReadImage(right, ReadMode::kColor8).size(), left.size());

  // A plain disparity model, or a given disparity, cannot feed it.
  const fs::path plain = SaveTinyModel();
  EXPECT_EQ(
      RunStereoArgs({left_.string(), "--model", plain.string(), "--renderer",
                     "deep3d", "-o", (dir_ / "plain.png").string()}),
      kExitError);
  EXPECT_EQ(RunStereoArgs({left_.string(), "--disparity", disparity_.string(),
                           "--renderer", "deep3d", "-o",
                           (dir_ / "given.png").string()}),
            kExitUsage);
  EXPECT_FALSE(fs::exists(dir_ / "plain.png"));
  EXPECT_FALSE(fs::exists(dir_ / "given.png"));
}

TEST_F(StereoCommandTest, SequenceToFramesAndToVideo) {
  const fs::path model = SaveTinyModel();
  fs::create_directories(dir_ / "shot");
  for (int i = 0; i < 4; ++i) {
    cv::Mat frame(48, 80, CV_8UC3);
    cv::randu(frame, 0, 255);
    WriteImage(dir_ / "shot" / fmt::format("plate_{:04d}.png", i), frame);
  }
  const std::string pattern = (dir_ / "shot" / "plate_%04d.png").string();
  ASSERT_EQ(
      RunStereoArgs({pattern, "--model", model.string(), "--device", "cpu",
                     "--layout", "tb", "-o", (dir_ / "frames").string()}),
      kExitOk);
  for (int i = 0; i < 4; ++i) {
    const fs::path out =
        dir_ / "frames" / fmt::format("plate_{:04d}_3d.png", i);
    ASSERT_TRUE(fs::exists(out)) << out;
    EXPECT_EQ(ReadImage(out, ReadMode::kColor8).size(), cv::Size(80, 96));
  }
  // Two files per frame cannot go into one video.
  EXPECT_EQ(RunStereoArgs({pattern, "--model", model.string(), "--layout", "lr",
                           "-o", (dir_ / "lr").string()}),
            kExitUsage);
}

TEST_F(StereoCommandTest, VideoKeepsFramesAudioAndGetsAStereoTag) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path model = SaveTinyModel();
  const fs::path video = dir_ / "in.mp4";
  testing::RunFfmpeg(fmt::format(
      "{} -frames:v 12 -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest {}",
      testing::TestSource(12 / 25.0 + 0.5), testing::Quote(video)));
  const fs::path out = dir_ / "out.mkv";
  ASSERT_EQ(RunStereoArgs({video.string(), "--model", model.string(),
                           "--device", "cpu", "--layout", "sbs", "--preset",
                           "ultrafast", "-o", out.string()}),
            kExitOk);
  const VideoInfo in = ProbeVideo(video), info = ProbeVideo(out);
  EXPECT_EQ(info.width, 2 * in.width);
  EXPECT_EQ(info.height, in.height);
  EXPECT_EQ(info.audio_streams, 1);
  EXPECT_EQ(CountVideoFrames(out), 12);
  EXPECT_EQ(testing::ProbePackets(out, "a:0").count,
            testing::ProbePackets(video, "a:0").count);
  EXPECT_NE(testing::ProbeStreamsText(out).find("side by side"),
            std::string::npos);
}

// Every decoded frame of a video.
std::vector<cv::Mat> DecodeAll(const fs::path& path) {
  VideoReader reader(path);
  std::vector<cv::Mat> frames;
  VideoFrame frame;
  while (reader.Read(&frame)) frames.push_back(frame.image.clone());
  return frames;
}

TEST_F(StereoCommandTest, InterruptedVideoResumesToTheSameFile) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path model = SaveTinyModel();
  const fs::path video = dir_ / "film.mp4";
  testing::RunFfmpeg(fmt::format(
      "{} -frames:v 30 -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest {}",
      testing::TestSource(30 / 25.0 + 0.5), testing::Quote(video)));
  MediaInputOptions scan;
  const std::vector<MediaInput> inputs =
      ExpandMediaInputs({video.string()}, scan).inputs;
  ASSERT_EQ(inputs.size(), 1u);
  PredictorOptions predictor_options;
  predictor_options.device = "cpu";
  Predictor predictor(model, predictor_options);
  StereoJobOptions options;
  options.render.layout = StereoLayout::kSideBySide;
  options.render.edge_sharpen_radius = 3;
  options.encode.preset = "ultrafast";
  options.segment_frames = 8;
  options.warmup_frames = 4;
  options.show_progress = false;

  options.output = dir_ / "straight.mkv";
  RunStereoJob(inputs, &predictor, options);

  // Stopped in the third segment: two closed segments stay behind.
  options.output = dir_ / "resumed.mkv";
  options.on_frame = [](int64_t frames) {
    if (frames == 19) RequestInterrupt();
  };
  EXPECT_THROW(RunStereoJob(inputs, &predictor, options), Cancelled);
  ClearInterrupt();
  EXPECT_FALSE(fs::exists(options.output));
  const fs::path parts = StereoPartsFolder(options.output);
  EXPECT_TRUE(fs::exists(parts / "seg_000001.mkv"));
  EXPECT_FALSE(fs::exists(parts / "seg_000002.mkv"));

  // Other settings may not continue these parts.
  options.on_frame = nullptr;
  options.resume = true;
  options.render.parallax.divergence_percent = 3;
  const StereoJobReport refused = RunStereoJob(inputs, &predictor, options);
  ASSERT_EQ(refused.failures.size(), 1u);
  EXPECT_NE(refused.failures[0].find("other settings"), std::string::npos);
  options.render.parallax.divergence_percent = 2;
  int64_t encoded = 0;
  options.on_frame = [&](int64_t frames) { encoded = frames; };
  const StereoJobReport report = RunStereoJob(inputs, &predictor, options);
  EXPECT_TRUE(report.failures.empty());
  EXPECT_EQ(encoded, 30 - 16);  // only the unfinished segments
  EXPECT_FALSE(fs::exists(parts));

  const std::vector<cv::Mat> a = DecodeAll(dir_ / "straight.mkv");
  const std::vector<cv::Mat> b = DecodeAll(options.output);
  ASSERT_EQ(a.size(), 30u);
  ASSERT_EQ(b.size(), a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(cv::norm(a[i], b[i], cv::NORM_INF), 0) << "frame " << i;
  }
  const testing::PacketTimes audio_in = testing::ProbePackets(video, "a:0");
  const testing::PacketTimes audio_a =
      testing::ProbePackets(dir_ / "straight.mkv", "a:0");
  const testing::PacketTimes audio_b =
      testing::ProbePackets(options.output, "a:0");
  EXPECT_EQ(audio_a.count, audio_in.count);
  EXPECT_EQ(audio_b.count, audio_in.count);
  EXPECT_NE(testing::ProbeStreamsText(options.output).find("side by side"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
