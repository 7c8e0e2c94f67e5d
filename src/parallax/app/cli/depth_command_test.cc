// `parallax depth` end to end, in-process, on a tiny random model: sizes,
// counts, formats, audio kept, partial failures and resume.
#include <sys/stat.h>

#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/io/image_io.h"
#include "parallax/io/video_info.h"
#include "parallax/io/video_test_util.h"
#include "parallax/jobs/depth_job.h"
#include "parallax/jobs/segmented_video.h"
#include "parallax/model/checkpoint.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/tiny_model.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/interrupt.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

int RunDepthArgs(std::vector<std::string> args) {
  args.push_back("--quiet");
  return testing::RunCommandLine(RunDepth, std::move(args), "parallax-depth");
}

class DepthCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { model_ = SaveTinyModel(3); }

  fs::path SaveTinyModel(int input_channels) {
    return testing::SaveTinyModel(
        dir_ / ("tiny" + std::to_string(input_channels) + ".plx"),
        {.input_channels = input_channels});
  }

  fs::path WriteImage(const std::string& name, cv::Size size) {
    cv::Mat image(size, CV_8UC3);
    cv::randu(image, 0, 255);
    cv::GaussianBlur(image, image, {0, 0}, 1.5);
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    parallax::WriteImage(path, image);
    return path;
  }

  fs::path MakeVideo(const std::string& name, int frames) {
    const fs::path path = dir_ / name;
    testing::RunFfmpeg(fmt::format(
        "{} -frames:v {} -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest {}",
        testing::TestSource(frames / 25.0 + 0.5), frames,
        testing::Quote(path)));
    return path;
  }

  testing::TempDir dir_;
  fs::path model_;
};

TEST_F(DepthCommandTest, ImageToFloatMapAtInputResolution) {
  const fs::path image = WriteImage("photo.png", {333, 187});
  for (const std::string ext : {"pfm", "npy", "exr"}) {
    if (ext == "exr" && !ExrSupported()) continue;
    const fs::path out = dir_ / ("photo_disp." + ext);
    ASSERT_EQ(RunDepthArgs({image.string(), "-o", out.string(), "--model",
                            model_.string(), "--device", "cpu"}),
              kExitOk)
        << ext;
    const cv::Mat disparity = ReadImage(out, ReadMode::kFloat1);
    EXPECT_EQ(disparity.size(), cv::Size(333, 187));
    EXPECT_TRUE(cv::checkRange(disparity));
    double low = 0, high = 0;
    cv::minMaxLoc(disparity, &low, &high);
    EXPECT_GE(low, 0.0);
    EXPECT_LE(high, 0.3 * 333 + 1e-3);
  }
}

TEST_F(DepthCommandTest, NetSizeChangesTheNetworkInputOnly) {
  const fs::path image = WriteImage("photo.png", {333, 187});
  const fs::path small = dir_ / "small.pfm", large = dir_ / "large.pfm";
  ASSERT_EQ(RunDepthArgs({image.string(), "-o", small.string(), "--model",
                          model_.string(), "--net-size", "128x64"}),
            kExitOk);
  ASSERT_EQ(RunDepthArgs({image.string(), "-o", large.string(), "--model",
                          model_.string(), "--net-size", "512x256"}),
            kExitOk);
  const cv::Mat a = ReadImage(small, ReadMode::kFloat1);
  const cv::Mat b = ReadImage(large, ReadMode::kFloat1);
  EXPECT_EQ(a.size(), cv::Size(333, 187));
  EXPECT_EQ(b.size(), cv::Size(333, 187));
  EXPECT_GT(cv::norm(a, b, cv::NORM_INF), 0.0);  // another network input
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({image.string(), "-o", small.string(), "--model",
                          model_.string(), "--net-size", "wide"}),
            kExitUsage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("--net-size"),
            std::string::npos);
}

TEST_F(DepthCommandTest, PngIsSixteenBitAndColormapIsAnEightBitPreview) {
  const fs::path image = WriteImage("photo.jpg", {200, 120});
  const fs::path png = dir_ / "d.png", preview = dir_ / "p.png";
  ASSERT_EQ(RunDepthArgs({image.string(), "-o", png.string(), "--model",
                          model_.string()}),
            kExitOk);
  const cv::Mat sixteen = ReadImage(png, ReadMode::kUnchanged);
  EXPECT_EQ(sixteen.type(), CV_16UC1);
  EXPECT_EQ(sixteen.size(), cv::Size(200, 120));
  ASSERT_EQ(RunDepthArgs({image.string(), "-o", preview.string(), "--model",
                          model_.string(), "--colormap", "turbo", "--pp"}),
            kExitOk);
  const cv::Mat colour = ReadImage(preview, ReadMode::kUnchanged);
  EXPECT_EQ(colour.type(), CV_8UC3);
}

TEST_F(DepthCommandTest, BatchWithABadFileDoesTheRestAndFails) {
  WriteImage("album/a.png", {160, 90});
  WriteImage("album/sub/b.png", {120, 160});
  std::ofstream(dir_ / "album" / "broken.jpg") << "not a jpeg";
  const fs::path out = dir_ / "depth";
  ::testing::internal::CaptureStderr();
  const int code =
      RunDepthArgs({(dir_ / "album").string(), "--recursive", "-o",
                    out.string(), "--model", model_.string(), "--batch", "2"});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, kExitError);
  EXPECT_NE(err.find("broken.jpg"), std::string::npos) << err;
  EXPECT_TRUE(fs::exists(out / "a_disp.png"));
  EXPECT_TRUE(fs::exists(out / "sub" / "b_disp.png"));
  EXPECT_FALSE(fs::exists(out / "broken_disp.png"));
}

TEST_F(DepthCommandTest, VideoToVideoKeepsFramesRateAndAudio) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path video = MakeVideo("clip.mp4", 12);
  const fs::path out = dir_ / "clip_depth.mp4";
  ASSERT_EQ(RunDepthArgs({video.string(), "-o", out.string(), "--model",
                          model_.string(), "--batch", "4", "--colormap",
                          "inferno", "--preset", "ultrafast"}),
            kExitOk);
  const VideoInfo in = ProbeVideo(video), info = ProbeVideo(out);
  EXPECT_EQ(CountVideoFrames(out), CountVideoFrames(video));
  EXPECT_EQ(info.width, in.width);
  EXPECT_EQ(info.height, in.height);
  EXPECT_NEAR(info.frame_rate.value(), in.frame_rate.value(), 1e-6);
  EXPECT_EQ(info.audio_streams, 1);
  const testing::PacketTimes audio_in = testing::ProbePackets(video, "a:0");
  const testing::PacketTimes audio_out = testing::ProbePackets(out, "a:0");
  EXPECT_EQ(audio_out.count, audio_in.count);

  // The flicker is measured only when asked for, and then reported.
  const fs::path again = dir_ / "clip_depth_flicker.mp4";
  for (const bool flicker : {false, true}) {
    std::vector<std::string> args = {
        video.string(),  "-o",       again.string(), "--model",
        model_.string(), "--preset", "ultrafast",    "--overwrite"};
    if (flicker) args.push_back("--flicker");
    ::testing::internal::CaptureStderr();
    ASSERT_EQ(RunDepthArgs(args), kExitOk);
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(err.find("% raw, ") != std::string::npos, flicker) << err;
  }
  // Without --quiet: where the time went, per stage.
  ::testing::internal::CaptureStderr();
  ASSERT_EQ(testing::RunCommandLine(
                RunDepth,
                {video.string(), "-o", again.string(), "--model",
                 model_.string(), "--preset", "ultrafast", "--overwrite"},
                "parallax-depth"),
            kExitOk);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("per video frame, each stage busy: decode "),
            std::string::npos)
      << err;
}

// Depth maps are encoded with x264's superfast preset at CRF 18, tuned for
// PSNR, unless the flags say otherwise (x264 writes its settings into the
// stream: superfast is subme=1, medium subme=7; the PSNR tuning turns psy
// off).
TEST_F(DepthCommandTest, DepthVideoEncodesFastUnlessAskedOtherwise) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path video = MakeVideo("short.mp4", 3);
  const auto encoder_settings = [&](std::vector<std::string> flags) {
    const fs::path out = dir_ / "short_depth.mp4";
    std::vector<std::string> args = {video.string(),  "-o",
                                     out.string(),    "--model",
                                     model_.string(), "--overwrite"};
    args.insert(args.end(), flags.begin(), flags.end());
    EXPECT_EQ(RunDepthArgs(args), kExitOk);
    std::ifstream in(out, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string fast = encoder_settings({});
  EXPECT_NE(fast.find("crf=18.0"), std::string::npos);
  EXPECT_NE(fast.find(" subme=1 "), std::string::npos);
  EXPECT_NE(fast.find(" psy=0 "), std::string::npos);
  const std::string asked =
      encoder_settings({"--preset", "medium", "--crf", "17", "--tune", ""});
  EXPECT_NE(asked.find("crf=17.0"), std::string::npos);
  EXPECT_NE(asked.find(" subme=7 "), std::string::npos);
  EXPECT_NE(asked.find(" psy=1 "), std::string::npos);
}

TEST_F(DepthCommandTest, VideoToFolderWithRangeAndResume) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path video = MakeVideo("shot.mkv", 10);
  const fs::path out = dir_ / "frames";
  const std::vector<std::string> args = {video.string(),
                                         "-o",
                                         out.string(),
                                         "--model",
                                         model_.string(),
                                         "--format",
                                         "pfm",
                                         "--start",
                                         "2",
                                         "--end",
                                         "8",
                                         "--temporal",
                                         "flow"};
  ASSERT_EQ(RunDepthArgs(args), kExitOk);
  for (int i = 0; i < 10; ++i) {
    const fs::path frame = out / fmt::format("shot_{:06d}_disp.pfm", i);
    EXPECT_EQ(fs::exists(frame), i >= 2 && i < 8) << i;
  }
  // Resume rewrites only what is missing.
  const fs::path kept = out / "shot_000002_disp.pfm";
  const auto kept_time = fs::last_write_time(kept);
  fs::remove(out / "shot_000006_disp.pfm");
  fs::remove(out / "shot_000007_disp.pfm");
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  ASSERT_EQ(RunDepthArgs(resume), kExitOk);
  EXPECT_TRUE(fs::exists(out / "shot_000006_disp.pfm"));
  EXPECT_TRUE(fs::exists(out / "shot_000007_disp.pfm"));
  EXPECT_EQ(fs::last_write_time(kept), kept_time);
  EXPECT_EQ(ReadImage(out / "shot_000007_disp.pfm", ReadMode::kFloat1).size(),
            cv::Size(160, 96));
}

std::string FileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A resumed frame folder is byte-identical to an uninterrupted run, also
// past segment boundaries (frames are written in segments, 240 by default,
// with a fresh, warmed-up stabiliser each).
TEST_F(DepthCommandTest, ResumedFrameFolderIsByteIdentical) {
  for (int i = 0; i < 36; ++i) {
    WriteImage(fmt::format("long/f_{:04d}.png", i), {64, 48});
  }
  const std::string pattern = (dir_ / "long" / "f_%04d.png").string();
  const fs::path whole = dir_ / "whole", resumed = dir_ / "resumed";
  for (const fs::path& out : {whole, resumed}) {
    ASSERT_EQ(
        RunDepthArgs({pattern, "-o", out.string(), "--model", model_.string(),
                      "--format", "pfm", "--quiet", "--segment-frames", "12"}),
        kExitOk);
  }
  // An interruption in the second segment and a hole in the first.
  for (int i : {3, 4, 21, 25, 35}) {
    fs::remove(resumed / fmt::format("f_{:04d}_disp.pfm", i));
  }
  ASSERT_EQ(RunDepthArgs({pattern, "-o", resumed.string(), "--model",
                          model_.string(), "--format", "pfm", "--quiet",
                          "--resume", "--segment-frames", "12"}),
            kExitOk);
  for (int i = 0; i < 36; ++i) {
    const std::string name = fmt::format("f_{:04d}_disp.pfm", i);
    ASSERT_TRUE(fs::exists(resumed / name)) << name;
    EXPECT_EQ(FileBytes(resumed / name), FileBytes(whole / name)) << name;
  }
}

// A depth video stopped part way (Ctrl-C, kill -9) continues with --resume
// from its last closed segment and ends as the very file an uninterrupted
// run writes; a resume with another network size is refused, since it would
// join frames predicted at two sizes.
TEST_F(DepthCommandTest, InterruptedDepthVideoResumesToTheSameBytes) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path video = MakeVideo("film.mp4", 30);
  MediaInputOptions scan;
  const std::vector<MediaInput> inputs =
      ExpandMediaInputs({video.string()}, scan).inputs;
  ASSERT_EQ(inputs.size(), 1u);
  PredictorOptions predictor_options;
  predictor_options.device = "cpu";
  Predictor predictor(model_, predictor_options);
  DepthJobOptions options;
  options.file.colormap = Colormap::kTurbo;
  options.encode.preset = "medium";
  options.segment_frames = 8;
  options.show_progress = false;
  options.model_id = ModelFileSettings(model_);

  options.output = dir_ / "straight.mp4";
  ASSERT_TRUE(RunDepthJob(inputs, predictor, options).failures.empty());

  options.output = dir_ / "resumed.mp4";
  options.on_frame = [](int64_t frames) {
    if (frames == 19) RequestInterrupt();
  };
  EXPECT_THROW(RunDepthJob(inputs, predictor, options), Cancelled);
  ClearInterrupt();
  EXPECT_FALSE(fs::exists(options.output));
  const fs::path parts = VideoPartsFolder(options.output);
  EXPECT_TRUE(fs::exists(parts / "seg_000001.mp4"));
  EXPECT_FALSE(fs::exists(parts / "seg_000002.mp4"));

  options.on_frame = nullptr;
  options.resume = true;
  PredictorOptions other_size = predictor_options;
  other_size.target_pixels = 96 * 64;
  Predictor resized(model_, other_size);
  // The refusal names the option as the front end does: here as a flag.
  JobControl as_flags;
  as_flags.option_name = [](std::string_view field) {
    return "--" + std::string(field);
  };
  const DepthJobReport refused =
      RunDepthJob(inputs, resized, options, as_flags);
  ASSERT_EQ(refused.failures.size(), 1u);
  EXPECT_NE(refused.failures[0].find("other settings"), std::string::npos);
  EXPECT_NE(refused.failures[0].find("run without --resume"), std::string::npos)
      << refused.failures[0];

  int64_t encoded = 0;
  options.on_frame = [&](int64_t frames) { encoded = frames; };
  const DepthJobReport report = RunDepthJob(inputs, predictor, options);
  EXPECT_TRUE(report.failures.empty());
  EXPECT_EQ(encoded, 30 - 16);  // only the unfinished segments
  EXPECT_FALSE(fs::exists(parts));
  EXPECT_EQ(FileBytes(options.output), FileBytes(dir_ / "straight.mp4"));
  EXPECT_EQ(CountVideoFrames(options.output), 30);
}

// Outputs that exist are never replaced without --overwrite (or kept with
// --resume); the refusal names the file and both flags and writes nothing.
TEST_F(DepthCommandTest, ExistingOutputIsRefusedUnlessOverwriteOrResume) {
  const fs::path image = WriteImage("photo.png", {64, 64});
  const fs::path out = dir_ / "theirs.png";
  WriteFileAtomic(out, std::string("someone else's file"));
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({image.string(), "-o", out.string(), "--model",
                          model_.string()}),
            kExitError);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(out.string()), std::string::npos) << err;
  EXPECT_NE(err.find("--overwrite"), std::string::npos) << err;
  EXPECT_NE(err.find("--resume"), std::string::npos) << err;
  EXPECT_EQ(FileBytes(out), "someone else's file");
  EXPECT_EQ(RunDepthArgs({image.string(), "-o", out.string(), "--model",
                          model_.string(), "--resume", "--quiet"}),
            kExitOk);
  EXPECT_EQ(FileBytes(out), "someone else's file");
  EXPECT_EQ(RunDepthArgs({image.string(), "-o", out.string(), "--model",
                          model_.string(), "--overwrite", "--quiet"}),
            kExitOk);
  EXPECT_EQ(ReadImage(out, ReadMode::kFloat1).size(), cv::Size(64, 64));
  // Both flags at once is a usage error.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({image.string(), "-o", out.string(), "--model",
                          model_.string(), "--overwrite", "--resume"}),
            kExitUsage);
  ::testing::internal::GetCapturedStderr();
}

// A directory, a FIFO or a too-elongated image is a one-line error naming
// the input, without a large allocation.
TEST_F(DepthCommandTest, UnreadableInputsAreNamedOneLineErrors) {
  const fs::path fifo = dir_ / "fifo.png";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({fifo.string(), "-o", (dir_ / "o.png").string(),
                          "--model", model_.string(), "--quiet"}),
            kExitError);
  EXPECT_NE(
      ::testing::internal::GetCapturedStderr().find("fifo.png: is a FIFO"),
      std::string::npos);
  const fs::path sliver = WriteImage("sliver.png", {1, 5000});
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({sliver.string(), "-o", (dir_ / "s.png").string(),
                          "--model", model_.string(), "--quiet"}),
            kExitError);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("sliver.png: "), std::string::npos) << err;
  EXPECT_NE(err.find("too elongated"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir_ / "s.png"));
}

TEST_F(DepthCommandTest, SequenceWithSevenChannelModelToVideo) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path model7 = SaveTinyModel(7);
  for (int i = 1; i <= 5; ++i) {
    WriteImage(fmt::format("seq/f_{:03d}.png", i), {128, 72});
  }
  const fs::path out = dir_ / "seq.mkv";
  ASSERT_EQ(RunDepthArgs({(dir_ / "seq" / "f_%03d.png").string(), "-o",
                          out.string(), "--model", model7.string(), "--codec",
                          "ffv1", "--fps", "12", "--batch", "2"}),
            kExitOk);
  EXPECT_EQ(CountVideoFrames(out), 5);
  const VideoInfo info = ProbeVideo(out);
  EXPECT_NEAR(info.frame_rate.value(), 12.0, 1e-3);
  EXPECT_EQ(info.bits_per_component, 16);
}

TEST_F(DepthCommandTest, TimeRangeResumeAndFinishedVideoIsSkipped) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path video = MakeVideo("walk.mp4", 12);
  const fs::path out = dir_ / "walk";
  // 0.2 s at 25 frames/s is frame 5; the end is left open.
  const std::vector<std::string> args = {
      video.string(), "-o",  out.string(), "--model", model_.string(),
      "--format",     "npy", "--start",    "0.2s"};
  ASSERT_EQ(RunDepthArgs(args), kExitOk);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(fs::exists(out / fmt::format("walk_{:06d}_disp.npy", i)), i >= 5)
        << i;
  }
  const fs::path kept = out / "walk_000005_disp.npy";
  const auto kept_time = fs::last_write_time(kept);
  fs::remove(out / "walk_000011_disp.npy");
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  ASSERT_EQ(RunDepthArgs(resume), kExitOk);
  EXPECT_TRUE(fs::exists(out / "walk_000011_disp.npy"));
  EXPECT_EQ(fs::last_write_time(kept), kept_time);

  // A finished video output is complete by construction (it is renamed
  // into place at the end), so --resume leaves it alone.
  const fs::path mp4 = dir_ / "walk_depth.mp4";
  const std::vector<std::string> to_video = {
      video.string(),  "-o",       mp4.string(), "--model",
      model_.string(), "--preset", "ultrafast"};
  ASSERT_EQ(RunDepthArgs(to_video), kExitOk);
  const auto video_time = fs::last_write_time(mp4);
  std::vector<std::string> again = to_video;
  again.push_back("--resume");
  ::testing::internal::CaptureStderr();
  ASSERT_EQ(RunDepthArgs(again), kExitOk);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("skipped"),
            std::string::npos);
  EXPECT_EQ(fs::last_write_time(mp4), video_time);
}

TEST_F(DepthCommandTest, TruncatedVideoKeepsTheFramesBeforeTheBreak) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path video = dir_ / "cut.mp4";
  testing::RunFfmpeg(fmt::format(
      "{} -frames:v 60 -c:v libx264 -g 10 -pix_fmt yuv420p -c:a aac "
      "-shortest -movflags +faststart {}",
      testing::TestSource(60 / 25.0 + 0.5), testing::Quote(video)));
  fs::resize_file(video, fs::file_size(video) * 6 / 10);
  const fs::path out = dir_ / "cut_depth.mkv";
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({video.string(), "-o", out.string(), "--model",
                          model_.string(), "--codec", "ffv1"}),
            kExitError);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("cut.mp4"), std::string::npos) << err;
  EXPECT_NE(err.find("at frame"), std::string::npos) << err;
  // Everything decoded before the break is in the output, audio cut to it.
  ASSERT_TRUE(fs::exists(out)) << err;
  const int64_t frames = CountVideoFrames(out);
  EXPECT_GT(frames, 10);
  EXPECT_LT(frames, 60);
  const VideoInfo info = ProbeVideo(out);
  EXPECT_EQ(info.audio_streams, 1);
  EXPECT_LT(info.duration_s, frames / 25.0 + 0.15);
}

TEST_F(DepthCommandTest, EvalPredictsWithTheModelThenScores) {
  // A generic ground-truth scene: S.png beside S_gt.pfm.
  const fs::path gt = dir_ / "gt";
  fs::create_directories(gt);
  const fs::path left = WriteImage("gt/wall.png", {96, 64});
  cv::Mat disparity(64, 96, CV_32FC1);
  for (int y = 0; y < 64; ++y) disparity.row(y).setTo(4.0 + 0.25 * y);
  parallax::WriteImage(gt / "wall_gt.pfm", disparity);
  const fs::path json_path = dir_ / "scores.json";
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(
      testing::RunCommandLine(RunEval,
                              {"--gt", gt.string(), "--model", model_.string(),
                               "--json", json_path.string(), "--quiet"},
                              "parallax-eval"),
      kExitOk);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("wall"), std::string::npos) << out;
  std::ifstream in(json_path);
  const std::string json((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"scene_count\": 1"), std::string::npos) << json;
  EXPECT_NE(json.find(model_.filename().string()), std::string::npos) << json;
  EXPECT_NE(json.find("abs_rel"), std::string::npos) << json;
  EXPECT_EQ(json.find("NaN"), std::string::npos) << json;
}

TEST_F(DepthCommandTest, ClearErrors) {
  const fs::path image = WriteImage("photo.png", {64, 64});
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({image.string(), "-o", (dir_ / "x.pfm").string(),
                          "--model", (dir_ / "none.plx").string()}),
            kExitError);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("none.plx"),
            std::string::npos);
  // Output over the input is refused.
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({image.string(), "-o", image.string(), "--model",
                          model_.string()}),
            kExitError);
  ::testing::internal::GetCapturedStderr();
  // A single-file output for two inputs.
  const fs::path other = WriteImage("other.png", {64, 64});
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(
      RunDepthArgs({image.string(), other.string(), "-o",
                    (dir_ / "one.png").string(), "--model", model_.string()}),
      kExitUsage);
  ::testing::internal::GetCapturedStderr();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunDepthArgs({image.string(), "-o", (dir_ / "d.png").string(),
                          "--colormap", "rainbow", "--model", model_.string()}),
            kExitUsage);
  ::testing::internal::GetCapturedStderr();
}

}  // namespace
}  // namespace parallax
