#include "parallax/data/optic_flow.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/video.hpp>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

// Below this mean magnitude (in pixels) the flow is estimator noise on a
// static scene; scaling it up to 1 would feed the network pure noise.
constexpr double kMinMeanFlow = 1e-3;

cv::Mat Gray(const cv::Mat& image) {
  THROW_CHECK_MSG(image.depth() == CV_8U &&
                      (image.channels() == 1 || image.channels() == 3),
                  "optic flow takes 8-bit gray or BGR images, got {}",
                  cv::typeToString(image.type()));
  if (image.channels() == 1) return image;
  cv::Mat gray;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

}  // namespace

FlowMethod ParseFlowMethod(std::string_view name) {
  const std::string lower = ToLower(name);
  if (lower == "dis") return FlowMethod::kDis;
  if (lower == "farneback") return FlowMethod::kFarneback;
  ThrowError("unknown optic flow method '{}' (expected dis or farneback)",
             name);
}

cv::Mat ComputeOpticFlow(const cv::Mat& from, const cv::Mat& to,
                         FlowMethod method) {
  THROW_CHECK_MSG(!from.empty() && from.size() == to.size(),
                  "optic flow needs two images of one size, got {}x{} and "
                  "{}x{}",
                  from.cols, from.rows, to.cols, to.rows);
  const cv::Mat gray_from = Gray(from), gray_to = Gray(to);
  cv::Mat flow;
  if (method == FlowMethod::kDis) {
    // FAST: 5x quicker than MEDIUM (6 against 30 ms at 640x256 on one
    // core), which matters for `parallax extract` (four flows a sample).
    // optic_flow_benchmark's warp error (gray levels, no ground truth
    // needed): 0.79 against 0.76 on EuRoC's slow, weakly textured frames,
    // 8.6 against 6.8 on the KITTI drive's fast motion. The object is cheap
    // to make and not thread-safe, so each call makes its own.
    cv::Ptr<cv::DISOpticalFlow> dis =
        cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_FAST);
    dis->calc(gray_from, gray_to, flow);
  } else {
    // The parameters of 3D_learner (Thompson 2020).
    cv::calcOpticalFlowFarneback(gray_from, gray_to, flow, /*pyr_scale=*/0.5,
                                 /*levels=*/3, /*winsize=*/15,
                                 /*iterations=*/3, /*poly_n=*/5,
                                 /*poly_sigma=*/1.2, /*flags=*/0);
  }
  return flow;
}

void NormalizeFlowMagnitude(cv::Mat& flow) {
  THROW_CHECK_MSG(flow.type() == CV_32FC2, "flow must be CV_32FC2, got {}",
                  cv::typeToString(flow.type()));
  if (flow.empty()) return;
  const cv::Scalar sum = cv::sum(cv::abs(flow));
  const double mean = (sum[0] + sum[1]) / (2.0 * double(flow.total()));
  if (!(mean >= kMinMeanFlow)) {
    flow.setTo(cv::Scalar::all(0));
    return;
  }
  flow *= 1.0 / mean;
}

}  // namespace parallax
