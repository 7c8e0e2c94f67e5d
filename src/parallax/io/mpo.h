// Multi-Picture Object files (CIPA DC-007), as written by stereo cameras
// such as the Nintendo 3DS and Fujifilm W3: several JPEG frames in one file,
// located through the MP index in the first frame's APP2 "MPF" segment.
// For stereo MPOs frame 0 is the left view and frame 1 the right view.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/io/image_io.h"

namespace parallax {

// Byte ranges of the JPEG frames inside an MPO file. Falls back to scanning
// for JPEG start markers when the MP index is missing. Throws on files with
// fewer than `min_frames` frames.
std::vector<std::span<const char>> SplitMpoFrames(std::span<const char> bytes,
                                                  const std::string& name,
                                                  size_t min_frames = 2);

// Decodes every frame as 8-bit BGR.
std::vector<cv::Mat> ReadMpo(const std::filesystem::path& path,
                             const ImageLimits& limits = {});

// Header info of every frame, without decoding pixels (for dataset scans).
std::vector<ImageInfo> ProbeMpo(const std::filesystem::path& path);

bool IsMpoFile(const std::filesystem::path& path);

}  // namespace parallax
