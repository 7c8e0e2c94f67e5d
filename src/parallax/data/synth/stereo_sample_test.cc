#include "parallax/data/synth/stereo_sample.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include <opencv2/imgproc.hpp>

#include "parallax/data/synth/scene_parts.h"
#include "parallax/data/synth/synth_run.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax::synth {
namespace {

namespace fs = std::filesystem;

const TextureBank& Bank() {
  static const TextureBank bank = TextureBank::Procedural(6, 7);
  return bank;
}

SceneOptions Clean(RigMode rig, World world = World::kOutdoor) {
  SceneOptions options;
  options.rig = rig;
  options.world = world;
  options.camera_effects = false;  // noise and JPEG differ between views
  return options;
}

// `to` rebuilt from `from` sampled at x - d (left from right) or x + d
// (right from left), bilinearly, as the trainer's sampler does.
cv::Mat Warp(const cv::Mat& from, const cv::Mat& disp, bool rebuild_left) {
  cv::Mat map_x(disp.size(), CV_32FC1), map_y(disp.size(), CV_32FC1);
  for (int y = 0; y < disp.rows; ++y) {
    for (int x = 0; x < disp.cols; ++x) {
      const float d = disp.at<float>(y, x);
      map_x.at<float>(y, x) = rebuild_left ? x - d : x + d;
      map_y.at<float>(y, x) = static_cast<float>(y);
    }
  }
  cv::Mat out;
  cv::remap(from, out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return out;
}

double MaskedPsnr(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask) {
  double sum = 0;
  int64_t n = 0;
  for (int y = 0; y < a.rows; ++y) {
    for (int x = 0; x < a.cols; ++x) {
      if (!mask.at<uint8_t>(y, x)) continue;
      for (int c = 0; c < 3; ++c) {
        const double e = a.at<cv::Vec3b>(y, x)[c] - b.at<cv::Vec3b>(y, x)[c];
        sum += e * e;
      }
      n += 3;
    }
  }
  EXPECT_GT(n, 0);
  return 10 * std::log10(255.0 * 255.0 / std::max(sum / n, 1e-12));
}

TEST(StereoSample, WarpingByTheGroundTruthRebuildsTheOtherView) {
  for (World world : {World::kOutdoor, World::kIndoor}) {
    for (RigMode rig : {RigMode::kParallel, RigMode::kConverging}) {
      for (int index = 0; index < 3; ++index) {
        SCOPED_TRACE(ToString(world) + " " + ToString(rig) + " sample " +
                     std::to_string(index));
        const Scene scene = SampleScene(11, index, Clean(rig, world), Bank());
        const StereoSample s = RenderStereoSample(scene, Bank());
        // Most of a view is seen by the other camera.
        EXPECT_GT(cv::countNonZero(s.mask_left), s.left.total() / 2);
        const double left_psnr =
            MaskedPsnr(Warp(s.right, s.disp_left, true), s.left, s.mask_left);
        const double right_psnr = MaskedPsnr(Warp(s.left, s.disp_right, false),
                                             s.right, s.mask_right);
        EXPECT_GT(left_psnr, 40.0);
        EXPECT_GT(right_psnr, 40.0);
        // The wrong sign must not pass: the test can fail.
        cv::Mat flipped = -s.disp_left;
        EXPECT_LT(MaskedPsnr(Warp(s.right, flipped, true), s.left, s.mask_left),
                  left_psnr - 10);
      }
    }
  }
}

TEST(StereoSample, DisparityRangeAndSignFollowTheRig) {
  for (World world : {World::kOutdoor, World::kIndoor}) {
    SCOPED_TRACE(ToString(world));
    SceneOptions options = Clean(RigMode::kParallel, world);
    options.max_disparity = 0.2f;
    // Rooms put things right in front of the lens: more of them.
    const int count = world == World::kIndoor ? 16 : 4;
    for (int index = 0; index < count; ++index) {
      const StereoSample s =
          RenderStereoSample(SampleScene(5, index, options, Bank()), Bank());
      double lo, hi;
      cv::minMaxLoc(s.disp_left, &lo, &hi);
      EXPECT_GE(lo, 0.0) << index;  // nothing beyond infinity
      EXPECT_GT(hi, 1.0) << index;
      EXPECT_LE(hi, 0.2 * 512) << index;
    }
    options.rig = RigMode::kConverging;
    for (int index = 0; index < 4; ++index) {
      const StereoSample s =
          RenderStereoSample(SampleScene(5, index, options, Bank()), Bank());
      double lo, hi;
      cv::minMaxLoc(s.disp_left, &lo, &hi);
      EXPECT_LT(lo, -0.5) << index;  // behind the screen plane
      EXPECT_GT(hi, 0.5) << index;   // in front of it
      EXPECT_LE(std::max(-lo, hi), 0.2 * 512) << index;
      EXPECT_EQ(s.meta["rig"]["type"], "converging");
    }
  }
}

// Rooms are the close range: every indoor sample's far end (its 5th
// percentile disparity) is nearer than 12 m, where most outdoor samples
// see past 30 m; and both kinds are drawn in mixed runs.
TEST(StereoSample, RoomsAreNearAndMixedRunsDrawBothWorlds) {
  auto far_depth_m = [](const StereoSample& s) {
    std::vector<float> d(s.disp_left.begin<float>(), s.disp_left.end<float>());
    std::nth_element(d.begin(), d.begin() + d.size() / 20, d.end());
    const double focal = s.meta["camera"]["focal_px"];
    const double baseline = s.meta["rig"]["baseline_m"];
    return focal * baseline / std::max(d[d.size() / 20], 1e-6f);
  };
  int far_outdoor = 0;
  for (int index = 0; index < 6; ++index) {
    const StereoSample room = RenderStereoSample(
        SampleScene(7, index, Clean(RigMode::kParallel, World::kIndoor),
                    Bank()),
        Bank());
    EXPECT_EQ(room.meta["world"], "indoor");
    EXPECT_LT(far_depth_m(room), 12.0) << index;
    EXPECT_GT(room.meta["objects"]["wall"], 0) << index;
    const StereoSample outdoor = RenderStereoSample(
        SampleScene(7, index, Clean(RigMode::kParallel), Bank()), Bank());
    EXPECT_EQ(outdoor.meta["world"], "outdoor");
    far_outdoor += far_depth_m(outdoor) > 30.0;
  }
  EXPECT_GE(far_outdoor, 4);
  int indoor = 0;
  for (int index = 0; index < 40; ++index) {
    indoor +=
        SampleScene(7, index, Clean(RigMode::kParallel, World::kMixed), Bank())
            .indoor;
  }
  EXPECT_GT(indoor, 10);
  EXPECT_LT(indoor, 30);
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Outdoor worlds are what they were before rooms existed: the same draws
// give the same rig and things (values printed by the sampler of b8ab8de,
// before rooms).
TEST(StereoSample, OutdoorWorldsKeepTheirRandomDraws) {
  const Scene scene = SampleScene(1, 2, SceneOptions{}, Bank());
  EXPECT_FALSE(scene.indoor);
  EXPECT_EQ(scene.objects.size(), 27u);
  EXPECT_FLOAT_EQ(scene.rig.baseline_m, 0.0645643696f);
  EXPECT_FLOAT_EQ(scene.rig.hfov, 0.850830078f);
  EXPECT_FLOAT_EQ(scene.objects.back().center.z, 3.74885464f);
}

TEST(StereoSample, SameSeedSameBytesWhateverTheThreads) {
  testing::TempDir dir;
  SynthRunOptions options;
  options.count = 4;
  options.seed = 3;
  options.scene.size = {128, 64};
  options.out = dir / "a";
  options.threads = 1;
  RunSynth(options, Bank());
  options.out = dir / "b";
  options.threads = 2;
  RunSynth(options, Bank());
  options.out = dir / "c";
  options.seed = 4;
  RunSynth(options, Bank());
  for (const char* file : {"left.png", "right.png", "disp_left.pfm",
                           "disp_right.pfm", "left_mask.png", "meta.json"}) {
    for (int i = 0; i < 4; ++i) {
      const fs::path name = SampleFolder("", i) / file;
      EXPECT_EQ(ReadBytes(dir / "a" / name), ReadBytes(dir / "b" / name))
          << name;
    }
  }
  EXPECT_NE(ReadBytes(dir / "a/0000000/left.png"),
            ReadBytes(dir / "c/0000000/left.png"));
}

TEST(StereoSample, ResumeSkipsCompleteSamplesOnly) {
  testing::TempDir dir;
  SynthRunOptions options;
  options.count = 3;
  options.scene.size = {96, 48};
  options.out = dir.path();
  RunSynth(options, Bank());
  fs::remove(dir / "0000001/meta.json");  // as if killed while writing
  const auto kept = fs::last_write_time(dir / "0000000/left.png");
  options.resume = true;
  const SynthRunReport report = RunSynth(options, Bank());
  EXPECT_EQ(report.skipped, 2);
  EXPECT_EQ(report.written, 1);
  EXPECT_TRUE(fs::exists(dir / "0000001/meta.json"));
  EXPECT_EQ(fs::last_write_time(dir / "0000000/left.png"), kept);
}

TEST(StereoSample, CameraEffectsChangeTheImagesNotTheTruth) {
  SceneOptions options = Clean(RigMode::kParallel);
  const Scene clean = SampleScene(9, 0, options, Bank());
  options.camera_effects = true;
  Scene noisy = SampleScene(9, 0, options, Bank());
  noisy.effects.noise_sigma = 0.02f;
  const StereoSample a = RenderStereoSample(clean, Bank());
  const StereoSample b = RenderStereoSample(noisy, Bank());
  EXPECT_EQ(cv::norm(a.disp_left, b.disp_left, cv::NORM_INF), 0);
  EXPECT_GT(cv::norm(a.left, b.left, cv::NORM_L1) / a.left.total(), 1.0);
}

// Mean of max - min channel over the pixels whose disparity is below `far`.
double FarSaturation(const StereoSample& sample, float far) {
  double sum = 0;
  int64_t n = 0;
  for (int y = 0; y < sample.left.rows; ++y) {
    for (int x = 0; x < sample.left.cols; ++x) {
      if (sample.disp_left.at<float>(y, x) >= far) continue;
      const cv::Vec3b p = sample.left.at<cv::Vec3b>(y, x);
      sum += std::max({p[0], p[1], p[2]}) - std::min({p[0], p[1], p[2]});
      ++n;
    }
  }
  return n > 0 ? sum / static_cast<double>(n) : 0;
}

TEST(StereoSample, HazeScaleThinsTheHazeAndKeepsTheWorld) {
  SceneOptions options = Clean(RigMode::kParallel);
  const Scene hazy = SampleScene(5, 1, options, Bank());
  options.haze_scale = 0.2f;
  const Scene thin = SampleScene(5, 1, options, Bank());
  options.haze_scale = 0;
  const Scene clear = SampleScene(5, 1, options, Bank());
  ASSERT_GT(hazy.haze.density, 0);
  EXPECT_FLOAT_EQ(thin.haze.density, 0.2f * hazy.haze.density);
  EXPECT_EQ(clear.haze.density, 0);
  // Every other draw is the same: the same rig and the same things.
  EXPECT_EQ(thin.objects.size(), hazy.objects.size());
  EXPECT_EQ(thin.rig.baseline_m, hazy.rig.baseline_m);
  EXPECT_EQ(thin.objects.back().center.z, hazy.objects.back().center.z);

  const StereoSample a = RenderStereoSample(hazy, Bank());
  const StereoSample b = RenderStereoSample(thin, Bank());
  const StereoSample c = RenderStereoSample(clear, Bank());
  EXPECT_EQ(cv::norm(a.disp_left, c.disp_left, cv::NORM_INF), 0);
  // Haze is grey: far things keep more of their colour in thinner air.
  cv::Mat sorted = a.disp_left.reshape(1, 1).clone();
  cv::sort(sorted, sorted, cv::SORT_ASCENDING);
  const float far = sorted.at<float>(0, sorted.cols / 3);
  EXPECT_LT(FarSaturation(a, far), FarSaturation(b, far));
  EXPECT_LT(FarSaturation(b, far), FarSaturation(c, far));
}

TEST(StereoSample, HazeAndRecolorOutsideTheirRangesAreRefused) {
  SynthRunOptions options;
  options.out = "unused";
  options.count = 1;
  options.scene.haze_scale = -0.1f;
  EXPECT_NE(testing::ErrorOf([&] { options.Check(); }).find("--haze"),
            std::string::npos);
  options.scene.haze_scale = std::nanf("");
  EXPECT_THROW(options.Check(), Error);
  options.scene.haze_scale = 0;
  EXPECT_NO_THROW(options.Check());
  options.scene.recolor_probability = 1.5f;
  EXPECT_NE(testing::ErrorOf([&] { options.Check(); }).find("--recolor"),
            std::string::npos);
}

TEST(HueTurn, KeepsTheSumAndTheDistanceFromGreyAndTurnsByThirds) {
  const cv::Vec3f x{0.6f, 0.3f, 0.1f};
  EXPECT_EQ(HueTurn{}.Apply(x), x);
  EXPECT_TRUE(HueTurn::Of(0).is_identity());
  // A third of a turn moves each channel's value to the next channel.
  const cv::Vec3f third = HueTurn::Of(2 * kPi / 3).Apply(x);
  EXPECT_NEAR(third[0], x[2], 1e-6);
  EXPECT_NEAR(third[1], x[0], 1e-6);
  EXPECT_NEAR(third[2], x[1], 1e-6);
  const auto grey_distance = [](const cv::Vec3f& v) {
    const float mean = (v[0] + v[1] + v[2]) / 3;
    return cv::norm(v - cv::Vec3f(mean, mean, mean));
  };
  for (const float angle : {0.4f, 1.3f, 2.9f, 5.0f}) {
    const cv::Vec3f y = HueTurn::Of(angle).Apply(x);
    EXPECT_NEAR(y[0] + y[1] + y[2], x[0] + x[1] + x[2], 1e-5) << angle;
    EXPECT_NEAR(grey_distance(y), grey_distance(x), 1e-5) << angle;
    EXPECT_GT(cv::norm(y - x), 0.05) << angle;
  }
  const cv::Vec3f grey{0.4f, 0.4f, 0.4f};
  EXPECT_LT(cv::norm(HueTurn::Of(1.0f).Apply(grey) - grey), 1e-6);
  // A saturated colour turned off the cube is clamped, never negative.
  const cv::Vec3f red = HueTurn::Of(kPi).Apply({1, 0, 0});
  EXPECT_GE(red[1], 0);
  EXPECT_EQ(red[0], 0);
}

TEST(StereoSample, RecolorTurnsSurfaceHuesAndKeepsTheWorld) {
  SceneOptions options = Clean(RigMode::kParallel, World::kMixed);
  const Scene plain = SampleScene(4, 3, options, Bank());
  options.recolor_probability = 1;
  const Scene recolored = SampleScene(4, 3, options, Bank());
  options.recolor_probability = 0.5f;
  const Scene half = SampleScene(4, 3, options, Bank());
  ASSERT_EQ(recolored.objects.size(), plain.objects.size());
  int turned = 0;
  for (size_t i = 0; i < plain.objects.size(); ++i) {
    EXPECT_TRUE(plain.objects[i].material.hue.is_identity());
    EXPECT_FALSE(recolored.objects[i].material.hue.is_identity());
    EXPECT_EQ(recolored.objects[i].center.z, plain.objects[i].center.z);
    if (!half.objects[i].material.hue.is_identity()) ++turned;
  }
  EXPECT_FALSE(recolored.ground.hue.is_identity());
  EXPECT_FALSE(recolored.backdrop.hue.is_identity());
  EXPECT_GT(turned, 0);
  EXPECT_LT(turned, static_cast<int>(plain.objects.size()));

  const StereoSample a = RenderStereoSample(plain, Bank());
  const StereoSample b = RenderStereoSample(recolored, Bank());
  EXPECT_EQ(cv::norm(a.disp_left, b.disp_left, cv::NORM_INF), 0);
  EXPECT_EQ(cv::norm(a.mask_left, b.mask_left, cv::NORM_INF), 0);
  EXPECT_GT(cv::norm(a.left, b.left, cv::NORM_L1) / a.left.total(), 5.0);
  // The views still match each other through the truth.
  EXPECT_GT(MaskedPsnr(b.left, Warp(b.right, b.disp_left, true), b.mask_left),
            40);
  // A turn keeps R + G + B, so the views' brightness barely moves.
  const auto brightness = [](const cv::Mat& image) {
    const cv::Scalar mean = cv::mean(image);
    return mean[0] + mean[1] + mean[2];
  };
  EXPECT_NEAR(brightness(b.left), brightness(a.left), 0.1 * brightness(a.left));
}

TEST(VisibleInOtherView, OccludedStripBesideAForegroundSquare) {
  // Background at 2 px, a square at 10 px: the 8 px left of the square's
  // left edge in the left view are hidden from the right camera.
  cv::Mat disp_left(20, 60, CV_32FC1, cv::Scalar(2));
  cv::Mat disp_right(20, 60, CV_32FC1, cv::Scalar(2));
  disp_left(cv::Rect(30, 5, 10, 10)).setTo(10);
  disp_right(cv::Rect(20, 5, 10, 10)).setTo(10);
  const cv::Mat mask = VisibleInOtherView(disp_left, disp_right, true);
  EXPECT_EQ(mask.at<uint8_t>(10, 35), 255);  // on the square
  EXPECT_EQ(mask.at<uint8_t>(10, 26), 0);    // background behind it
  EXPECT_EQ(mask.at<uint8_t>(10, 15), 255);  // background in the open
  EXPECT_EQ(mask.at<uint8_t>(10, 1), 0);     // leaves the right image
}

}  // namespace
}  // namespace parallax::synth
