#include "parallax/data/film/picture_area.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace parallax {
namespace {

// A 320x180 view with a textured picture inside `picture` and black bars
// (level 12, with compression-like noise) around it.
cv::Mat Letterboxed(cv::Rect picture, int seed, double brightness = 120) {
  cv::Mat view(180, 320, CV_8UC3);
  cv::RNG rng(static_cast<uint64_t>(seed));
  rng.fill(view, cv::RNG::UNIFORM, 6, 19);
  cv::Mat inside(picture.size(), CV_8UC3);
  rng.fill(inside, cv::RNG::NORMAL, brightness, 40);
  inside.copyTo(view(picture));
  return view;
}

TEST(PictureArea, FindsLetterboxAndPillarboxBars) {
  const cv::Rect letterbox(0, 22, 320, 136);
  EXPECT_EQ(FindPictureArea(Letterboxed(letterbox, 1)), letterbox);
  const cv::Rect pillarbox(40, 0, 240, 180);
  EXPECT_EQ(FindPictureArea(Letterboxed(pillarbox, 2)), pillarbox);
  const cv::Rect both(30, 10, 260, 160);
  EXPECT_EQ(FindPictureArea(Letterboxed(both, 3)), both);
  // No bars.
  const cv::Rect whole(0, 0, 320, 180);
  EXPECT_EQ(FindPictureArea(Letterboxed(whole, 4)), whole);
}

TEST(PictureArea, ASubtitleInTheBarIsNotPicture) {
  const cv::Rect letterbox(0, 22, 320, 136);
  cv::Mat view = Letterboxed(letterbox, 5);
  // White text in the lower bar, black rows between it and the picture.
  view(cv::Rect(100, 164, 120, 8)).setTo(cv::Scalar::all(235));
  EXPECT_EQ(FindPictureArea(view), letterbox);
}

TEST(PictureArea, ADarkBandInsideThePictureIsNotABar) {
  const cv::Rect whole(0, 0, 320, 180);
  cv::Mat view = Letterboxed(whole, 6);
  view(cv::Rect(0, 40, 320, 30)).setTo(cv::Scalar::all(5));  // night band
  EXPECT_EQ(FindPictureArea(view), whole);
}

TEST(PictureArea, AShotsFramesTogetherKeepDarkPictureRows) {
  // The first frame is dark at the top of the picture (a night sky); a
  // later frame of the same shot lights it: the area grows to the bars.
  const cv::Rect letterbox(0, 22, 320, 136);
  cv::Mat dark_top = Letterboxed(letterbox, 7);
  dark_top(cv::Rect(0, 22, 320, 40)).setTo(cv::Scalar::all(8));
  PictureAreaFinder finder;
  finder.Add(dark_top);
  EXPECT_EQ(finder.Area().y, 62);
  finder.Add(Letterboxed(letterbox, 8));
  EXPECT_EQ(finder.Area(), letterbox);
  // A cut forgets; an all-black view gives the whole frame.
  finder.Reset();
  finder.Add(cv::Mat(180, 320, CV_8UC3, cv::Scalar::all(3)));
  EXPECT_EQ(finder.Area(), cv::Rect(0, 0, 320, 180));
}

}  // namespace
}  // namespace parallax
