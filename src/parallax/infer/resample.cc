#include "parallax/infer/resample.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {

cv::Mat FastAreaDownsample(const cv::Mat& image, cv::Size size) {
  THROW_CHECK_MSG(size.width >= 1 && size.height >= 1 &&
                      size.width <= image.cols && size.height <= image.rows,
                  "cannot downsample {}x{} to {}x{}", image.cols, image.rows,
                  size.width, size.height);
  cv::Mat current = image;
  while (current.cols >= 2 * size.width && current.rows >= 2 * size.height) {
    cv::Mat half;
    cv::resize(current, half, cv::Size(current.cols / 2, current.rows / 2), 0,
               0, cv::INTER_AREA);
    current = half;
  }
  if (current.size() == size) {
    return current.data == image.data ? image.clone() : current;
  }
  cv::Mat out;
  cv::resize(current, out, size, 0, 0, cv::INTER_LINEAR);
  return out;
}

LinearTaps MakeLinearTaps(int src_n, int dst_n) {
  LinearTaps taps;
  taps.i0.resize(dst_n);
  taps.i1.resize(dst_n);
  taps.w1.resize(dst_n);
  const double scale = double(src_n) / double(dst_n);
  for (int i = 0; i < dst_n; ++i) {
    const double src =
        std::clamp((i + 0.5) * scale - 0.5, 0.0, double(src_n - 1));
    const int i0 = std::min(int(std::floor(src)), src_n - 1);
    taps.i0[i] = i0;
    taps.i1[i] = std::min(i0 + 1, src_n - 1);
    taps.w1[i] = float(src - i0);
  }
  return taps;
}

namespace {

// dst[x] = bilinear sample of src at tx's x: a gather, which GCC vectorises
// for AVX2 when every operand is a plain restrict pointer.
PARALLAX_SIMD_CLONES void InterpolateRow(int width, const int* __restrict i0,
                                         const int* __restrict i1,
                                         const float* __restrict w1,
                                         const float* __restrict src,
                                         float* __restrict dst) {
  for (int x = 0; x < width; ++x) {
    const float v0 = src[i0[x]];
    dst[x] = v0 + w1[x] * (src[i1[x]] - v0);
  }
}

}  // namespace

void ForEachUpsampledStripe(
    const std::vector<cv::Mat>& planes, cv::Size size,
    const std::function<void(const cv::Range&, const UpsampledStripe&)>& fn) {
  THROW_CHECK(!planes.empty() && size.width > 0 && size.height > 0);
  for (const cv::Mat& plane : planes) {
    THROW_CHECK(plane.type() == CV_32FC1 && plane.size() == planes[0].size());
  }
  const int count = int(planes.size());
  const LinearTaps tx = MakeLinearTaps(planes[0].cols, size.width);
  const LinearTaps ty = MakeLinearTaps(planes[0].rows, size.height);
  // ~64 output rows per stripe: the stripe's small rows (6 planes of 1920
  // floats, ~18 rows at 1080p from 288) stay within L2.
  const int stripes = std::max(1, size.height / 64);
  cv::parallel_for_(
      cv::Range(0, size.height),
      [&](const cv::Range& rows) {
        UpsampledStripe stripe;
        stripe.first_ = ty.i0[rows.start];
        const int last = ty.i1[rows.end - 1];
        stripe.row_floats_ = size_t(size.width) * count;
        cv::AutoBuffer<float> wide(size_t(last - stripe.first_ + 1) *
                                   stripe.row_floats_);
        for (int j = stripe.first_; j <= last; ++j) {
          for (int k = 0; k < count; ++k) {
            InterpolateRow(size.width, tx.i0.data(), tx.i1.data(), tx.w1.data(),
                           planes[k].ptr<float>(j),
                           wide.data() +
                               size_t(j - stripe.first_) * stripe.row_floats_ +
                               size_t(k) * size.width);
          }
        }
        stripe.buffer_ = wide.data();
        stripe.i0_ = ty.i0.data();
        stripe.i1_ = ty.i1.data();
        stripe.w1_ = ty.w1.data();
        fn(rows, stripe);
      },
      stripes);
}

}  // namespace parallax
