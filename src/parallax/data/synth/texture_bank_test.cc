#include "parallax/data/synth/texture_bank.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax::synth {
namespace {

namespace fs = std::filesystem;

TEST(TextureBank, LoadsPhotosOnceAndSkipsMapsAndRightViews) {
  testing::TempDir dir;
  cv::Mat photo(300, 400, CV_8UC3);
  cv::randu(photo, 0, 255);
  fs::create_directories(dir / "pack/contents/images");
  fs::create_directories(dir / "stereo");
  WriteImage(dir / "pack/contents/images/1920x1080.jpg", photo);
  WriteImage(dir / "pack/contents/images/800x600.jpg", photo);  // same one
  WriteImage(dir / "stereo/left.png", photo);
  WriteImage(dir / "stereo/right.png", photo);
  WriteImage(dir / "stereo/disp0GT.png", photo);
  WriteImage(dir / "tiny.png", cv::Mat(20, 20, CV_8UC3, cv::Scalar(9)));
  const TextureBank bank = TextureBank::Load({dir.path()});
  ASSERT_EQ(bank.size(), 2u);
  // A mip pyramid in linear light.
  const Texture& t = bank.at(0);
  EXPECT_GT(t.levels.size(), 4u);
  EXPECT_EQ(t.levels[1].cols, (t.width() + 1) / 2);
}

TEST(TextureBank, KeepsTheFilesOrderWhateverTheLoadingOrder) {
  // Photos load in parallel; the bank (and so every seed's worlds) must
  // still list them sorted by path. Sizes differ so that the larger ones
  // finish later.
  testing::TempDir dir;
  const std::vector<std::string> names = {"a.png", "b.jpg", "c.png",
                                          "d.jpg", "e.png", "f.jpg"};
  for (size_t i = 0; i < names.size(); ++i) {
    const int side = 900 - 120 * static_cast<int>(i);
    cv::Mat photo(side, side, CV_8UC3);
    cv::randu(photo, 0, 255);
    WriteImage(dir / names[i], photo);
  }
  const TextureBank bank = TextureBank::Load({dir.path()});
  ASSERT_EQ(bank.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(fs::path(bank.at(i).source).filename(), names[i]);
    EXPECT_EQ(bank.at(i).width(), 900 - 120 * static_cast<int>(i));
  }
}

TEST(TextureBank, SamplingIsLinearLightAndFiltered) {
  TextureBank bank;
  cv::Mat checks(64, 64, CV_8UC3);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      checks.at<cv::Vec3b>(y, x) =
          ((x + y) % 2) ? cv::Vec3b(255, 255, 255) : cv::Vec3b(0, 0, 0);
    }
  }
  bank.Add(checks, "checks");
  const Texture& t = bank.at(0);
  // Level 0 at a texel centre: exactly white (linear 1).
  EXPECT_NEAR(t.Sample(1.5f, 0.5f, 0)[0], 1.0f, 1e-5f);
  // Far away (coarse level) the pattern averages to mid grey in linear
  // light (0.5), not sRGB mid grey (0.21 linear).
  EXPECT_NEAR(t.Sample(10.3f, 20.7f, 4.0f)[1], 0.5f, 0.05f);
}

// The sampler's definition, one tap at a time: bilinear taps of the two
// nearest mip levels with mirrored repeat, blended by the fractional level.
cv::Vec3f ReferenceSample(const Texture& texture, float u, float v, float lod) {
  const int last = static_cast<int>(texture.levels.size()) - 1;
  lod = std::clamp(lod, 0.0f, static_cast<float>(last));
  const int l0 = static_cast<int>(lod);
  const float t = lod - static_cast<float>(l0);
  const auto mirror = [](int i, int n) {
    if (i < 0) return -1 - i;
    if (i < n) return i;
    if (i < 2 * n) return 2 * n - 1 - i;
    return i - 2 * n;
  };
  const auto bilinear = [&](int level, float x, float y) {
    const cv::Mat& m = texture.levels[static_cast<size_t>(level)];
    const auto wrap = [](float c, int n) {
      const float period = 2.0f * static_cast<float>(n);
      return c - std::floor(c * (1.0f / period)) * period - 0.5f;
    };
    const float fx = wrap(x, m.cols), fy = wrap(y, m.rows);
    const int x0 = static_cast<int>(std::floor(fx));
    const int y0 = static_cast<int>(std::floor(fy));
    const float ax = fx - std::floor(fx), ay = fy - std::floor(fy);
    cv::Vec4f out;
    for (int c = 0; c < 4; ++c) {
      const auto at = [&](int yy, int xx) {
        return static_cast<float>(
            m.at<cv::Vec4w>(mirror(yy, m.rows), mirror(xx, m.cols))[c]);
      };
      const float top = at(y0, x0) + (at(y0, x0 + 1) - at(y0, x0)) * ax;
      const float bottom =
          at(y0 + 1, x0) + (at(y0 + 1, x0 + 1) - at(y0 + 1, x0)) * ax;
      out[c] = top + (bottom - top) * ay;
    }
    return out;
  };
  const float s0 = std::ldexp(1.0f, -l0);
  cv::Vec4f texel = bilinear(l0, u * s0, v * s0);
  if (t >= 1e-3f && l0 < last) {
    texel += (bilinear(l0 + 1, u * s0 * 0.5f, v * s0 * 0.5f) - texel) * t;
  }
  return {texel[0] / 65535.0f, texel[1] / 65535.0f, texel[2] / 65535.0f};
}

TEST(TextureBank, VectorSamplerMatchesTheTapByTapDefinition) {
  // Odd sizes, so levels have odd widths too; positions far outside the
  // texture (mirrored periods on both sides) and levels between and
  // beyond the pyramid's.
  cv::Mat photo(45, 67, CV_8UC3);
  cv::randu(photo, 0, 255);
  TextureBank bank;
  bank.Add(photo, "random");
  const Texture& texture = bank.at(0);
  cv::RNG rng(3);
  float worst = 0;
  for (int i = 0; i < 20000; ++i) {
    const float range = i % 4 == 0 ? 3000.0f : 150.0f;
    const float u = rng.uniform(-range, range), v = rng.uniform(-range, range);
    const float lod = rng.uniform(-0.5f, 4.5f);
    const cv::Vec3f got = texture.Sample(u, v, lod);
    const cv::Vec3f want = ReferenceSample(texture, u, v, lod);
    for (int c = 0; c < 3; ++c)
      worst = std::max(worst, std::abs(got[c] - want[c]));
  }
  EXPECT_LT(worst, 1e-5f);
  // A non-finite position must not read outside the texture.
  const cv::Vec3f far = texture.Sample(NAN, 1e30f, 0);
  EXPECT_TRUE(std::isfinite(far[0]) && std::isfinite(far[1]));
}

TEST(TextureBank, NoPhotosIsANamedError) {
  testing::TempDir dir;
  try {
    TextureBank::Load({dir.path()});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string()),
              std::string::npos);
  }
  EXPECT_THROW(TextureBank::Load({dir / "missing"}), Error);
}

}  // namespace
}  // namespace parallax::synth
