// Packing a left and a right view into what a 3D display shows: side by
// side, top and bottom (full or half resolution), cross-eyed, or a red-cyan
// anaglyph.
#pragma once

#include <string>

#include <opencv2/core.hpp>

namespace parallax {

enum class StereoLayout {
  kSideBySide,      // "sbs": left | right, twice the width
  kHalfSideBySide,  // "hsbs": left | right, each squeezed to half width
  kTopBottom,       // "tb": left over right, twice the height
  kHalfTopBottom,   // "htb": each squeezed to half height
  kAnaglyph,        // "anaglyph": one red-cyan image
  kCrossEyed,       // "cross": right | left, for free viewing
  kSeparate,        // "lr": two files, <name>_L and <name>_R
  kRightOnly,       // "right": the right view alone
  kLeftOnly,        // "left": the left view alone
};

// "sbs", "hsbs", "tb", "htb", "anaglyph", "cross", "lr", "right", "left".
StereoLayout ParseStereoLayout(const std::string& name);
std::string StereoLayoutName(StereoLayout layout);

enum class AnaglyphMethod {
  kDubois,     // Dubois' least-squares projection (least ghosting)
  kHalfColor,  // red = luma of the left view, green/blue of the right
  kGray,       // red = left luma, green = blue = right luma
  kColor,      // red of the left view, green/blue of the right
};
AnaglyphMethod ParseAnaglyphMethod(const std::string& name);

// Size of one composed frame for views of `view` size (kSeparate and the
// single-view layouts: one view's size).
cv::Size ComposedSize(cv::Size view, StereoLayout layout);

// `left`, `right`: 8-bit BGR of equal size. For kSeparate returns the left
// view (the caller writes both). Throws parallax::Error on bad input.
cv::Mat ComposeStereo(const cv::Mat& left, const cv::Mat& right,
                      StereoLayout layout,
                      AnaglyphMethod anaglyph = AnaglyphMethod::kDubois);

// Red-cyan anaglyph of 8-bit BGR views. Dubois' matrices act on linear
// light (sRGB decoded, recoded after clamping); the others on the stored
// values with Rec. 601 luma.
cv::Mat MakeAnaglyph(const cv::Mat& left, const cv::Mat& right,
                     AnaglyphMethod method);

}  // namespace parallax
