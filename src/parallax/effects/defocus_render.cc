#include "parallax/effects/defocus_render.h"

#include <opencv2/imgproc.hpp>

#include "parallax/effects/focus.h"
#include "parallax/effects/linear_light.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

void ParseDefocusMethod(const std::string& name, DefocusSettings* settings) {
  settings->lens = ToLower(name) == "lens";
  if (!settings->lens) settings->graded.method = ParseGradedMethod(name);
}

float ResolveFocus(const cv::Mat& disparity, const DefocusSettings& settings) {
  if (settings.focus_disparity) return *settings.focus_disparity;
  const cv::Point point = settings.focus_point.value_or(
      cv::Point(disparity.cols / 2, disparity.rows / 2));
  return FocusDisparityAt(disparity, point);
}

cv::Mat RenderDefocus(const cv::Mat& image, const cv::Mat& disparity,
                      float focus, const DefocusSettings& settings) {
  if (settings.lens) {
    return LensBlur(image, disparity, focus, settings.lens_options);
  }
  const cv::Mat bgr = ToBgr(image);
  CheckDisparityMap(disparity, bgr.size());
  const BlurModel& model = settings.lens_options.blur;
  // The largest radius sets the last grade, so the near/far scales and
  // the thin lens shape the grades as they shape the lens blur; capped like
  // the lens blur's layers.
  constexpr double kMaxRadius = 500;
  cv::Mat radius = cv::abs(SignedBlurRadius(disparity, focus, model));
  cv::min(radius, kMaxRadius, radius);
  double top = 0;
  cv::minMaxLoc(radius, nullptr, &top);
  return GradedBlur(bgr, radius, top, settings.graded);
}

}  // namespace parallax
