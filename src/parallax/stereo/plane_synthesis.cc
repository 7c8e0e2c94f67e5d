#include "parallax/stereo/plane_synthesis.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// Bilinear sampling positions of one output axis in a smaller map.
struct AxisSample {
  int i0 = 0, i1 = 0;
  float w1 = 0;  // weight of i1
};

std::vector<AxisSample> AxisSamples(int out_size, int in_size) {
  std::vector<AxisSample> samples(out_size);
  const double scale = static_cast<double>(in_size) / out_size;
  for (int i = 0; i < out_size; ++i) {
    const double src = std::clamp((i + 0.5) * scale - 0.5, 0.0,
                                  static_cast<double>(in_size - 1));
    AxisSample& s = samples[i];
    s.i0 = static_cast<int>(src);
    s.i1 = std::min(s.i0 + 1, in_size - 1);
    s.w1 = static_cast<float>(src - s.i0);
  }
  return samples;
}

// Below this a plane adds less than 1/4000 of a pixel's value: skipped,
// which is most planes of most pixels (the softmax is peaked).
constexpr float kNegligible = 1e-4f;

}  // namespace

cv::Mat SynthesizeViewFromPlanes(
    const cv::Mat& image, const std::vector<cv::Mat>& probabilities_in,
    const std::vector<float>& shifts,
    const std::vector<float>& probability_offsets) {
  if (!probability_offsets.empty() &&
      probability_offsets.size() != probabilities_in.size()) {
    ThrowError("deep3d view: {} probability offsets for {} planes",
               probability_offsets.size(), probabilities_in.size());
  }
  // Offsets move each map on its own grid once, so the per-pixel loop
  // below stays the same.
  std::vector<cv::Mat> shifted;
  if (!probability_offsets.empty()) {
    for (size_t k = 0; k < probabilities_in.size(); ++k) {
      const cv::Mat& p = probabilities_in[k];
      const double t = probability_offsets[k] * p.cols /
                       static_cast<double>(std::max(1, image.cols));
      if (!std::isfinite(t)) ThrowError("deep3d view: non-finite offset");
      cv::Mat moved;
      // dst(x) = src(x + t): the inverse map of a translation by t.
      const cv::Matx23d translate(1, 0, t, 0, 1, 0);
      cv::warpAffine(p, moved, translate, p.size(),
                     cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                     cv::BORDER_REPLICATE);
      shifted.push_back(std::move(moved));
    }
  }
  const std::vector<cv::Mat>& probabilities =
      probability_offsets.empty() ? probabilities_in : shifted;
  if (image.type() != CV_8UC3) ThrowError("deep3d view: image must be BGR");
  if (probabilities.empty() || probabilities.size() != shifts.size()) {
    ThrowError("deep3d view: {} probability maps for {} plane shifts",
               probabilities.size(), shifts.size());
  }
  const cv::Size grid = probabilities.front().size();
  for (const cv::Mat& p : probabilities) {
    if (p.type() != CV_32FC1 || p.size() != grid) {
      ThrowError("deep3d view: plane probability maps differ in size or type");
    }
  }
  for (float s : shifts) {
    if (!std::isfinite(s)) ThrowError("deep3d view: non-finite plane shift");
  }
  const int width = image.cols, height = image.rows;
  const int planes = static_cast<int>(shifts.size());
  if (planes > 255) ThrowError("deep3d view: more than 255 planes");
  const std::vector<AxisSample> xs = AxisSamples(width, grid.width);
  const std::vector<AxisSample> ys = AxisSamples(height, grid.height);
  // Integer and fractional part of each shift: one interpolation weight
  // per plane for the whole image.
  std::vector<int> shift_int(planes);
  std::vector<float> shift_frac(planes);
  for (int k = 0; k < planes; ++k) {
    const float floor_shift = std::floor(shifts[k]);
    shift_int[k] = static_cast<int>(floor_shift);
    shift_frac[k] = shifts[k] - floor_shift;
  }

  // The planes with mass at each grid pixel, as a range [lo, hi]: a peaked
  // distribution leaves a few of the planes to visit per output pixel.
  cv::Mat lo(grid, CV_8U), hi(grid, CV_8U);
  for (int y = 0; y < grid.height; ++y) {
    for (int x = 0; x < grid.width; ++x) {
      int first = planes, last = -1;
      for (int k = 0; k < planes; ++k) {
        if (probabilities[k].at<float>(y, x) > kNegligible) {
          first = std::min(first, k);
          last = k;
        }
      }
      lo.at<uchar>(y, x) = static_cast<uchar>(std::min(first, 255));
      hi.at<uchar>(y, x) = static_cast<uchar>(std::max(last, 0));
    }
  }

  cv::Mat out(image.size(), CV_8UC3);
  cv::parallel_for_(cv::Range(0, height), [&](const cv::Range& rows) {
    std::vector<const float*> row0(planes), row1(planes);
    for (int y = rows.start; y < rows.end; ++y) {
      const AxisSample& sy = ys[y];
      for (int k = 0; k < planes; ++k) {
        row0[k] = probabilities[k].ptr<float>(sy.i0);
        row1[k] = probabilities[k].ptr<float>(sy.i1);
      }
      const cv::Vec3b* src = image.ptr<cv::Vec3b>(y);
      cv::Vec3b* dst = out.ptr<cv::Vec3b>(y);
      const uchar* lo0 = lo.ptr<uchar>(sy.i0);
      const uchar* lo1 = lo.ptr<uchar>(sy.i1);
      const uchar* hi0 = hi.ptr<uchar>(sy.i0);
      const uchar* hi1 = hi.ptr<uchar>(sy.i1);
      for (int x = 0; x < width; ++x) {
        const AxisSample& sx = xs[x];
        // Bilinear weights mix the four neighbours: their ranges together.
        const int first =
            std::min({lo0[sx.i0], lo0[sx.i1], lo1[sx.i0], lo1[sx.i1]});
        const int last =
            std::max({hi0[sx.i0], hi0[sx.i1], hi1[sx.i0], hi1[sx.i1]});
        float total = 0, b = 0, g = 0, r = 0;
        // Near to far with a budget of 1: where offsets map two planes'
        // content to one pixel (an occlusion in this view), the nearer one
        // wins. A distribution that sums to 1 is used as it is.
        float budget = 1.0f;
        for (int k = last; k >= first && budget > kNegligible; --k) {
          const float top =
              row0[k][sx.i0] + sx.w1 * (row0[k][sx.i1] - row0[k][sx.i0]);
          const float bottom =
              row1[k][sx.i0] + sx.w1 * (row1[k][sx.i1] - row1[k][sx.i0]);
          const float p = std::min(top + sy.w1 * (bottom - top), budget);
          if (!(p > kNegligible)) continue;
          budget -= p;
          const int a = std::clamp(x + shift_int[k], 0, width - 1);
          const int c = std::clamp(x + shift_int[k] + 1, 0, width - 1);
          const float f = shift_frac[k];
          const cv::Vec3b& pa = src[a];
          const cv::Vec3b& pc = src[c];
          b += p * (pa[0] + f * (pc[0] - pa[0]));
          g += p * (pa[1] + f * (pc[1] - pa[1]));
          r += p * (pa[2] + f * (pc[2] - pa[2]));
          total += p;
        }
        if (total > 0) {
          dst[x] = cv::Vec3b(cv::saturate_cast<uchar>(b / total),
                             cv::saturate_cast<uchar>(g / total),
                             cv::saturate_cast<uchar>(r / total));
        } else {
          dst[x] = src[x];  // no plane has mass here (all NaN or zero)
        }
      }
    }
  });
  return out;
}

}  // namespace parallax
