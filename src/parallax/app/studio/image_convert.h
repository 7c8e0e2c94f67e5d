// OpenCV images (BGR, 8/16-bit, 1/3/4 channels) to QImage for display.
#pragma once

#include <QImage>
#include <opencv2/core.hpp>

namespace parallax::studio {

// A deep copy, so the QImage outlives the Mat. 16-bit is scaled to 8-bit,
// alpha dropped, gray kept gray. An empty Mat gives a null QImage.
QImage ToQImage(const cv::Mat& image);

// Downscales `image` so that it is at most `max_width` wide (aspect kept;
// INTER_AREA), or returns it as is. Used for the interactive previews.
cv::Mat LimitWidth(const cv::Mat& image, int max_width);

}  // namespace parallax::studio
