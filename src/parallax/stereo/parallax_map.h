// From a network's relative disparity to the pixel parallax of a stereo
// pair a viewer finds comfortable.
//
// The map is normalised to n in [0, 1] (0 = farthest, 1 = nearest) by its
// robust range, optionally reshaped (`foreground_scale`), and then
//   parallax(x) = divergence * width * (n(x) - screen),
// so pixels at n == screen sit on the screen plane, nearer ones come out of
// it and farther ones go behind it. The right view shows source pixel x at
// x - parallax(x) (docs/design.md sign: positive = in front of the screen).
#pragma once

#include <optional>

#include <opencv2/core.hpp>

#include "parallax/infer/disparity_output.h"

namespace parallax {

struct ParallaxOptions {
  // Largest parallax between the two views, as a percentage of the width.
  double divergence_percent = 2.0;
  // Where the screen plane sits: 0 = at the nearest point (everything
  // behind the screen), 1 = at the farthest (everything in front). Unset =
  // auto: on the main subject (AutoConvergence).
  std::optional<double> convergence = 0.5;
  // 0 = linear in disparity; > 0 gives the foreground more depth (and the
  // background less): n -> n^(1 + s); < 0 the opposite: n -> n^(1/(1 - s)).
  double foreground_scale = 0;

  // Throws parallax::Error naming the bad option.
  void Check() const;
};

// n in [0, 1] of `disparity` (CV_32F, larger = nearer) over `range`.
cv::Mat NormalizeDisparity(const cv::Mat& disparity,
                           const DisparityRange& range);

// The screen plane for auto convergence, as a level of n: the median of n
// over the centre of the frame (the middle half of the width and height),
// where the subject of most photos and shots is.
double AutoConvergence(const cv::Mat& normalized);

// The map from relative disparity to parallax in pixels, fixed for one
// frame, so that other disparities of that frame (the planes of a Deep3D
// head) are mapped exactly as its disparity map is.
struct ParallaxMapping {
  DisparityRange range;
  double exponent = 1;  // foreground_scale's reshaping of n
  double screen = 0.5;  // level of n on the screen plane
  double pixels = 0;    // parallax of n = 1 over n = 0

  float operator()(float disparity) const;
  cv::Mat Apply(const cv::Mat& disparity) const;
};

// The mapping for `disparity` (auto convergence looks at it), a frame
// disparity.cols pixels wide.
ParallaxMapping MakeParallaxMapping(const cv::Mat& disparity,
                                    const DisparityRange& range,
                                    const ParallaxOptions& options);

// Parallax in pixels (CV_32F) of the full right view for a frame `width`
// pixels wide. `range` normalises `disparity` (RobustRange for a photo, a
// RangeTracker's for video so the depth does not pump).
cv::Mat ParallaxFromRelative(const cv::Mat& disparity,
                             const DisparityRange& range,
                             const ParallaxOptions& options);

}  // namespace parallax
