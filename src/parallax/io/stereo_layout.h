// Packed stereo frames: side-by-side (left view on the left) and top-bottom
// (left view on top), at full or half resolution per view.
#pragma once

#include <string_view>
#include <utility>

#include <opencv2/core.hpp>

namespace parallax {

enum class PackedLayout { kSideBySide, kTopBottom };

// Parses "sbs" / "tb"; throws parallax::Error otherwise.
PackedLayout ParsePackedLayout(std::string_view name);

// Splits a packed frame into (left, right) views. The views share memory
// with `packed`. Throws parallax::Error if the packed side is odd.
std::pair<cv::Mat, cv::Mat> SplitPackedStereo(const cv::Mat& packed,
                                              PackedLayout layout);

}  // namespace parallax
