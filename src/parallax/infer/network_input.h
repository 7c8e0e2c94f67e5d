// How an image of any size becomes a network input without distortion: it is
// scaled (aspect ratio kept) to about the pixel count the model was trained
// at, its width rounded to the network's size multiple, and its height padded
// up to that multiple by reflection. The prediction is cropped back to the
// content and its disparities rescaled to pixels of the original image.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

struct NetworkGeometry {
  cv::Size input;    // the original image
  cv::Size content;  // the image scaled for the network (aspect kept)
  cv::Size padded;   // the network input: content + reflected border rows
  int pad_top = 0;   // rows of padding above the content (the rest below)

  // Disparity in pixels of the original image per unit of network output
  // (the network predicts fractions of the padded width).
  double FractionToInputPixels() const {
    return static_cast<double>(padded.width) * input.width / content.width;
  }
  cv::Rect ContentRect() const {
    return cv::Rect(0, pad_top, content.width, content.height);
  }
};

// `target_pixels` is the pixel count to aim for (usually train width x
// height); `multiple` the network's size multiple. Content width is a
// multiple of `multiple`, so there is never horizontal padding: padding
// beside the image would shift the disparity of edge pixels.
NetworkGeometry ComputeNetworkGeometry(cv::Size input, double target_pixels,
                                       int multiple);

// Scales `image` (any type) to geometry.content with area/linear
// interpolation and pads rows by reflection to geometry.padded.
cv::Mat PrepareNetworkImage(const cv::Mat& image,
                            const NetworkGeometry& geometry);

}  // namespace parallax
