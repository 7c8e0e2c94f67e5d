// Rendering a new view of an image from its disparity: the core of 2D->3D.
//
// Forward warping: every source pixel x moves to x - scale * d(x) in the new
// view (scale +1 renders the right view of a left image at the given
// disparity, -0.5 half a view to the left, ...). Neighbouring pixels of one
// surface are joined into spans, so stretched surfaces stay closed at any
// sub-pixel position; where two spans land on one pixel, the nearer surface
// (larger disparity, docs/design.md convention) wins. The pixels no surface
// reaches are disocclusions: they are filled from their background side by
// continuing (mirroring) the background texture, never by stretching the
// foreground.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace parallax {

struct ViewSynthesisOptions {
  // Neighbouring source pixels whose shifts differ by more than this many
  // pixels are a depth edge: the gap between them is a disocclusion.
  float edge_threshold = 1.0f;
  // Spans within this many pixels of disparity of the nearest one at a
  // target pixel are blended (anti-aliasing); farther ones are hidden.
  float depth_tolerance = 0.5f;
  bool fill_holes = true;
};

struct SynthesizedView {
  cv::Mat image;      // type of the source image
  cv::Mat disparity;  // CV_32F: the source disparity carried to the new view
                      // (holes: their background's disparity)
  cv::Mat holes;      // CV_8U: 255 where nothing was visible (disoccluded)
};

// `image`: 8-bit or float, 1 or 3 channels. `disparity`: CV_32F of the same
// size, in pixels, finite. Throws parallax::Error on bad input.
SynthesizedView SynthesizeView(const cv::Mat& image, const cv::Mat& disparity,
                               float scale,
                               const ViewSynthesisOptions& options = {});

// Several views of one image at once (the two eyes of a stereo pair): the
// same as SynthesizeView per scale, in one pass over the source.
std::vector<SynthesizedView> SynthesizeViews(
    const cv::Mat& image, const cv::Mat& disparity,
    const std::vector<float>& scales, const ViewSynthesisOptions& options = {});

// Turns soft depth edges (a network's ramps between foreground and
// background) into steps: a pixel inside a ramp snaps to the nearer of the
// window's extremes. Forward warping then opens a clean disocclusion there
// instead of smearing the edge over it. `radius` in pixels; 0 = no change.
cv::Mat SharpenDepthEdges(const cv::Mat& disparity, int radius, float min_step);

// The reference the quality benchmark compares against: backward warping
// without occlusion handling, new(x) = image(x + scale * d(x)) with the
// source's disparity read at the new view's position.
cv::Mat NaiveBackwardWarp(const cv::Mat& image, const cv::Mat& disparity,
                          float scale);

}  // namespace parallax
