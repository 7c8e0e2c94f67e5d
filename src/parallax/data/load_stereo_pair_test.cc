#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <opencv2/imgcodecs.hpp>

#include "parallax/data/stereo_dataset.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

StereoPairSource TwoFiles(const fs::path& left, const fs::path& right) {
  StereoPairSource source;
  source.left = left;
  source.right = right;
  return source;
}

TEST(LoadStereoPair, TwoFilesWithPngGroundTruth) {
  testing::TempDir dir;
  WriteImage(dir / "l.png", cv::Mat(4, 6, CV_8UC3, cv::Scalar(1, 2, 3)));
  WriteImage(dir / "r.png", cv::Mat(4, 6, CV_8UC1, cv::Scalar(9)));
  cv::Mat gt(4, 6, CV_8UC1, cv::Scalar(40));
  gt.at<uint8_t>(1, 2) = 0;  // unknown
  WriteImage(dir / "gt.png", gt);
  StereoPairSource source = TwoFiles(dir / "l.png", dir / "r.png");
  source.gt_disparity = dir / "gt.png";
  source.gt_scale = 4;
  const StereoPair pair = LoadStereoPair(source);
  ASSERT_EQ(pair.left.type(), CV_8UC3);
  ASSERT_EQ(pair.right.type(), CV_8UC3);  // gray expanded
  EXPECT_EQ(pair.left.at<cv::Vec3b>(3, 5), cv::Vec3b(1, 2, 3));
  EXPECT_EQ(pair.right.at<cv::Vec3b>(0, 0), cv::Vec3b(9, 9, 9));
  ASSERT_EQ(pair.gt_disparity.type(), CV_32FC1);
  EXPECT_EQ(pair.gt_disparity.at<float>(0, 0), 10.0f);
  EXPECT_TRUE(std::isnan(pair.gt_disparity.at<float>(1, 2)));
  EXPECT_EQ(cv::mean(LoadStereoView(source, /*right=*/true))[0], 9);
}

TEST(LoadStereoPair, PfmGroundTruthInfinityIsUnknownAndZeroIsKept) {
  testing::TempDir dir;
  WriteImage(dir / "l.png", cv::Mat(2, 3, CV_8UC3, cv::Scalar::all(0)));
  WriteImage(dir / "r.png", cv::Mat(2, 3, CV_8UC3, cv::Scalar::all(0)));
  cv::Mat gt(2, 3, CV_32FC1, cv::Scalar(12.5));
  gt.at<float>(0, 1) = std::numeric_limits<float>::infinity();
  gt.at<float>(1, 1) = 0;  // a valid disparity in float maps
  WriteImage(dir / "gt.pfm", gt);
  StereoPairSource source = TwoFiles(dir / "l.png", dir / "r.png");
  source.gt_disparity = dir / "gt.pfm";
  const StereoPair pair = LoadStereoPair(source);
  EXPECT_EQ(pair.gt_disparity.at<float>(0, 0), 12.5f);
  EXPECT_TRUE(std::isnan(pair.gt_disparity.at<float>(0, 1)));
  EXPECT_EQ(pair.gt_disparity.at<float>(1, 1), 0.0f);
}

TEST(LoadStereoPair, SizeMismatchesThrow) {
  testing::TempDir dir;
  WriteImage(dir / "l.png", cv::Mat(2, 3, CV_8UC3, cv::Scalar::all(0)));
  WriteImage(dir / "r.png", cv::Mat(2, 4, CV_8UC3, cv::Scalar::all(0)));
  WriteImage(dir / "gt.pfm", cv::Mat(3, 3, CV_32FC1, cv::Scalar::all(0)));
  EXPECT_THROW(LoadStereoPair(TwoFiles(dir / "l.png", dir / "r.png")), Error);
  StereoPairSource source = TwoFiles(dir / "l.png", dir / "l.png");
  source.gt_disparity = dir / "gt.pfm";
  try {
    LoadStereoPair(source);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("gt.pfm"), std::string::npos);
  }
}

TEST(LoadStereoPair, PackedFramesSplitIntoViews) {
  testing::TempDir dir;
  cv::Mat sbs(4, 8, CV_8UC3, cv::Scalar::all(10));
  sbs(cv::Rect(4, 0, 4, 4)).setTo(cv::Scalar::all(200));
  WriteImage(dir / "sbs.png", sbs);
  StereoPairSource source;
  source.left = dir / "sbs.png";
  source.storage = PairStorage::kPacked;
  StereoPair pair = LoadStereoPair(source);
  EXPECT_EQ(pair.left.size(), cv::Size(4, 4));
  EXPECT_EQ(cv::mean(pair.left)[0], 10);
  EXPECT_EQ(cv::mean(pair.right)[0], 200);
  source.packed_layout = PackedLayout::kTopBottom;
  pair = LoadStereoPair(source);
  EXPECT_EQ(pair.left.size(), cv::Size(8, 2));
  WriteImage(dir / "odd.png", cv::Mat(3, 7, CV_8UC3, cv::Scalar::all(0)));
  source.left = dir / "odd.png";
  EXPECT_THROW(LoadStereoPair(source), Error);
}

TEST(LoadStereoPair, MpoFramesAreLeftThenRight) {
  testing::TempDir dir;
  std::string file;
  for (const int value : {30, 220}) {
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(value)), jpeg);
    file.append(jpeg.begin(), jpeg.end());
  }
  WriteFileAtomic(dir / "p.mpo", file);
  StereoPairSource source;
  source.left = dir / "p.mpo";
  source.storage = PairStorage::kMpo;
  const StereoPair pair = LoadStereoPair(source);
  EXPECT_NEAR(cv::mean(pair.left)[0], 30, 2);
  EXPECT_NEAR(cv::mean(pair.right)[0], 220, 2);
  EXPECT_NEAR(cv::mean(LoadStereoView(source, true))[0], 220, 2);
}

TEST(LoadStereoPair, MissingFileIsNamed) {
  testing::TempDir dir;
  try {
    LoadStereoPair(TwoFiles(dir / "nope.png", dir / "nope_r.png"));
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("nope.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace parallax
