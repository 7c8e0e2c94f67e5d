// Exact optic flow of a rendered view: for every pixel, where its surface
// point is seen at another time, minus where it is now. The point comes
// from the render's depth and surface id; a thing that moved carries its
// points along; the sky is a direction, moved by the camera's turn only.
#pragma once

#include <opencv2/core.hpp>

#include "parallax/data/synth/render_view.h"
#include "parallax/data/synth/scene.h"

namespace parallax::synth {

// `view` is the left (or, with `right_view`, the right) view of `now`;
// `then` is the same world at the other time (the same objects, moved).
// Returns CV_32FC2 (dx, dy) in pixels, with the sign of OpenCV's flow:
// the pixel's content is at (x + dx, y + dy) then. Points that would be
// behind the camera then get 0.
cv::Mat SceneFlow(const ViewRender& view, const Scene& now, const Scene& then,
                  bool right_view);

}  // namespace parallax::synth
