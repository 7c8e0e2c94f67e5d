#include "parallax/io/declared_size.h"

#include <cstdint>
#include <cstring>
#include <string_view>

#include "parallax/io/byte_order.h"

namespace parallax::internal {
namespace {

constexpr uint16_t kTiffImageWidth = 256;
constexpr uint16_t kTiffImageLength = 257;
constexpr uint16_t kTiffShort = 3;
constexpr uint16_t kTiffLong = 4;
constexpr size_t kTiffEntryBytes = 12;

std::optional<cv::Size> ParseTiff(std::span<const char> bytes, bool little) {
  if (bytes.size() < 8 || LoadU16(bytes.data() + 2, little) != 42) {
    return std::nullopt;  // BigTIFF (43) and the rest: left to OpenCV
  }
  const uint64_t ifd = LoadU32(bytes.data() + 4, little);
  if (ifd + 2 > bytes.size()) return std::nullopt;
  const uint16_t count = LoadU16(bytes.data() + ifd, little);
  int64_t width = -1, height = -1;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t entry = ifd + 2 + uint64_t{i} * kTiffEntryBytes;
    if (entry + kTiffEntryBytes > bytes.size()) return std::nullopt;
    const char* p = bytes.data() + entry;
    const uint16_t tag = LoadU16(p, little);
    if (tag != kTiffImageWidth && tag != kTiffImageLength) continue;
    const uint16_t type = LoadU16(p + 2, little);
    // One value, stored in the entry itself (left-aligned for a SHORT).
    int64_t value = -1;
    if (type == kTiffShort) value = LoadU16(p + 8, little);
    if (type == kTiffLong) value = LoadU32(p + 8, little);
    (tag == kTiffImageWidth ? width : height) = value;
  }
  if (width <= 0 || height <= 0 || width > INT32_MAX || height > INT32_MAX) {
    return std::nullopt;
  }
  return cv::Size(static_cast<int>(width), static_cast<int>(height));
}

// Attributes follow the 8-byte preamble: name\0 type\0 int32 size, value;
// an empty name ends the header.
std::optional<cv::Size> ParseExr(std::span<const char> bytes) {
  size_t pos = 8;
  const auto read_string = [&](std::string_view* out) {
    const void* end = pos < bytes.size() ? std::memchr(bytes.data() + pos, '\0',
                                                       bytes.size() - pos)
                                         : nullptr;
    if (!end) return false;
    const size_t length = static_cast<const char*>(end) - (bytes.data() + pos);
    *out = std::string_view(bytes.data() + pos, length);
    pos += length + 1;
    return true;
  };
  while (true) {
    std::string_view name, type;
    if (!read_string(&name) || name.empty()) return std::nullopt;
    if (!read_string(&type) || pos + 4 > bytes.size()) return std::nullopt;
    const uint32_t size = LoadU32LE(bytes.data() + pos);
    pos += 4;
    if (size > bytes.size() - pos) return std::nullopt;
    if (name == "dataWindow" && type == "box2i" && size == 16) {
      const char* p = bytes.data() + pos;
      const auto coordinate = [&](int k) {
        return static_cast<int64_t>(static_cast<int32_t>(LoadU32LE(p + 4 * k)));
      };
      const int64_t width = coordinate(2) - coordinate(0) + 1;
      const int64_t height = coordinate(3) - coordinate(1) + 1;
      if (width <= 0 || height <= 0 || width > INT32_MAX ||
          height > INT32_MAX) {
        return std::nullopt;
      }
      return cv::Size(static_cast<int>(width), static_cast<int>(height));
    }
    pos += size;
  }
}

}  // namespace

std::optional<cv::Size> ParseDeclaredSize(std::span<const char> bytes) {
  if (bytes.size() < 8) return std::nullopt;
  if (std::memcmp(bytes.data(), "II", 2) == 0) return ParseTiff(bytes, true);
  if (std::memcmp(bytes.data(), "MM", 2) == 0) return ParseTiff(bytes, false);
  if (std::memcmp(bytes.data(), "\x76\x2f\x31\x01", 4) == 0) {
    return ParseExr(bytes);
  }
  return std::nullopt;
}

}  // namespace parallax::internal
