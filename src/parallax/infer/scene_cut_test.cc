#include "parallax/infer/scene_cut.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/testing/testing.h"

namespace parallax {
namespace {

cv::Mat TexturedFrame(uint64_t seed, cv::Size size = {320, 180}) {
  cv::RNG rng(seed);
  cv::Mat frame(size, CV_8UC3);
  rng.fill(frame, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(frame, frame, cv::Size(0, 0), 4.0);
  cv::normalize(frame, frame, 0, 255, cv::NORM_MINMAX);
  return frame;
}

TEST(SceneCutTest, FirstFrameIsACutAndStillFramesAreNot) {
  SceneCutDetector detector;
  const cv::Mat frame = TexturedFrame(1);
  EXPECT_TRUE(detector.Update(frame));
  EXPECT_FALSE(detector.Update(frame));
  EXPECT_EQ(detector.last_mad(), 0.0);
  detector.Reset();
  EXPECT_TRUE(detector.Update(frame));
}

TEST(SceneCutTest, SmallMotionIsNotACutButAnotherShotIs) {
  SceneCutDetector detector;
  const cv::Mat frame = TexturedFrame(2, {340, 180});
  detector.Update(frame(cv::Rect(0, 0, 320, 180)));
  // A 4 px pan, then noise.
  EXPECT_FALSE(detector.Update(frame(cv::Rect(4, 0, 320, 180))));
  cv::Mat noisy = frame(cv::Rect(4, 0, 320, 180)).clone();
  cv::Mat noise(noisy.size(), CV_8UC3);
  cv::randn(noise, 0, 4);
  noisy += noise;
  EXPECT_FALSE(detector.Update(noisy));
  // Another shot: other content, other tones.
  const cv::Mat other = cv::Scalar::all(255) - TexturedFrame(3) * 0.5;
  EXPECT_TRUE(detector.Update(other));
  EXPECT_GT(detector.last_mad(), 0.15);
  // Gray input works too, and a new aspect ratio is a new shot.
  cv::Mat gray;
  cv::cvtColor(other, gray, cv::COLOR_BGR2GRAY);
  EXPECT_FALSE(detector.Update(gray));
  EXPECT_TRUE(detector.Update(cv::Mat(100, 100, CV_8UC1, cv::Scalar(0))));
}

TEST(SceneCutTest, RejectsBadFrames) {
  SceneCutDetector detector;
  EXPECT_THROW(detector.Update(cv::Mat()), std::exception);
  EXPECT_THROW(detector.Update(cv::Mat(10, 10, CV_32FC1)), std::exception);
  SceneCutOptions bad;
  bad.mad_threshold = 0.0;
  EXPECT_THROW(SceneCutDetector{bad}, std::exception);
}

// A real 10 Hz city drive (KITTI raw 2011_09_26_drive_0001, 108 frames of
// a moving car) has no cut; switching to other recordings is one.
TEST(SceneCutTest, RealDriveHasNoCutsAndOtherRecordingsAreCuts) {
  const auto stereo = testing::SharedStereoDir();
  if (!stereo) GTEST_SKIP() << "shared stereo data not found";
  const auto dir =
      *stereo / "train" / "kitti-raw-2011_09_26_drive_0001" / "image_2";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 100u);
  SceneCutDetector detector;
  double max_mad = 0.0, max_hist = 0.0;
  for (size_t i = 0; i < files.size(); ++i) {
    const cv::Mat frame = cv::imread(files[i].string());
    ASSERT_FALSE(frame.empty()) << files[i];
    const bool cut = detector.Update(frame);
    EXPECT_EQ(cut, i == 0) << files[i];
    max_mad = std::max(max_mad, detector.last_mad());
    max_hist = std::max(max_hist, detector.last_histogram_distance());
  }
  std::printf("KITTI drive: max MAD %.3f, max histogram distance %.3f\n",
              max_mad, max_hist);
  for (const char* other :
       {"train/karlsruhe-urban-4/left/urban1.png",
        "train/middlebury-2006-bowling/bowling_left.png",
        "eval/middlebury-2014-adirondack/Adirondack_left.png"}) {
    const cv::Mat frame = cv::imread((*stereo / other).string());
    ASSERT_FALSE(frame.empty()) << other;
    // Same size as the drive, as a cut inside one video would be.
    cv::Mat resized;
    cv::resize(frame, resized, cv::Size(1242, 375), 0, 0, cv::INTER_AREA);
    EXPECT_TRUE(detector.Update(resized)) << other;
    std::printf("cut to %s: MAD %.3f, histogram distance %.3f\n", other,
                detector.last_mad(), detector.last_histogram_distance());
    detector.Update(cv::imread(files.back().string()));
  }
}

}  // namespace
}  // namespace parallax
