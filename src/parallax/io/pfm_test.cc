#include "parallax/io/pfm.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <opencv2/core.hpp>

#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

cv::Mat RandomFloats(int rows, int cols, int channels) {
  cv::Mat image(rows, cols, CV_MAKETYPE(CV_32F, channels));
  cv::RNG rng(7);
  rng.fill(image, cv::RNG::UNIFORM, -100.0, 100.0);
  return image;
}

bool Identical(const cv::Mat& a, const cv::Mat& b) {
  return a.type() == b.type() && a.size() == b.size() &&
         cv::norm(a, b, cv::NORM_INF) == 0;
}

std::string FloatBytes(std::initializer_list<float> values,
                       bool big_endian = false) {
  std::string bytes;
  for (const float value : values) {
    char raw[4];
    std::memcpy(raw, &value, 4);
    if (big_endian) std::swap(raw[0], raw[3]), std::swap(raw[1], raw[2]);
    bytes.append(raw, 4);
  }
  return bytes;
}

TEST(Pfm, RoundTripsBothByteOrdersAndChannelCounts) {
  for (const bool little : {true, false}) {
    for (const int channels : {1, 3}) {
      const cv::Mat image = RandomFloats(5, 7, channels);
      const std::string bytes = EncodePfm(image, little);
      EXPECT_EQ(bytes.substr(0, 2), channels == 3 ? "PF" : "Pf");
      // The sign of the scale gives the byte order.
      EXPECT_NE(bytes.find(little ? "\n-1" : "\n1"), std::string::npos);
      EXPECT_TRUE(Identical(DecodePfm(bytes, "x.pfm"), image))
          << "little=" << little << " channels=" << channels;
    }
  }
}

TEST(Pfm, HandBuiltFileIsStoredBottomToTop) {
  // 2x2 single channel, little-endian: the first stored row is the bottom.
  const std::string bytes = "Pf\n2 2\n-1.0\n" + FloatBytes({3, 4, 1, 2});
  const cv::Mat image = DecodePfm(bytes, "hand.pfm");
  ASSERT_EQ(image.type(), CV_32FC1);
  EXPECT_EQ(image.at<float>(0, 0), 1);
  EXPECT_EQ(image.at<float>(0, 1), 2);
  EXPECT_EQ(image.at<float>(1, 0), 3);
  EXPECT_EQ(image.at<float>(1, 1), 4);
  // And the encoder writes the same bytes back.
  EXPECT_EQ(EncodePfm(image, true), bytes);
}

TEST(Pfm, HandBuiltColourIsRgbOnDiskAndBgrInMemory) {
  const std::string bytes = "PF\n1 1\n-1\n" + FloatBytes({10, 20, 30});
  const cv::Mat image = DecodePfm(bytes, "rgb.pfm");
  ASSERT_EQ(image.type(), CV_32FC3);
  EXPECT_EQ(image.at<cv::Vec3f>(0, 0), cv::Vec3f(30, 20, 10));
}

TEST(Pfm, HandBuiltBigEndian) {
  // Header tokens may be separated by any whitespace.
  const std::string bytes = "Pf 2 1 1.0\n" + FloatBytes({1.5f, -2}, true);
  const cv::Mat image = DecodePfm(bytes, "be.pfm");
  EXPECT_EQ(image.at<float>(0, 0), 1.5f);
  EXPECT_EQ(image.at<float>(0, 1), -2.0f);
}

TEST(Pfm, TruncatedFileNamesTheFile) {
  testing::TempDir dir;
  const auto path = dir / "short.pfm";
  std::string bytes = EncodePfm(RandomFloats(4, 4, 1));
  bytes.resize(bytes.size() - 5);
  WriteFileAtomic(path, bytes);
  try {
    ReadPfm(path);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos);
  }
}

TEST(Pfm, RejectsGarbageHeaders) {
  for (const std::string& bytes :
       {std::string("P6\n1 1\n255\n"), std::string("PF\n-3 2\n-1\n"),
        std::string("Pf\n2 2\n0\n") + FloatBytes({1, 2, 3, 4}),
        std::string("Pf\n2 2\nabc\n"), std::string("Pf\n2"), std::string()}) {
    EXPECT_THROW(DecodePfm(bytes, "bad.pfm"), Error) << bytes;
  }
}

TEST(Pfm, RejectsImagesOverTheLimits) {
  const std::string bytes = EncodePfm(RandomFloats(10, 10, 1));
  ImageLimits limits;
  limits.max_pixels = 99;
  try {
    DecodePfm(bytes, "big.pfm", limits);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("too large (10x10)"),
              std::string::npos);
  }
}

TEST(Pfm, WriteReadFileAndRejectWrongTypes) {
  testing::TempDir dir;
  const cv::Mat image = RandomFloats(3, 4, 3);
  WritePfm(dir / "a.pfm", image, /*little_endian=*/false);
  EXPECT_TRUE(Identical(ReadPfm(dir / "a.pfm"), image));
  EXPECT_THROW(WritePfm(dir / "b.pfm", cv::Mat(2, 2, CV_8UC1)), Error);
  EXPECT_THROW(WritePfm(dir / "c.pfm", cv::Mat(2, 2, CV_32FC2)), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "b.pfm"));
}

}  // namespace
}  // namespace parallax
