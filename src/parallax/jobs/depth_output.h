// Where `parallax depth` writes, and how a disparity map becomes a file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/infer/disparity_output.h"

namespace parallax {

enum class OutputTarget {
  kFile,    // -o names one image file (one image input)
  kFolder,  // -o names a folder: one file per image / frame
  kVideo,   // -o names a video file (one video or sequence input)
};

// Decided by the extension of -o: a video container, an image format, or
// none (a folder, created if missing).
OutputTarget ClassifyOutput(const std::filesystem::path& output);

struct DisparityFileOptions {
  // Colour-mapped 8-bit preview instead of data (kNone = data).
  Colormap colormap = Colormap::kNone;
  // Depth-like maps (near = small) for tools that expect Z.
  bool invert = false;
  // Fixed normalisation range in pixels of disparity for PNG/preview
  // outputs; unset = robust per-image range (smoothed over videos).
  std::optional<DisparityRange> range;
};

// True for formats that store the float values (pfm, npy, exr).
bool IsFloatFormat(const std::string& extension);

// Writes `disparity` (CV_32FC1) atomically in the format of `path`'s
// extension: pfm/npy/exr = float32 values; png = 16-bit normalised (8-bit
// colour when a colour map is set); jpg/webp/bmp/tif = 8-bit preview.
// `range` is used for normalised formats when options.range is unset.
void WriteDisparityFile(const std::filesystem::path& path,
                        const cv::Mat& disparity,
                        const DisparityFileOptions& options,
                        const DisparityRange& range);

// The frame of a depth video: 8-bit gray or colour (BGR), or 16-bit gray when
// `sixteen_bit` (lossless codecs).
cv::Mat DisparityVideoFrame(const cv::Mat& disparity,
                            const DisparityFileOptions& options,
                            const DisparityRange& range, bool sixteen_bit);

}  // namespace parallax
