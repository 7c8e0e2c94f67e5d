// PNG encoding on libdeflate. OpenCV's PNG writer goes through libpng and
// zlib, whose deflate is several times slower than libdeflate's at the
// same ratio; `parallax synth` writes two views per sample, and depth
// sequences for compositing are PNG too, so the encoder is on hot paths.
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace parallax {

// The PNG row filters (the specification's types 0-4), and kAdaptive: per
// row, the filter whose output has the smallest sum of absolute values
// (as signed bytes), the heuristic the PNG specification recommends.
enum class PngFilter { kNone, kSub, kUp, kAverage, kPaeth, kAdaptive };

struct PngEncodeOptions {
  // libdeflate's level: 0 stores, 1 is fastest, 12 smallest. Levels 1-9
  // compare with zlib's in ratio, at a fraction of its time.
  int level = 3;
  PngFilter filter = PngFilter::kAdaptive;
};

// The PNG file of an 8- or 16-bit image with 1 (gray), 3 (BGR) or 4 (BGRA)
// channels; any other type throws parallax::Error. Non-continuous images
// (regions) are fine. The same pixels and options give the same bytes.
std::vector<uint8_t> EncodePng(const cv::Mat& image,
                               const PngEncodeOptions& options = {});

}  // namespace parallax
