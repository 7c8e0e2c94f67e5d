#include "parallax/infer/network_input.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/area_shrink.h"
#include "parallax/infer/predictor.h"
#include "parallax/util/check.h"

namespace parallax {

NetworkGeometry ComputeNetworkGeometry(cv::Size input, double target_pixels,
                                       int multiple, int edge_columns) {
  THROW_CHECK(input.width > 0 && input.height > 0);
  THROW_CHECK_GT(target_pixels, 0.0);
  THROW_CHECK_GT(multiple, 0);
  THROW_CHECK_GE(edge_columns, 0);
  NetworkGeometry geometry;
  geometry.input = input;
  const double scale =
      std::sqrt(target_pixels / (static_cast<double>(input.width) *
                                 static_cast<double>(input.height)));
  const int width = std::max(
      multiple,
      static_cast<int>(std::lround(input.width * scale / multiple)) * multiple);
  // Height follows the rounded width so the aspect ratio is exact.
  const int height = std::max(
      1, static_cast<int>(std::lround(static_cast<double>(input.height) *
                                      width / input.width)));
  // Content is at least `multiple` wide, so a 1x10000 image would become a
  // 32x320000 network input (13 GiB of activations). The network never saw
  // such shapes either: past 16 times the pixels it was sized for, refuse.
  if (static_cast<double>(width) * height >
      kMaxNetworkPixelsFactor * target_pixels) {
    ThrowError(
        "a {}x{} image is too elongated for the network (it would need a "
        "{}x{} input, {:.0f}x the pixels the model is sized for): crop it "
        "nearer to the usual aspect ratios",
        input.width, input.height, width, height,
        static_cast<double>(width) * height / target_pixels);
  }
  geometry.content = cv::Size(width, height);
  const int padded_height = (height + multiple - 1) / multiple * multiple;
  geometry.pad_left = edge_columns;
  geometry.padded = cv::Size(width + 2 * edge_columns, padded_height);
  geometry.pad_top = (padded_height - height) / 2;
  return geometry;
}

NetworkGeometry ComputeShortSideGeometry(cv::Size input, int short_side,
                                         int multiple, double max_pixels) {
  THROW_CHECK(input.width > 0 && input.height > 0);
  THROW_CHECK_GT(short_side, 0);
  THROW_CHECK_GT(multiple, 0);
  const double scale = std::max(static_cast<double>(short_side) / input.height,
                                static_cast<double>(short_side) / input.width);
  auto constrain = [&](double x) {
    // std::nearbyint rounds halves to even in the default rounding mode.
    double y = std::nearbyint(x / multiple) * multiple;
    if (y < short_side) y = std::ceil(x / multiple) * multiple;
    return y;
  };
  const double width = constrain(scale * input.width);
  const double height = constrain(scale * input.height);
  if (width * height > max_pixels) {
    ThrowError(
        "a {}x{} image would need a {:.0f}x{:.0f} network input (short side "
        "{}): too elongated; crop it or give a smaller --net-size",
        input.width, input.height, width, height, short_side);
  }
  NetworkGeometry geometry;
  geometry.input = input;
  geometry.content =
      cv::Size(static_cast<int>(width), static_cast<int>(height));
  geometry.padded = geometry.content;
  return geometry;
}

namespace {

// Pads the content rows and columns by reflection to geometry.padded.
cv::Mat PadContent(const cv::Mat& content, const NetworkGeometry& geometry) {
  const int pad_bottom =
      geometry.padded.height - geometry.content.height - geometry.pad_top;
  const int pad_side = geometry.pad_left;
  if (geometry.pad_top == 0 && pad_bottom == 0 && pad_side == 0) {
    return content;
  }
  // Reflection needs at least pad+1 rows (columns); tiny images fall back
  // to replication.
  const int row_border = std::max(geometry.pad_top, pad_bottom) < content.rows
                             ? cv::BORDER_REFLECT_101
                             : cv::BORDER_REPLICATE;
  const int column_border =
      pad_side < content.cols ? cv::BORDER_REFLECT_101 : cv::BORDER_REPLICATE;
  cv::Mat rows_padded, padded;
  cv::copyMakeBorder(content, rows_padded, geometry.pad_top, pad_bottom, 0, 0,
                     row_border);
  cv::copyMakeBorder(rows_padded, padded, 0, 0, pad_side, pad_side,
                     column_border);
  return padded;
}

}  // namespace

cv::Mat PrepareNetworkImage(const cv::Mat& image,
                            const NetworkGeometry& geometry) {
  THROW_CHECK(image.size() == geometry.input);
  cv::Mat content;
  const bool shrinking = geometry.content.width < image.cols;
  cv::resize(image, content, geometry.content, 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return PadContent(content, geometry);
}

cv::Mat PrepareNetworkRgb(const cv::Mat& image,
                          const NetworkGeometry& geometry) {
  THROW_CHECK(image.size() == geometry.input);
  const bool shrinking = geometry.content.width < image.cols &&
                         geometry.content.height <= image.rows;
  if (!shrinking) return PrepareNetworkImage(ToRgbFloat(image), geometry);
  return PadContent(ShrinkToRgbFloat(image, geometry.content), geometry);
}

}  // namespace parallax
