// Portable Float Map: "PF" (3 channels) or "Pf" (1 channel), a scale whose
// sign gives the byte order (negative = little-endian), rows stored from the
// bottom of the image to the top. Returned Mats are top-to-bottom, CV_32FC1
// or CV_32FC3 (BGR order, like every Mat in Parallax).
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/io/image_io.h"

namespace parallax {

// `name` is used in error messages.
cv::Mat DecodePfm(std::span<const char> bytes, const std::string& name,
                  const ImageLimits& limits = {});
std::string EncodePfm(const cv::Mat& image, bool little_endian = true);

cv::Mat ReadPfm(const std::filesystem::path& path,
                const ImageLimits& limits = {});
void WritePfm(const std::filesystem::path& path, const cv::Mat& image,
              bool little_endian = true);

}  // namespace parallax
