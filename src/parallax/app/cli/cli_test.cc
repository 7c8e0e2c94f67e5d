// The subcommands run in-process on temporary folders (COLMAP style).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/app/cli/passive_openmp.h"
#include "parallax/model/checkpoint.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/testing.h"
#include "parallax/train/synthetic_stereo.h"
#include "parallax/train/trainer.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

int RunCommand(int (*command)(int, char**), std::vector<std::string> args) {
  return testing::RunCommandLine(command, std::move(args));
}

// Only the video jobs restart with passive OpenMP threads: photos and
// other commands keep their start-up time.
TEST(Cli, VideoJobsAreTheOnesThatRestartWithPassiveOpenMp) {
  const auto video_job = [](std::vector<const char*> args) {
    args.insert(args.begin(), "parallax");
    return IsVideoJob(static_cast<int>(args.size()), args.data());
  };
  EXPECT_TRUE(video_job({"stereo", "film.mkv", "-o", "sbs.mp4"}));
  EXPECT_TRUE(video_job({"stereo", "-q", "clip.MP4", "-o", "frames"}));
  EXPECT_TRUE(video_job({"depth", "clip.mp4", "-o", "depth.mp4"}));
  EXPECT_TRUE(video_job({"depth", "clip.mp4", "--output", "depth.mkv"}));
  // Depth to frames: its network dominates, spinning threads serve it.
  EXPECT_FALSE(video_job({"depth", "clip.mp4", "-o", "frames"}));
  EXPECT_TRUE(video_job({"fog", "clip.mov", "-o", "misty.mov"}));
  EXPECT_TRUE(video_job({"defocus", "clip.webm", "-o", "soft.webm"}));
  EXPECT_FALSE(video_job({"stereo", "photo.jpg", "-o", "sbs.png"}));
  EXPECT_FALSE(video_job({"depth", "folder", "-o", "out"}));
  EXPECT_FALSE(video_job({"eval", "film.mkv"}));
  EXPECT_FALSE(video_job({"train", "--data", "pairs.mp4"}));
  EXPECT_FALSE(video_job({"stereo"}));
}

// A job writing a video leaves cores to its other stages: the network gets
// one thread on this 2-core machine, never more than half the cores.
TEST(Cli, VideoJobsGiveTheNetworkFewerThreads) {
  const int threads = VideoJobNetworkThreads();
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_GE(threads, 1);
  EXPECT_LE(threads, std::max(1, cores / 2));
  PredictorOptions video, frames, chosen;
  UseVideoJobThreads("sbs.MKV", &video);
  EXPECT_EQ(video.threads, threads);
  UseVideoJobThreads("frames", &frames);
  EXPECT_EQ(frames.threads, 0);  // all cores, as before
  chosen.threads = 3;
  UseVideoJobThreads("out.mp4", &chosen);
  EXPECT_EQ(chosen.threads, 3);
}

TEST(Cli, HelpSucceedsAndBadFlagsAreUsageErrors) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunCommand(RunTrain, {"--help"}), kExitOk);
  const std::string help = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(help.find("--disparity-mode"), std::string::npos);
  EXPECT_NE(help.find("--device"), std::string::npos);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunCommand(RunTrain, {"--out", "x", "--no-such-flag"}), kExitUsage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("error:"),
            std::string::npos);
  EXPECT_EQ(RunCommand(RunModelInfo, {"--help"}), kExitOk);
  EXPECT_EQ(RunCommand(RunScan, {"--help"}), kExitOk);
  EXPECT_EQ(RunCommand(RunModelAverage, {"--help"}), kExitOk);
}

TEST(Cli, MissingDataIsANamedError) {
  testing::TempDir dir;
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunCommand(RunTrain, {"--data", (dir / "nope").string(), "--out",
                                  (dir / "run").string(), "--steps", "2"}),
            kExitError);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("error:"), std::string::npos);
  EXPECT_NE(err.find("nope"), std::string::npos) << err;
}

TEST(Cli, BadValuesAreNamedErrors) {
  testing::TempDir dir;
  testing::WriteTwoPlaneDataset(dir / "data", 2, {128, 64}, 3, 1);
  const std::string data = (dir / "data").string();
  const std::string out = (dir / "run").string();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunCommand(RunTrain, {"--data", data, "--out", out, "--steps", "2",
                                  "--arch", "alexnet"}),
            kExitError);
  EXPECT_EQ(RunCommand(RunTrain, {"--data", data, "--out", out, "--steps", "2",
                                  "--size", "512"}),
            kExitError);
  EXPECT_EQ(RunCommand(RunTrain, {"--data", data, "--out", out, "--steps", "2",
                                  "--device", "tpu"}),
            kExitError);
  EXPECT_EQ(RunCommand(RunModelInfo, {(dir / "none.plx").string()}),
            kExitError);
  // Switched off by --no-augment, so asking for both is an error.
  EXPECT_EQ(RunCommand(RunTrain, {"--data", data, "--out", out, "--steps", "2",
                                  "--no-augment", "--channel-shuffle", "0.5"}),
            kExitUsage);
  EXPECT_EQ(RunCommand(RunTrain, {"--data", data, "--out", out, "--steps", "2",
                                  "--channel-shuffle", "1.5"}),
            kExitUsage);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("--no-augment turns off --channel-shuffle"),
            std::string::npos)
      << err;
  EXPECT_FALSE(fs::exists(dir / "run/checkpoint.plx"));
  EXPECT_NE(err.find("alexnet"), std::string::npos);
  EXPECT_NE(err.find("--size"), std::string::npos);
  EXPECT_NE(err.find("none.plx"), std::string::npos);
}

TEST(Cli, TrainResumeScanAndModelInfo) {
  testing::TempDir dir;
  testing::WriteTwoPlaneDataset(dir / "data", 3, {128, 64}, 3, 1);
  const std::string out = (dir / "run").string();
  const std::vector<std::string> common = {
      "--size", "128x64",  "--width-mult", "0.125", "--batch",
      "2",      "--quiet", "--device",     "cpu"};
  std::vector<std::string> args = {"--data",
                                   (dir / "data").string() + ":2",
                                   "--out",
                                   out,
                                   "--steps",
                                   "2",
                                   "--disparity-mode",
                                   "signed"};
  args.insert(args.end(), common.begin(), common.end());
  EXPECT_EQ(RunCommand(RunTrain, args), kExitOk);
  EXPECT_EQ(LoadModel(CheckpointPath(out)).metadata["step"], 2);
  // A second start in the same folder is refused; --resume continues.
  EXPECT_EQ(RunCommand(RunTrain, args), kExitError);
  EXPECT_EQ(RunCommand(RunTrain,
                       {"--out", out, "--resume", "--steps", "4", "--quiet"}),
            kExitOk);
  const LoadedModel model = LoadModel(ModelPath(out));
  EXPECT_EQ(model.metadata["step"], 4);
  EXPECT_EQ(model.config.disparity_mode, DisparityMode::kSigned);
  EXPECT_DOUBLE_EQ(model.config.max_disparity, 0.1);  // signed default

  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunCommand(RunModelInfo, {ModelPath(out).string()}), kExitOk);
  EXPECT_EQ(RunCommand(RunScan, {(dir / "data").string()}), kExitOk);
  const std::string printed = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(printed.find("signed"), std::string::npos) << printed;
  EXPECT_NE(printed.find("3 pairs"), std::string::npos) << printed;

  // The run's checkpoint and its model average into a float16 model that
  // records its sources; an input is never overwritten.
  const std::string soup = (dir / "soup.plx").string();
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunCommand(RunModelAverage,
                       {ModelPath(out).string(), CheckpointPath(out).string(),
                        "-o", soup, "--weights", "3,1"}),
            kExitOk);
  ::testing::internal::GetCapturedStdout();
  const LoadedModel averaged = LoadModel(soup);
  EXPECT_EQ(averaged.config.disparity_mode, DisparityMode::kSigned);
  EXPECT_DOUBLE_EQ(averaged.metadata["averaged_from"][0]["weight"], 0.75);
  EXPECT_LT(fs::file_size(soup), fs::file_size(ModelPath(out)) * 0.6);
  const auto before = fs::last_write_time(ModelPath(out));
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunCommand(RunModelAverage, {ModelPath(out).string(), soup, "-o",
                                         ModelPath(out).string()}),
            kExitError);
  EXPECT_EQ(RunCommand(RunModelAverage, {soup, "-o", soup + "2"}),
            kExitUsage);  // one model is not an average
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("refusing to overwrite"), std::string::npos) << err;
  EXPECT_EQ(fs::last_write_time(ModelPath(out)), before);
}

// The path a user with no 3D film takes to a 7-channel signed model: a
// synthetic 3D film (half side by side, letterboxed, with sound) made by
// `synth --sequence`, turned into a dataset by `extract --flow dis`, and
// trained on with the flow channels; and the film's own frame folders,
// with their exact flow, trained on directly.
TEST(Cli, SyntheticFilmToExtractToSevenChannelSignedTraining) {
  testing::TempDir dir;
  const std::string film = (dir / "film.mkv").string();
  ASSERT_EQ(RunCommand(RunSynth, {"--sequence",
                                  "--out",
                                  (dir / "frames").string(),
                                  "--count",
                                  "3",
                                  "--shot-frames",
                                  "12",
                                  "--size",
                                  "320x180",
                                  "--letterbox",
                                  "2.39",
                                  "--rig",
                                  "converging",
                                  "--world",
                                  "outdoor",
                                  "--max-disparity",
                                  "0.05",
                                  "--video",
                                  film,
                                  "--layout",
                                  "hsbs",
                                  "--seed",
                                  "11",
                                  "-q"}),
            kExitOk);
  ASSERT_TRUE(fs::exists(film));
  // A second run refuses to replace the film unless told.
  ::testing::internal::CaptureStderr();
  EXPECT_NE(
      RunCommand(RunSynth, {"--sequence", "--out", (dir / "frames").string(),
                            "--count", "3", "--video", film, "-q"}),
      kExitOk);
  ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(
      RunCommand(RunExtract,
                 {film, "-o", (dir / "data").string(), "--every", "3", "--size",
                  "256x96", "--flow", "dis", "--val-fraction", "0",
                  "--min-matches", "8", "--min-texture", "0.1", "-q"}),
      kExitOk);
  const std::vector<std::string> train = {"--steps",
                                          "2",
                                          "--size",
                                          "128x64",
                                          "--width-mult",
                                          "0.125",
                                          "--batch",
                                          "2",
                                          "--quiet",
                                          "--device",
                                          "cpu",
                                          "--input-channels",
                                          "7",
                                          "--disparity-mode",
                                          "signed"};
  for (const std::string& data :
       {(dir / "data/train").string(), (dir / "frames").string()}) {
    std::vector<std::string> args = {"--data", data, "--out", data + "_model"};
    args.insert(args.end(), train.begin(), train.end());
    EXPECT_EQ(RunCommand(RunTrain, args), kExitOk) << data;
    EXPECT_TRUE(fs::exists(ModelPath(data + "_model"))) << data;
  }
}

}  // namespace
}  // namespace parallax
