// The pixel size a TIFF or OpenEXR file declares in its header, read without
// decoding, so that the memory budget is checked before OpenCV allocates the
// image (internal to parallax_io; PNG, JPEG and the rest: image_probe.h).
#pragma once

#include <optional>
#include <span>

#include <opencv2/core.hpp>

namespace parallax::internal {

// The first image's width and height in a TIFF (classic, either byte order)
// or the data window of an OpenEXR file (single or first part). nullopt when
// `bytes` is neither, or its header cannot be followed: OpenCV then decodes
// it and reports what is wrong. Never reads outside `bytes`.
std::optional<cv::Size> ParseDeclaredSize(std::span<const char> bytes);

}  // namespace parallax::internal
