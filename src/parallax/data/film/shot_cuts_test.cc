#include "parallax/data/film/shot_cuts.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace parallax {
namespace {

// A scene: blobs of colour on a background; `t` pans it slowly.
cv::Mat Scene(int seed, int t) {
  cv::RNG rng(static_cast<uint64_t>(seed));
  cv::Mat view(180, 320, CV_8UC3,
               cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255),
                          rng.uniform(0, 255)));
  for (int i = 0; i < 25; ++i) {
    const cv::Point centre(rng.uniform(-40, 360) - t, rng.uniform(0, 180));
    cv::circle(view, centre, rng.uniform(5, 40),
               cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255),
                          rng.uniform(0, 255)),
               cv::FILLED);
  }
  return view;
}

TEST(ShotCuts, CutsBetweenScenesNotWithinAPan) {
  ShotCutDetector detector;
  std::vector<int> cuts;
  int frame = 0;
  for (const int scene : {1, 2, 3, 3, 4}) {
    for (int t = 0; t < 12; ++t, ++frame) {
      // Scene 3 twice in a row: one long shot, no cut between.
      const int pan = scene == 3 && frame >= 36 ? t + 12 : t;
      if (detector.Next(Fingerprint(Scene(scene, 2 * pan)))) {
        cuts.push_back(frame);
      }
    }
  }
  EXPECT_EQ(cuts, (std::vector<int>{0, 12, 24, 48}));
}

// A detector restored from another's state decides as that one would (a
// resumed extraction depends on it), the relative test's memory of the
// shot's motion included.
TEST(ShotCuts, RestoredStateDecidesTheSame) {
  std::vector<FrameSignature> frames;
  for (int t = 0; t < 10; ++t) frames.push_back(Fingerprint(Scene(7, t)));
  frames.push_back(Fingerprint(Scene(7, 60)));  // a jump within the scene
  for (int t = 0; t < 4; ++t) frames.push_back(Fingerprint(Scene(8, t)));
  ShotCutDetector first;
  for (size_t i = 0; i < 6; ++i) first.Next(frames[i]);
  ShotCutDetector restored;
  restored.Restore(first.state());
  int cuts = 0;
  for (size_t i = 6; i < frames.size(); ++i) {
    const bool a = first.Next(frames[i]);
    EXPECT_EQ(restored.Next(frames[i]), a) << i;
    cuts += a;
  }
  EXPECT_GE(cuts, 1);  // scene 8 at least
}

TEST(ShotCuts, SignatureDistances) {
  const FrameSignature a = Fingerprint(Scene(1, 0));
  EXPECT_EQ(HistogramDistance(a, a), 0);
  EXPECT_EQ(ThumbnailDifference(a, a), 0);
  const FrameSignature black =
      Fingerprint(cv::Mat(180, 320, CV_8UC3, cv::Scalar::all(0)));
  const FrameSignature white =
      Fingerprint(cv::Mat(180, 320, CV_8UC3, cv::Scalar::all(255)));
  EXPECT_NEAR(HistogramDistance(black, white), 1.0, 1e-6);
  EXPECT_NEAR(ThumbnailDifference(black, white), 255, 1e-3);
  float total = 0;
  for (float bin : a.histogram) total += bin;
  EXPECT_NEAR(total, 1.0f, 1e-5f);
}

}  // namespace
}  // namespace parallax
