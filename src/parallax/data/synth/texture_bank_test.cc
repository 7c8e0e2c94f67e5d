#include "parallax/data/synth/texture_bank.h"

#include <gtest/gtest.h>

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
