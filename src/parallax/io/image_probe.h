// Image header parsing without decoding (internal to parallax_io).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "parallax/io/image_io.h"

namespace parallax::internal {

// Parses the header at the start of `head`, a prefix of a file of
// `file_size` bytes named `name`. Returns
//  - the header info for PNG, JPEG, WebP, BMP, PFM and NPY;
//  - an ImageInfo with an empty `format` when the magic bytes are of none of
//    these (left to OpenCV: TIFF, EXR, ...);
//  - std::nullopt when `head` ends before the header does and the file goes
//    on (read more and call again).
// Throws parallax::Error for corrupt or truncated headers.
std::optional<ImageInfo> ParseImageHeader(std::span<const char> head,
                                          uint64_t file_size,
                                          const std::string& name);

// Throws "image too large (WxH)" when `info` exceeds `limits`: called
// before decoding, so that a tiny file claiming a huge size (a
// decompression bomb) never gets to allocate.
void CheckImageLimits(const ImageInfo& info, const ImageLimits& limits,
                      const std::string& name);

// Offset one past the IEND chunk of the PNG in `bytes`; std::string::npos
// when the chunk list ends before IEND (a truncated file).
size_t FindPngEnd(std::span<const char> bytes);

// CRC-32 as PNG chunks use it (ISO 3309, polynomial 0xEDB88320).
uint32_t Crc32(std::span<const char> bytes);

}  // namespace parallax::internal
