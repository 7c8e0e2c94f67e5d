#include "parallax/io/image_probe.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "parallax/io/byte_order.h"
#include "parallax/io/jpeg_markers.h"
#include "parallax/io/npy.h"
#include "parallax/io/pfm.h"
#include "parallax/util/check.h"
#include "parallax/util/memory_budget.h"
#include "parallax/util/path_kind.h"

namespace parallax::internal {
namespace {

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr size_t kPngChunkOverhead = 12;  // length, type, CRC

bool StartsWith(std::span<const char> bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() &&
         std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
}

uint8_t Byte(std::span<const char> bytes, size_t pos) {
  return static_cast<uint8_t>(bytes[pos]);
}

[[noreturn]] void ThrowCorrupt(const std::string& name,
                               std::string_view reason) {
  ThrowError("cannot read image '{}': {}", name, reason);
}

// Either ask for more bytes or, when the whole file is there, report it.
std::optional<ImageInfo> NeedMore(std::span<const char> head,
                                  uint64_t file_size, const std::string& name,
                                  std::string_view format) {
  if (head.size() < file_size) return std::nullopt;
  ThrowCorrupt(name, fmt::format("truncated {} header", format));
}

ImageInfo MakeInfo(int64_t width, int64_t height, int channels, int depth,
                   std::string format, const std::string& name) {
  if (width <= 0 || height <= 0 || width > (int64_t{1} << 30) ||
      height > (int64_t{1} << 30)) {
    ThrowCorrupt(name, fmt::format("{} header has an invalid size {}x{}",
                                   format, width, height));
  }
  return ImageInfo{static_cast<int>(width), static_cast<int>(height), channels,
                   depth, std::move(format)};
}

std::optional<ImageInfo> ParsePng(std::span<const char> head,
                                  uint64_t file_size, const std::string& name) {
  // The IHDR chunk must come first: 13 data bytes at offset 16.
  if (head.size() < 33) return NeedMore(head, file_size, name, "PNG");
  if (LoadU32BE(head.data() + 8) != 13 ||
      std::memcmp(head.data() + 12, "IHDR", 4) != 0) {
    ThrowCorrupt(name, "corrupt PNG header (no IHDR chunk)");
  }
  if (Crc32(head.subspan(12, 17)) != LoadU32BE(head.data() + 29)) {
    ThrowCorrupt(name, "corrupt PNG header (IHDR checksum mismatch)");
  }
  const uint32_t width = LoadU32BE(head.data() + 16);
  const uint32_t height = LoadU32BE(head.data() + 20);
  const int bit_depth = Byte(head, 24);
  const int color_type = Byte(head, 25);
  if (bit_depth != 1 && bit_depth != 2 && bit_depth != 4 && bit_depth != 8 &&
      bit_depth != 16) {
    ThrowCorrupt(name, fmt::format("PNG has invalid bit depth {}", bit_depth));
  }
  // Channels as cv::imread(IMREAD_UNCHANGED) returns them: gray 1, colour
  // and palette 3, anything with alpha (also a tRNS chunk on colour) 4.
  int channels = 0;
  switch (color_type) {
    case 0:
      channels = 1;
      break;
    case 2:
    case 3:
      channels = 3;
      break;
    case 4:
    case 6:
      channels = 4;
      break;
    default:
      ThrowCorrupt(name,
                   fmt::format("PNG has invalid colour type {}", color_type));
  }
  if (color_type == 2 || color_type == 3) {
    // tRNS, if any, comes before the first IDAT.
    size_t pos = 33;
    for (;;) {
      if (pos + 8 > head.size()) return NeedMore(head, file_size, name, "PNG");
      const std::string_view type(head.data() + pos + 4, 4);
      if (type == "tRNS") channels = 4;
      if (type == "tRNS" || type == "IDAT" || type == "IEND") break;
      pos += kPngChunkOverhead + LoadU32BE(head.data() + pos);
    }
  }
  return MakeInfo(width, height, channels, bit_depth == 16 ? CV_16U : CV_8U,
                  "png", name);
}

std::optional<ImageInfo> ParseJpeg(std::span<const char> head,
                                   uint64_t file_size,
                                   const std::string& name) {
  const JpegHeader header = WalkJpegHeader(head, 0, name);
  for (const JpegSegment& segment : header.segments) {
    if (!IsJpegStartOfFrame(segment.marker)) continue;
    if (segment.length < 6) ThrowCorrupt(name, "corrupt JPEG frame header");
    const char* sof = head.data() + segment.payload;
    const int height = LoadU16BE(sof + 1);
    const int width = LoadU16BE(sof + 3);
    const int components = Byte(head, segment.payload + 5);
    if (height == 0) {
      ThrowCorrupt(name, "unsupported JPEG (height given after the scan)");
    }
    // libjpeg through OpenCV gives gray for 1 component, else BGR.
    return MakeInfo(width, height, components > 1 ? 3 : 1, CV_8U, "jpeg", name);
  }
  if (header.complete) ThrowCorrupt(name, "JPEG has no frame header");
  return NeedMore(head, file_size, name, "JPEG");
}

std::optional<ImageInfo> ParseWebp(std::span<const char> head,
                                   uint64_t file_size,
                                   const std::string& name) {
  if (head.size() < 30) return NeedMore(head, file_size, name, "WebP");
  const std::string_view chunk(head.data() + 12, 4);
  const char* data = head.data() + 20;
  if (chunk == "VP8 ") {
    if (Byte(head, 23) != 0x9D || Byte(head, 24) != 0x01 ||
        Byte(head, 25) != 0x2A) {
      ThrowCorrupt(name, "corrupt WebP (VP8) header");
    }
    return MakeInfo(LoadU16LE(data + 6) & 0x3FFF, LoadU16LE(data + 8) & 0x3FFF,
                    3, CV_8U, "webp", name);
  }
  if (chunk == "VP8L") {
    if (Byte(head, 20) != 0x2F)
      ThrowCorrupt(name, "corrupt WebP (VP8L) header");
    const uint32_t bits = LoadU32LE(data + 1);
    const bool alpha = (bits >> 28) & 1;
    return MakeInfo((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1,
                    alpha ? 4 : 3, CV_8U, "webp", name);
  }
  if (chunk == "VP8X") {
    const bool alpha = Byte(head, 20) & 0x10;
    // Width and height minus one, 24 bits each at bytes 24 and 27: exactly
    // three bytes, as the second ends the 30 bytes checked above (a 4-byte
    // load read one past the end of a 30-byte file).
    const auto load24 = [](const char* p) {
      const uint32_t high = static_cast<uint8_t>(p[2]);
      return LoadU16LE(p) | high << 16;
    };
    return MakeInfo(int64_t{load24(data + 4)} + 1,
                    int64_t{load24(data + 7)} + 1, alpha ? 4 : 3, CV_8U, "webp",
                    name);
  }
  ThrowCorrupt(name, "corrupt WebP header (unknown chunk)");
}

std::optional<ImageInfo> ParseBmp(std::span<const char> head,
                                  uint64_t file_size, const std::string& name) {
  if (head.size() < 26) return NeedMore(head, file_size, name, "BMP");
  const uint32_t dib_bytes = LoadU32LE(head.data() + 14);
  const bool core = dib_bytes == 12;  // OS/2 BITMAPCOREHEADER
  if (!core && dib_bytes < 40) ThrowCorrupt(name, "corrupt BMP header");
  if (head.size() < 14 + size_t{dib_bytes}) {
    return NeedMore(head, file_size, name, "BMP");
  }
  int64_t width = 0, height = 0;
  int bpp = 0;
  uint32_t compression = 0, palette_size = 0;
  if (core) {
    width = LoadU16LE(head.data() + 18);
    height = LoadU16LE(head.data() + 20);
    bpp = LoadU16LE(head.data() + 24);
  } else {
    width = static_cast<int32_t>(LoadU32LE(head.data() + 18));
    // A negative height marks a top-down bitmap.
    height =
        std::abs(int64_t{static_cast<int32_t>(LoadU32LE(head.data() + 22))});
    bpp = LoadU16LE(head.data() + 28);
    compression = LoadU32LE(head.data() + 30);
    palette_size = LoadU32LE(head.data() + 46);
  }
  int channels = 3;
  if (bpp <= 8) {
    // OpenCV decodes paletted bitmaps with an all-gray palette to 1 channel.
    if (palette_size == 0 || palette_size > 256) palette_size = 1u << bpp;
    const size_t entry = core ? 3 : 4;
    const size_t begin = 14 + dib_bytes;
    if (head.size() < begin + palette_size * entry) {
      return NeedMore(head, file_size, name, "BMP");
    }
    channels = 1;
    for (size_t i = 0; i < palette_size; ++i) {
      const char* c = head.data() + begin + i * entry;
      if (c[0] != c[1] || c[1] != c[2]) channels = 3;
    }
  } else if (bpp == 32 && compression != 0) {
    channels = 4;  // BI_BITFIELDS: OpenCV keeps the alpha mask
  }
  return MakeInfo(width, height, channels, CV_8U, "bmp", name);
}

std::optional<ImageInfo> ParsePfm(std::span<const char> head,
                                  uint64_t file_size, const std::string& name) {
  const std::optional<PfmHeader> header = ParsePfmHeader(head, name);
  if (!header) return NeedMore(head, file_size, name, "PFM");
  const uint64_t data_bytes = uint64_t(header->width) * header->height *
                              header->channels * sizeof(float);
  if (file_size < header->data_offset + data_bytes) {
    ThrowCorrupt(name,
                 fmt::format("truncated PFM ({} bytes, expected {})", file_size,
                             header->data_offset + data_bytes));
  }
  return MakeInfo(header->width, header->height, header->channels, CV_32F,
                  "pfm", name);
}

std::optional<ImageInfo> ParseNpy(std::span<const char> head,
                                  uint64_t file_size, const std::string& name) {
  const std::optional<NpyHeader> header = ParseNpyHeader(head, name);
  if (!header) return NeedMore(head, file_size, name, "NPY");
  const uint64_t data_bytes = uint64_t(header->width) * header->height *
                              header->channels * CV_ELEM_SIZE1(header->depth);
  if (file_size != header->data_offset + data_bytes) {
    ThrowCorrupt(
        name,
        fmt::format("{} NPY ({} bytes, expected {})",
                    file_size < header->data_offset + data_bytes ? "truncated"
                                                                 : "corrupt",
                    file_size, header->data_offset + data_bytes));
  }
  return MakeInfo(header->width, header->height, header->channels,
                  header->depth, "npy", name);
}

}  // namespace

uint32_t Crc32(std::span<const char> bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (const char byte : bytes) {
    crc = table[(crc ^ static_cast<uint8_t>(byte)) & 0xFF] ^ (crc >> 8);
  }
  return crc ^ 0xFFFFFFFFu;
}

void CheckImageLimits(const ImageInfo& info, const ImageLimits& limits,
                      const std::string& name) {
  if (int64_t{info.width} * info.height > limits.max_pixels ||
      info.width > limits.max_side || info.height > limits.max_side) {
    ThrowError("cannot read image '{}': image too large ({}x{})", name,
               info.width, info.height);
  }
  if (limits.bytes_per_pixel > 0) {
    CheckMemoryBudget(name, info.width, info.height, limits.bytes_per_pixel,
                      limits.fixed_bytes, limits.job);
  }
}

size_t FindPngEnd(std::span<const char> bytes) {
  size_t pos = kPngSignature.size();
  while (pos + kPngChunkOverhead <= bytes.size()) {
    const size_t length = LoadU32BE(bytes.data() + pos);
    if (std::memcmp(bytes.data() + pos + 4, "IEND", 4) == 0) {
      return pos + kPngChunkOverhead;
    }
    pos += kPngChunkOverhead + length;
  }
  return std::string::npos;
}

std::optional<ImageInfo> ParseImageHeader(std::span<const char> head,
                                          uint64_t file_size,
                                          const std::string& name) {
  if (file_size == 0) ThrowCorrupt(name, "empty file");
  if (StartsWith(head, kPngSignature)) return ParsePng(head, file_size, name);
  if (StartsWith(head, "\xFF\xD8\xFF")) return ParseJpeg(head, file_size, name);
  if (StartsWith(head, "RIFF") && head.size() >= 12 &&
      std::memcmp(head.data() + 8, "WEBP", 4) == 0) {
    return ParseWebp(head, file_size, name);
  }
  if (StartsWith(head, "BM")) return ParseBmp(head, file_size, name);
  if (StartsWith(head, "PF") || StartsWith(head, "Pf")) {
    return ParsePfm(head, file_size, name);
  }
  if (StartsWith(head, "\x93NUMPY")) return ParseNpy(head, file_size, name);
  if (head.size() < 12 && head.size() < file_size) return std::nullopt;
  return ImageInfo{};
}

}  // namespace parallax::internal

namespace parallax {

ImageInfo ProbeImage(const std::filesystem::path& path) {
  const std::string name = path.string();
  RequireRegularFile(path);
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) {
    ThrowError("cannot read image '{}': {}", name,
               std::filesystem::exists(path) ? ec.message() : "no such file");
  }
  // Headers are small: PNG's IHDR is in the first 33 bytes; JPEG's frame
  // header may follow EXIF/ICC segments of up to 64 KB each, so read more
  // only when the first block is not enough.
  size_t want = std::min<uint64_t>(file_size, 16 * 1024);
  for (;;) {
    std::vector<char> head(want);
    std::ifstream in(path, std::ios::binary);
    if (!in || !in.read(head.data(), static_cast<std::streamsize>(want))) {
      ThrowError("cannot read image '{}': {}", name, std::strerror(errno));
    }
    const std::optional<ImageInfo> info =
        internal::ParseImageHeader(head, file_size, name);
    if (!info) {
      THROW_CHECK_LT(want, file_size);
      want = file_size;
      continue;
    }
    if (!info->format.empty()) return *info;
    break;
  }
  // TIFF, EXR and the rest: let OpenCV decode it.
  const cv::Mat image = ReadImage(path, ReadMode::kUnchanged);
  return ImageInfo{image.cols, image.rows, image.channels(), image.depth(),
                   ImageExtension(path)};
}

}  // namespace parallax
