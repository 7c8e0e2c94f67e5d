// Turning a float disparity map into what a user asked to save: float maps
// for compositing software, normalised 16-bit PNGs and 8-bit colour-mapped
// previews. Works on cv::Mat only.
#pragma once

#include <optional>
#include <string>

#include <opencv2/core.hpp>

namespace parallax {

enum class Colormap { kNone, kGray, kTurbo, kInferno };
Colormap ParseColormap(const std::string& name);

// The disparity values mapped to black and white when normalising.
struct DisparityRange {
  double low = 0;
  double high = 1;
};

// Robust range of a map: its 0.5th and 99.5th percentiles (a few stray
// pixels do not wash out the rest). Equal ends are widened by 1.
DisparityRange RobustRange(const cv::Mat& disparity);

// Normalisation for a video: the robust range of each frame smoothed over
// time (a per-frame range would make the whole picture pump), and reset at
// scene cuts.
class RangeTracker {
 public:
  // `smoothing` in (0, 1]: weight of the newest frame's range.
  explicit RangeTracker(double smoothing = 0.1) : smoothing_(smoothing) {}
  DisparityRange Update(const cv::Mat& disparity, bool scene_cut);

 private:
  double smoothing_;
  std::optional<DisparityRange> range_;
};

// Float map for PFM/NPY/EXR: the disparity itself, or with `invert` a
// depth-like map 1/d (near = small) with d floored at 1% of the map's
// largest disparity. Throws parallax::Error when inverting a map with
// negative values (signed disparity has no depth without the rig).
cv::Mat EncodeFloatMap(const cv::Mat& disparity, bool invert);

// 16-bit PNG: `range` mapped to 0..65535 (near = white; `invert` flips).
cv::Mat EncodeNormalized16(const cv::Mat& disparity, DisparityRange range,
                           bool invert);

// 8-bit preview: gray (CV_8UC1) or a colour map (CV_8UC3 BGR).
cv::Mat EncodePreview(const cv::Mat& disparity, DisparityRange range,
                      bool invert, Colormap colormap);

}  // namespace parallax
