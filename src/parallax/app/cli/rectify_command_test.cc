// `parallax rectify` end to end: a built pair whose right view is turned and
// shifted like a consumer 3D camera's comes out row-aligned, from two files,
// from an MPO and from a folder; a pair that is not one is reported and
// nothing is written for it, while the others still are.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "parallax/app/cli/commands.h"
#include "parallax/data/row_alignment.h"
#include "parallax/data/stereo_dataset.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/image_checks.h"
#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

constexpr int kWidth = 320, kHeight = 240, kWall = 6, kSquare = 18;

int Rectify(std::vector<std::string> args) {
  return testing::RunCommandLine(RunRectify, std::move(args),
                                 "parallax-rectify");
}

// The built pair with its right view turned by 0.5 degrees about the centre
// and moved 3 px down and 30 px left.
testing::BuiltStereoPair CameraPair() {
  testing::BuiltStereoPair pair = testing::WallAndSquarePair(
      {kWidth, kHeight}, {110, 60, 90, 90}, kWall, kSquare, 1.5);
  cv::Mat m = cv::getRotationMatrix2D(
      cv::Point2f((kWidth - 1) / 2.0f, (kHeight - 1) / 2.0f), 0.5, 1.0);
  m.at<double>(0, 2) -= 30;
  m.at<double>(1, 2) += 3;
  cv::warpAffine(pair.right, pair.right, m, pair.right.size(), cv::INTER_CUBIC,
                 cv::BORDER_REFLECT);
  return pair;
}

// The written pair: rows line up (what is left to fix is under 0.2 px and
// no turn) and the wall, the farthest surface, is at disparity 0.
void ExpectAligned(const fs::path& left, const fs::path& right) {
  ASSERT_TRUE(fs::exists(left)) << left;
  ASSERT_TRUE(fs::exists(right)) << right;
  const RowAlignment check =
      EstimateRowAlignment(ReadImage(left), ReadImage(right));
  EXPECT_LT(check.vertical_error_before_px, 0.2);
  EXPECT_LT(std::abs(check.rotation_deg), 0.02);
  EXPECT_NEAR(check.disparity_low_px, 0, 0.4);
  EXPECT_NEAR(check.disparity_high_px, kSquare - kWall, 0.6);
}

TEST(RectifyCommandTest, AlignsTwoFiles) {
  testing::TempDir dir;
  const testing::BuiltStereoPair pair = CameraPair();
  WriteImage(dir / "shot.png", pair.left);
  WriteImage(dir / "shot_right.png", pair.right);
  ASSERT_EQ(
      Rectify({dir / "shot.png", dir / "shot_right.png", "-o", dir / "out"}),
      0);
  ExpectAligned(dir / "out/shot_L.png", dir / "out/shot_R.png");
  // Cropped to what the aligned right view covers: 30 px off the width
  // (the camera's shift, less the wall's 6 px) and a few rows.
  const cv::Mat left = ReadImage(dir / "out/shot_L.png");
  EXPECT_LT(left.cols, kWidth - 20);
  EXPECT_GT(left.cols, kWidth - 40);
  EXPECT_GT(left.rows, kHeight - 12);
  // The output is a layout the trainer reads.
  EXPECT_EQ(ScanStereoDataset(dir / "out").pairs.size(), 1u);
}

TEST(RectifyCommandTest, AlignsAnMpoAndKeepsTheOffsetOnRequest) {
  testing::TempDir dir;
  const testing::BuiltStereoPair pair = CameraPair();
  std::string file;
  for (const cv::Mat& view : {pair.left, pair.right}) {
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", view, jpeg, {cv::IMWRITE_JPEG_QUALITY, 100});
    file.append(jpeg.begin(), jpeg.end());
  }
  WriteFileAtomic(dir / "photo.mpo", file);
  ASSERT_EQ(Rectify({dir / "photo.mpo", "-o", dir / "out"}), 0);
  ExpectAligned(dir / "out/photo_L.png", dir / "out/photo_R.png");

  ASSERT_EQ(Rectify({dir / "photo.mpo", "-o", dir / "kept", "--keep-offset"}),
            0);
  RowAlignmentOptions measure;  // reports disparities without shifting
  measure.horizontal = HorizontalShift::kKeep;
  const RowAlignment kept =
      EstimateRowAlignment(ReadImage(dir / "kept/photo_L.png"),
                           ReadImage(dir / "kept/photo_R.png"), measure);
  EXPECT_LT(kept.vertical_error_before_px, 0.2);
  // The camera moved the right view 30 px left: every disparity is 30 more.
  EXPECT_NEAR(kept.disparity_low_px, kWall + 30, 0.6);
}

TEST(RectifyCommandTest, ReportsAPairThatIsNotOneAndWritesTheRest) {
  testing::TempDir dir;
  const testing::BuiltStereoPair pair = CameraPair();
  fs::create_directories(dir / "in");
  WriteImage(dir / "in/good_L.png", pair.left);
  WriteImage(dir / "in/good_R.png", pair.right);
  WriteImage(dir / "in/bad_L.png", pair.left);
  WriteImage(dir / "in/bad_R.png",
             testing::NoiseTexture({kWidth, kHeight}, 9, 1.5));
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(Rectify({dir / "in", "-o", dir / "out"}), 1);
  const std::string errors = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(errors.find("bad_L.png"), std::string::npos) << errors;
  EXPECT_FALSE(fs::exists(dir / "out/bad_L.png"));
  EXPECT_FALSE(fs::exists(dir / "out/bad_R.png"));
  ExpectAligned(dir / "out/good_L.png", dir / "out/good_R.png");
  EXPECT_EQ(ScanStereoDataset(dir / "out").pairs.size(), 1u);
}

// `parallax scan --rows` finds the pair that needs rectifying, and passes
// it once `rectify` has aligned it.
TEST(RectifyCommandTest, ScanRowsFlagsTheUnrectifiedPair) {
  testing::TempDir dir;
  fs::create_directories(dir / "in");
  const testing::BuiltStereoPair built = testing::WallAndSquarePair(
      {kWidth, kHeight}, {110, 60, 90, 90}, kWall, kSquare, 1.5);
  WriteImage(dir / "in/flat_L.png", built.left);
  WriteImage(dir / "in/flat_R.png", built.right);
  const testing::BuiltStereoPair camera = CameraPair();
  WriteImage(dir / "in/camera_L.png", camera.left);
  WriteImage(dir / "in/camera_R.png", camera.right);
  const auto scan = [](std::vector<std::string> args) {
    return testing::RunCommandLine(RunScan, std::move(args), "parallax-scan");
  };
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(scan({dir / "in", "--rows"}), 1);
  const std::string errors = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(errors.find("1 pair(s) not rectified"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("camera_L.png"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("flat_L.png"), std::string::npos) << errors;
  ASSERT_EQ(Rectify({dir / "in", "-o", dir / "out"}), 0);
  EXPECT_EQ(scan({dir / "out", "--rows"}), 0);
}

TEST(RectifyCommandTest, WarnsWhenTheViewsShowNoParallax) {
  testing::TempDir dir;
  WriteImage(dir / "a.png", CameraPair().left);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(Rectify({dir / "a.png", dir / "a.png", "-o", dir / "out"}), 0);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("no parallax"),
            std::string::npos);
}

// Aligning a folder into itself would write shot_L.png over its input:
// refused before anything is written.
TEST(RectifyCommandTest, RefusesToOverwriteItsInputs) {
  testing::TempDir dir;
  const testing::BuiltStereoPair pair = CameraPair();
  WriteImage(dir / "shot_L.png", pair.left);
  WriteImage(dir / "shot_R.png", pair.right);
  const cv::Mat before = ReadImage(dir / "shot_R.png");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(Rectify({dir.path(), "-o", dir.path()}), 1);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("overwrite"),
            std::string::npos);
  EXPECT_EQ(cv::norm(ReadImage(dir / "shot_R.png"), before, cv::NORM_INF), 0);
}

TEST(RectifyCommandTest, RefusesBadFlagsAndMissingInputs) {
  testing::TempDir dir;
  EXPECT_EQ(Rectify({dir / "missing.mpo", "-o", dir / "out"}), 2);
  const testing::BuiltStereoPair pair = CameraPair();
  WriteImage(dir / "a.png", pair.left);
  WriteImage(dir / "b.png", pair.right);
  EXPECT_EQ(Rectify({dir / "a.png", dir / "b.png", "-o", dir / "out",
                     "--max-row-error", "0"}),
            2);
  EXPECT_FALSE(fs::exists(dir / "out"));
}

}  // namespace
}  // namespace parallax
