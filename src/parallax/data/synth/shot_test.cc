#include "parallax/data/synth/shot.h"

#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/data/synth/scene_flow.h"
#include "parallax/data/synth/soundtrack.h"
#include "parallax/data/synth/stereo_sample.h"
#include "parallax/util/check.h"

namespace parallax::synth {
namespace {

const TextureBank& Bank() {
  static const TextureBank bank = TextureBank::Procedural(6, 7);
  return bank;
}

ShotOptions Options(CameraMove move, RigMode rig, World world) {
  ShotOptions options;
  options.scene.size = {320, 160};
  options.scene.rig = rig;
  options.scene.world = world;
  options.scene.camera_effects = false;  // noise differs frame to frame
  options.frames = 12;
  options.moves = {move};
  options.handheld_probability = 0.5f;
  options.mover_probability = 1.0f;
  return options;
}

// `image` sampled at x + flow(x), bilinearly.
cv::Mat Pull(const cv::Mat& image, const cv::Mat& flow) {
  cv::Mat map(flow.size(), CV_32FC2);
  for (int y = 0; y < flow.rows; ++y) {
    for (int x = 0; x < flow.cols; ++x) {
      const cv::Vec2f f = flow.at<cv::Vec2f>(y, x);
      map.at<cv::Vec2f>(y, x) = {x + f[0], y + f[1]};
    }
  }
  cv::Mat out;
  cv::remap(image, out, map, cv::noArray(), cv::INTER_LINEAR,
            cv::BORDER_REPLICATE);
  return out;
}

struct WarpScore {
  double flow_error = 0;  // mean |frame t - frame t+1 pulled by the flow|
  double zero_error = 0;  // the same without motion
  double moving = 0;      // mean |flow| in px
  double valid = 0;       // share of pixels scored
};

// Frame `t` rebuilt from frame `t + 1` through the exact flow, on the
// pixels seen in both (the flow there and back again returns within
// 0.25 px; elsewhere the point is hidden or leaves the frame).
WarpScore ScoreWarp(const ShotPlan& plan, int t, bool right_view) {
  const Scene now = plan.At(plan.Time(t));
  const Scene then = plan.At(plan.Time(t + 1));
  const StereoSample a = RenderStereoSample(now, Bank());
  const StereoSample b = RenderStereoSample(then, Bank());
  const ViewRender& view_a = right_view ? a.render_right : a.render_left;
  const ViewRender& view_b = right_view ? b.render_right : b.render_left;
  const cv::Mat image_a = right_view ? a.right : a.left;
  const cv::Mat image_b = right_view ? b.right : b.left;
  const cv::Mat forward = SceneFlow(view_a, now, then, right_view);
  const cv::Mat backward = SceneFlow(view_b, then, now, right_view);
  const cv::Mat back_there = Pull(backward, forward);
  const cv::Mat pulled = Pull(image_b, forward);
  WarpScore score;
  int64_t n = 0;
  for (int y = 1; y + 1 < forward.rows; ++y) {
    for (int x = 1; x + 1 < forward.cols; ++x) {
      const cv::Vec2f f = forward.at<cv::Vec2f>(y, x);
      score.moving += std::hypot(f[0], f[1]);
      const float tx = x + f[0], ty = y + f[1];
      const cv::Vec2f round_trip = f + back_there.at<cv::Vec2f>(y, x);
      if (tx < 1 || ty < 1 || tx > forward.cols - 2 || ty > forward.rows - 2 ||
          std::hypot(round_trip[0], round_trip[1]) > 0.25f) {
        continue;
      }
      for (int c = 0; c < 3; ++c) {
        score.flow_error += std::abs(image_a.at<cv::Vec3b>(y, x)[c] -
                                     pulled.at<cv::Vec3b>(y, x)[c]);
        score.zero_error += std::abs(image_a.at<cv::Vec3b>(y, x)[c] -
                                     image_b.at<cv::Vec3b>(y, x)[c]);
      }
      ++n;
    }
  }
  const double pixels = static_cast<double>(forward.total());
  score.moving /= pixels;
  score.valid = n / pixels;
  score.flow_error /= 3.0 * std::max<int64_t>(n, 1);
  score.zero_error /= 3.0 * std::max<int64_t>(n, 1);
  return score;
}

// The flow of every camera move, with shaking and moving things, carries
// the next frame onto this one: what is left is texture resampling, far
// below what the motion alone changes.
TEST(SceneFlow, CarriesTheNextFrameOntoThisOneForEveryMove) {
  int seed = 0;
  for (const CameraMove move :
       {CameraMove::kStatic, CameraMove::kDolly, CameraMove::kPan,
        CameraMove::kOrbit, CameraMove::kCrane}) {
    for (const World world : {World::kOutdoor, World::kIndoor}) {
      const ShotPlan plan =
          PlanShot(static_cast<uint64_t>(++seed), 0,
                   Options(move, RigMode::kConverging, world), Bank());
      for (const bool right : {false, true}) {
        const WarpScore s = ScoreWarp(plan, 5, right);
        SCOPED_TRACE(ToString(plan.path.move) + (right ? " right" : " left") +
                     (world == World::kIndoor ? " indoor" : " outdoor"));
        EXPECT_GT(s.valid, 0.6);
        EXPECT_LT(s.flow_error, 3.0) << s.zero_error << " " << s.moving;
        if (s.moving > 1.0) {
          EXPECT_LT(s.flow_error, 0.5 * s.zero_error);
        }
      }
    }
  }
}

// A thing that moves is carried along: its pixels' flow differs from the
// camera's alone.
TEST(SceneFlow, MovingThingsCarryTheirPoints) {
  for (uint64_t seed = 1; seed < 40; ++seed) {
    const ShotPlan plan = PlanShot(
        seed, 0,
        Options(CameraMove::kStatic, RigMode::kParallel, World::kOutdoor),
        Bank());
    if (plan.movers.empty() || plan.path.shake.position_m > 0) continue;
    const Scene now = plan.At(0.2), then = plan.At(0.2 + 1 / plan.fps);
    const StereoSample a = RenderStereoSample(now, Bank());
    const cv::Mat flow = SceneFlow(a.render_left, now, then, false);
    int moving = 0, still_moving = 0;
    for (int y = 0; y < flow.rows; ++y) {
      for (int x = 0; x < flow.cols; ++x) {
        const int id = a.render_left.id.at<int>(y, x);
        const float speed = cv::norm(flow.at<cv::Vec2f>(y, x));
        bool mover = false;
        for (const Mover& m : plan.movers) mover |= id == m.object + 1;
        if (mover) {
          ++moving;
          still_moving += speed > 0.05f;
        } else {
          // A locked-off camera: everything else stands still.
          EXPECT_LT(speed, 1e-3f) << x << "," << y;
        }
      }
    }
    if (moving < 50) continue;
    EXPECT_GT(still_moving, moving * 9 / 10);
    EXPECT_LT(ScoreWarp(plan, 4, false).flow_error, 3.0);
    return;
  }
  FAIL() << "no shot with a visible mover";
}

// Over a whole shot the disparity stays within the limit asked for, on
// the frames the plan's probes never saw.
TEST(ShotPlan, KeepsTheDisparityWithinTheLimitOverTheShot) {
  for (uint64_t seed = 0; seed < 10; ++seed) {
    ShotOptions options = Options(
        CameraMove::kDolly,
        seed % 2 ? RigMode::kConverging : RigMode::kParallel, World::kMixed);
    options.moves = ParseCameraMoves("all");
    options.scene.max_disparity = 0.1f;
    const ShotPlan plan = PlanShot(seed, 3, options, Bank());
    for (const int t : {0, 5, 11}) {
      const StereoSample s = RenderStereoSample(plan.At(plan.Time(t)), Bank());
      double lo = 0, hi = 0;
      cv::minMaxLoc(s.disp_left, &lo, &hi);
      SCOPED_TRACE(plan.Describe().dump());
      EXPECT_LE(std::max(-lo, hi), 0.1 * 320 * 1.02) << "frame " << t;
      if (!plan.converging) {
        EXPECT_GE(lo, -1e-3);
      }
    }
  }
}

// A converging rig on a dolly keeps its subject at the screen plane, as
// film rigs pull convergence: in every frame, the depth at which the
// rendered disparity is zero (from a pixel on the subject, its depth and
// its disparity) is the depth of the subject's centre then, although that
// changes by more than a tenth over the shot.
TEST(ShotPlan, TheScreenPlaneFollowsTheSubject) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    ShotOptions options =
        Options(CameraMove::kDolly, RigMode::kConverging, World::kOutdoor);
    options.handheld_probability = 0;
    options.mover_probability = 0;
    const ShotPlan plan = PlanShot(seed, 0, options, Bank());
    if (plan.subject_object < 0) continue;
    const auto subject_depth = [&](const Scene& scene) {
      return Dot(plan.subject - scene.rig.center, scene.rig.axes.r2);
    };
    const float z_first = subject_depth(plan.At(0));
    const float z_last = subject_depth(plan.At(plan.Time(11)));
    if (std::abs(z_last - z_first) < 0.1f * z_first) continue;
    for (const int t : {0, 6, 11}) {
      const Scene scene = plan.At(plan.Time(t));
      const Rig& rig = scene.rig;
      const V3 rel = plan.subject - rig.center;
      const float z = Dot(rel, rig.axes.r2);
      const int x = static_cast<int>(rig.focal_px * Dot(rel, rig.axes.r0) / z +
                                     rig.cx(false));
      const int y =
          static_cast<int>(rig.focal_px * Dot(rel, rig.axes.r1) / z + rig.cy);
      const StereoSample s = RenderStereoSample(scene, Bank());
      const float surface = s.render_left.depth.at<float>(y, x);
      const float d = s.disp_left.at<float>(y, x);
      // d = f b (1 / surface - 1 / plane)
      const float plane =
          1 / (1 / surface - d / (rig.focal_px * rig.baseline_m));
      EXPECT_NEAR(plane, z, 0.01f * z) << "frame " << t;
    }
    return;
  }
  FAIL() << "no converging dolly with a subject found";
}

TEST(ShotPlan, IsTheSameForTheSameSeedAndTakesOnlyTheMovesAsked) {
  ShotOptions options =
      Options(CameraMove::kPan, RigMode::kMixed, World::kMixed);
  options.moves = {CameraMove::kPan, CameraMove::kOrbit};
  for (int64_t index = 0; index < 8; ++index) {
    const ShotPlan a = PlanShot(5, index, options, Bank());
    const ShotPlan b = PlanShot(5, index, options, Bank());
    EXPECT_EQ(a.Describe(), b.Describe());
    EXPECT_NE(a.Describe(), PlanShot(6, index, options, Bank()).Describe());
    // Static only when no drawn move kept clear of everything.
    EXPECT_TRUE(a.path.move == CameraMove::kPan ||
                a.path.move == CameraMove::kOrbit ||
                a.path.move == CameraMove::kStatic);
  }
  EXPECT_THROW(ParseCameraMoves("pan,zoom"), parallax::Error);
  EXPECT_EQ(ParseCameraMoves("all").size(), 5u);
}

// Each shot sounds its own chord, fades at the cuts, and the samples do
// not depend on how the writer asks for them.
TEST(Soundtrack, EachShotSoundsItsChordAndFadesAtTheCuts) {
  const Soundtrack track(3, {0.0, 0.5, 1.25}, 2.0, 48000);
  EXPECT_EQ(track.length(), 96000);
  std::vector<float> whole(2 * 96000);
  track.Fill(0, 96000, whole.data());
  std::vector<float> pieces(2 * 96000);
  for (int64_t first = 0; first < 96000; first += 1000) {
    track.Fill(first, 1000, pieces.data() + 2 * first);
  }
  EXPECT_EQ(whole, pieces);
  // Silent at the cuts, loud between.
  for (const int64_t cut : {0, 24000, 60000}) {
    EXPECT_NEAR(whole[2 * static_cast<size_t>(cut)], 0.0f, 1e-6f);
  }
  const auto power = [&](int64_t from, int64_t to, double hz) {
    double c = 0, s = 0;
    for (int64_t i = from; i < to; ++i) {
      const double v = whole[2 * static_cast<size_t>(i)] +
                       whole[2 * static_cast<size_t>(i) + 1];
      c += v * std::cos(2 * CV_PI * hz * static_cast<double>(i) / 48000);
      s += v * std::sin(2 * CV_PI * hz * static_cast<double>(i) / 48000);
    }
    return std::hypot(c, s) / static_cast<double>(to - from);
  };
  for (size_t shot = 0; shot < 3; ++shot) {
    const int64_t from = shot == 0 ? 2000 : shot == 1 ? 26000 : 62000;
    const int64_t to = from + 20000;
    for (const float hz : track.chord(shot)) {
      EXPECT_GT(power(from, to, hz), 0.03) << shot << " " << hz;
    }
  }
}

}  // namespace
}  // namespace parallax::synth
