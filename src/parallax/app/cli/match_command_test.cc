// `parallax match` end to end: a built pair (a textured square at disparity
// 14 over a textured wall at 6) gives those disparities back, NaN where it
// does not trust a match, and bad input is refused with nothing written.
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "parallax/app/cli/commands.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/image_checks.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

int Match(std::vector<std::string> args) {
  return testing::RunCommandLine(RunMatch, std::move(args), "parallax-match");
}

std::string Bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class MatchCommandTest : public ::testing::Test {
 protected:
  // Left pixel x sees the wall at u = x and the right view at x - d.
  void SetUp() override {
    const testing::BuiltStereoPair pair = testing::WallAndSquarePair(
        {kWidth, kHeight}, square_, kWall, kSquare, 1.0);
    WriteImage(left_, pair.left);
    WriteImage(right_, pair.right);
  }

  static constexpr int kWidth = 240, kHeight = 160, kWall = 6, kSquare = 14;
  testing::TempDir dir_;
  const cv::Rect square_{90, 40, 80, 80};
  fs::path left_ = dir_ / "left.png", right_ = dir_ / "right.png";
};

double MedianError(const cv::Mat& disp, const cv::Rect& region, float truth,
                   int* matched) {
  std::vector<float> errors;
  for (int y = region.y; y < region.br().y; ++y) {
    for (int x = region.x; x < region.br().x; ++x) {
      const float d = disp.at<float>(y, x);
      if (std::isfinite(d)) errors.push_back(std::abs(d - truth));
    }
  }
  *matched = static_cast<int>(errors.size());
  if (errors.empty()) return 1e9;
  std::nth_element(errors.begin(), errors.begin() + errors.size() / 2,
                   errors.end());
  return errors[errors.size() / 2];
}

TEST_F(MatchCommandTest, FindsTheBuiltDisparitiesAndMarksTheRest) {
  const fs::path out = dir_ / "disp.pfm";
  ASSERT_EQ(Match({left_, right_, "-o", out}), 0);
  const cv::Mat disp = ReadImage(out, ReadMode::kFloat1);
  ASSERT_EQ(disp.size(), cv::Size(kWidth, kHeight));
  int matched = 0;
  const cv::Rect inside(square_.x + 8, square_.y + 8, square_.width - 16,
                        square_.height - 16);
  EXPECT_LT(MedianError(disp, inside, kSquare, &matched), 0.5);
  EXPECT_GT(matched, inside.area() * 8 / 10);
  const cv::Rect wall(40, 10, 40, kHeight - 20);
  EXPECT_LT(MedianError(disp, wall, kWall, &matched), 0.5);
  EXPECT_GT(matched, wall.area() * 8 / 10);
  // The wall just left of the square is hidden from the right camera: the
  // left-right check drops most of it.
  const cv::Rect hidden(square_.x - kSquare + kWall + 2, square_.y + 8, 4,
                        square_.height - 16);
  int trusted = 0;
  MedianError(disp, hidden, kWall, &trusted);
  EXPECT_LT(trusted, hidden.area() / 2);
}

TEST_F(MatchCommandTest, SixteenBitPngAndPreview) {
  ASSERT_EQ(Match({left_, right_, "-o", dir_ / "disp.png"}), 0);
  const cv::Mat png = ReadImage(dir_ / "disp.png", ReadMode::kUnchanged);
  EXPECT_EQ(png.depth(), CV_16U);
  // Nearer is brighter: the square above the wall.
  EXPECT_GT(cv::mean(png(square_))[0],
            cv::mean(png(cv::Rect(40, 10, 40, 140)))[0] + 10000);
  ASSERT_EQ(Match({left_, right_, "-o", dir_ / "p.png", "--colormap", "turbo"}),
            0);
  EXPECT_EQ(ReadImage(dir_ / "p.png").channels(), 3);
}

TEST_F(MatchCommandTest, BadInputIsRefusedAndNothingIsWritten) {
  const fs::path out = dir_ / "never.pfm";
  const std::string left_bytes = Bytes(left_);
  // Different sizes.
  WriteImage(dir_ / "small.png", cv::Mat(80, 80, CV_8UC3, cv::Scalar(9)));
  EXPECT_NE(Match({left_, dir_ / "small.png", "-o", out}), 0);
  // The output would overwrite an input.
  EXPECT_NE(Match({left_, right_, "-o", left_}), 0);
  // A flat pair matches nowhere: --min-matched fails it.
  WriteImage(dir_ / "flat.png",
             cv::Mat(kHeight, kWidth, CV_8UC3, cv::Scalar(90, 90, 90)));
  EXPECT_NE(Match({dir_ / "flat.png", dir_ / "flat.png", "-o", out,
                   "--min-matched", "0.3"}),
            0);
  // Without the texture check the flat pair "matches" everywhere.
  EXPECT_EQ(
      Match({dir_ / "flat.png", dir_ / "flat.png", "-o", dir_ / "flat_disp.pfm",
             "--min-matched", "0.3", "--min-texture", "0"}),
      0);
  EXPECT_NE(Match({left_, right_, "-o", out, "--min-matched", "nan"}), 0);
  EXPECT_NE(Match({left_, right_, "-o", out, "--lr-tolerance", "nan"}), 0);
  // A float format cannot be a colour preview.
  EXPECT_NE(Match({left_, right_, "-o", out, "--colormap", "turbo"}), 0);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(Bytes(left_), left_bytes);
}

}  // namespace
}  // namespace parallax
