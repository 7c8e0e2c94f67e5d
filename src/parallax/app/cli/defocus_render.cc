#include "parallax/app/cli/defocus_render.h"

#include <opencv2/imgproc.hpp>

#include "parallax/effects/focus.h"
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
  cv::Mat bgr = image;
  if (image.channels() == 1) cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
  if (image.channels() == 4) cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
  CheckDisparityMap(disparity, bgr.size());
  const BlurModel& model = settings.lens_options.blur;
  const cv::Mat radius = cv::abs(SignedBlurRadius(disparity, focus, model));
  double top = 0;
  cv::minMaxLoc(radius, nullptr, &top);
  return GradedBlur(bgr, radius, model.f_number > 0 ? top : model.max_blur,
                    settings.graded);
}

}  // namespace parallax
