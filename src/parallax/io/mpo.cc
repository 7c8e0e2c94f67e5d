#include "parallax/io/mpo.h"

#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <optional>

#include "parallax/io/byte_order.h"
#include "parallax/io/image_probe.h"
#include "parallax/io/jpeg_markers.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

using Frames = std::vector<std::span<const char>>;

constexpr uint16_t kMpEntryTag = 0xB002;
constexpr size_t kMpEntryBytes = 16;

bool StartsJpeg(std::span<const char> bytes, size_t pos) {
  return pos + 3 <= bytes.size() &&
         std::memcmp(bytes.data() + pos, "\xFF\xD8\xFF", 3) == 0;
}

// Reads the MP Entry list of the MP index IFD (CIPA DC-007 section 5.2):
// a TIFF-style structure that starts right after "MPF\0" in APP2. Returns
// nullopt when any part of it is malformed or points outside the file, so
// that the caller can fall back to scanning.
std::optional<Frames> ReadMpIndex(std::span<const char> bytes,
                                  const internal::JpegSegment& app2) {
  const size_t base = app2.payload + 4;
  const size_t end = app2.payload + app2.length;
  if (base + 8 > end) return std::nullopt;
  const char* tiff = bytes.data() + base;
  bool little = false;
  if (std::memcmp(tiff, "II", 2) == 0) {
    little = true;
  } else if (std::memcmp(tiff, "MM", 2) != 0) {
    return std::nullopt;
  }
  if (internal::LoadU16(tiff + 2, little) != 42) return std::nullopt;
  const size_t ifd = base + internal::LoadU32(tiff + 4, little);
  if (ifd + 2 > end) return std::nullopt;
  const size_t count = internal::LoadU16(bytes.data() + ifd, little);
  for (size_t i = 0; i < count; ++i) {
    const size_t entry = ifd + 2 + 12 * i;
    if (entry + 12 > end) return std::nullopt;
    const char* field = bytes.data() + entry;
    if (internal::LoadU16(field, little) != kMpEntryTag) continue;
    const size_t list_bytes = internal::LoadU32(field + 4, little);
    const size_t list = base + internal::LoadU32(field + 8, little);
    if (list_bytes % kMpEntryBytes != 0 || list + list_bytes > end) {
      return std::nullopt;
    }
    Frames frames;
    for (size_t at = list; at < list + list_bytes; at += kMpEntryBytes) {
      const size_t size = internal::LoadU32(bytes.data() + at + 4, little);
      const size_t offset = internal::LoadU32(bytes.data() + at + 8, little);
      // The first image's offset is 0 (the file start); the others count
      // from the MPF TIFF header.
      const size_t begin = offset == 0 ? 0 : base + offset;
      if (size == 0 || begin + size > bytes.size() ||
          !StartsJpeg(bytes, begin)) {
        return std::nullopt;
      }
      frames.push_back(bytes.subspan(begin, size));
    }
    return frames;
  }
  return std::nullopt;
}

// Without a usable MP index: walk each frame's markers to its EOI, then look
// for the next SOI. Walking (rather than searching for FFD8) steps over the
// EXIF thumbnail, itself a JPEG inside APP1.
Frames ScanFrames(std::span<const char> bytes, const std::string& name) {
  Frames frames;
  size_t pos = 0;
  while (pos < bytes.size()) {
    internal::JpegHeader header;
    try {
      header = internal::WalkJpegHeader(bytes, pos, name);
    } catch (const Error&) {
      if (frames.empty()) throw;
      break;  // trailing data that is not a JPEG
    }
    if (!header.complete) break;
    const size_t end = internal::FindJpegEnd(bytes, header.segments.back());
    if (end == std::string::npos) break;  // truncated frame
    frames.push_back(bytes.subspan(pos, end - pos));
    pos = end;
    while (pos < bytes.size() && !StartsJpeg(bytes, pos)) {
      const void* hit =
          std::memchr(bytes.data() + pos + 1, 0xFF, bytes.size() - pos - 1);
      pos = hit ? static_cast<size_t>(static_cast<const char*>(hit) -
                                      bytes.data())
                : bytes.size();
    }
  }
  return frames;
}

}  // namespace

std::vector<std::span<const char>> SplitMpoFrames(std::span<const char> bytes,
                                                  const std::string& name,
                                                  size_t min_frames) {
  const internal::JpegHeader header = internal::WalkJpegHeader(bytes, 0, name);
  std::optional<Frames> frames;
  for (const internal::JpegSegment& segment : header.segments) {
    if (segment.marker == 0xE2 && segment.length >= 4 &&
        std::memcmp(bytes.data() + segment.payload, "MPF\0", 4) == 0) {
      frames = ReadMpIndex(bytes, segment);
      break;
    }
  }
  if (!frames || frames->size() < min_frames) frames = ScanFrames(bytes, name);
  if (frames->size() < min_frames) {
    ThrowError(
        "cannot read image '{}': MPO has {} complete JPEG frame(s), "
        "expected at least {}",
        name, frames->size(), min_frames);
  }
  return *frames;
}

std::vector<cv::Mat> ReadMpo(const std::filesystem::path& path,
                             const ImageLimits& limits) {
  const std::string name = path.string();
  const std::vector<char> bytes = ReadFileBytes(path);
  std::vector<cv::Mat> images;
  for (const std::span<const char> frame : SplitMpoFrames(bytes, name)) {
    const std::optional<ImageInfo> info =
        internal::ParseImageHeader(frame, frame.size(), name);
    THROW_CHECK(info.has_value());
    internal::CheckImageLimits(*info, limits, name);
    cv::Mat image;
    try {
      const cv::Mat buffer(1, static_cast<int>(frame.size()), CV_8U,
                           const_cast<char*>(frame.data()));
      image = cv::imdecode(buffer, cv::IMREAD_COLOR);
    } catch (const cv::Exception& error) {
      ThrowError("cannot read image '{}': frame {}: {}", name, images.size(),
                 error.err);
    }
    if (image.empty()) {
      ThrowError("cannot read image '{}': frame {} is corrupt", name,
                 images.size());
    }
    images.push_back(std::move(image));
  }
  return images;
}

std::vector<ImageInfo> ProbeMpo(const std::filesystem::path& path) {
  const std::string name = path.string();
  const std::vector<char> bytes = ReadFileBytes(path);
  std::vector<ImageInfo> infos;
  for (const std::span<const char> frame : SplitMpoFrames(bytes, name)) {
    const std::optional<ImageInfo> info =
        internal::ParseImageHeader(frame, frame.size(), name);
    THROW_CHECK(info.has_value());
    infos.push_back(*info);
  }
  return infos;
}

bool IsMpoFile(const std::filesystem::path& path) {
  return ImageExtension(path) == "mpo";
}

}  // namespace parallax
