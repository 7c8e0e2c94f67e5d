// The segmented video runner's two drivers give the same bytes, and a
// failing stage stops the pipeline with its own error, leaving no output.
#include "parallax/jobs/segmented_video.h"

#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "parallax/infer/predictor.h"
#include "parallax/io/video_test_util.h"
#include "parallax/jobs/defocus_video.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/tiny_model.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

class SegmentedVideoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = testing::SaveTinyModel(dir_ / "tiny.plx",
                                    {.train_width = 128, .train_height = 64});
  }

  fs::path MakeVideo(int frames) {
    const fs::path video = dir_ / fmt::format("in{}.mp4", frames);
    testing::RunFfmpeg(fmt::format(
        "{} -frames:v {} -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest {}",
        testing::TestSource(frames / 25.0 + 0.5), frames,
        testing::Quote(video)));
    return video;
  }

  // Segments of 8 frames after 4 warm-up frames, quiet.
  static SegmentedVideoOptions Options(const fs::path& output, bool pipelined) {
    SegmentedVideoOptions options;
    options.output = output;
    options.segment_frames = 8;
    options.warmup_frames = 4;
    options.show_progress = false;
    options.pipelined = pipelined;
    return options;
  }

  testing::TempDir dir_;
  fs::path model_;
};

// A renderer that fails at one frame: the error must come out as it is
// (not as a cancel), whichever thread it happened on.
class FailingRenderer : public FrameRenderer {
 public:
  explicit FailingRenderer(int64_t fail_at) : fail_at_(fail_at) {}
  void Reset() override {}
  void Observe(DepthFrame&) override {}
  cv::Mat Render(DepthFrame& frame) override {
    if (frame.index == fail_at_) ThrowError("renderer broke at {}", fail_at_);
    return frame.image;
  }

 private:
  int64_t fail_at_;
};

TEST_F(SegmentedVideoTest, PipelinedAndSerialGiveTheSameBytes) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path video = MakeVideo(30);
  PredictorOptions predictor_options;
  predictor_options.device = "cpu";
  Predictor predictor(model_, predictor_options);
  DefocusSettings settings;
  settings.focus_point = cv::Point(20, 20);
  for (const bool track : {false, true}) {
    SCOPED_TRACE(track ? "tracked focus" : "fixed focus");
    std::vector<char> bytes[2];
    for (const bool pipelined : {false, true}) {
      const std::unique_ptr<FrameRenderer> renderer =
          MakeDefocusFrameRenderer(settings, track);
      SegmentedVideoOptions options = Options(
          dir_ / std::string(pipelined ? "pipelined.mp4" : "serial.mp4"),
          pipelined);
      fs::remove(options.output);
      const SegmentedVideoReport report =
          RunSegmentedVideo(video, predictor, *renderer, options);
      EXPECT_EQ(report.frames, 30);
      bytes[pipelined] = ReadFileBytes(options.output);
    }
    EXPECT_FALSE(bytes[0].empty());
    EXPECT_EQ(bytes[0], bytes[1]);
  }
}

TEST_F(SegmentedVideoTest, AFailingStageStopsThePipelineWithItsError) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  const fs::path video = MakeVideo(30);
  PredictorOptions predictor_options;
  predictor_options.device = "cpu";
  Predictor predictor(model_, predictor_options);
  for (const bool pipelined : {false, true}) {
    SCOPED_TRACE(pipelined ? "pipelined" : "serial");
    FailingRenderer renderer(/*fail_at=*/13);
    SegmentedVideoOptions options =
        Options(dir_ / std::string("failed.mp4"), pipelined);
    options.show_progress = true;
    bool finished = false;  // the input must not be reported as done
    JobControl control;
    control.progress = [&](const JobProgress& report) {
      finished = finished || report.finished;
      return true;
    };
    const std::string message = testing::ErrorOf([&] {
      RunSegmentedVideo(video, predictor, renderer, options, control);
    });
    EXPECT_FALSE(finished);
    EXPECT_NE(message.find("renderer broke at 13"), std::string::npos)
        << message;
    EXPECT_FALSE(fs::exists(options.output));
    // The first segment (frames 0-7) was finished and is kept for a resume.
    EXPECT_TRUE(
        fs::exists(VideoPartsFolder(options.output) / "seg_000000.json"));
  }
}

}  // namespace
}  // namespace parallax
