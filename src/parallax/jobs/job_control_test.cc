// The JobControl contract, through a real job (depth over photos with a tiny
// random model): progress per photo that can cancel, and one event per
// written, skipped and failed file, with nothing written to the terminal.
#include "parallax/jobs/job_control.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <opencv2/core.hpp>

#include "parallax/io/image_io.h"
#include "parallax/jobs/depth_job.h"
#include "parallax/testing/testing.h"
#include "parallax/testing/tiny_model.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

class JobControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "in");
    for (int i = 0; i < 4; ++i) {
      cv::Mat image(48, 64, CV_8UC3);
      cv::randu(image, 0, 255);
      WriteImage(dir_ / fmt::format("in/p{}.png", i), image);
    }
    std::ofstream(dir_ / "in" / "broken.png") << "not a png";
    model_ = testing::SaveTinyModel(dir_ / "tiny.plx",
                                    {.train_width = 64, .train_height = 32});
    PredictorOptions predictor_options;
    predictor_options.device = "cpu";
    predictor_ = std::make_unique<Predictor>(model_, predictor_options);
    MediaInputOptions scan;
    scan.output_suffix = "_disp";
    inputs_ = ExpandMediaInputs({(dir_ / "in").string()}, scan).inputs;
    options_.output = dir_ / "out";
  }

  testing::TempDir dir_;
  fs::path model_;
  std::unique_ptr<Predictor> predictor_;
  std::vector<MediaInput> inputs_;
  DepthJobOptions options_;
};

TEST_F(JobControlTest, EventsForWrittenFailedAndSkippedFiles) {
  ASSERT_EQ(inputs_.size(), 5u);
  std::vector<fs::path> written;
  std::vector<std::string> failed;
  std::vector<JobProgress> reports;
  JobControl control;
  control.written = [&](const fs::path& path) { written.push_back(path); };
  control.failed = [&](const std::string& why) { failed.push_back(why); };
  control.progress = [&](const JobProgress& report) {
    reports.push_back(report);
    return true;
  };
  ::testing::internal::CaptureStderr();
  const DepthJobReport report =
      RunDepthJob(inputs_, *predictor_, options_, control);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(report.images, 4);
  ASSERT_EQ(written.size(), 4u);
  for (const fs::path& path : written) EXPECT_TRUE(fs::exists(path)) << path;
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].find("broken.png"), std::string::npos) << failed[0];
  EXPECT_EQ(report.failures, failed);
  // One report per batch of photos, counting up to all five, then a final
  // one.
  ASSERT_GE(reports.size(), 2u);
  EXPECT_EQ(reports.front().total, 5);
  EXPECT_EQ(reports.back().done, 5);
  EXPECT_TRUE(reports.back().finished);
  EXPECT_EQ(reports.back().unit, "img/s");

  // Resumed: nothing is written again.
  written.clear();
  failed.clear();
  options_.resume = true;
  RunDepthJob(inputs_, *predictor_, options_, control);
  EXPECT_TRUE(written.empty());
  EXPECT_EQ(failed.size(), 1u);
}

TEST_F(JobControlTest, ProgressReturningFalseCancelsAndKeepsFinishedFiles) {
  std::erase_if(inputs_, [](const MediaInput& input) {
    return input.path.filename() == "broken.png";
  });
  int calls = 0;
  JobControl control;
  control.progress = [&](const JobProgress&) { return ++calls < 2; };
  EXPECT_THROW(RunDepthJob(inputs_, *predictor_, options_, control), Cancelled);
  EXPECT_EQ(calls, 2);
  // The photos finished before the cancel are complete files.
  int finished = 0;
  for (const auto& entry : fs::directory_iterator(options_.output)) {
    EXPECT_NO_THROW(ReadImage(entry.path(), ReadMode::kUnchanged));
    ++finished;
  }
  EXPECT_EQ(finished, 2);
}

TEST_F(JobControlTest, CancelRequestedStopsBeforeAnyWork) {
  JobControl control;
  control.cancel_requested = [] { return true; };
  EXPECT_THROW(RunDepthJob(inputs_, *predictor_, options_, control), Cancelled);
  EXPECT_TRUE(fs::is_empty(options_.output));
}

}  // namespace
}  // namespace parallax
