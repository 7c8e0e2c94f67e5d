#include "parallax/infer/joint_bilateral_upsample.h"

#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/resample.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// The low-res taps one output coordinate reads along one axis: `count`
// consecutive indices from `first`, each with its Gaussian spatial weight.
struct AxisTaps {
  int max_taps = 0;
  std::vector<int> first, count;
  std::vector<float> weight;  // [dst_n * max_taps]
};

AxisTaps MakeAxisTaps(int src_n, int dst_n, double sigma) {
  const int radius = std::max(1, int(std::ceil(2.0 * sigma)));
  AxisTaps taps;
  taps.max_taps = 2 * radius;
  taps.first.resize(dst_n);
  taps.count.resize(dst_n);
  taps.weight.assign(size_t(dst_n) * taps.max_taps, 0.f);
  const double scale = double(src_n) / double(dst_n);
  for (int i = 0; i < dst_n; ++i) {
    // Same pixel-centre convention as cv::resize (see linear_taps.h).
    const double src = (i + 0.5) * scale - 0.5;
    const int lo = std::max(0, int(std::floor(src)) - radius + 1);
    const int hi = std::min(src_n - 1, int(std::floor(src)) + radius);
    taps.first[i] = lo;
    taps.count[i] = hi - lo + 1;
    for (int k = 0; k <= hi - lo; ++k) {
      const double d = (lo + k) - src;
      taps.weight[size_t(i) * taps.max_taps + k] =
          float(std::exp(-d * d / (2.0 * sigma * sigma)));
    }
  }
  return taps;
}

template <int C>
void Upsample(const cv::Mat& p_low, const cv::Mat& guide_low,
              const cv::Mat& guide, double sigma_spatial, double sigma_color,
              cv::Mat& out) {
  const AxisTaps tx = MakeAxisTaps(p_low.cols, guide.cols, sigma_spatial);
  const AxisTaps ty = MakeAxisTaps(p_low.rows, guide.rows, sigma_spatial);
  // Range weight indexed by the summed absolute colour difference. The floor
  // keeps the weight sum positive when the output colour matches no sample
  // (the pixel then gets the spatial mean) yet is far below any real match.
  std::vector<float> range(255 * C + 1);
  for (size_t d = 0; d < range.size(); ++d) {
    const double mean_diff = double(d) / C;
    range[d] = float(std::max(
        std::exp(-mean_diff * mean_diff / (2.0 * sigma_color * sigma_color)),
        1e-8));
  }
  cv::parallel_for_(cv::Range(0, guide.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const uchar* g = guide.ptr<uchar>(y);
      float* o = out.ptr<float>(y);
      const int y0 = ty.first[y], ny = ty.count[y];
      const float* wy = &ty.weight[size_t(y) * ty.max_taps];
      for (int x = 0; x < guide.cols; ++x) {
        const int x0 = tx.first[x], nx = tx.count[x];
        const float* wx = &tx.weight[size_t(x) * tx.max_taps];
        const uchar* gc = g + x * C;
        float sum = 0.f, wsum = 0.f;
        for (int j = 0; j < ny; ++j) {
          const uchar* gl = guide_low.ptr<uchar>(y0 + j) + x0 * C;
          const float* pl = p_low.ptr<float>(y0 + j) + x0;
          for (int i = 0; i < nx; ++i) {
            int diff = 0;
            for (int c = 0; c < C; ++c) diff += std::abs(gc[c] - gl[i * C + c]);
            const float w = wy[j] * wx[i] * range[diff];
            sum += w * pl[i];
            wsum += w;
          }
        }
        o[x] = sum / wsum;
      }
    }
  });
}

}  // namespace

cv::Mat JointBilateralUpsample(const cv::Mat& p_low, const cv::Mat& guide,
                               double sigma_spatial, double sigma_color) {
  THROW_CHECK(p_low.type() == CV_32FC1 && !p_low.empty());
  THROW_CHECK(guide.type() == CV_8UC1 || guide.type() == CV_8UC3);
  THROW_CHECK_GT(sigma_spatial, 0.0);
  THROW_CHECK_GT(sigma_color, 0.0);
  THROW_CHECK(guide.cols >= p_low.cols && guide.rows >= p_low.rows);
  const cv::Mat guide_low = FastAreaDownsample(guide, p_low.size());
  cv::Mat out(guide.size(), CV_32FC1);
  if (guide.channels() == 3) {
    Upsample<3>(p_low, guide_low, guide, sigma_spatial, sigma_color, out);
  } else {
    Upsample<1>(p_low, guide_low, guide, sigma_spatial, sigma_color, out);
  }
  return out;
}

}  // namespace parallax
