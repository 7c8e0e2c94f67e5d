#include "parallax/io/pfm.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <opencv2/imgproc.hpp>

#include "parallax/io/byte_order.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// A PFM header is a few short tokens; anything longer is not a PFM.
constexpr size_t kMaxHeaderBytes = 256;

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)); }

// Reads the next whitespace-separated token; nullopt when the token may go
// on past the end of `bytes`.
std::optional<std::string_view> NextToken(std::span<const char> bytes,
                                          size_t& pos) {
  while (pos < bytes.size() && IsSpace(bytes[pos])) ++pos;
  const size_t begin = pos;
  while (pos < bytes.size() && !IsSpace(bytes[pos])) ++pos;
  if (pos >= bytes.size()) return std::nullopt;
  return std::string_view(bytes.data() + begin, pos - begin);
}

[[noreturn]] void ThrowBadHeader(const std::string& name,
                                 std::string_view reason) {
  ThrowError("cannot read image '{}': bad PFM header ({})", name, reason);
}

}  // namespace

std::optional<PfmHeader> ParsePfmHeader(std::span<const char> bytes,
                                        const std::string& name) {
  if (bytes.size() >= 2 &&
      (bytes[0] != 'P' || (bytes[1] != 'F' && bytes[1] != 'f'))) {
    ThrowBadHeader(name, "no PF/Pf signature");
  }
  const std::span<const char> head =
      bytes.first(std::min(bytes.size(), kMaxHeaderBytes));
  const bool head_is_all = head.size() == bytes.size();
  size_t pos = 0;
  std::string_view tokens[4];
  for (std::string_view& token : tokens) {
    const std::optional<std::string_view> next = NextToken(head, pos);
    if (!next) {
      if (head_is_all) return std::nullopt;
      ThrowBadHeader(name, "header too long");
    }
    token = *next;
  }
  PfmHeader header;
  if (tokens[0] == "PF") {
    header.channels = 3;
  } else if (tokens[0] == "Pf") {
    header.channels = 1;
  } else {
    ThrowBadHeader(name, "no PF/Pf signature");
  }
  const auto parse_side = [&](std::string_view token, int& side) {
    const auto [end, ec] =
        std::from_chars(token.data(), token.data() + token.size(), side);
    if (ec != std::errc() || end != token.data() + token.size() || side <= 0) {
      ThrowBadHeader(name, fmt::format("invalid size '{}'", token));
    }
  };
  parse_side(tokens[1], header.width);
  parse_side(tokens[2], header.height);
  double scale = 0;
  const auto [end, ec] = std::from_chars(
      tokens[3].data(), tokens[3].data() + tokens[3].size(), scale);
  if (ec != std::errc() || end != tokens[3].data() + tokens[3].size() ||
      scale == 0 || !std::isfinite(scale)) {
    ThrowBadHeader(name, fmt::format("invalid scale '{}'", tokens[3]));
  }
  // The sign of the scale is the byte order; its magnitude is unused.
  header.little_endian = scale < 0;
  // Exactly one whitespace byte separates the header from the pixels.
  header.data_offset = pos + 1;
  return header;
}

cv::Mat DecodePfm(std::span<const char> bytes, const std::string& name,
                  const ImageLimits& limits) {
  const std::optional<PfmHeader> header = ParsePfmHeader(bytes, name);
  if (!header) ThrowError("cannot read image '{}': truncated PFM header", name);
  const int64_t pixels = int64_t{header->width} * header->height;
  if (pixels > limits.max_pixels || header->width > limits.max_side ||
      header->height > limits.max_side) {
    ThrowError("cannot read image '{}': image too large ({}x{})", name,
               header->width, header->height);
  }
  const size_t row_bytes =
      size_t(header->width) * size_t(header->channels) * sizeof(float);
  const size_t data_bytes = row_bytes * size_t(header->height);
  const size_t available = bytes.size() - header->data_offset;
  if (header->data_offset > bytes.size() || available < data_bytes) {
    ThrowError(
        "cannot read image '{}': truncated PFM ({} of {} bytes of pixels)",
        name, header->data_offset > bytes.size() ? 0 : available, data_bytes);
  }
  cv::Mat image(header->height, header->width,
                CV_MAKETYPE(CV_32F, header->channels));
  const char* data = bytes.data() + header->data_offset;
  for (int y = 0; y < header->height; ++y) {
    // PFM rows run from the bottom of the image to the top.
    std::memcpy(image.ptr(y), data + size_t(header->height - 1 - y) * row_bytes,
                row_bytes);
  }
  if (header->little_endian != internal::HostIsLittleEndian()) {
    internal::SwapBytes(reinterpret_cast<char*>(image.data),
                        image.total() * image.channels(), sizeof(float));
  }
  if (header->channels == 3) cv::cvtColor(image, image, cv::COLOR_RGB2BGR);
  return image;
}

std::string EncodePfm(const cv::Mat& image, bool little_endian) {
  if (image.empty() || (image.type() != CV_32FC1 && image.type() != CV_32FC3)) {
    ThrowError("PFM takes CV_32FC1 or CV_32FC3 images, got {} {}x{}",
               cv::typeToString(image.type()), image.cols, image.rows);
  }
  cv::Mat rgb;
  if (image.channels() == 3) {
    cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB);
  } else {
    rgb = image;
  }
  std::string bytes =
      fmt::format("{}\n{} {}\n{}\n", image.channels() == 3 ? "PF" : "Pf",
                  image.cols, image.rows, little_endian ? "-1.0" : "1.0");
  const size_t header_bytes = bytes.size();
  const size_t row_bytes =
      size_t(image.cols) * image.channels() * sizeof(float);
  bytes.resize(header_bytes + row_bytes * image.rows);
  for (int y = 0; y < image.rows; ++y) {
    std::memcpy(
        bytes.data() + header_bytes + size_t(image.rows - 1 - y) * row_bytes,
        rgb.ptr(y), row_bytes);
  }
  if (little_endian != internal::HostIsLittleEndian()) {
    internal::SwapBytes(bytes.data() + header_bytes,
                        size_t(image.total()) * image.channels(),
                        sizeof(float));
  }
  return bytes;
}

cv::Mat ReadPfm(const std::filesystem::path& path, const ImageLimits& limits) {
  const std::vector<char> bytes = ReadFileBytes(path);
  return DecodePfm(bytes, path.string(), limits);
}

void WritePfm(const std::filesystem::path& path, const cv::Mat& image,
              bool little_endian) {
  std::string bytes;
  try {
    bytes = EncodePfm(image, little_endian);
  } catch (const Error& error) {
    ThrowError("cannot write '{}': {}", path.string(), error.what());
  }
  WriteFileAtomic(path, bytes);
}

}  // namespace parallax
