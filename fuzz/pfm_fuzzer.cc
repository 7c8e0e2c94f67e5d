// Fuzzes the PFM reader (src/parallax/io/pfm.h): the header parser on every
// input, the decoder, and an encode/decode round trip of whatever decodes.
// Bad files must end in a std::exception; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <span>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/io/pfm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const char> bytes(reinterpret_cast<const char*>(data), size);
  try {
    // A prefix of the file (nullopt = "read more") must never read past it.
    (void)parallax::ParsePfmHeader(bytes.first(size / 2), "fuzz.pfm");
  } catch (const std::exception&) {
  }
  cv::Mat image;
  try {
    image = parallax::DecodePfm(bytes, "fuzz.pfm");
  } catch (const std::exception&) {
    return 0;
  }
  // What decodes must survive our own writer unchanged (bitwise, so that
  // NaN payloads count too).
  const std::string encoded = parallax::EncodePfm(image);
  const cv::Mat again = parallax::DecodePfm(encoded, "round-trip.pfm");
  if (again.size() != image.size() || again.type() != image.type() ||
      std::memcmp(again.data, image.data, image.total() * image.elemSize()) !=
          0) {
    std::abort();
  }
  return 0;
}
