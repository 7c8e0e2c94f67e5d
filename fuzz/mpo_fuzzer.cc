// Fuzzes the MPO splitter and the JPEG marker walker under it
// (src/parallax/io/mpo.h, jpeg_markers.h): the MP index, the fallback scan
// for frames, and the per-frame header probe that ProbeMpo/ReadMpo run. The
// JPEG decoding itself is OpenCV's (libjpeg) and not fuzzed here.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parallax/io/image_probe.h"
#include "parallax/io/jpeg_markers.h"
#include "parallax/io/mpo.h"

namespace {

bool Inside(std::span<const char> part, std::span<const char> whole) {
  return part.data() >= whole.data() &&
         part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const char> bytes(reinterpret_cast<const char*>(data), size);
  try {
    const parallax::internal::JpegHeader header =
        parallax::internal::WalkJpegHeader(bytes, 0, "fuzz.mpo");
    if (header.complete && !header.segments.empty()) {
      const size_t end =
          parallax::internal::FindJpegEnd(bytes, header.segments.back());
      if (end != std::string::npos && end > size) std::abort();
    }
  } catch (const std::exception&) {
  }
  std::vector<std::span<const char>> frames;
  try {
    // min_frames = 1 so that single-frame inputs reach the header probe too.
    frames = parallax::SplitMpoFrames(bytes, "fuzz.mpo", 1);
  } catch (const std::exception&) {
    return 0;
  }
  for (const std::span<const char> frame : frames) {
    // A frame is a view into the input; one reaching outside it would be
    // read (and decoded) past the end of the file.
    if (!Inside(frame, bytes)) std::abort();
    try {
      const std::optional<parallax::ImageInfo> info =
          parallax::internal::ParseImageHeader(frame, frame.size(), "frame");
      if (info) parallax::internal::CheckImageLimits(*info, {}, "frame");
    } catch (const std::exception&) {
    }
  }
  return 0;
}
