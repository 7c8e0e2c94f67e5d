// Dense optic flow as the 7-channel models take it (Thompson 2020, 3D_learner
// section 3.5): flow from the current frame to the previous and to the next
// frame, x and y in separate channels, each flow field scaled so that its
// mean absolute component is 1.
#pragma once

#include <string_view>

#include <opencv2/core.hpp>

namespace parallax {

enum class FlowMethod {
  kDis,        // OpenCV DIS, FAST preset (default)
  kFarneback,  // OpenCV Farneback (what 3D_learner used)
};
FlowMethod ParseFlowMethod(std::string_view name);

// Flow from `from` to `to` (8-bit BGR or gray, equal sizes): CV_32FC2 where
// from(x, y) ~ to(x + fx, y + fy).
cv::Mat ComputeOpticFlow(const cv::Mat& from, const cv::Mat& to,
                         FlowMethod method = FlowMethod::kDis);

// Scales a CV_32FC2 flow in place so that mean(|fx|, |fy|) over all pixels is
// 1; a (near) zero flow stays zero.
void NormalizeFlowMagnitude(cv::Mat& flow);

}  // namespace parallax
