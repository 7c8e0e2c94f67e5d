#include "parallax/data/film/film_layout.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "parallax/testing/image_checks.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

cv::Mat Texture(cv::Size size, int seed) {
  return testing::MultiScaleTexture(size, seed);
}

// Two views of one scene: the right view is the left moved by a disparity
// that grows down the picture (near things at the bottom).
std::pair<cv::Mat, cv::Mat> Views(cv::Size size, int seed) {
  const cv::Mat scene = Texture({size.width + 40, size.height}, seed);
  cv::Mat left = scene(cv::Rect(20, 0, size.width, size.height)).clone();
  cv::Mat right(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    const int d = 2 + 12 * y / size.height;
    scene(cv::Rect(20 + d, y, size.width, 1)).copyTo(right.row(y));
  }
  return {left, right};
}

cv::Mat SideBySide(const std::pair<cv::Mat, cv::Mat>& views) {
  cv::Mat frame;
  cv::hconcat(views.first, views.second, frame);
  return frame;
}

cv::Mat TopBottom(const std::pair<cv::Mat, cv::Mat>& views) {
  cv::Mat frame;
  cv::vconcat(views.first, views.second, frame);
  return frame;
}

TEST(FilmLayout, ScoresTheSplitThatGivesTwoViewsOfOneScene) {
  const auto views = Views({320, 180}, 1);
  const LayoutScores sbs = ScoreFilmLayouts(SideBySide(views));
  EXPECT_GT(sbs.side_by_side, 0.9);
  EXPECT_LT(sbs.top_bottom, 0.6);
  const LayoutScores tb = ScoreFilmLayouts(TopBottom(views));
  EXPECT_GT(tb.top_bottom, 0.9);
  EXPECT_LT(tb.side_by_side, 0.6);
  // A 2D picture split either way: unrelated halves.
  const LayoutScores flat = ScoreFilmLayouts(Texture({640, 180}, 2));
  EXPECT_LT(flat.side_by_side, 0.6);
  EXPECT_LT(flat.top_bottom, 0.6);
}

TEST(FilmLayout, DetectsFullAndHalfLayoutsAndRefusesA2dFilm) {
  std::vector<cv::Mat> full_sbs, half_sbs, half_tb, flat;
  for (int i = 0; i < 4; ++i) {
    const auto views = Views({320, 180}, 10 + i);
    full_sbs.push_back(SideBySide(views));
    cv::Mat squeezed_sbs, squeezed_tb;
    cv::resize(full_sbs.back(), squeezed_sbs, {320, 180}, 0, 0, cv::INTER_AREA);
    half_sbs.push_back(squeezed_sbs);
    cv::resize(TopBottom(views), squeezed_tb, {320, 180}, 0, 0, cv::INTER_AREA);
    half_tb.push_back(squeezed_tb);
    flat.push_back(Texture({320, 180}, 20 + i));
  }
  const LayoutDetection a = DetectFilmLayout(full_sbs);
  ASSERT_TRUE(a.stereo) << a.description;
  EXPECT_EQ(a.layout, (FilmLayout{PackedLayout::kSideBySide, false}));
  EXPECT_EQ(a.frames_used, 4);
  const LayoutDetection b = DetectFilmLayout(half_sbs);
  ASSERT_TRUE(b.stereo) << b.description;
  EXPECT_EQ(b.layout.packing, PackedLayout::kSideBySide) << b.description;
  EXPECT_EQ(b.layout, (FilmLayout{PackedLayout::kSideBySide, true}));
  const LayoutDetection c = DetectFilmLayout(half_tb);
  ASSERT_TRUE(c.stereo) << c.description;
  EXPECT_EQ(c.layout, (FilmLayout{PackedLayout::kTopBottom, true}));
  const LayoutDetection d = DetectFilmLayout(flat);
  EXPECT_FALSE(d.stereo) << d.description;
  EXPECT_NE(d.description.find("not a packed 3D film"), std::string::npos);
}

TEST(FilmLayout, BlackFramesCannotTell) {
  const std::vector<cv::Mat> black(
      3, cv::Mat(180, 640, CV_8UC3, cv::Scalar::all(2)));
  const LayoutDetection detection = DetectFilmLayout(black);
  EXPECT_FALSE(detection.stereo);
  EXPECT_EQ(detection.frames_used, 0);
  EXPECT_NE(detection.description.find("enough texture"), std::string::npos);
}

TEST(FilmLayout, NamesParseAndSplitKeepsTheOrder) {
  EXPECT_EQ(ParseFilmLayout("HSBS"),
            (FilmLayout{PackedLayout::kSideBySide, true}));
  EXPECT_EQ(ParseFilmLayout("tb"), (FilmLayout{PackedLayout::kTopBottom}));
  EXPECT_EQ(ParseFilmLayout("hou"),
            (FilmLayout{PackedLayout::kTopBottom, true}));
  EXPECT_THROW(ParseFilmLayout("anaglyph"), Error);
  EXPECT_EQ(ParseFilmLayout("htb").Flag(), "htb");
  EXPECT_EQ(ParseFilmLayout("hsbs").PixelAspect(), cv::Point2d(2, 1));
  EXPECT_TRUE(LooksHalf({1920, 1080}, PackedLayout::kSideBySide));
  EXPECT_FALSE(LooksHalf({3840, 1080}, PackedLayout::kSideBySide));
  EXPECT_TRUE(LooksHalf({1920, 1080}, PackedLayout::kTopBottom));
  EXPECT_FALSE(LooksHalf({1920, 2160}, PackedLayout::kTopBottom));

  cv::Mat frame(4, 8, CV_8UC3, cv::Scalar::all(0));
  frame(cv::Rect(4, 0, 4, 4)).setTo(cv::Scalar::all(9));
  FilmLayout layout{PackedLayout::kSideBySide};
  EXPECT_EQ(cv::mean(SplitFilmFrame(frame, layout).second)[0], 9);
  layout.right_first = true;  // a cross-eyed tag
  EXPECT_EQ(cv::mean(SplitFilmFrame(frame, layout).first)[0], 9);
}

}  // namespace
}  // namespace parallax
