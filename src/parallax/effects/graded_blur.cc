#include "parallax/effects/graded_blur.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

cv::Mat BlurCopy(const cv::Mat& image, int radius, GradedMethod method) {
  if (radius <= 0) return image;
  const int size = 2 * radius + 1;
  cv::Mat out;
  switch (method) {
    case GradedMethod::kGaussian:
      // sigma = radius / 2: the kernel's visible extent matches the radius.
      cv::GaussianBlur(image, out, cv::Size(size, size), radius / 2.0);
      break;
    case GradedMethod::kAverage:
      cv::blur(image, out, cv::Size(size, size));
      break;
    case GradedMethod::kMedian: {
      // OpenCV's large median kernels take 8-bit only.
      cv::Mat eight = image;
      if (image.depth() != CV_8U) image.convertTo(eight, CV_8U, 1.0 / 257.0);
      cv::medianBlur(eight, out, size);
      if (image.depth() != CV_8U) out.convertTo(out, image.depth(), 257.0);
      break;
    }
    case GradedMethod::kBilateral: {
      cv::Mat eight = image;
      if (image.depth() != CV_8U) image.convertTo(eight, CV_8U, 1.0 / 257.0);
      cv::bilateralFilter(eight, out, size, 100, radius);
      if (image.depth() != CV_8U) out.convertTo(out, image.depth(), 257.0);
      break;
    }
  }
  return out;
}

}  // namespace

GradedMethod ParseGradedMethod(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower == "gaussian") return GradedMethod::kGaussian;
  if (lower == "average") return GradedMethod::kAverage;
  if (lower == "median") return GradedMethod::kMedian;
  if (lower == "bilateral") return GradedMethod::kBilateral;
  ThrowError(
      "unknown blur method '{}': use lens, gaussian, average, median "
      "or bilateral",
      name);
}

void GradedBlurOptions::Check() const {
  if (levels < 2 || levels > 64) {
    ThrowError("--levels must be in 2..64, got {}", levels);
  }
}

cv::Mat GradedBlur(const cv::Mat& image, const cv::Mat& blur_radius,
                   double max_radius, const GradedBlurOptions& options) {
  options.Check();
  if (image.empty() || image.channels() != 3 ||
      (image.depth() != CV_8U && image.depth() != CV_16U)) {
    ThrowError("graded blur: image must be 8- or 16-bit BGR");
  }
  THROW_CHECK(blur_radius.type() == CV_32FC1 &&
              blur_radius.size() == image.size());
  double top = 0;
  cv::minMaxLoc(blur_radius, nullptr, &top);
  if (top <= 0 || max_radius < 0.5) return image.clone();
  // The copies, precomputed once: grade i has radius i / (N - 1) * max.
  const int levels = options.levels;
  std::vector<cv::Mat> copies(levels);
  cv::parallel_for_(cv::Range(0, levels), [&](const cv::Range& range) {
    for (int i = range.start; i < range.end; ++i) {
      const int radius = static_cast<int>(
          std::lround(max_radius * i / static_cast<double>(levels - 1)));
      copies[i] = BlurCopy(image, radius, options.method);
    }
  });
  cv::Mat out(image.size(), image.type());
  const bool eight = image.depth() == CV_8U;
  cv::parallel_for_(cv::Range(0, image.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const float* r = blur_radius.ptr<float>(y);
      for (int x = 0; x < image.cols; ++x) {
        const float grade =
            std::clamp(r[x] / static_cast<float>(top), 0.0f, 1.0f) *
            (levels - 1);
        const int g0 = std::min(static_cast<int>(grade), levels - 2);
        const float f = grade - g0;
        for (int c = 0; c < 3; ++c) {
          if (eight) {
            const float a = copies[g0].ptr<uchar>(y)[3 * x + c];
            const float b = copies[g0 + 1].ptr<uchar>(y)[3 * x + c];
            out.ptr<uchar>(y)[3 * x + c] =
                cv::saturate_cast<uchar>(a + f * (b - a));
          } else {
            const float a = copies[g0].ptr<ushort>(y)[3 * x + c];
            const float b = copies[g0 + 1].ptr<ushort>(y)[3 * x + c];
            out.ptr<ushort>(y)[3 * x + c] =
                cv::saturate_cast<ushort>(a + f * (b - a));
          }
        }
      }
    }
  });
  return out;
}

}  // namespace parallax
