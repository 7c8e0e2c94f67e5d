#include "parallax/io/declared_size.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "parallax/io/byte_order.h"
#include "parallax/io/image_io.h"
#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

using internal::ParseDeclaredSize;

std::optional<cv::Size> SizeOf(const std::vector<uchar>& bytes) {
  return ParseDeclaredSize(
      {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

std::optional<cv::Size> SizeOf(const std::string& bytes) {
  return ParseDeclaredSize({bytes.data(), bytes.size()});
}

std::string U16(uint16_t v, bool little) {
  return little ? std::string{char(v & 255), char(v >> 8)}
                : std::string{char(v >> 8), char(v & 255)};
}
std::string U32(uint32_t v, bool little) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) {
    s[little ? i : 3 - i] = static_cast<char>((v >> (8 * i)) & 255);
  }
  return s;
}

// A TIFF header and one IFD that only declares a size: what a decompression
// bomb needs.
std::string TiffHeader(uint32_t width, uint32_t height, bool little) {
  std::string s = little ? "II" : "MM";
  s += U16(42, little) + U32(8, little) + U16(2, little);
  s += U16(256, little) + U16(4, little) + U32(1, little) + U32(width, little);
  s += U16(257, little) + U16(3, little) + U32(1, little) +
       U16(uint16_t(height), little) + U16(0, little);
  return s + U32(0, little);
}

std::string ExrHeader(int32_t x0, int32_t y0, int32_t x1, int32_t y1) {
  std::string s("\x76\x2f\x31\x01\x02\0\0\0", 8);
  s += std::string("channels\0chlist\0", 16) + U32(1, true) + '\0';
  s += std::string("dataWindow\0box2i\0", 17) + U32(16, true);
  for (int32_t v : {x0, y0, x1, y1}) s += U32(uint32_t(v), true);
  return s + '\0';
}

// Ground truth from OpenCV's own encoders (libtiff, OpenEXR).
TEST(DeclaredSize, MatchesFilesWrittenByOpenCv) {
  cv::Mat image(48, 64, CV_8UC3, cv::Scalar(1, 2, 3));
  std::vector<uchar> tiff;
  ASSERT_TRUE(cv::imencode(".tiff", image, tiff));
  EXPECT_EQ(SizeOf(tiff), cv::Size(64, 48));
  cv::Mat gray16(37, 91, CV_16UC1, cv::Scalar(1000));
  ASSERT_TRUE(cv::imencode(".tif", gray16, tiff));
  EXPECT_EQ(SizeOf(tiff), cv::Size(91, 37));
  if (ExrSupported()) {
    std::vector<uchar> exr;
    ASSERT_TRUE(cv::imencode(".exr", cv::Mat(29, 53, CV_32FC3), exr));
    EXPECT_EQ(SizeOf(exr), cv::Size(53, 29));
  }
}

TEST(DeclaredSize, HandMadeHeadersInBothByteOrders) {
  EXPECT_EQ(SizeOf(TiffHeader(70000, 40000, true)), cv::Size(70000, 40000));
  EXPECT_EQ(SizeOf(TiffHeader(1234, 567, false)), cv::Size(1234, 567));
  EXPECT_EQ(SizeOf(ExrHeader(-10, 5, 89, 24)), cv::Size(100, 20));
}

TEST(DeclaredSize, NothingForOtherOrBrokenHeaders) {
  EXPECT_FALSE(SizeOf(std::string("\x89PNG\r\n\x1a\n0000000000")));
  EXPECT_FALSE(SizeOf(std::string("II")));
  // The IFD offset past the end, an entry cut short, no size tags.
  std::string tiff = TiffHeader(10, 10, true);
  EXPECT_FALSE(SizeOf(tiff.substr(0, tiff.size() - 10)));
  tiff[4] = '\x7f';
  EXPECT_FALSE(SizeOf(tiff));
  // An inverted EXR window, an attribute size past the end.
  EXPECT_FALSE(SizeOf(ExrHeader(10, 0, 5, 5)));
  std::string exr = ExrHeader(0, 0, 9, 9);
  EXPECT_FALSE(SizeOf(exr.substr(0, exr.size() - 8)));
}

// The point of it all: a tiny file declaring a huge size is refused from its
// header, by name and with the budget, before OpenCV allocates anything.
TEST(DeclaredSize, ReadImageRefusesTinyFilesDeclaringHugeSizes) {
  testing::TempDir dir;
  const auto path = dir / "bomb.tif";
  WriteFileAtomic(path, TiffHeader(15000, 15000, true));
  const std::string message = testing::ErrorOf([&] {
    ReadImage(path, ReadMode::kColor8, JobImageLimits("depth", 12, 0));
  });
  EXPECT_NE(message.find("bomb.tif"), std::string::npos) << message;
  EXPECT_NE(message.find("15000x15000"), std::string::npos) << message;
  EXPECT_NE(message.find("memory budget"), std::string::npos) << message;
  if (ExrSupported()) {
    const auto exr = dir / "bomb.exr";
    WriteFileAtomic(exr, ExrHeader(0, 0, 14999, 14999));
    EXPECT_NE(testing::ErrorOf([&] {
                ReadImage(exr, ReadMode::kFloat1);
              }).find("memory budget"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace parallax
