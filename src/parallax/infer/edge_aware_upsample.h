// Edge-aware upsampling of a network-resolution disparity map to the size of
// the image it was predicted from.
//
// The network sees the frame at e.g. 512x288; plain bilinear upsampling to
// 1920x1080 smears every depth edge over ~2 network pixels (7-8 image
// pixels), which shows as a halo of wrong depth around objects once the view
// is re-rendered or refocused. The edge-aware methods move those edges onto
// the edges of the full-resolution image.
//
// Measured (edge_aware_upsample_test.cc, Middlebury ground truth downsampled
// 4x and upsampled again; pixels off by > 1 px near discontinuities):
//   teddy  bilinear 19.0 %, guided 15.2 %, joint bilateral 13.6 %
//   cones  bilinear 22.7 %, guided 13.5 %, joint bilateral 12.7 %
// and from a blurred input (as a network predicts) guided and joint
// bilateral are on par. Guided is the default because it is ~7x faster
// (postprocess_benchmark: 1920x1080 from 512x288).
#pragma once

#include <string_view>

#include <opencv2/core.hpp>

namespace parallax {

enum class UpsampleMethod {
  kBilinear,        // plain bilinear; smooth, blurs depth edges
  kGuided,          // fast guided filter (He & Sun 2015), image as guide
  kJointBilateral,  // joint bilateral upsampling (Kopf et al. 2007)
};
// "bilinear", "guided", "joint-bilateral" (or "jbu"); throws parallax::Error.
UpsampleMethod ParseUpsampleMethod(std::string_view name);
std::string_view UpsampleMethodName(UpsampleMethod method);

struct UpsampleOptions {
  UpsampleMethod method = UpsampleMethod::kGuided;

  // Guided filter window radius in network pixels, so that the window in
  // image pixels grows with the upsampling factor (1 at 512 -> 1920 is an
  // 11x11 image-pixel window). Larger smooths the disparity more; 1 was
  // best on Middlebury ground truth (see edge_aware_upsample_test.cc).
  // At most 16.
  int guided_radius = 1;
  // Guided filter regularisation, in units of the guide scaled to [0, 1]
  // (a variance: 1e-4 = 2.5 gray levels squared). Image edges with a contrast
  // well above sqrt(eps) carry depth edges; weaker texture does not. The
  // coefficients are fitted on the guide downsampled to network size, where
  // fine texture is already averaged away, so eps needs no scaling with the
  // factor.
  double guided_eps = 1e-4;

  // Joint bilateral spatial sigma in network pixels (taps within 2 sigma),
  // so that the footprint in image pixels grows with the factor. 0.5 was a
  // little better on sharp ground truth, 1 on blurred input.
  double joint_sigma_spatial = 1.0;
  // Joint bilateral range sigma in 8-bit gray levels (mean over channels of
  // the absolute colour difference).
  double joint_sigma_color = 8.0;

  // Clamp every output pixel into [min, max] of the 3x3 network pixels around
  // it. The guided filter's linear model can overshoot where strong image
  // texture sits beside a depth edge (texture copy, halos); the clamp removes
  // that without blurring the edge. The output is always clamped to the
  // global [min, max] of the input.
  bool clamp_to_local_range = true;

  // kBilinear only: map corner pixels onto corner pixels (PyTorch's
  // align_corners=True), as Depth Anything's reference code upsamples its
  // output; the predictor sets it for such models. Otherwise pixel centres
  // are aligned (OpenCV's INTER_LINEAR).
  bool align_corners = false;

  bool Check() const;
};

// Bilinear resize of a CV_32FC1 map to `size` with corner pixels aligned
// (exact float weights, unlike cv::remap's 1/32-pixel table).
cv::Mat ResizeAlignCorners(const cv::Mat& map, cv::Size size);

// disp_low: CV_32FC1 at network resolution, values already in pixels of the
// full-resolution image, no NaN/Inf. guide: CV_8UC3 (BGR) or CV_8UC1 image at
// full resolution. Returns CV_32FC1 of guide.size(). Any size ratio works,
// including 1 and non-integer or anisotropic factors.
cv::Mat UpsampleDisparity(const cv::Mat& disp_low, const cv::Mat& guide,
                          const UpsampleOptions& options = {});

}  // namespace parallax
