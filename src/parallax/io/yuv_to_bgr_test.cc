// Yuv420ToBgr: colours against libswscale's accurate path (the reference
// for the matrices and ranges), chroma placement against the standards'
// siting, and smooth pictures against swscale.
#include "parallax/io/yuv_to_bgr.h"

#include <gtest/gtest.h>

extern "C" {
#include <libswscale/swscale.h>
}

#include <opencv2/imgproc.hpp>

namespace parallax {
namespace {

struct Frame {
  cv::Mat y, u, v;
  Yuv420Planes planes() const {
    return {y.data,
            u.data,
            v.data,
            static_cast<int>(y.step),
            static_cast<int>(u.step),
            static_cast<int>(v.step),
            y.cols,
            y.rows};
  }
};

// Planes inside larger buffers, so strides exceed widths.
Frame MakeFrame(int width, int height, uint8_t y, uint8_t u, uint8_t v) {
  const cv::Size chroma((width + 1) / 2, (height + 1) / 2);
  Frame f;
  f.y = cv::Mat(height, width + 13, CV_8U, cv::Scalar(y)).colRange(0, width);
  f.u = cv::Mat(chroma.height, chroma.width + 7, CV_8U, cv::Scalar(u))
            .colRange(0, chroma.width);
  f.v = cv::Mat(chroma.height, chroma.width + 7, CV_8U, cv::Scalar(v))
            .colRange(0, chroma.width);
  return f;
}

cv::Mat Swscale(const Frame& f, int colorspace, bool full_range) {
  SwsContext* sws = sws_getContext(
      f.y.cols, f.y.rows, AV_PIX_FMT_YUV420P, f.y.cols, f.y.rows,
      AV_PIX_FMT_BGR24, SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
      nullptr, nullptr, nullptr);
  sws_setColorspaceDetails(sws, sws_getCoefficients(colorspace), full_range,
                           sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16,
                           1 << 16);
  const uint8_t* src[4] = {f.y.data, f.u.data, f.v.data, nullptr};
  const int src_stride[4] = {static_cast<int>(f.y.step),
                             static_cast<int>(f.u.step),
                             static_cast<int>(f.v.step), 0};
  cv::Mat out(f.y.size(), CV_8UC3);
  uint8_t* dst[4] = {out.data, nullptr, nullptr, nullptr};
  const int dst_stride[4] = {static_cast<int>(out.step), 0, 0, 0};
  sws_scale(sws, src, src_stride, 0, f.y.rows, dst, dst_stride);
  sws_freeContext(sws);
  return out;
}

double MaxDifference(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_INF);
}

// The colours of the matrices and ranges, against swscale: random luma
// under each of a grid of flat chromas (no interpolation involved).
TEST(Yuv420ToBgrTest, MatricesAndRangesMatchSwscale) {
  cv::RNG rng(1);
  for (const auto& [matrix, colorspace] :
       {std::pair{YuvMatrix::kBt709, SWS_CS_ITU709},
        std::pair{YuvMatrix::kBt601, SWS_CS_ITU601}}) {
    for (const bool full_range : {false, true}) {
      // Limited range's legal chroma is 16..240 (swscale wraps around
      // beyond it; here colours saturate).
      const int low = full_range ? 0 : 16, step = full_range ? 51 : 32;
      for (int u = low; u <= 255 - low; u += step) {
        for (int v = low; v <= 255 - low; v += step) {
          Frame f = MakeFrame(37, 6, 0, static_cast<uint8_t>(u),
                              static_cast<uint8_t>(v));
          rng.fill(f.y, cv::RNG::UNIFORM, 0, 256);
          cv::Mat ours;
          Yuv420ToBgr(f.planes(), matrix, full_range, ChromaSiting::kLeft,
                      ours);
          EXPECT_LE(MaxDifference(ours, Swscale(f, colorspace, full_range)), 1)
              << "u " << u << " v " << v << " full " << full_range;
        }
      }
    }
  }
}

// One chroma sample raised (V, so red): where its colour lands tells the
// siting. Chroma row 1 lies between luma rows 2 and 3 (0.75 each, 0.25 on
// rows 1 and 4); column 3 on luma column 6 ("left": 1, 0.5 beside) or
// between 6 and 7 ("centre": 0.75 each, 0.25 beside).
TEST(Yuv420ToBgrTest, ChromaLandsWhereTheSitingPutsIt) {
  Frame f = MakeFrame(16, 8, 128, 128, 128);
  f.v.at<uint8_t>(1, 3) = 228;
  const float red = 100 * 1.5748f;  // BT.709, full range
  const auto red_at = [&](const cv::Mat& bgr, int x, int y) {
    return (bgr.at<cv::Vec3b>(y, x)[2] - 128) / red;
  };
  cv::Mat left, centre;
  Yuv420ToBgr(f.planes(), YuvMatrix::kBt709, true, ChromaSiting::kLeft, left);
  Yuv420ToBgr(f.planes(), YuvMatrix::kBt709, true, ChromaSiting::kCentre,
              centre);
  const float tolerance = 0.01f;
  EXPECT_NEAR(red_at(left, 6, 2), 0.75, tolerance);
  EXPECT_NEAR(red_at(left, 6, 3), 0.75, tolerance);
  EXPECT_NEAR(red_at(left, 6, 1), 0.25, tolerance);
  EXPECT_NEAR(red_at(left, 6, 4), 0.25, tolerance);
  EXPECT_NEAR(red_at(left, 5, 2), 0.375, tolerance);
  EXPECT_NEAR(red_at(left, 7, 2), 0.375, tolerance);
  EXPECT_NEAR(red_at(left, 8, 2), 0, tolerance);
  EXPECT_NEAR(red_at(left, 6, 5), 0, tolerance);
  EXPECT_NEAR(red_at(centre, 6, 2), 0.5625, tolerance);
  EXPECT_NEAR(red_at(centre, 7, 2), 0.5625, tolerance);
  EXPECT_NEAR(red_at(centre, 5, 2), 0.1875, tolerance);
  EXPECT_NEAR(red_at(centre, 8, 2), 0.1875, tolerance);
  EXPECT_NEAR(red_at(centre, 4, 2), 0, tolerance);
}

// A smooth picture (where siting conventions barely matter), with sizes
// that leave partial vectors and odd chroma edges, against swscale.
TEST(Yuv420ToBgrTest, SmoothPicturesMatchSwscale) {
  for (const cv::Size size :
       {cv::Size(64, 32), cv::Size(77, 45), cv::Size(5, 3), cv::Size(1, 1)}) {
    Frame f = MakeFrame(size.width, size.height, 0, 0, 0);
    cv::RNG rng(size.width);
    for (cv::Mat* plane : {&f.y, &f.u, &f.v}) {
      cv::Mat noise(plane->size(), CV_32F);
      rng.fill(noise, cv::RNG::UNIFORM, 40, 215);
      cv::GaussianBlur(noise, noise, {0, 0}, 3);
      noise.convertTo(*plane, CV_8U);
    }
    cv::Mat ours;
    Yuv420ToBgr(f.planes(), YuvMatrix::kBt709, false, ChromaSiting::kLeft,
                ours);
    ASSERT_EQ(ours.size(), size);
    const cv::Mat reference = Swscale(f, SWS_CS_ITU709, false);
    EXPECT_LE(MaxDifference(ours, reference), 3) << size;
    EXPECT_LT(cv::norm(ours, reference, cv::NORM_L1) / ours.total() / 3, 0.6)
        << size;
  }
}

}  // namespace
}  // namespace parallax
