#include "parallax/infer/temporal_stabilizer.h"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "parallax/infer/flicker.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// A static textured background (disparity 8..12, a gentle slope) and a
// textured 48x48 square (disparity 30) moving 4 px per frame to the right.
// The "network" sees the true disparity times a per-frame scale jitter of
// +-5 % plus per-pixel noise, as a monocular network's output drifts.
class SyntheticVideo {
 public:
  static constexpr int kWidth = 320, kHeight = 180, kSquare = 48;
  static constexpr float kSquareDisp = 30.f;

  explicit SyntheticVideo(uint32_t seed) : rng_(seed) {
    background_ = Texture(kWidth, kHeight, 11, 40, 220);
    square_ = Texture(kSquare, kSquare, 12, 0, 120);
    background_disp_.create(kHeight, kWidth, CV_32FC1);
    for (int y = 0; y < kHeight; ++y) {
      background_disp_.row(y).setTo(8.f + 4.f * y / kHeight);
    }
  }

  cv::Rect SquareAt(int t) const { return {40 + 4 * t, 66, kSquare, kSquare}; }
  cv::Mat Frame(int t) const {
    cv::Mat frame = background_.clone();
    square_.copyTo(frame(SquareAt(t)));
    return frame;
  }
  cv::Mat TrueDisparity(int t) const {
    cv::Mat disp = background_disp_.clone();
    disp(SquareAt(t)).setTo(kSquareDisp);
    return disp;
  }
  // The network output for frame t (a fresh draw per call).
  cv::Mat Predict(const cv::Mat& truth) {
    std::uniform_real_distribution<float> jitter(-0.05f, 0.05f);
    cv::Mat noise(truth.size(), CV_32FC1);
    cv::randn(noise, 0.0, 0.2);
    return truth * (1.f + jitter(rng_)) + noise;
  }
  static cv::Mat Texture(int w, int h, uint64_t seed, int lo, int hi) {
    cv::Mat texture(h, w, CV_8UC3);
    cv::RNG(seed).fill(texture, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(texture, texture, cv::Size(0, 0), 1.5);
    cv::normalize(texture, texture, lo, hi, cv::NORM_MINMAX);
    return texture;
  }

 private:
  std::mt19937 rng_;
  cv::Mat background_, square_, background_disp_;
};

struct RunResult {
  double flicker = 0.0;       // relative, static pixels
  double square_error = 0.0;  // mean relative error inside the square
  double ghost_error = 0.0;   // mean relative error where it was 3 frames ago
  double ghost_max = 0.0;
  double square_flicker = 0.0;  // mean |change| of the square's mean disp
};

RunResult RunVideo(const TemporalStabilizerOptions& options, int frames = 30,
                   double disp_scale = 1.0) {
  SyntheticVideo video(5);
  TemporalStabilizer stabilizer(options);
  FlickerMeter flicker;
  RunResult result;
  cv::Mat out;
  double previous_square_mean = 0.0;
  for (int t = 0; t < frames; ++t) {
    const cv::Mat frame = video.Frame(t);
    cv::Mat truth = video.TrueDisparity(t);
    cv::Mat prediction = video.Predict(truth);
    if (disp_scale != 1.0) {
      cv::resize(prediction, prediction, cv::Size(), disp_scale, disp_scale,
                 cv::INTER_AREA);
    }
    out = stabilizer.Process(frame, prediction);
    if (disp_scale != 1.0) {
      cv::resize(out, out, truth.size(), 0, 0, cv::INTER_LINEAR);
    }
    flicker.Add(frame, out);
    // Inside the square (3 px in from its edges).
    cv::Rect inner = video.SquareAt(t);
    inner.x += 3, inner.y += 3, inner.width -= 6, inner.height -= 6;
    const double square_mean = cv::mean(out(inner))[0];
    if (t > 0) {
      result.square_flicker += std::abs(square_mean - previous_square_mean);
    }
    previous_square_mean = square_mean;
    if (t == frames - 1) {
      cv::Mat error = cv::abs(out - truth) / truth;
      result.square_error = cv::mean(error(inner))[0];
      // Where the square was 3 frames ago and is not now (3 px margin).
      cv::Mat ghost(truth.size(), CV_8U, cv::Scalar(0));
      cv::Rect old = video.SquareAt(t - 3);
      old.x += 3, old.y += 3, old.width -= 6, old.height -= 6;
      ghost(old).setTo(255);
      cv::Rect now = video.SquareAt(t);
      now.x -= 3, now.y -= 3, now.width += 6, now.height += 6;
      ghost(now).setTo(0);
      result.ghost_error = cv::mean(error, ghost)[0];
      cv::minMaxLoc(error, nullptr, &result.ghost_max, nullptr, nullptr, ghost);
    }
  }
  result.flicker = flicker.relative_change();
  result.square_flicker /= frames - 1;
  return result;
}

TemporalStabilizerOptions Mode(TemporalMode mode) {
  TemporalStabilizerOptions options;
  options.mode = mode;
  return options;
}

TEST(TemporalStabilizerTest, FlowAndEmaCutFlickerOnStaticContent) {
  const RunResult off = RunVideo(Mode(TemporalMode::kOff));
  const RunResult ema = RunVideo(Mode(TemporalMode::kExponential));
  const RunResult flow = RunVideo(Mode(TemporalMode::kFlow));
  std::printf("relative flicker: off %.2f%%  ema %.2f%%  flow %.2f%%\n",
              100 * off.flicker, 100 * ema.flicker, 100 * flow.flicker);
  EXPECT_GT(off.flicker, 0.02);  // the jitter is there to be removed
  EXPECT_LE(2 * ema.flicker, off.flicker);
  EXPECT_LE(2 * flow.flicker, off.flicker);
}

TEST(TemporalStabilizerTest, FlowFollowsTheMovingSquareWithoutGhosts) {
  const RunResult flow = RunVideo(Mode(TemporalMode::kFlow));
  std::printf("flow: square error %.2f%%, ghost mean %.2f%% max %.2f%%\n",
              100 * flow.square_error, 100 * flow.ghost_error,
              100 * flow.ghost_max);
  EXPECT_LT(flow.square_error, 0.05);
  EXPECT_LT(flow.ghost_error, 0.04);
  EXPECT_LT(flow.ghost_max, 0.15);
  // A plain EMA does leave a trail: the test can tell.
  const RunResult ema = RunVideo(Mode(TemporalMode::kExponential));
  std::printf("ema:  square error %.2f%%, ghost mean %.2f%%\n",
              100 * ema.square_error, 100 * ema.ghost_error);
  EXPECT_GT(ema.ghost_error, 0.2);
}

TEST(TemporalStabilizerTest, DisparityAtNetworkResolution) {
  const RunResult off = RunVideo(Mode(TemporalMode::kOff), 30, 0.5);
  const RunResult flow = RunVideo(Mode(TemporalMode::kFlow), 30, 0.5);
  EXPECT_LE(2 * flow.flicker, off.flicker);
  EXPECT_LT(flow.square_error, 0.08);
  EXPECT_LT(flow.ghost_error, 0.06);
}

// Measures what scale matching buys: the background is smoothed either
// way, but without it the moving square (never blended) keeps the
// network's full scale jitter against a steady background.
TEST(TemporalStabilizerTest, ScaleMatchingSteadiesUnblendedPixels) {
  TemporalStabilizerOptions without = Mode(TemporalMode::kFlow);
  without.scale_match_strength = 0.0;
  const RunResult off = RunVideo(Mode(TemporalMode::kOff));
  const RunResult plain = RunVideo(without);
  const RunResult matched = RunVideo(Mode(TemporalMode::kFlow));
  std::printf(
      "square flicker (px/frame): off %.3f, flow without matching %.3f, "
      "with %.3f; static flicker %.2f%% vs %.2f%%\n",
      off.square_flicker, plain.square_flicker, matched.square_flicker,
      100 * plain.flicker, 100 * matched.flicker);
  EXPECT_LT(matched.square_flicker, 0.8 * plain.square_flicker);
  EXPECT_LT(matched.flicker, 1.1 * plain.flicker);
}

TEST(TemporalStabilizerTest, FollowsARealGlobalChange) {
  // A dolly-in: the true disparity grows 2 % per frame on a static image.
  // Scale matching adds lag (the scale is smoothed twice) but must not lock
  // the output to the first frame's scale.
  for (double matching : {0.0, 0.5}) {
    SyntheticVideo video(7);
    TemporalStabilizerOptions options;
    options.scale_match_strength = matching;
    TemporalStabilizer stabilizer(options);
    const cv::Mat frame = video.Frame(0);
    const cv::Mat truth = video.TrueDisparity(0);
    cv::Mat out;
    double growth = 1.0;
    for (int t = 0; t < 40; ++t, growth *= 1.02) {
      out = stabilizer.Process(frame, truth * growth);
    }
    growth /= 1.02;
    const double ratio = cv::mean(out)[0] / (cv::mean(truth)[0] * growth);
    std::printf(
        "dolly, scale matching %.1f: output / truth after 40 frames %.3f\n",
        matching, ratio);
    EXPECT_GT(ratio, 0.85);
    EXPECT_LE(ratio, 1.0 + 1e-6);
  }
}

TEST(TemporalStabilizerTest, SceneCutResetsToThePrediction) {
  for (TemporalMode mode : {TemporalMode::kExponential, TemporalMode::kFlow}) {
    SCOPED_TRACE(std::string(TemporalModeName(mode)));
    SyntheticVideo video(9);
    TemporalStabilizer stabilizer(Mode(mode));
    const cv::Mat first = video.Predict(video.TrueDisparity(0));
    EXPECT_EQ(cv::norm(stabilizer.Process(video.Frame(0), first), first,
                       cv::NORM_INF),
              0.0);
    EXPECT_TRUE(stabilizer.last_was_scene_cut());  // the first frame
    for (int t = 1; t < 10; ++t) {
      stabilizer.Process(video.Frame(t), video.Predict(video.TrueDisparity(t)));
      EXPECT_FALSE(stabilizer.last_was_scene_cut()) << t;
    }
    // An unrelated shot with other depth.
    const cv::Mat other =
        cv::Scalar::all(255) - SyntheticVideo::Texture(320, 180, 99, 0, 160);
    const cv::Mat other_disp(180, 320, CV_32FC1, cv::Scalar(50.0));
    const cv::Mat out = stabilizer.Process(other, other_disp);
    EXPECT_TRUE(stabilizer.last_was_scene_cut());
    EXPECT_EQ(cv::norm(out, other_disp, cv::NORM_INF), 0.0);
    // And the new shot is smoothed from there on, with no trace of the old.
    const cv::Mat next = stabilizer.Process(other, other_disp * 1.04);
    EXPECT_FALSE(stabilizer.last_was_scene_cut());
    EXPECT_NEAR(cv::mean(next)[0], 50.0 * (1.0 + 0.04 * 0.3), 0.6);
  }
}

TEST(TemporalStabilizerTest, SizeChangeResetsAndBadInputThrows) {
  TemporalStabilizer stabilizer;
  const cv::Mat frame = SyntheticVideo::Texture(64, 48, 3, 0, 255);
  stabilizer.Process(frame, cv::Mat(48, 64, CV_32FC1, cv::Scalar(5)));
  const cv::Mat small(24, 32, CV_32FC1, cv::Scalar(7));
  EXPECT_EQ(cv::norm(stabilizer.Process(frame, small), small, cv::NORM_INF),
            0.0);
  cv::Mat nan = small.clone();
  nan.at<float>(3, 3) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(stabilizer.Process(frame, nan), std::exception);
  EXPECT_THROW(stabilizer.Process(cv::Mat(), small), std::exception);
  EXPECT_THROW(stabilizer.Process(frame, cv::Mat(24, 32, CV_64FC1)),
               std::exception);
  TemporalStabilizerOptions bad;
  bad.strength = 1.0;
  EXPECT_THROW(TemporalStabilizer{bad}, std::exception);
  EXPECT_EQ(ParseTemporalMode("EMA"), TemporalMode::kExponential);
  EXPECT_EQ(ParseTemporalMode("flow"), TemporalMode::kFlow);
  EXPECT_THROW(ParseTemporalMode("kalman"), Error);
}

}  // namespace
}  // namespace parallax
