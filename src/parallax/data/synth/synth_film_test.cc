#include "parallax/data/synth/synth_film.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/data/stereo_dataset.h"
#include "parallax/io/image_io.h"
#include "parallax/io/video_reader.h"
#include "parallax/io/video_test_util.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax::synth {
namespace {

namespace fs = std::filesystem;

const TextureBank& Bank() {
  static const TextureBank bank = TextureBank::Procedural(6, 7);
  return bank;
}

// Two shots of six frames, 192x108 views with a 2.39:1 picture (192x80
// between 14-row bars), half side by side with a soundtrack.
SynthFilmOptions SmallFilm(const fs::path& dir) {
  SynthFilmOptions options;
  options.out = dir / "film";
  options.shots = 2;
  options.seed = 7;
  options.shot.frames = 6;
  options.shot.scene.rig = RigMode::kConverging;
  options.shot.scene.max_disparity = 0.08f;
  options.shot.mover_probability = 1;
  options.size = {192, 108};
  options.picture_aspect = 2.39f;
  options.threads = 2;
  options.video = dir / "film.mkv";
  options.half = true;
  return options;
}

std::string Bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(SynthFilm, WritesTrainableShotsAndAPackedVideoWithSound) {
  testing::TempDir dir;
  const SynthFilmOptions options = SmallFilm(dir.path());
  EXPECT_EQ(PictureArea(options.size, options.picture_aspect),
            cv::Rect(0, 14, 192, 80));
  const SynthFilmReport report = RunSynthFilm(options, Bank());
  EXPECT_EQ(report.frames_written, 12);
  EXPECT_EQ(report.video_frames, 12);

  // Frame folders: `parallax train` finds 12 pairs in two sequences, each
  // with both views' ground truth; the exact flow is not taken for input.
  const StereoDataset dataset = ScanStereoDataset(options.out);
  ASSERT_EQ(dataset.pairs.size(), 12u);
  for (const StereoPairSource& pair : dataset.pairs) {
    EXPECT_FALSE(pair.gt_disparity.empty());
    EXPECT_FALSE(pair.gt_disparity_right.empty());
    EXPECT_TRUE(pair.flow_left.empty());
    EXPECT_EQ(pair.sequence_length, 6);
  }
  EXPECT_NE(dataset.pairs[0].sequence, dataset.pairs[6].sequence);
  // No flow across the ends of a shot; the flow to the next frame of one
  // frame is, negated, about the flow back from the next one.
  const fs::path shot = ShotFolder(options.out, 0);
  const auto [first_back, first_next] =
      ReadStoredFlow(shot / "gt_flow_left/000000.exr", {192, 80});
  const auto [last_back, last_next] =
      ReadStoredFlow(shot / "gt_flow_left/000005.exr", {192, 80});
  EXPECT_EQ(cv::countNonZero(first_back.reshape(1)), 0);
  EXPECT_EQ(cv::countNonZero(last_next.reshape(1)), 0);
  EXPECT_GT(cv::norm(first_next, cv::NORM_L1), 0);
  const nlohmann::json meta =
      nlohmann::json::parse(Bytes(shot / "meta/000003.json"));
  EXPECT_EQ(meta["film_frame"], 3);
  EXPECT_EQ(meta["rig"]["type"], "converging");
  const nlohmann::json film =
      nlohmann::json::parse(Bytes(options.out / "film.json"));
  EXPECT_EQ(film["shots"][1]["first_frame"], 6);
  EXPECT_EQ(film["picture"], nlohmann::json({0, 14, 192, 80}));

  // The video: 12 half side-by-side frames, black bars, the left half
  // stretched back the left view, and an AAC track as long as the film.
  VideoReader reader(options.video);
  VideoFrame frame;
  int frames = 0;
  while (reader.Read(&frame)) {
    ASSERT_EQ(frame.image.size(), cv::Size(192, 108));
    double bar_max = 0;
    cv::minMaxLoc(frame.image(cv::Rect(0, 0, 192, 12)), nullptr, &bar_max);
    EXPECT_LT(bar_max, 24);
    cv::minMaxLoc(frame.image(cv::Rect(0, 96, 192, 12)), nullptr, &bar_max);
    EXPECT_LT(bar_max, 24);
    if (frames == 8) {
      cv::Mat left;
      cv::resize(frame.image(cv::Rect(0, 14, 96, 80)), left, {192, 80}, 0, 0,
                 cv::INTER_CUBIC);
      const cv::Mat truth =
          ReadImage(ShotFolder(options.out, 1) / "left/000002.png");
      cv::Mat truth_half;  // what survives the squeeze
      cv::resize(truth, truth_half, {96, 80}, 0, 0, cv::INTER_AREA);
      cv::resize(truth_half, truth_half, {192, 80}, 0, 0, cv::INTER_CUBIC);
      EXPECT_GT(testing::Psnr(left, truth_half), 28);
    }
    ++frames;
  }
  EXPECT_EQ(frames, 12);
  if (testing::HaveFfmpegCli()) {
    const std::string streams = testing::ProbeStreamsText(options.video);
    EXPECT_NE(streams.find("codec_name=aac"), std::string::npos);
    const testing::PacketTimes audio =
        testing::ProbePackets(options.video, "a:0");
    EXPECT_NEAR(audio.end_s - audio.first_s, 0.5, 0.05);
  }
}

// Stopped after a few frames (Ctrl-C), the run leaves complete frames and
// no video; resumed, it renders the rest and the result is the same bytes
// as a run never stopped.
TEST(SynthFilm, ResumesAfterAnInterruptionWithTheSameBytes) {
  testing::TempDir dir;
  SynthFilmOptions whole = SmallFilm(dir / "whole");
  RunSynthFilm(whole, Bank());

  SynthFilmOptions stopped = SmallFilm(dir / "stopped");
  struct Stop {};
  EXPECT_THROW(RunSynthFilm(stopped, Bank(),
                            [](const std::string&, int64_t done, int64_t) {
                              if (done >= 5) throw Stop();
                            }),
               Stop);
  EXPECT_FALSE(fs::exists(stopped.video));
  stopped.resume = true;
  const SynthFilmReport report = RunSynthFilm(stopped, Bank());
  EXPECT_GE(report.frames_kept, 5);
  EXPECT_EQ(report.frames_kept + report.frames_written, 12);
  int compared = 0;
  for (const auto& entry : fs::recursive_directory_iterator(whole.out)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = fs::relative(entry.path(), whole.out);
    EXPECT_EQ(Bytes(entry.path()), Bytes(stopped.out / relative)) << relative;
    ++compared;
  }
  EXPECT_EQ(compared, 2 * 6 * 9 + 2 + 1);  // frames, shot.json, film.json
  EXPECT_TRUE(fs::exists(stopped.video));
}

// A resumed shot must come from the same settings (its frames would mix
// two films); a run made anew clears what an earlier one left. NTSC rates
// reach the video as N/1001, and one-frame shots work.
TEST(SynthFilm, ResumesOnlyTheSameFilmAndStartsOverCleanly) {
  testing::TempDir dir;
  SynthFilmOptions options = SmallFilm(dir.path());
  options.shots = 1;
  RunSynthFilm(options, Bank());
  SynthFilmOptions other = options;
  other.shot.frames = 3;
  other.resume = true;
  const std::string error =
      testing::ErrorOf([&] { RunSynthFilm(other, Bank()); });
  EXPECT_NE(error.find("other settings"), std::string::npos) << error;

  other.resume = false;  // what --overwrite asks for
  other.shot.fps = 23.976;
  RunSynthFilm(other, Bank());
  int frames = 0;
  for (const auto& entry :
       fs::directory_iterator(ShotFolder(options.out, 0) / "left")) {
    frames += entry.is_regular_file();
  }
  EXPECT_EQ(frames, 3);
  VideoReader reader(other.video);
  EXPECT_EQ(reader.info().frame_rate, (Rational{24000, 1001}));

  other.shot.frames = 1;
  other.shots = 2;
  other.video.clear();
  const SynthFilmReport report = RunSynthFilm(other, Bank());
  EXPECT_EQ(report.frames_written, 2);
  const auto [back, next] = ReadStoredFlow(
      ShotFolder(options.out, 1) / "gt_flow_left/000000.exr", {192, 80});
  EXPECT_EQ(cv::countNonZero(back.reshape(1)), 0);
  EXPECT_EQ(cv::countNonZero(next.reshape(1)), 0);
}

TEST(SynthFilm, RefusesSettingsItCannotMake) {
  testing::TempDir dir;
  const auto error_of = [&](const std::function<void(SynthFilmOptions&)>& f) {
    SynthFilmOptions options = SmallFilm(dir.path());
    f(options);
    return testing::ErrorOf([&] { options.Check(); });
  };
  EXPECT_NE(error_of([](auto& o) {
              o.size = {193, 108};
            }).find("even"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& o) { o.picture_aspect = 9; }).find("letterbox"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& o) { o.video = "film.png"; }).find("video"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& o) { o.shot.fps = 0; }).find("--fps"),
            std::string::npos);
  EXPECT_NE(error_of([](auto& o) { o.shots = 0; }).find("--count"),
            std::string::npos);
  EXPECT_NE(
      error_of([](auto& o) { o.shot.mover_probability = 2; }).find("--movers"),
      std::string::npos);
  EXPECT_NE(error_of([](auto& o) {
              o.size = {64, 64};
            }).find("32 pixels"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "film"));
}

}  // namespace
}  // namespace parallax::synth
