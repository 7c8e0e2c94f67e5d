// Fuzzes the NumPy .npy reader (src/parallax/io/npy.h): the header parser on
// a prefix and on the whole input, the decoder, and an encode/decode round
// trip of whatever decodes. Bad files must end in a std::exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const char> bytes(reinterpret_cast<const char*>(data), size);
  try {
    // A prefix of the file (nullopt = "read more") must never read past it.
    (void)parallax::ParseNpyHeader(bytes.first(size / 2), "fuzz.npy");
  } catch (const std::exception&) {
  }
  cv::Mat image;
  try {
    image = parallax::DecodeNpy(bytes, "fuzz.npy");
  } catch (const std::exception&) {
    return 0;
  }
  // EncodeNpy writes little-endian in the Mat's own depth, so the round trip
  // must be bitwise exact.
  const std::string encoded = parallax::EncodeNpy(image);
  const cv::Mat again = parallax::DecodeNpy(encoded, "round-trip.npy");
  if (again.size() != image.size() || again.type() != image.type() ||
      std::memcmp(again.data, image.data, image.total() * image.elemSize()) !=
          0) {
    std::abort();
  }
  return 0;
}
