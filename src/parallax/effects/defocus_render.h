// The settings of `parallax defocus` and one refocused frame from them;
// shared by photos and video frames.
#pragma once

#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/effects/graded_blur.h"
#include "parallax/effects/lens_blur.h"

namespace parallax {

struct DefocusSettings {
  bool lens = true;  // --method lens; else the graded method below
  GradedBlurOptions graded;
  LensBlurOptions lens_options;
  // Focus: a pixel (default: the image centre) or a disparity value.
  std::optional<cv::Point> focus_point;
  std::optional<float> focus_disparity;
};

// --method: lens or one of the graded methods.
void ParseDefocusMethod(const std::string& name, DefocusSettings* settings);

// The focus disparity for a frame: the value given, else the depth under
// the focus point (the centre when none), checked against the frame.
float ResolveFocus(const cv::Mat& disparity, const DefocusSettings& settings);

// `image` 8/16-bit (BGR, gray or BGRA; alpha is dropped), `disparity` its
// map. Returns 8/16-bit BGR.
cv::Mat RenderDefocus(const cv::Mat& image, const cv::Mat& disparity,
                      float focus, const DefocusSettings& settings);

}  // namespace parallax
