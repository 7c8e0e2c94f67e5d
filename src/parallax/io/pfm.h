// Portable Float Map: "PF" (3 channels) or "Pf" (1 channel), a scale whose
// sign gives the byte order (negative = little-endian), rows stored from the
// bottom of the image to the top. Returned Mats are top-to-bottom, CV_32FC1
// or CV_32FC3 (BGR order, like every Mat in Parallax).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/io/image_io.h"

namespace parallax {

// Header fields, parsed without touching the pixels.
struct PfmHeader {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 ("Pf") or 3 ("PF")
  bool little_endian = true;
  size_t data_offset = 0;  // first pixel byte
};
// std::nullopt when `bytes` (a prefix of the file) ends inside the header;
// throws parallax::Error naming `name` when it is not a PFM header.
std::optional<PfmHeader> ParsePfmHeader(std::span<const char> bytes,
                                        const std::string& name);

// `name` is used in error messages.
cv::Mat DecodePfm(std::span<const char> bytes, const std::string& name,
                  const ImageLimits& limits = {});
std::string EncodePfm(const cv::Mat& image, bool little_endian = true);

cv::Mat ReadPfm(const std::filesystem::path& path,
                const ImageLimits& limits = {});
void WritePfm(const std::filesystem::path& path, const cv::Mat& image,
              bool little_endian = true);

}  // namespace parallax
