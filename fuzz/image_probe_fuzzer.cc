// Fuzzes the image header parser behind ProbeImage and ReadImage
// (src/parallax/io/image_probe.h): PNG, JPEG, WebP, BMP, PFM and NPY headers
// read without decoding, both from the whole file and from a prefix of it
// (the "read more" path of ProbeImage), plus the PNG chunk walk and CRC,
// and the TIFF/EXR size parser (declared_size.h).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <span>
#include <string>

#include "parallax/io/declared_size.h"
#include "parallax/io/image_probe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const char> bytes(reinterpret_cast<const char*>(data), size);
  try {
    const std::optional<parallax::ImageInfo> info =
        parallax::internal::ParseImageHeader(bytes, size, "fuzz");
    // With the whole file there is nothing more to read.
    if (!info) std::abort();
    if (!info->format.empty()) {
      parallax::internal::CheckImageLimits(*info, {}, "fuzz");
    }
  } catch (const std::exception&) {
  }
  try {
    // The first half of a file that goes on: may ask for more, but must not
    // look past the prefix it was given.
    (void)parallax::internal::ParseImageHeader(bytes.first(size / 2),
                                               uint64_t{size} + 1000, "fuzz");
  } catch (const std::exception&) {
  }
  const size_t png_end = parallax::internal::FindPngEnd(bytes);
  if (png_end != std::string::npos && png_end > size) std::abort();
  (void)parallax::internal::Crc32(bytes);
  const auto declared = parallax::internal::ParseDeclaredSize(bytes);
  if (declared && (declared->width <= 0 || declared->height <= 0)) {
    std::abort();
  }
  return 0;
}
