#include "parallax/io/stereo_layout.h"

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {

PackedLayout ParsePackedLayout(std::string_view name) {
  const std::string lower = ToLower(name);
  if (lower == "sbs") return PackedLayout::kSideBySide;
  if (lower == "tb") return PackedLayout::kTopBottom;
  ThrowError("unknown packed stereo layout '{}' (expected sbs or tb)", name);
}

std::pair<cv::Mat, cv::Mat> SplitPackedStereo(const cv::Mat& packed,
                                              PackedLayout layout) {
  if (layout == PackedLayout::kSideBySide) {
    if (packed.cols % 2 != 0 || packed.cols == 0) {
      ThrowError("side-by-side frame has an odd width ({}x{})", packed.cols,
                 packed.rows);
    }
    const int half = packed.cols / 2;
    return {packed(cv::Rect(0, 0, half, packed.rows)),
            packed(cv::Rect(half, 0, half, packed.rows))};
  }
  if (packed.rows % 2 != 0 || packed.rows == 0) {
    ThrowError("top-bottom frame has an odd height ({}x{})", packed.cols,
               packed.rows);
  }
  const int half = packed.rows / 2;
  return {packed(cv::Rect(0, 0, packed.cols, half)),
          packed(cv::Rect(0, half, packed.cols, half))};
}

}  // namespace parallax
