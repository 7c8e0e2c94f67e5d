// One rendered stereo pair with exact ground truth, and the folder it is
// written to:
//
//   DIR/000042/left.png  right.png         8-bit sRGB views
//              disp_left.pfm disp_right.pfm  disparity in pixels, with the
//                                            sign of docs/design.md:
//                                            d = x_left - x_right
//              left_mask.png right_mask.png  255 = also seen by the other
//                                            view (non-occluded), 0 = not
//              meta.json                     camera, rig, lighting, objects
//
// `parallax train` reads such folders as left/right pairs with disp_left.pfm
// as ground truth, `parallax eval` as generic scenes with left_mask.png.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "parallax/data/synth/render_view.h"
#include "parallax/data/synth/scene.h"
#include "parallax/data/synth/texture_bank.h"

namespace parallax::synth {

struct StereoSample {
  cv::Mat left, right;            // CV_8UC3 BGR
  cv::Mat disp_left, disp_right;  // CV_32FC1 pixels
  cv::Mat mask_left, mask_right;  // CV_8UC1 255 = visible in the other view
  nlohmann::json meta;
  // The renders behind the views (depth, surface ids): films compute their
  // optic flow from them. Not written.
  ViewRender render_left, render_right;
};

// Renders both views of `scene`, their disparities and occlusion masks, and
// applies the scene's camera effects (noise is drawn independently per
// view, from the scene's seed).
StereoSample RenderStereoSample(const Scene& scene,
                                const TextureBank& textures);

// Writes the sample's files into `folder` (created), each atomically.
void WriteStereoSample(const std::filesystem::path& folder,
                       const StereoSample& sample);

// Left pixels whose match in the right view (x - d) lands on the same
// surface (both right pixels around it within `tolerance` px of disparity);
// and the same for the right view. CV_8UC1, 255 = visible in the other.
cv::Mat VisibleInOtherView(const cv::Mat& disp, const cv::Mat& other_disp,
                           bool disp_is_left, float tolerance = 0.5f);

}  // namespace parallax::synth
