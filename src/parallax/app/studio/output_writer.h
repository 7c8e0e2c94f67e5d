// Saving what the studio shows, at full resolution: the depth map in its
// encodings, and the refocused, 3D and fog images. Every file goes through
// WriteImage, which writes atomically (a temporary file renamed over the
// target), so a failed or interrupted save never leaves half a file.
#pragma once

#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/app/studio/document.h"
#include "parallax/app/studio/effect_previews.h"
#include "parallax/infer/disparity_output.h"

namespace parallax::studio {

enum class OutputKind {
  kDepth16,     // 16-bit PNG, the robust range to 0..65535 (near = white)
  kDepthFloat,  // PFM / NPY / EXR: the disparity values themselves
  kDepthColor,  // 8-bit PNG through the colour map
  kRefocused,   // the refocused photo
  kStereo,      // the stereo image in the chosen layout
  kFog,         // the fogged photo
};

// Everything a save needs, copied so it can run on another thread while
// the controls change.
struct OutputJob {
  OutputKind kind = OutputKind::kDepth16;
  std::filesystem::path path;
  cv::Mat image;  // 8- or 16-bit BGR (stereo renders it at 8 bits)
  cv::Mat disparity;
  bool estimated = false;
  Colormap colormap = Colormap::kTurbo;
  float focus = 0;
  RefocusControls refocus;
  StereoControls stereo;
  FogControls fog;
};

// The depth kind that suits a file name: .pfm/.npy/.exr -> kDepthFloat,
// .png/.tif -> kDepth16 (a colour PNG is asked for explicitly).
OutputKind DepthKindForPath(const std::filesystem::path& path);

// Renders (full resolution) and writes the job's file. Throws
// parallax::Error naming the file (e.g. EXR without OpenEXR support, a
// format that cannot hold the data).
void WriteOutput(const OutputJob& job);

// True when `output` is the same file as `input` (both existing), or the
// same path: saving there would replace the photo.
bool IsSameFile(const std::filesystem::path& output,
                const std::filesystem::path& input);

}  // namespace parallax::studio
