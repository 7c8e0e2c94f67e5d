#include "parallax/io/npy.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <vector>

#include "parallax/io/byte_order.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

[[noreturn]] void ThrowBadNpy(const std::string& name,
                              std::string_view reason) {
  ThrowError("cannot read image '{}': {}", name, reason);
}

// The header is a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (375, 1242), }
// This finds the text that follows `'key':`, accepting either quote style.
std::string_view ValueOf(std::string_view dict, std::string_view key,
                         const std::string& name) {
  for (const char quote : {'\'', '"'}) {
    const std::string quoted = fmt::format("{0}{1}{0}", quote, key);
    size_t pos = dict.find(quoted);
    if (pos == std::string_view::npos) continue;
    pos = dict.find(':', pos + quoted.size());
    if (pos == std::string_view::npos) break;
    ++pos;
    while (pos < dict.size() && dict[pos] == ' ') ++pos;
    return dict.substr(pos);
  }
  ThrowBadNpy(name, fmt::format("NPY header has no '{}'", key));
}

void ParseDescr(std::string_view value, NpyHeader& header,
                const std::string& name) {
  if (value.empty() || (value[0] != '\'' && value[0] != '"')) {
    ThrowBadNpy(name, "NPY header has a malformed 'descr'");
  }
  const size_t close = value.find(value[0], 1);
  if (close == std::string_view::npos) {
    ThrowBadNpy(name, "NPY header has a malformed 'descr'");
  }
  const std::string_view descr = value.substr(1, close - 1);
  const std::string_view type = descr.size() == 3 ? descr.substr(1) : "";
  const char order = descr.empty() ? '?' : descr[0];
  if (type == "u1" &&
      (order == '|' || order == '<' || order == '>' || order == '=')) {
    header.depth = CV_8U;
  } else if (order != '<' && order != '>' && order != '=') {
    header.depth = -1;
  } else if (type == "u2") {
    header.depth = CV_16U;
  } else if (type == "f4") {
    header.depth = CV_32F;
  } else if (type == "f8") {
    header.depth = CV_64F;
  } else {
    header.depth = -1;
  }
  if (header.depth < 0) {
    ThrowBadNpy(name, fmt::format("unsupported NPY dtype '{}' (expected "
                                  "float32, float64, uint8 or uint16)",
                                  descr));
  }
  header.little_endian =
      order == '=' ? internal::HostIsLittleEndian() : order != '>';
}

void ParseShape(std::string_view value, NpyHeader& header,
                const std::string& name) {
  const size_t close = value.find(')');
  if (value.empty() || value[0] != '(' || close == std::string_view::npos) {
    ThrowBadNpy(name, "NPY header has a malformed 'shape'");
  }
  const std::string_view text = value.substr(0, close + 1);
  std::vector<int64_t> dims;
  for (size_t pos = 1; pos < close;) {
    while (pos < close && (text[pos] == ' ' || text[pos] == ',')) ++pos;
    if (pos >= close) break;
    int64_t dim = 0;
    const auto [end, ec] =
        std::from_chars(text.data() + pos, text.data() + close, dim);
    if (ec != std::errc() || dim < 0) {
      ThrowBadNpy(name,
                  fmt::format("NPY header has a malformed shape {}", text));
    }
    dims.push_back(dim);
    pos = static_cast<size_t>(end - text.data());
  }
  // (H, W); (H, W, C) with C <= 4; (1, H, W) as a single-channel map.
  int64_t height = 0, width = 0, channels = 0;
  if (dims.size() == 2) {
    height = dims[0], width = dims[1], channels = 1;
  } else if (dims.size() == 3 && dims[2] >= 1 && dims[2] <= 4) {
    height = dims[0], width = dims[1], channels = dims[2];
  } else if (dims.size() == 3 && dims[0] == 1) {
    height = dims[1], width = dims[2], channels = 1;
  } else {
    ThrowBadNpy(name, fmt::format("unsupported NPY shape {} (expected (H, W), "
                                  "(H, W, C<=4) or (1, H, W))",
                                  text));
  }
  if (height == 0 || width == 0) {
    ThrowBadNpy(name, fmt::format("empty NPY array {}", text));
  }
  if (height > std::numeric_limits<int>::max() ||
      width > std::numeric_limits<int>::max()) {
    ThrowBadNpy(name, fmt::format("NPY array too large {}", text));
  }
  header.height = static_cast<int>(height);
  header.width = static_cast<int>(width);
  header.channels = static_cast<int>(channels);
}

}  // namespace

std::optional<NpyHeader> ParseNpyHeader(std::span<const char> bytes,
                                        const std::string& name) {
  const size_t magic_bytes = std::min(bytes.size(), kMagic.size());
  if (std::memcmp(bytes.data(), kMagic.data(), magic_bytes) != 0) {
    ThrowBadNpy(name, "not an NPY file");
  }
  if (bytes.size() < 10) return std::nullopt;
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) {
    ThrowBadNpy(name, fmt::format("unsupported NPY version {}.{}", major,
                                  static_cast<int>(bytes[7])));
  }
  // Version 1 has a 16-bit header length, versions 2 and 3 a 32-bit one.
  const size_t length_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + length_bytes) return std::nullopt;
  const size_t dict_bytes = major == 1 ? internal::LoadU16LE(bytes.data() + 8)
                                       : internal::LoadU32LE(bytes.data() + 8);
  const size_t dict_offset = 8 + length_bytes;
  if (dict_bytes > (size_t{1} << 20)) {
    ThrowBadNpy(name, "NPY header too long");
  }
  if (bytes.size() < dict_offset + dict_bytes) return std::nullopt;
  const std::string_view dict(bytes.data() + dict_offset, dict_bytes);
  NpyHeader header;
  header.data_offset = dict_offset + dict_bytes;
  ParseDescr(ValueOf(dict, "descr", name), header, name);
  const std::string_view fortran = ValueOf(dict, "fortran_order", name);
  if (fortran.starts_with("True")) {
    ThrowBadNpy(name,
                "Fortran-order NPY arrays are not supported (save "
                "with np.ascontiguousarray)");
  }
  if (!fortran.starts_with("False")) {
    ThrowBadNpy(name, "NPY header has a malformed 'fortran_order'");
  }
  ParseShape(ValueOf(dict, "shape", name), header, name);
  return header;
}

cv::Mat DecodeNpy(std::span<const char> bytes, const std::string& name,
                  const ImageLimits& limits) {
  const std::optional<NpyHeader> header = ParseNpyHeader(bytes, name);
  if (!header) ThrowBadNpy(name, "truncated NPY header");
  if (int64_t{header->width} * header->height > limits.max_pixels ||
      header->width > limits.max_side || header->height > limits.max_side) {
    ThrowError("cannot read image '{}': image too large ({}x{})", name,
               header->width, header->height);
  }
  // Sized from the header and checked against the file before the Mat is
  // allocated: a 128-byte file may claim 16384x16384x4 float64 (8 GiB).
  const size_t data_bytes = size_t(header->width) * size_t(header->height) *
                            size_t(header->channels) *
                            size_t(CV_ELEM_SIZE1(header->depth));
  const size_t available = bytes.size() - header->data_offset;
  if (available != data_bytes) {
    ThrowBadNpy(
        name, fmt::format("{} NPY ({} data bytes, expected {} for {}x{}x{})",
                          available < data_bytes ? "truncated" : "corrupt",
                          available, data_bytes, header->height, header->width,
                          header->channels));
  }
  cv::Mat image(header->height, header->width,
                CV_MAKETYPE(header->depth, header->channels));
  std::memcpy(image.data, bytes.data() + header->data_offset, data_bytes);
  if (header->little_endian != internal::HostIsLittleEndian()) {
    internal::SwapBytes(reinterpret_cast<char*>(image.data),
                        image.total() * image.channels(), image.elemSize1());
  }
  return image;
}

std::string EncodeNpy(const cv::Mat& image) {
  const char* descr = nullptr;
  switch (image.depth()) {
    case CV_8U:
      descr = "|u1";
      break;
    case CV_16U:
      descr = "<u2";
      break;
    case CV_32F:
      descr = "<f4";
      break;
    case CV_64F:
      descr = "<f8";
      break;
  }
  if (image.empty() || descr == nullptr || image.channels() > 4) {
    ThrowError(
        "NPY takes 8U, 16U, 32F or 64F images with 1 to 4 channels, "
        "got {} {}x{}",
        cv::typeToString(image.type()), image.cols, image.rows);
  }
  const std::string shape =
      image.channels() == 1 ? fmt::format("({}, {})", image.rows, image.cols)
                            : fmt::format("({}, {}, {})", image.rows,
                                          image.cols, image.channels());
  std::string dict = fmt::format(
      "{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr, shape);
  // NumPy pads the header with spaces and a final newline so that the data
  // starts 64-byte aligned (magic 6 + version 2 + length 2 = 10 bytes).
  const size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string bytes(kMagic);
  bytes.push_back('\x01');
  bytes.push_back('\x00');
  bytes.push_back(static_cast<char>(dict.size() & 0xFF));
  bytes.push_back(static_cast<char>(dict.size() >> 8));
  bytes += dict;
  const cv::Mat continuous = image.isContinuous() ? image : image.clone();
  const size_t header_bytes = bytes.size();
  const size_t data_bytes = continuous.total() * continuous.elemSize();
  bytes.resize(header_bytes + data_bytes);
  std::memcpy(bytes.data() + header_bytes, continuous.data, data_bytes);
  if (!internal::HostIsLittleEndian()) {
    internal::SwapBytes(bytes.data() + header_bytes,
                        continuous.total() * continuous.channels(),
                        continuous.elemSize1());
  }
  return bytes;
}

cv::Mat ReadNpy(const std::filesystem::path& path, const ImageLimits& limits) {
  const std::vector<char> bytes = ReadFileBytes(path);
  return DecodeNpy(bytes, path.string(), limits);
}

void WriteNpy(const std::filesystem::path& path, const cv::Mat& image) {
  std::string bytes;
  try {
    bytes = EncodeNpy(image);
  } catch (const Error& error) {
    ThrowError("cannot write '{}': {}", path.string(), error.what());
  }
  WriteFileAtomic(path, bytes);
}

}  // namespace parallax
