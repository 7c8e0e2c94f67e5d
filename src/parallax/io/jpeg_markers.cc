#include "parallax/io/jpeg_markers.h"

#include <cstring>

#include "parallax/io/byte_order.h"
#include "parallax/util/check.h"

namespace parallax::internal {
namespace {

uint8_t Byte(std::span<const char> bytes, size_t pos) {
  return static_cast<uint8_t>(bytes[pos]);
}

// Markers without a length field.
bool IsStandalone(uint8_t marker) {
  return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);
}

}  // namespace

bool IsJpegStartOfFrame(uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
         marker != 0xCC;
}

JpegHeader WalkJpegHeader(std::span<const char> bytes, size_t begin,
                          const std::string& name) {
  JpegHeader header;
  if (bytes.size() < begin + 2 || Byte(bytes, begin) != 0xFF ||
      Byte(bytes, begin + 1) != 0xD8) {
    ThrowError("cannot read image '{}': not a JPEG (no SOI marker)", name);
  }
  size_t pos = begin + 2;
  for (;;) {
    if (pos >= bytes.size()) return header;
    if (Byte(bytes, pos) != 0xFF) {
      ThrowError(
          "cannot read image '{}': corrupt JPEG header (no marker at "
          "byte {})",
          name, pos);
    }
    const size_t offset = pos;
    // Any number of 0xFF fill bytes may precede a marker code.
    while (pos < bytes.size() && Byte(bytes, pos) == 0xFF) ++pos;
    if (pos >= bytes.size()) return header;
    const uint8_t marker = Byte(bytes, pos++);
    if (IsStandalone(marker)) continue;
    if (marker == 0x00 || marker == 0xD8) {
      ThrowError(
          "cannot read image '{}': corrupt JPEG header (marker {:02X} "
          "at byte {})",
          name, marker, offset);
    }
    if (marker == 0xD9) {
      ThrowError("cannot read image '{}': JPEG ends before any image data",
                 name);
    }
    if (pos + 2 > bytes.size()) return header;
    const size_t length = LoadU16BE(bytes.data() + pos);
    if (length < 2) {
      ThrowError(
          "cannot read image '{}': corrupt JPEG segment length at "
          "byte {}",
          name, pos);
    }
    const JpegSegment segment{marker, offset, pos + 2, length - 2};
    if (segment.payload + segment.length > bytes.size()) return header;
    header.segments.push_back(segment);
    pos = segment.payload + segment.length;
    if (marker == 0xDA) {
      header.complete = true;
      return header;
    }
  }
}

size_t FindJpegEnd(std::span<const char> bytes, const JpegSegment& sos) {
  size_t pos = sos.payload + sos.length;
  while (pos < bytes.size()) {
    const void* hit = std::memchr(bytes.data() + pos, 0xFF, bytes.size() - pos);
    if (hit == nullptr) return std::string::npos;
    pos = static_cast<size_t>(static_cast<const char*>(hit) - bytes.data());
    if (pos + 1 >= bytes.size()) return std::string::npos;
    const uint8_t marker = Byte(bytes, pos + 1);
    if (marker == 0xD9) return pos + 2;
    if (marker == 0x00 || marker == 0xFF || IsStandalone(marker)) {
      // Stuffed 0xFF, fill byte or restart marker: still entropy data.
      pos += marker == 0xFF ? 1 : 2;
      continue;
    }
    if (marker == 0xD8) return std::string::npos;  // a new image: corrupt
    // A segment between progressive scans (DHT, SOS, DRI, ...).
    if (pos + 4 > bytes.size()) return std::string::npos;
    pos += 2 + LoadU16BE(bytes.data() + pos + 2);
  }
  return std::string::npos;
}

}  // namespace parallax::internal
