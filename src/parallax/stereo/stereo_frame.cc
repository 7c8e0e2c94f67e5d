#include "parallax/stereo/stereo_frame.h"

#include <array>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

struct LayoutName {
  StereoLayout layout;
  const char* name;
};
constexpr std::array<LayoutName, 9> kLayouts = {{
    {StereoLayout::kSideBySide, "sbs"},
    {StereoLayout::kHalfSideBySide, "hsbs"},
    {StereoLayout::kTopBottom, "tb"},
    {StereoLayout::kHalfTopBottom, "htb"},
    {StereoLayout::kAnaglyph, "anaglyph"},
    {StereoLayout::kCrossEyed, "cross"},
    {StereoLayout::kSeparate, "lr"},
    {StereoLayout::kRightOnly, "right"},
    {StereoLayout::kLeftOnly, "left"},
}};

// Dubois, "A projection method to generate anaglyph stereo images" (ICASSP
// 2001), red-cyan: rows give output R, G, B from the view's linear R, G, B.
constexpr float kDuboisLeft[3][3] = {{0.456f, 0.500f, 0.176f},
                                     {-0.040f, -0.038f, -0.016f},
                                     {-0.015f, -0.021f, -0.005f}};
constexpr float kDuboisRight[3][3] = {{-0.043f, -0.088f, -0.002f},
                                      {0.378f, 0.734f, -0.018f},
                                      {-0.072f, -0.113f, 1.226f}};

float SrgbToLinear(float v) {
  return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f);
}
float LinearToSrgb(float v) {
  return v <= 0.0031308f ? 12.92f * v
                         : 1.055f * std::pow(v, 1.0f / 2.4f) - 0.055f;
}
uint8_t ToByte(float v) {
  return cv::saturate_cast<uint8_t>(std::lround(v * 255.0f));
}
float Luma(const cv::Vec3b& bgr) {
  return (0.114f * bgr[0] + 0.587f * bgr[1] + 0.299f * bgr[2]) / 255.0f;
}

void CheckViews(const cv::Mat& left, const cv::Mat& right) {
  if (left.empty() || right.empty()) ThrowError("stereo frame: empty view");
  if (left.type() != CV_8UC3 || right.type() != CV_8UC3) {
    ThrowError("stereo frame: views must be 8-bit colour");
  }
  if (left.size() != right.size()) {
    ThrowError("stereo frame: views of different sizes ({}x{} and {}x{})",
               left.cols, left.rows, right.cols, right.rows);
  }
}

cv::Mat Squeeze(const cv::Mat& view, cv::Size size) {
  cv::Mat squeezed;
  cv::resize(view, squeezed, size, 0, 0, cv::INTER_AREA);
  return squeezed;
}

}  // namespace

StereoLayout ParseStereoLayout(const std::string& name) {
  const std::string lower = ToLower(name);
  for (const LayoutName& entry : kLayouts) {
    if (lower == entry.name) return entry.layout;
  }
  ThrowError(
      "unknown stereo layout '{}': use sbs, hsbs, tb, htb, anaglyph, cross, "
      "lr, right or left",
      name);
}

std::string StereoLayoutName(StereoLayout layout) {
  for (const LayoutName& entry : kLayouts) {
    if (entry.layout == layout) return entry.name;
  }
  THROW_CHECK_MSG(false, "unknown stereo layout");
}

AnaglyphMethod ParseAnaglyphMethod(const std::string& name) {
  const std::string lower = ToLower(name);
  if (lower == "dubois") return AnaglyphMethod::kDubois;
  if (lower == "half-color" || lower == "half-colour") {
    return AnaglyphMethod::kHalfColor;
  }
  if (lower == "gray" || lower == "grey") return AnaglyphMethod::kGray;
  if (lower == "color" || lower == "colour") return AnaglyphMethod::kColor;
  ThrowError(
      "unknown anaglyph method '{}': use dubois, half-color, gray or color",
      name);
}

cv::Size ComposedSize(cv::Size view, StereoLayout layout) {
  switch (layout) {
    case StereoLayout::kSideBySide:
    case StereoLayout::kCrossEyed:
      return {2 * view.width, view.height};
    case StereoLayout::kHalfSideBySide:
      return {2 * (view.width / 2), view.height};
    case StereoLayout::kTopBottom:
      return {view.width, 2 * view.height};
    case StereoLayout::kHalfTopBottom:
      return {view.width, 2 * (view.height / 2)};
    default:
      return view;
  }
}

cv::Mat ComposeStereo(const cv::Mat& left, const cv::Mat& right,
                      StereoLayout layout, AnaglyphMethod anaglyph) {
  CheckViews(left, right);
  const cv::Size view = left.size();
  if ((layout == StereoLayout::kHalfSideBySide && view.width < 2) ||
      (layout == StereoLayout::kHalfTopBottom && view.height < 2)) {
    ThrowError("stereo frame: {}x{} is too small to halve", view.width,
               view.height);
  }
  cv::Mat out(ComposedSize(view, layout), CV_8UC3);
  switch (layout) {
    case StereoLayout::kSideBySide:
      cv::hconcat(left, right, out);
      return out;
    case StereoLayout::kCrossEyed:
      cv::hconcat(right, left, out);
      return out;
    case StereoLayout::kHalfSideBySide: {
      const cv::Size half(view.width / 2, view.height);
      cv::hconcat(Squeeze(left, half), Squeeze(right, half), out);
      return out;
    }
    case StereoLayout::kTopBottom:
      cv::vconcat(left, right, out);
      return out;
    case StereoLayout::kHalfTopBottom: {
      const cv::Size half(view.width, view.height / 2);
      cv::vconcat(Squeeze(left, half), Squeeze(right, half), out);
      return out;
    }
    case StereoLayout::kAnaglyph:
      return MakeAnaglyph(left, right, anaglyph);
    case StereoLayout::kRightOnly:
      return right.clone();
    case StereoLayout::kSeparate:
    case StereoLayout::kLeftOnly:
      return left.clone();
  }
  THROW_CHECK_MSG(false, "unknown stereo layout");
}

cv::Mat MakeAnaglyph(const cv::Mat& left, const cv::Mat& right,
                     AnaglyphMethod method) {
  CheckViews(left, right);
  cv::Mat out(left.size(), CV_8UC3);
  out.forEach<cv::Vec3b>([&](cv::Vec3b& pixel, const int* at) {
    const cv::Vec3b& l = left.at<cv::Vec3b>(at[0], at[1]);
    const cv::Vec3b& r = right.at<cv::Vec3b>(at[0], at[1]);
    float red = 0, green = 0, blue = 0;  // stored (sRGB) values in [0, 1]
    switch (method) {
      case AnaglyphMethod::kDubois: {
        // BGR bytes -> linear RGB.
        const float lin_l[3] = {SrgbToLinear(l[2] / 255.0f),
                                SrgbToLinear(l[1] / 255.0f),
                                SrgbToLinear(l[0] / 255.0f)};
        const float lin_r[3] = {SrgbToLinear(r[2] / 255.0f),
                                SrgbToLinear(r[1] / 255.0f),
                                SrgbToLinear(r[0] / 255.0f)};
        float rgb[3];
        for (int i = 0; i < 3; ++i) {
          float v = 0;
          for (int j = 0; j < 3; ++j) {
            v += kDuboisLeft[i][j] * lin_l[j] + kDuboisRight[i][j] * lin_r[j];
          }
          rgb[i] = LinearToSrgb(std::clamp(v, 0.0f, 1.0f));
        }
        red = rgb[0], green = rgb[1], blue = rgb[2];
        break;
      }
      case AnaglyphMethod::kHalfColor:
        red = Luma(l), green = r[1] / 255.0f, blue = r[0] / 255.0f;
        break;
      case AnaglyphMethod::kGray:
        red = Luma(l), green = blue = Luma(r);
        break;
      case AnaglyphMethod::kColor:
        red = l[2] / 255.0f, green = r[1] / 255.0f, blue = r[0] / 255.0f;
        break;
    }
    pixel = {ToByte(blue), ToByte(green), ToByte(red)};
  });
  return out;
}

}  // namespace parallax
