// Walking the marker segments of a JPEG stream. Shared by the header probe,
// the truncation check of ReadImage and the MPO splitter, which all need to
// step over APPn segments (EXIF thumbnails are whole JPEGs of their own, so a
// plain search for FFD8/FFD9 would find the wrong markers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace parallax::internal {

struct JpegSegment {
  uint8_t marker = 0;
  size_t offset = 0;   // of the 0xFF that starts the marker
  size_t payload = 0;  // first byte after the 2-byte length field
  size_t length = 0;   // payload bytes (the length field minus 2)
};

struct JpegHeader {
  // Every segment after SOI up to and including the first SOS.
  std::vector<JpegSegment> segments;
  // False when `bytes` ended before the first SOS segment did.
  bool complete = false;
};

// Walks the JPEG whose SOI marker is at `begin`. Throws parallax::Error
// ("cannot read image '<name>': ...") on bytes that are not a JPEG header.
JpegHeader WalkJpegHeader(std::span<const char> bytes, size_t begin,
                          const std::string& name);

// Offset one past the EOI marker that ends the image whose first scan is
// `sos`, skipping stuffed bytes, restart markers and the segments between
// progressive scans; std::string::npos when the data ends first.
size_t FindJpegEnd(std::span<const char> bytes, const JpegSegment& sos);

// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
bool IsJpegStartOfFrame(uint8_t marker);

}  // namespace parallax::internal
