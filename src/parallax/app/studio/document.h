// What the studio works on: one photo and, once known, its disparity.
// Loading is all-or-nothing: a file that cannot be read throws
// parallax::Error and the caller keeps its previous document.
#pragma once

#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

namespace parallax::studio {

struct Document {
  std::filesystem::path path;
  cv::Mat image;      // 8-bit BGR: what the network and previews take
  cv::Mat full;       // BGR at the file's bit depth (8 or 16): what the
                      // refocus and fog saves render, as the CLI does
  cv::Mat disparity;  // CV_32FC1 of the image's size (larger = nearer), or
                      // empty until depth is computed or loaded
  // True when the network made the disparity (relative scale, soft edges:
  // the 3D renderer sharpens its edges as `parallax stereo` does).
  bool estimated = false;
  std::string depth_source;  // the model or the depth map file

  bool has_image() const { return !image.empty(); }
  bool has_depth() const { return !disparity.empty(); }
};

// Reads a photo in any format Parallax reads (image_io.h, and the left view
// of an MPO) as BGR at its own bit depth: 8 or 16 bits (gray expanded,
// alpha dropped, float images scaled from 0..1 to 16 bits). Throws
// parallax::Error naming the file: missing, a folder, not an image,
// corrupt.
cv::Mat LoadPhoto(const std::filesystem::path& path);

// 8-bit BGR of a photo LoadPhoto read (the same Mat when it is 8-bit).
cv::Mat EightBit(const cv::Mat& photo);

// Reads a depth map (PFM, NPY, EXR, TIFF, PNG: one channel) that must have
// `size` and finite values, as disparity (larger = nearer), `kind`
// "disparity", or as Z (distance, inverted), "depth": as `parallax defocus
// --depth F --depth-kind K` does. Throws parallax::Error naming the file.
cv::Mat LoadDisparityMap(const std::filesystem::path& path, cv::Size size,
                         const std::string& kind = "disparity");

}  // namespace parallax::studio
