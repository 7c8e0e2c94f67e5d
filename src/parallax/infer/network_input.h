// How an image of any size becomes a network input without distortion: it is
// scaled (aspect ratio kept) to about the pixel count the model was trained
// at, its width rounded to the network's size multiple, its height padded up
// to that multiple by reflection, and optionally `edge_columns` reflected
// columns added on each side. The prediction is cropped back to the content
// and its disparities rescaled to pixels of the original image.
//
// Why the side columns: trained networks put a band of wrong (near)
// disparity in their outermost one or two output columns, up to twice the
// disparity beside it on the shipped model (models/README.md, "Edge
// padding"). With the image's edges moved inside the input the band falls
// in the padding, which is cropped away.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

struct NetworkGeometry {
  cv::Size input;    // the original image
  cv::Size content;  // the image scaled for the network (aspect kept)
  cv::Size padded;   // the network input: content + reflected borders
  int pad_top = 0;   // rows of padding above the content (the rest below)
  int pad_left = 0;  // columns of padding on each side

  // Disparity in pixels of the original image per unit of network output,
  // taken as a fraction of the content width (side padding adds scene, not
  // scale). For 2:1 images at the default size the content width is the
  // training width. Other aspect ratios keep the training pixel count, so
  // their content is narrower or wider than the network was trained at, and
  // their absolute disparities scale with content / training width; every
  // consumer but `depth`'s float outputs normalises or aligns them.
  double FractionToInputPixels() const {
    return static_cast<double>(input.width);
  }
  cv::Rect ContentRect() const {
    return cv::Rect(pad_left, pad_top, content.width, content.height);
  }
};

// Images whose network input would exceed this many times `target_pixels`
// (extremely elongated ones: the content is at least one multiple wide and
// tall) are refused with parallax::Error.
inline constexpr double kMaxNetworkPixelsFactor = 16;

// `target_pixels` is the pixel count to aim for (usually train width x
// height); `multiple` the network's size multiple. Content width is a
// multiple of `multiple`; `edge_columns` (>= 0) reflected columns go on each
// side of it.
NetworkGeometry ComputeNetworkGeometry(cv::Size input, double target_pixels,
                                       int multiple, int edge_columns = 0);

// Depth Anything's rule (the official `Resize(..., keep_aspect_ratio,
// ensure_multiple_of=14, resize_method='lower_bound')`): scale so that the
// short side is `short_side`, then round each side to the nearest multiple
// (halves to even, as numpy does), rounding up where that would fall below
// `short_side`. No padding: content == padded. Throws parallax::Error when
// the network input would exceed `max_pixels` (extremely elongated images).
NetworkGeometry ComputeShortSideGeometry(cv::Size input, int short_side,
                                         int multiple,
                                         double max_pixels = 16e6);

// Scales `image` (any type) to geometry.content with area/linear
// interpolation and pads rows and columns by reflection to geometry.padded.
cv::Mat PrepareNetworkImage(const cv::Mat& image,
                            const NetworkGeometry& geometry);

// The network input of an 8- or 16-bit frame (gray, BGR or BGRA): RGB in
// [0, 1] at geometry.padded. The same as PrepareNetworkImage(ToRgbFloat(
// image)) up to float rounding (area_shrink.h says where else it differs,
// by up to 1e-3); shrinking goes straight from the frame's
// pixels (area_shrink.h), several times faster.
cv::Mat PrepareNetworkRgb(const cv::Mat& image,
                          const NetworkGeometry& geometry);

}  // namespace parallax
