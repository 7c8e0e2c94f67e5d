// NumPy .npy arrays (format versions 1.0, 2.0 and 3.0), C order, dtypes
// float32, float64, uint8 and uint16 in either byte order. Shapes (H, W) and
// (H, W, C) with C <= 4 map to Mats of C channels; (1, H, W) and (H, W, 1)
// are accepted as single-channel maps. Written arrays are little-endian.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/io/image_io.h"

namespace parallax {

// Header fields, parsed without touching the data.
struct NpyHeader {
  int depth = 0;              // CV_8U, CV_16U, CV_32F or CV_64F
  bool little_endian = true;  // byte order of the stored data
  int height = 0;
  int width = 0;
  int channels = 0;
  size_t data_offset = 0;  // first data byte
};
// std::nullopt when `bytes` (a prefix of the file) ends inside the header;
// throws parallax::Error naming `name` for headers this reader rejects
// (unsupported dtype or shape, Fortran order).
std::optional<NpyHeader> ParseNpyHeader(std::span<const char> bytes,
                                        const std::string& name);

cv::Mat DecodeNpy(std::span<const char> bytes, const std::string& name,
                  const ImageLimits& limits = {});
std::string EncodeNpy(const cv::Mat& image);

cv::Mat ReadNpy(const std::filesystem::path& path,
                const ImageLimits& limits = {});
void WriteNpy(const std::filesystem::path& path, const cv::Mat& image);

}  // namespace parallax
