// `parallax defocus`, `fog` and `composite` end to end, in-process: given
// depth maps of a built two-plane scene, a tiny random model for estimated
// depth, a video with audio, and clear errors that write nothing.
#include <limits>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/io/image_io.h"
#include "parallax/io/video_info.h"
#include "parallax/io/video_test_util.h"
#include "parallax/jobs/defocus_video.h"
#include "parallax/jobs/fog_job.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/image_checks.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/tiny_model.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/interrupt.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

int RunCommand(int (*command)(int, char**), std::vector<std::string> args) {
  args.push_back("--quiet");
  return testing::RunCommandLine(command, std::move(args), "parallax-effect");
}

int RunComposite(std::vector<std::string> args) {
  return testing::RunCommandLine(parallax::RunComposite, std::move(args),
                                 "parallax-composite");
}

using testing::Sharpness;

class EffectsCommandTest : public ::testing::Test {
 protected:
  // A textured square at disparity 20 over a textured background at 5.
  void SetUp() override {
    const cv::Size size(160, 120);
    cv::RNG rng(2);
    image_.create(size, CV_8UC3);
    rng.fill(image_, cv::RNG::UNIFORM, 30, 225);
    disparity_ = cv::Mat(size, CV_32F, cv::Scalar(5));
    disparity_(square_).setTo(20);
    WriteImage(photo_, image_);
    WriteImage(depth_, disparity_);
  }

  testing::TempDir dir_;
  const cv::Rect square_{50, 30, 60, 60};
  const cv::Rect inside_{62, 42, 36, 36};
  const cv::Rect back_{5, 5, 30, 110};
  fs::path photo_ = dir_ / "photo.png", depth_ = dir_ / "disp.pfm";
  cv::Mat image_, disparity_;
};

TEST_F(EffectsCommandTest, DefocusKeepsThePickedDepthSharp) {
  for (const std::string method : {"lens", "gaussian", "median"}) {
    const fs::path out = dir_ / ("front_" + method + ".png");
    ASSERT_EQ(
        RunCommand(RunDefocus, {photo_.string(), "--depth", depth_.string(),
                                "--focus", "80,60", "--method", method,
                                "--max-blur", "6", "-o", out.string()}),
        kExitOk)
        << method;
    const cv::Mat result = ReadImage(out, ReadMode::kColor8);
    ASSERT_EQ(result.size(), image_.size());
    EXPECT_GE(Sharpness(result, inside_), 0.9 * Sharpness(image_, inside_));
    EXPECT_LT(Sharpness(result, back_), 0.5 * Sharpness(image_, back_));
  }
  // By value: the background's disparity.
  const fs::path back = dir_ / "back.png";
  ASSERT_EQ(RunCommand(RunDefocus, {photo_.string(), "--depth", depth_.string(),
                                    "--focus-depth", "5", "-o", back.string()}),
            kExitOk);
  const cv::Mat result = ReadImage(back, ReadMode::kColor8);
  EXPECT_GE(Sharpness(result, back_), 0.9 * Sharpness(image_, back_));
  EXPECT_LT(Sharpness(result, inside_), 0.5 * Sharpness(image_, inside_));
}

TEST_F(EffectsCommandTest, DefocusWithTheNetworkSavesItsDepth) {
  const fs::path model = testing::SaveTinyModel(
      dir_ / "tiny.plx", {.train_width = 128, .train_height = 64});
  cv::Mat sixteen;
  image_.convertTo(sixteen, CV_16U, 257);
  const fs::path photo16 = dir_ / "photo16.png";
  WriteImage(photo16, sixteen);
  const fs::path out = dir_ / "out16.png", saved = dir_ / "used.pfm";
  ASSERT_EQ(RunCommand(RunDefocus, {photo16.string(), "--model", model.string(),
                                    "--save-depth", saved.string(), "--blades",
                                    "5", "-o", out.string()}),
            kExitOk);
  const cv::Mat result = ReadImage(out, ReadMode::kUnchanged);
  EXPECT_EQ(result.type(), CV_16UC3);  // 16 bits in, 16 bits out
  EXPECT_EQ(result.size(), image_.size());
  EXPECT_EQ(ReadImage(saved, ReadMode::kFloat1).size(), image_.size());
}

TEST_F(EffectsCommandTest, DefocusBadInputIsAClearErrorAndWritesNothing) {
  const fs::path out = dir_ / "never.png";
  const auto fails_with = [&](std::vector<std::string> args,
                              const std::string& message) {
    args.push_back("-o");
    args.push_back(out.string());
    ::testing::internal::CaptureStderr();
    const int code = RunCommand(RunDefocus, args);
    // Bad flag values are usage errors (2), bad inputs errors (1).
    EXPECT_TRUE(code == kExitError || code == kExitUsage) << message;
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find(message), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(out));
  };
  fails_with({photo_.string(), "--depth", depth_.string(), "--focus", "400,10"},
             "outside the 160x120 image");
  const fs::path small = dir_ / "small.pfm";
  WriteImage(small, cv::Mat(10, 10, CV_32F, cv::Scalar(1)));
  fails_with({photo_.string(), "--depth", small.string()},
             "is 10x10 but the image is 160x120");
  cv::Mat nan = disparity_.clone();
  nan.at<float>(4, 4) = std::numeric_limits<float>::quiet_NaN();
  const fs::path nan_file = dir_ / "nan.pfm";
  WriteImage(nan_file, nan);
  fails_with({photo_.string(), "--depth", nan_file.string()}, "NaN");
  fails_with({photo_.string(), "--model", (dir_ / "none.plx").string()},
             "none.plx");
  fails_with({photo_.string(), "--depth", depth_.string(), "--blades", "2"},
             "--blades");
  // One depth map cannot serve a folder of photos.
  fs::create_directories(dir_ / "two");
  WriteImage(dir_ / "two" / "a.png", image_);
  WriteImage(dir_ / "two" / "b.png", image_);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunCommand(RunDefocus,
                       {(dir_ / "two").string(), "--depth", depth_.string(),
                        "-o", (dir_ / "two_out").string()}),
            kExitUsage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find(
                "--depth is for one photo, but there are 2 images"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "two_out" / "a_defocus.png"));
  // The input is never the output.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunCommand(RunDefocus, {photo_.string(), "--depth", depth_.string(),
                                    "-o", photo_.string()}),
            kExitError);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(ReadImage(photo_, ReadMode::kColor8).size(), image_.size());
}

TEST_F(EffectsCommandTest, DefocusVideoKeepsFramesAndAudio) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path model = testing::SaveTinyModel(
      dir_ / "tiny.plx", {.train_width = 128, .train_height = 64});
  const fs::path video = dir_ / "in.mp4";
  testing::RunFfmpeg(fmt::format(
      "{} -frames:v 10 -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest {}",
      testing::TestSource(10 / 25.0 + 0.5), testing::Quote(video)));
  const fs::path out = dir_ / "out.mkv";
  ASSERT_EQ(
      RunCommand(RunDefocus, {video.string(), "--model", model.string(),
                              "--focus", "20,20", "--focus-track", "--preset",
                              "ultrafast", "-o", out.string()}),
      kExitOk);
  const VideoInfo in = ProbeVideo(video), info = ProbeVideo(out);
  EXPECT_EQ(info.width, in.width);
  EXPECT_EQ(info.height, in.height);
  EXPECT_EQ(info.audio_streams, 1);
  EXPECT_EQ(CountVideoFrames(out), 10);
  EXPECT_EQ(testing::ProbePackets(out, "a:0").count,
            testing::ProbePackets(video, "a:0").count);
}

// Interrupted and resumed, a defocused video is the very file an
// uninterrupted run writes: with a tracked focus (settled again in each
// segment's warm-up) and with a focus fixed at the first frame (carried
// across segments, so the resumed run does not measure it anew).
TEST_F(EffectsCommandTest, InterruptedDefocusVideoResumesToTheSameBytes) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path model = testing::SaveTinyModel(
      dir_ / "tiny.plx", {.train_width = 128, .train_height = 64});
  const fs::path video = dir_ / "in.mp4";
  testing::RunFfmpeg(fmt::format(
      "{} -frames:v 30 -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest {}",
      testing::TestSource(30 / 25.0 + 0.5), testing::Quote(video)));
  PredictorOptions predictor_options;
  predictor_options.device = "cpu";
  Predictor predictor(model, predictor_options);
  DefocusSettings settings;
  settings.focus_point = cv::Point(20, 20);
  for (const bool track : {false, true}) {
    SCOPED_TRACE(track ? "tracked focus" : "fixed focus");
    DefocusVideoOptions options;
    options.track = track;
    options.encode.preset = "medium";
    options.segment_frames = 8;
    options.warmup_frames = 4;
    options.show_progress = false;
    const fs::path straight = dir_ / "straight.mp4";
    const fs::path resumed = dir_ / "resumed.mp4";
    fs::remove(straight);
    fs::remove(resumed);
    DefocusVideo(video, straight, settings, predictor, options);

    options.on_frame = [](int64_t frames) {
      if (frames == 19) RequestInterrupt();
    };
    EXPECT_THROW(DefocusVideo(video, resumed, settings, predictor, options),
                 Cancelled);
    ClearInterrupt();
    EXPECT_FALSE(fs::exists(resumed));
    options.resume = true;
    int64_t encoded = 0;
    options.on_frame = [&](int64_t frames) { encoded = frames; };
    DefocusVideo(video, resumed, settings, predictor, options);
    EXPECT_EQ(encoded, 30 - 16);  // only the unfinished segments
    EXPECT_EQ(ReadFileBytes(resumed), ReadFileBytes(straight));
  }
}

TEST_F(EffectsCommandTest, ResumeKeepsFinishedOutputs) {
  fs::create_directories(dir_ / "in");
  WriteImage(dir_ / "in" / "a.png", image_);
  WriteImage(dir_ / "in" / "b.png", image_);
  const fs::path out = dir_ / "out";
  fs::create_directories(out);
  // "a" was finished before an interruption: a marker image stands for it.
  const cv::Mat marker(8, 8, CV_8UC3, cv::Scalar::all(7));
  WriteImage(out / "a_defocus.png", marker);
  ASSERT_EQ(RunCommand(RunDefocus, {(dir_ / "in").string(), "--resume", "-o",
                                    out.string(), "--depth-kind", "disparity",
                                    "--model", "none-needed.plx"}),
            kExitError);  // b needs the (missing) model: a is not redone
  EXPECT_EQ(ReadImage(out / "a_defocus.png", ReadMode::kColor8).size(),
            marker.size());
  EXPECT_FALSE(fs::exists(out / "b_defocus.png"));
}

TEST_F(EffectsCommandTest, FogThickensWithDepth) {
  const fs::path out = dir_ / "fog.png";
  ASSERT_EQ(RunCommand(RunFog,
                       {photo_.string(), "--depth", depth_.string(), "--color",
                        "#ffffff", "--density", "0.5", "-o", out.string()}),
            kExitOk);
  const cv::Mat result = ReadImage(out, ReadMode::kColor8);
  cv::Mat diff_front, diff_back;
  cv::absdiff(result(inside_), image_(inside_), diff_front);
  cv::absdiff(result(back_), image_(back_), diff_back);
  // The square is the nearest content (z = 1, where fog starts); the back
  // at four times the distance is fogged.
  EXPECT_LT(cv::mean(diff_front)[0], 1.0);
  EXPECT_GT(cv::mean(diff_back)[0], 20.0);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(
      RunCommand(RunFog, {photo_.string(), "--mode", "linear", "--near", "5",
                          "--far", "2", "-o", (dir_ / "bad.png").string()}),
      kExitUsage);
  ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(fs::exists(dir_ / "bad.png"));
}

// Fog on a video: every frame fogged, the audio kept; interrupted and
// resumed, the very bytes of an uninterrupted run (the fog's depth scale is
// settled again in each segment's warm-up frames).
TEST_F(EffectsCommandTest, FogVideoKeepsAudioAndResumesToTheSameBytes) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path model = testing::SaveTinyModel(
      dir_ / "tiny.plx", {.train_width = 128, .train_height = 64});
  const fs::path video = dir_ / "in.mp4";
  testing::RunFfmpeg(fmt::format(
      "{} -frames:v 30 -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest {}",
      testing::TestSource(30 / 25.0 + 0.5), testing::Quote(video)));
  const fs::path out = dir_ / "fog.mkv";
  ASSERT_EQ(RunCommand(RunFog, {video.string(), "--model", model.string(),
                                "--density", "0.8", "--preset", "ultrafast",
                                "-q", "-o", out.string()}),
            kExitOk);
  const VideoInfo in = ProbeVideo(video), info = ProbeVideo(out);
  EXPECT_EQ(info.width, in.width);
  EXPECT_EQ(info.height, in.height);
  EXPECT_EQ(info.audio_streams, 1);
  EXPECT_EQ(CountVideoFrames(out), 30);

  FogJobOptions job;
  job.depth.model = model;
  job.depth.device = "cpu";
  job.fog.density = 0.8;
  job.show_progress = false;
  job.video.segment_frames = 8;
  job.video.warmup_frames = 4;
  job.output = dir_ / "straight.mp4";
  RunFogJob({video.string()}, job, {});
  job.output = dir_ / "resumed.mp4";
  job.video.on_frame = [](int64_t frames) {
    if (frames == 19) RequestInterrupt();
  };
  EXPECT_THROW(RunFogJob({video.string()}, job, {}), Cancelled);
  ClearInterrupt();
  EXPECT_FALSE(fs::exists(job.output));
  job.existing = ExistingOutputs::kResume;
  int64_t encoded = 0;
  job.video.on_frame = [&](int64_t frames) { encoded = frames; };
  const EffectJobReport report = RunFogJob({video.string()}, job, {});
  EXPECT_EQ(encoded, 30 - 16);  // only the unfinished segments
  EXPECT_EQ(report.frames, 30 - 16);
  EXPECT_EQ(ReadFileBytes(job.output), ReadFileBytes(dir_ / "straight.mp4"));

  // A given depth map is for photos: an option error naming the flag.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunCommand(RunFog, {video.string(), "--depth", depth_.string(),
                                "-o", (dir_ / "given.mp4").string()}),
            kExitUsage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find(
                "--depth is for photos, not videos"),
            std::string::npos);
}

TEST_F(EffectsCommandTest, CompositeByDepthAndOffset) {
  const cv::Mat red(image_.size(), CV_8UC3, cv::Scalar(0, 0, 255));
  const fs::path fg = dir_ / "fg.png", fg_depth = dir_ / "fg.pfm";
  WriteImage(fg, red);
  WriteImage(fg_depth, cv::Mat(image_.size(), CV_32F, cv::Scalar(10)));
  const fs::path out = dir_ / "comp.png";
  ASSERT_EQ(RunComposite({fg.string(), photo_.string(), "--fg-depth",
                          fg_depth.string(), "--bg-depth", depth_.string(),
                          "--feather", "0", "-o", out.string()}),
            kExitOk);
  cv::Mat result = ReadImage(out, ReadMode::kColor8);
  // Red (at 10) covers the background (5) but not the square (20).
  EXPECT_EQ(result.at<cv::Vec3b>(10, 10), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(result.at<cv::Vec3b>(60, 80), image_.at<cv::Vec3b>(60, 80));
  // Moved nearer by 15 it passes in front of the square too.
  ASSERT_EQ(RunComposite({fg.string(), photo_.string(), "--fg-depth",
                          fg_depth.string(), "--bg-depth", depth_.string(),
                          "--fg-offset", "15", "--feather", "0", "-o",
                          out.string(), "--overwrite"}),
            kExitOk);
  result = ReadImage(out, ReadMode::kColor8);
  EXPECT_EQ(result.at<cv::Vec3b>(60, 80), cv::Vec3b(0, 0, 255));
  // A given map for one layer and an estimate for the other share no scale.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunComposite({fg.string(), photo_.string(), "--fg-depth",
                          fg_depth.string(), "-o", (dir_ / "y.png").string()}),
            kExitError);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("or neither"),
            std::string::npos);
  // Layers of two sizes are an error.
  const fs::path other = dir_ / "other.png";
  WriteImage(other, cv::Mat(50, 50, CV_8UC3, cv::Scalar::all(9)));
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunComposite({other.string(), photo_.string(), "-o",
                          (dir_ / "x.png").string()}),
            kExitError);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("one size"),
            std::string::npos);
}

TEST_F(EffectsCommandTest, HelpNamesTheControls) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunCommand(RunDefocus, {"--help"}), kExitOk);
  const std::string help = ::testing::internal::GetCapturedStdout();
  for (const char* flag :
       {"--focus", "--focus-depth", "--method", "--aperture", "--blades",
        "--highlights", "--depth-of-field", "--focus-track", "--save-depth"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace parallax
