// SharpenDepthEdges (view_synthesis.h): each pixel's smallest and largest
// disparity within `radius` along its row (the image's ends repeated), and
// the snap to the nearer of the two, in one pass per row: min and max over
// the window on four pixels at a time. The same values as cv::erode and
// cv::dilate with a (2 radius + 1) x 1 rectangle and BORDER_REPLICATE, then
// the snap, without their two whole-map temporaries (fresh pages on every
// frame of a video).
#include <algorithm>
#include <vector>

#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/core/utility.hpp>

#include "parallax/stereo/view_synthesis.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

float Snap(float value, float low, float high, float min_step) {
  return high - low < min_step        ? value
         : value - low < high - value ? low
                                      : high;
}

void SharpenRow(const float* d, int width, int radius, float min_step,
                std::vector<float>& padded, float* out) {
  // The row with `radius` repeated end pixels on each side.
  padded.resize(size_t(width) + 2 * size_t(radius));
  std::fill_n(padded.begin(), radius, d[0]);
  std::copy_n(d, width, padded.begin() + radius);
  std::fill_n(padded.begin() + radius + width, radius, d[width - 1]);
  const float* p = padded.data();  // p[x + radius] is d[x]
  const int taps = 2 * radius + 1;
  int x = 0;
  const cv::v_float32x4 step = cv::v_setall_f32(min_step);
  for (; x + 4 <= width; x += 4) {
    cv::v_float32x4 low = cv::v_load(p + x), high = low;
    for (int k = 1; k < taps; ++k) {
      const cv::v_float32x4 v = cv::v_load(p + x + k);
      low = cv::v_min(low, v);
      high = cv::v_max(high, v);
    }
    const cv::v_float32x4 value = cv::v_load(d + x);
    const cv::v_float32x4 nearer =
        cv::v_select((value - low) < (high - value), low, high);
    cv::v_store(out + x, cv::v_select((high - low) < step, value, nearer));
  }
  for (; x < width; ++x) {
    const float* w = p + x;
    const auto [low, high] = std::minmax_element(w, w + taps);
    out[x] = Snap(d[x], *low, *high, min_step);
  }
}

}  // namespace

cv::Mat SharpenDepthEdges(const cv::Mat& disparity, int radius,
                          float min_step) {
  if (disparity.type() != CV_32FC1) {
    ThrowError("edge sharpening: disparity must be one float channel");
  }
  if (radius < 0) ThrowError("edge sharpening: radius must be >= 0");
  if (radius == 0 || disparity.empty()) return disparity.clone();
  cv::Mat sharp(disparity.size(), CV_32F);
  cv::parallel_for_(cv::Range(0, disparity.rows), [&](const cv::Range& rows) {
    thread_local std::vector<float> padded;
    for (int y = rows.start; y < rows.end; ++y) {
      SharpenRow(disparity.ptr<float>(y), disparity.cols, radius, min_step,
                 padded, sharp.ptr<float>(y));
    }
  });
  return sharp;
}

}  // namespace parallax
