// Depth fog (`parallax fog`): the image fades to a fog colour with depth,
// in linear light, linearly between two depths or exponentially with a
// density, optionally thinning with height in the frame (ground fog).
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

struct FogOptions {
  enum class Mode { kLinear, kExponential } mode = Mode::kExponential;
  // Depths are in the depth map's units (see FogDepth): fog starts at
  // `near`; linear fog is complete at `far`.
  double near = 1, far = 10;
  double density = 0.15;  // exponential: 1 - exp(-density * (z - near))
  cv::Scalar color = cv::Scalar(0.8, 0.8, 0.8);  // BGR, 0..1 sRGB
  // > 0: fog is thickest at the bottom row and thins upwards, by
  // exp(-height_falloff * (1 - y / rows)).
  double height_falloff = 0;

  void Check() const;
};

// Depth from disparity for fog: z = d_ref / d with d_ref the map's robust
// near end (its 99.5th percentile), so the nearest content sits near z = 1
// and z grows without bound toward d = 0 (infinity). Zero or negative
// disparity is at infinity.
cv::Mat FogDepthFromDisparity(const cv::Mat& disparity);
// The same with d_ref given (a video keeps it steady across frames).
cv::Mat FogDepthFromDisparity(const cv::Mat& disparity, double reference);
// d_ref of FogDepthFromDisparity: the map's robust near end.
double FogReferenceDisparity(const cv::Mat& disparity);

// Fog amount per pixel in [0, 1] (CV_32F) for `depth` (CV_32F, may hold
// +inf).
cv::Mat FogAmount(const cv::Mat& depth, const FogOptions& options);

// `image` 8/16-bit (gray, BGR or BGRA); `depth` CV_32F of its size.
// Returns BGR of the image's bit depth.
cv::Mat ApplyFog(const cv::Mat& image, const cv::Mat& depth,
                 const FogOptions& options);

}  // namespace parallax
