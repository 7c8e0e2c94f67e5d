#include "parallax/infer/network_input.h"

#include <gtest/gtest.h>

#include "parallax/infer/predictor.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

TEST(NetworkInputTest, KeepsAspectRatioAndPadsRowsOnly) {
  // 1920x1080 at the 512x256 training area with a 64 multiple.
  const NetworkGeometry g =
      ComputeNetworkGeometry({1920, 1080}, 512.0 * 256.0, 64);
  EXPECT_EQ(g.content.width % 64, 0);
  EXPECT_EQ(g.padded.width, g.content.width);  // no side columns asked for
  EXPECT_EQ(g.pad_left, 0);
  EXPECT_EQ(g.padded.height % 64, 0);
  EXPECT_GE(g.padded.height, g.content.height);
  EXPECT_NEAR(static_cast<double>(g.content.width) / g.content.height,
              1920.0 / 1080.0, 0.01);
  EXPECT_EQ(g.pad_top, (g.padded.height - g.content.height) / 2);
}

TEST(NetworkInputTest, TrainingSizeInputNeedsNoPadding) {
  const NetworkGeometry g = ComputeNetworkGeometry({1024, 512}, 512 * 256, 64);
  EXPECT_EQ(g.content, cv::Size(512, 256));
  EXPECT_EQ(g.padded, cv::Size(512, 256));
  EXPECT_EQ(g.pad_top, 0);
  // A fraction f of the network width is f * 1024 pixels of the input.
  EXPECT_DOUBLE_EQ(g.FractionToInputPixels(), 1024.0);
}

TEST(NetworkInputTest, FractionToInputPixelsIgnoresThePadding) {
  NetworkGeometry g;
  g.input = {1000, 600};
  g.content = {500, 300};
  g.padded = {532, 320};
  g.pad_left = 16;
  // Network output is a fraction of the content width (500 px), and 1
  // network pixel is 2 input pixels: padding on any side changes neither.
  EXPECT_DOUBLE_EQ(g.FractionToInputPixels(), 1000.0);
}

TEST(NetworkInputTest, EdgeColumnsReflectTheImageOnBothSides) {
  cv::Mat image(64, 128, CV_32FC1);
  for (int x = 0; x < image.cols; ++x) image.col(x).setTo(x);
  const NetworkGeometry g =
      ComputeNetworkGeometry(image.size(), 128 * 64, 64, /*edge_columns=*/16);
  ASSERT_EQ(g.content, cv::Size(128, 64));
  EXPECT_EQ(g.padded, cv::Size(160, 64));
  EXPECT_EQ(g.pad_left, 16);
  EXPECT_EQ(g.ContentRect(), cv::Rect(16, 0, 128, 64));
  const cv::Mat prepared = PrepareNetworkImage(image, g);
  ASSERT_EQ(prepared.size(), g.padded);
  // The content is the image, unshifted; reflect-101 mirrors about the
  // first and last columns.
  EXPECT_EQ(cv::norm(prepared(g.ContentRect()), image, cv::NORM_INF), 0);
  EXPECT_FLOAT_EQ(prepared.at<float>(5, 15), 1);     // column 1
  EXPECT_FLOAT_EQ(prepared.at<float>(5, 0), 16);     // column 16
  EXPECT_FLOAT_EQ(prepared.at<float>(5, 144), 126);  // column 126
  EXPECT_FLOAT_EQ(prepared.at<float>(5, 159), 111);  // column 111
}

TEST(NetworkInputTest, EdgeColumnsWiderThanTheImageReplicate) {
  const cv::Mat image(4, 8, CV_8UC3, cv::Scalar(1, 2, 3));
  const NetworkGeometry g = ComputeNetworkGeometry(image.size(), 64 * 4, 64,
                                                   /*edge_columns=*/80);
  const cv::Mat prepared = PrepareNetworkImage(image, g);
  EXPECT_EQ(prepared.size(), g.padded);
  EXPECT_EQ(prepared.at<cv::Vec3b>(0, 0), cv::Vec3b(1, 2, 3));
}

TEST(NetworkInputTest, TallAndTinyImagesStillGetValidSizes) {
  for (const cv::Size size :
       {cv::Size(300, 2000), cv::Size(7, 5), cv::Size(4000, 30)}) {
    const NetworkGeometry g = ComputeNetworkGeometry(size, 512 * 256, 64);
    EXPECT_GE(g.content.width, 64);
    EXPECT_GE(g.content.height, 1);
    EXPECT_EQ(g.padded.width % 64, 0);
    EXPECT_EQ(g.padded.height % 64, 0);
    cv::Mat image(size, CV_8UC3, cv::Scalar(10, 20, 30));
    const cv::Mat prepared = PrepareNetworkImage(image, g);
    EXPECT_EQ(prepared.size(), g.padded);
  }
}

// A 27 KB PNG of 1x10000 pixels once became a 32x320000 network input and
// took the process past 8 GiB; it is refused from its size alone.
TEST(NetworkInputTest, ExtremelyElongatedImagesAreRefusedBeforeAllocating) {
  for (const cv::Size size : {cv::Size(1, 10000), cv::Size(3, 100000)}) {
    EXPECT_THROW(ComputeNetworkGeometry(size, 256 * 128, 32), Error) << size;
  }
  // 4000x1 stays within bounds: 11456x3 content padded to 32 rows.
  const NetworkGeometry wide =
      ComputeNetworkGeometry(cv::Size(4000, 1), 256 * 128, 32);
  EXPECT_LE(wide.padded.area(), kMaxNetworkPixelsFactor * 256 * 128);
}

TEST(NetworkInputTest, PaddingReflectsRowsAroundTheContent) {
  cv::Mat image(100, 200, CV_32FC1);
  for (int y = 0; y < image.rows; ++y) image.row(y).setTo(y);
  const NetworkGeometry g = ComputeNetworkGeometry({200, 100}, 128 * 64, 64);
  ASSERT_EQ(g.content, cv::Size(128, 64));  // exactly half the size
  const NetworkGeometry padded_geometry =
      ComputeNetworkGeometry({200, 90}, 128 * 58, 64);
  ASSERT_GT(padded_geometry.pad_top, 0);
  cv::Mat tall(90, 200, CV_32FC1);
  for (int y = 0; y < tall.rows; ++y) tall.row(y).setTo(y);
  const cv::Mat prepared = PrepareNetworkImage(tall, padded_geometry);
  const int top = padded_geometry.pad_top;
  // Reflect-101: the row above the content mirrors the row below its top.
  EXPECT_FLOAT_EQ(prepared.at<float>(top - 1, 10),
                  prepared.at<float>(top + 1, 10));
  EXPECT_FLOAT_EQ(prepared(padded_geometry.ContentRect()).at<float>(0, 0),
                  prepared.at<float>(top, 0));
}

TEST(NetworkInputTest, NetworkRgbMatchesTheFloatPathForEveryFrameKind) {
  // PrepareNetworkRgb against PrepareNetworkImage(ToRgbFloat(image)):
  // padded rows, side columns, gray, BGRA and 16-bit frames, and a frame
  // smaller than the network size (not shrunk: the same path, exactly).
  struct Case {
    cv::Size size;
    int type;
    int edge_columns;
  };
  for (const Case& c :
       {Case{{1920, 1080}, CV_8UC3, 0}, Case{{640, 480}, CV_8UC3, 16},
        Case{{500, 300}, CV_8UC1, 0}, Case{{500, 300}, CV_8UC4, 16},
        Case{{500, 300}, CV_16UC3, 0}, Case{{200, 100}, CV_8UC3, 16}}) {
    cv::Mat image(c.size, c.type);
    cv::randu(image, 0, CV_MAT_DEPTH(c.type) == CV_8U ? 256 : 65536);
    const NetworkGeometry g =
        ComputeNetworkGeometry(c.size, 512.0 * 256.0, 64, c.edge_columns);
    const cv::Mat expected = PrepareNetworkImage(ToRgbFloat(image), g);
    const cv::Mat rgb = PrepareNetworkRgb(image, g);
    ASSERT_EQ(rgb.type(), CV_32FC3);
    ASSERT_EQ(rgb.size(), g.padded);
    const bool shrunk = g.content.width < c.size.width;
    EXPECT_LE(cv::norm(rgb, expected, cv::NORM_INF), shrunk ? 1e-5 : 0.0)
        << c.size << " type " << c.type;
  }
}

}  // namespace
}  // namespace parallax
