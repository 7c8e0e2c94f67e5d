// Reading and writing images and float maps.
//
// Formats by file extension: .png (8/16-bit), .jpg/.jpeg, .webp, .bmp,
// .tif/.tiff, .pfm (float, 1 or 3 channels), .npy (float32/float64/uint8/
// uint16), .exr (float, when the OpenCV build has OpenEXR). Mats follow
// OpenCV's conventions: BGR channel order, 8U/16U/32F depth.
//
// Every failure throws parallax::Error naming the file: missing, unreadable,
// truncated or corrupt data, and images so large that decoding them would
// exhaust memory (checked from the header before decoding).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/io/png_encoder.h"

namespace parallax {

struct ImageLimits {
  // Largest width*height accepted before decoding (decompression bombs).
  int64_t max_pixels = int64_t{1} << 28;  // 268 MP
  // Largest single side.
  int max_side = 1 << 16;
  // What the job that reads the image will need per pixel, checked against
  // the memory budget (util/memory_budget.h) from the header, before
  // decoding. The default covers decoding and one float copy.
  double bytes_per_pixel = 16;
  int64_t fixed_bytes = 0;
  std::string job = "reading it";
};

// Limits for a job that needs `bytes_per_pixel` per image pixel on top of
// `fixed_bytes` (measured per command: docs/reliability.md).
ImageLimits JobImageLimits(std::string job, double bytes_per_pixel,
                           int64_t fixed_bytes);

struct ImageInfo {
  int width = 0;
  int height = 0;
  int channels = 0;
  int depth = 0;       // CV_8U, CV_16U, CV_32F, CV_64F
  std::string format;  // "png", "jpeg", "webp", "pfm", "npy", "exr", ...
};

enum class ReadMode {
  kUnchanged,  // as stored: 8U/16U/32F/64F, 1/3/4 channels
  kColor8,     // 3-channel BGR 8-bit (gray expanded, 16-bit scaled, alpha
               // dropped): what the networks and renderers take
  kFloat1,     // single-channel CV_32F (float maps: disparity, depth)
};

// Reads the header only: size, channels and depth, without decoding pixels.
// Throws on unknown formats and on truncated or corrupt headers.
ImageInfo ProbeImage(const std::filesystem::path& path);

// ProbeImage, and also checks that a PNG or JPEG is whole (its IEND chunk
// or EOI marker is at the end) from the last few kilobytes, without decoding:
// for scans of whole datasets that must not pass a file cut short.
ImageInfo ProbeCompleteImage(const std::filesystem::path& path);

cv::Mat ReadImage(const std::filesystem::path& path,
                  ReadMode mode = ReadMode::kColor8,
                  const ImageLimits& limits = {});

struct ImageWriteOptions {
  int jpeg_quality = 95;
  int webp_quality = 95;
  // libdeflate's level, 0..12 (see png_encoder.h): 3 is fast with a good
  // ratio, 1 is fastest.
  int png_compression = 3;
  PngFilter png_filter = PngFilter::kAdaptive;
  bool pfm_little_endian = true;
  // EXR: half floats (11 significant bits), for data that needs no more,
  // such as optic flow.
  bool exr_half = false;
  // EXR: lossless zip (OpenEXR's default) or PIZ (wavelet: about as small
  // for smooth float data such as flow, in a third of the time).
  enum class ExrCompression {
    kZip,
    kPiz
  } exr_compression = ExrCompression::kZip;
};

// Writes atomically (temp file + rename). The extension picks the format;
// the Mat's depth must suit it (e.g. 16-bit PNG takes CV_16U, PFM takes
// CV_32F with 1 or 3 channels). Throws parallax::Error naming the file.
void WriteImage(const std::filesystem::path& path, const cv::Mat& image,
                const ImageWriteOptions& options = {});

// True when this OpenCV build reads and writes OpenEXR.
bool ExrSupported();

// Lower-case extension without the dot: "photo.JPG" -> "jpg".
std::string ImageExtension(const std::filesystem::path& path);
// True for the extensions ReadImage handles (not .mpo: see mpo.h).
bool IsImageFile(const std::filesystem::path& path);

}  // namespace parallax
