// Reordering the colour channels of an image before a network sees it: a
// probe of how much a model's depth rests on hue (`parallax eval
// --channel-order`). Shapes, edges and brightness order within a channel
// stay; only which colour is which changes.
#pragma once

#include <string>

#include <opencv2/core.hpp>

namespace parallax {

// `order` names, for the output's red, green and blue, the input channel
// each takes: "rgb" = unchanged, "gbr" = red takes green, green takes blue,
// blue takes red. Any case; anything but a permutation of r, g, b throws
// Error naming --channel-order.
cv::Vec3i ParseChannelOrder(const std::string& order);

// `bgr`: 8-bit or float, 3 channels, OpenCV's B, G, R layout. Returns a new
// image (the input is untouched) in the same layout.
cv::Mat ReorderColorChannels(const cv::Mat& bgr, const cv::Vec3i& rgb_order);

}  // namespace parallax
