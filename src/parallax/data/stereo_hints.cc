#include "parallax/data/stereo_hints.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

cv::Mat ToGray(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat gray;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

// SGBM disparity of `reference` against `other` (other lies to the right of
// the reference camera, so matches are at x - d), in pixels, NaN = none.
cv::Mat MatchSgbm(const cv::Mat& reference, const cv::Mat& other,
                  int num_disparities) {
  constexpr int kBlock = 5;
  cv::Ptr<cv::StereoSGBM> sgbm = cv::StereoSGBM::create(
      /*minDisparity=*/0, num_disparities, kBlock,
      /*P1=*/8 * kBlock * kBlock, /*P2=*/32 * kBlock * kBlock,
      /*disp12MaxDiff=*/-1, /*preFilterCap=*/31, /*uniquenessRatio=*/10,
      /*speckleWindowSize=*/100, /*speckleRange=*/2,
      cv::StereoSGBM::MODE_SGBM_3WAY);
  // SGBM leaves the first num_disparities columns unmatched. Padding both
  // views on the left lets pixels there match whatever part of their range
  // lies inside the image; the consistency check rejects the rest.
  cv::Mat padded_reference, padded_other;
  cv::copyMakeBorder(reference, padded_reference, 0, 0, num_disparities, 0,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
  cv::copyMakeBorder(other, padded_other, 0, 0, num_disparities, 0,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
  cv::Mat fixed;  // CV_16S, 4 fractional bits, < 0 where invalid
  sgbm->compute(padded_reference, padded_other, fixed);
  cv::Mat disparity(reference.size(), CV_32F);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int y = 0; y < disparity.rows; ++y) {
    const int16_t* in = fixed.ptr<int16_t>(y) + num_disparities;
    float* out = disparity.ptr<float>(y);
    for (int x = 0; x < disparity.cols; ++x) {
      // A match beyond the left edge lies in the padding: no evidence.
      out[x] = in[x] < 0 || in[x] > 16 * x ? nan : in[x] / 16.0f;
    }
  }
  return disparity;
}

// Keeps the pixels of `disparity` whose partner in `other_view_disparity`
// (at x - sign * d) agrees within `tolerance`.
void KeepConsistent(cv::Mat& disparity, const cv::Mat& other_view_disparity,
                    int sign, double tolerance) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int y = 0; y < disparity.rows; ++y) {
    float* d = disparity.ptr<float>(y);
    const float* other = other_view_disparity.ptr<float>(y);
    for (int x = 0; x < disparity.cols; ++x) {
      if (std::isnan(d[x])) continue;
      const int partner = static_cast<int>(std::lround(x - sign * d[x]));
      if (partner < 0 || partner >= disparity.cols ||
          !(std::abs(other[partner] - d[x]) <= tolerance)) {
        d[x] = nan;
      }
    }
  }
}

// Sets `disparity` to NaN where `gray`'s window has too little horizontal
// texture to pin a match.
void DropFlat(cv::Mat& disparity, const cv::Mat& gray, double min_texture) {
  cv::Mat gradient, texture;
  cv::Sobel(gray, gradient, CV_32F, 1, 0, 3, 1.0 / 8);
  cv::blur(cv::abs(gradient), texture, {5, 5});
  disparity.setTo(std::numeric_limits<float>::quiet_NaN(),
                  texture < min_texture);
}

cv::Mat Mirror(const cv::Mat& image) {
  cv::Mat mirrored;
  cv::flip(image, mirrored, 1);
  return mirrored;
}

// Back to the input resolution; disparities scale with width. Nearest
// sampling keeps NaN holes from bleeding into valid pixels.
cv::Mat ScaleBack(const cv::Mat& disparity, cv::Size size) {
  if (disparity.size() == size) return disparity;
  cv::Mat scaled;
  cv::resize(disparity, scaled, size, 0, 0, cv::INTER_NEAREST);
  scaled *= double(size.width) / disparity.cols;
  return scaled;
}

}  // namespace

StereoHints ComputeStereoHints(const cv::Mat& left, const cv::Mat& right,
                               const StereoHintOptions& options) {
  if (left.empty() || right.empty()) ThrowError("stereo hints: empty view");
  if (left.size() != right.size()) {
    ThrowError("stereo hints: views of different sizes ({}x{} and {}x{})",
               left.cols, left.rows, right.cols, right.rows);
  }
  if (left.depth() != CV_8U || right.depth() != CV_8U) {
    ThrowError("stereo hints: views must be 8-bit");
  }
  if (options.max_width < 32) {
    ThrowError("stereo hints: max width must be >= 32, got {}",
               options.max_width);
  }
  if (!(options.max_disparity_fraction > 0 &&
        options.max_disparity_fraction <= 1)) {
    ThrowError("stereo hints: max disparity must be in (0, 1] of the width");
  }
  if (!(options.lr_tolerance >= 0)) {
    ThrowError("stereo hints: left-right tolerance must be >= 0 pixels");
  }
  if (!(options.min_texture >= 0)) {
    ThrowError("stereo hints: min texture must be >= 0");
  }
  const cv::Size size = left.size();
  cv::Mat gray_l = ToGray(left), gray_r = ToGray(right);
  if (size.width > options.max_width) {
    const double scale = double(options.max_width) / size.width;
    const cv::Size small(options.max_width,
                         std::max(1, int(std::lround(size.height * scale))));
    cv::resize(gray_l, gray_l, small, 0, 0, cv::INTER_AREA);
    cv::resize(gray_r, gray_r, small, 0, 0, cv::INTER_AREA);
  }
  const int width = gray_l.cols;
  const int num_disparities = std::max(
      16, 16 * static_cast<int>(
                   std::ceil(options.max_disparity_fraction * width / 16.0)));
  if (num_disparities >= width) {
    ThrowError("stereo hints: image too narrow ({} px)", size.width);
  }
  cv::Mat disp_l = MatchSgbm(gray_l, gray_r, num_disparities);
  // The right view's disparity is the left-view problem of the mirrored
  // pair: mirroring swaps which camera is on the left.
  cv::Mat disp_r =
      Mirror(MatchSgbm(Mirror(gray_r), Mirror(gray_l), num_disparities));
  cv::Mat checked_l = disp_l.clone();
  KeepConsistent(checked_l, disp_r, +1, options.lr_tolerance);
  KeepConsistent(disp_r, disp_l, -1, options.lr_tolerance);
  if (options.min_texture > 0) {
    DropFlat(checked_l, gray_l, options.min_texture);
    DropFlat(disp_r, gray_r, options.min_texture);
  }
  return {ScaleBack(checked_l, size), ScaleBack(disp_r, size)};
}

}  // namespace parallax
