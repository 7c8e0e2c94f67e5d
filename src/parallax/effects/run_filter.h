// Filtering by kernels made of flat runs, such as aperture kernels.
//
// An aperture kernel is flat inside with a thin anti-aliased rim, so each of
// its rows is one long run of equal taps and a few rim taps. With the prefix
// sums of a source row, a run costs two lookups whatever its length: a
// 15 x 15 disc costs 54 to 66 multiply-adds per pixel instead of 225, and,
// unlike a DFT, only the wanted output pixels are computed.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace parallax {

class RunKernel {
 public:
  // `kernel`: CV_32F with odd sides, used as cv::filter2D uses its kernel
  // (correlation, anchor at the centre). Zero taps cost nothing.
  explicit RunKernel(const cv::Mat& kernel);

  int half_width() const { return half_width_; }
  int half_height() const { return half_height_; }
  // Multiply-adds per output pixel (a run of one tap is one, longer runs
  // two lookups and one multiply-add).
  int cost() const;

  struct Run {
    int row;    // kernel row, 0..2 * half_height
    int begin;  // first tap's column, 0..2 * half_width
    int length;
    float value;
  };
  const std::vector<Run>& runs() const { return runs_; }

 private:
  int half_width_ = 0, half_height_ = 0;
  std::vector<Run> runs_;
};

// cv::filter2D(src, dst, -1, kernel) with zero beyond `src` (as with
// BORDER_CONSTANT | BORDER_ISOLATED: a ROI's parent is not read), computed
// only for the pixels of `out` (in src coordinates; it may reach beyond
// src). src is float with 1 to 4 channels, all finite (a NaN or infinity
// spoils the rest of its row's prefix sums); the result has its type and
// out's size. The prefix sums run in float over out.width + kernel width
// pixels, so a result's error grows with that length and with the light
// earlier in the row: for the lens blur's tiles (128 pixels plus the
// kernel) it stays below 2e-5 of unit light (run_filter_test).
cv::Mat FilterByRuns(const cv::Mat& src, const RunKernel& kernel,
                     const cv::Rect& out);

}  // namespace parallax
