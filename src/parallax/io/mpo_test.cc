#include "parallax/io/mpo.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "parallax/io/byte_order.h"
#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

std::string Jpeg(const cv::Scalar& color) {
  std::vector<uchar> buffer;
  cv::imencode(".jpg", cv::Mat(16, 24, CV_8UC3, color), buffer);
  return std::string(buffer.begin(), buffer.end());
}

void StoreU32(uint32_t value, char* p, bool little) {
  if (little) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(value >> (8 * i));
  } else {
    internal::StoreU32BE(value, p);
  }
}

void StoreU16(uint16_t value, char* p, bool little) {
  p[little ? 0 : 1] = static_cast<char>(value & 0xFF);
  p[little ? 1 : 0] = static_cast<char>(value >> 8);
}

// Two frames with an APP2 "MPF" index right after the first SOI, then
// `trailer` (bytes the index does not list).
std::string MpoWithIndex(const std::string& first, const std::string& second,
                         bool little, const std::string& trailer = "") {
  // TIFF header (8) + IFD count (2) + one entry (12) + next IFD (4) = 26,
  // then two 16-byte MP entries.
  std::string tiff(26 + 32, '\0');
  std::memcpy(tiff.data(), little ? "II" : "MM", 2);
  StoreU16(42, tiff.data() + 2, little);
  StoreU32(8, tiff.data() + 4, little);
  StoreU16(1, tiff.data() + 8, little);
  StoreU16(0xB002, tiff.data() + 10, little);
  StoreU16(7, tiff.data() + 12, little);  // UNDEFINED
  StoreU32(32, tiff.data() + 14, little);
  StoreU32(26, tiff.data() + 18, little);
  const std::string payload = std::string("MPF\0", 4) + tiff;
  std::string app2 = "\xFF\xE2";
  app2.push_back(static_cast<char>((payload.size() + 2) >> 8));
  app2.push_back(static_cast<char>((payload.size() + 2) & 0xFF));
  app2 += payload;
  const size_t base = 2 + 4 + 4;  // SOI, APP2 marker and length, "MPF\0"
  const size_t first_size = first.size() + app2.size();
  std::string file = first.substr(0, 2) + app2 + first.substr(2);
  char* entries = file.data() + base + 26;
  StoreU32(first_size, entries + 4, little);
  StoreU32(0, entries + 8, little);
  StoreU32(second.size(), entries + 16 + 4, little);
  StoreU32(first_size - base, entries + 16 + 8, little);
  return file + second + trailer;
}

double MeanGreen(std::span<const char> frame) {
  const cv::Mat buffer(1, int(frame.size()), CV_8U,
                       const_cast<char*>(frame.data()));
  return cv::mean(cv::imdecode(buffer, cv::IMREAD_COLOR))[1];
}

TEST(Mpo, UsesTheMpIndexInBothByteOrders) {
  const std::string first = Jpeg({0, 40, 0});
  const std::string second = Jpeg({0, 200, 0});
  // A third JPEG after the indexed ones: only a scan would find it.
  const std::string third = Jpeg({0, 120, 0});
  for (const bool little : {true, false}) {
    const std::string file = MpoWithIndex(first, second, little, third);
    const auto frames = SplitMpoFrames(file, "index.mpo");
    ASSERT_EQ(frames.size(), 2u) << "little=" << little;
    EXPECT_EQ(frames[1].size(), second.size());
    EXPECT_NEAR(MeanGreen(frames[0]), 40, 3);
    EXPECT_NEAR(MeanGreen(frames[1]), 200, 3);
  }
}

TEST(Mpo, ScansForFramesWithoutAnIndex) {
  const std::string file = Jpeg({0, 40, 0}) + Jpeg({0, 200, 0});
  const auto frames = SplitMpoFrames(file, "plain.mpo");
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NEAR(MeanGreen(frames[0]), 40, 3);
  EXPECT_NEAR(MeanGreen(frames[1]), 200, 3);
}

TEST(Mpo, TruncatedOrForeignFilesThrowNamingTheFile) {
  const std::string first = Jpeg({0, 40, 0});
  const std::string second = Jpeg({0, 200, 0});
  const std::string cut =
      MpoWithIndex(first, second, true).substr(0, first.size() + 100);
  try {
    SplitMpoFrames(cut, "cut.mpo");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("'cut.mpo': MPO has 1"),
              std::string::npos)
        << error.what();
  }
  EXPECT_THROW(SplitMpoFrames(std::string("GIF89a......"), "x.mpo"), Error);
  EXPECT_EQ(SplitMpoFrames(first, "one.mpo", 1).size(), 1u);
}

TEST(Mpo, ReadsTheRealNintendoFiles) {
  const auto shared = testing::SharedStereoDir();
  if (!shared) GTEST_SKIP() << "shared stereo data not found";
  for (const char* name : {"frozenpond", "sugarshack"}) {
    const auto dir = *shared / "train" / "nintendo-3ds-mpo";
    ASSERT_TRUE(IsMpoFile(dir / (std::string(name) + ".mpo")));
    const std::vector<cv::Mat> frames =
        ReadMpo(dir / (std::string(name) + ".mpo"));
    ASSERT_EQ(frames.size(), 2u);
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(frames[i].size(), cv::Size(640, 480));
      ASSERT_EQ(frames[i].type(), CV_8UC3);
      // The PNGs beside are the same JPEG frames decoded by Pillow.
      const cv::Mat reference =
          cv::imread((dir / fmt::format("{}_frame{}.png", name, i)).string());
      cv::Mat diff;
      cv::absdiff(frames[i], reference, diff);
      EXPECT_LT(cv::mean(diff)[0], 1.0) << name << " frame " << i;
    }
    const std::vector<ImageInfo> infos =
        ProbeMpo(dir / (std::string(name) + ".mpo"));
    ASSERT_EQ(infos.size(), 2u);
    EXPECT_EQ(infos[1].width, 640);
    EXPECT_EQ(infos[1].height, 480);
    // Left and right views differ (this is not one frame twice).
    cv::Mat between;
    cv::absdiff(frames[0], frames[1], between);
    EXPECT_GT(cv::mean(between)[0], 5.0);
  }
}

}  // namespace
}  // namespace parallax
