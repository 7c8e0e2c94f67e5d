// Reordering the colour channels of an image: the training augmentation
// `--channel-shuffle` and the probe `parallax eval --channel-order`, which
// shows how much of a model's depth rests on hue. Shapes, edges and the
// order of values within a channel stay; only which colour is which changes.
#pragma once

#include <string>

#include <opencv2/core.hpp>

namespace parallax {

// `order` names, for the output's red, green and blue, the input channel
// each takes: "rgb" = unchanged, "gbr" = red takes green, green takes blue,
// blue takes red. Any case; anything but a permutation of r, g, b throws
// Error naming --channel-order.
cv::Vec3i ParseChannelOrder(const std::string& order);

// Output channel c is input channel from[c], in storage order, for any
// 3-channel image; returns a new image (the input is untouched).
cv::Mat ReorderChannels(const cv::Mat& image, const cv::Vec3i& from);

// The same with `rgb_order` naming colours (ParseChannelOrder) for an image
// in OpenCV's B, G, R layout.
cv::Mat ReorderColorChannels(const cv::Mat& bgr, const cv::Vec3i& rgb_order);

}  // namespace parallax
