#include "parallax/io/image_io.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "parallax/io/declared_size.h"
#include "parallax/io/image_probe.h"
#include "parallax/io/jpeg_markers.h"
#include "parallax/io/npy.h"
#include "parallax/io/pfm.h"
#include "parallax/io/png_encoder.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

// OpenCV 4.6 reads OPENCV_IO_ENABLE_OPENEXR once, at its first EXR call, and
// refuses EXR unless it is set. Set it (without overriding a user's choice)
// at static initialisation, before any thread can race on the environment,
// and again on first use in case this runs before our initialisers.
bool EnableOpenExr() {
  static const bool enabled = [] {
    ::setenv("OPENCV_IO_ENABLE_OPENEXR", "1", /*overwrite=*/0);
    return true;
  }();
  return enabled;
}
[[maybe_unused]] const bool kOpenExrEnabled = EnableOpenExr();

[[noreturn]] void ThrowUnsupportedExr() {
  ThrowError("EXR is not supported by this OpenCV build");
}

std::string TypeName(const cv::Mat& image) {
  return cv::typeToString(image.type());
}

// libpng and libjpeg decode what they can of a truncated file and OpenCV
// then returns a partly gray image without an error: check the end markers.
void CheckComplete(std::span<const char> bytes, const ImageInfo& info,
                   const std::string& name) {
  if (info.format == "png" &&
      internal::FindPngEnd(bytes) == std::string::npos) {
    ThrowError("cannot read image '{}': truncated PNG (no IEND chunk)", name);
  }
  if (info.format == "jpeg") {
    const internal::JpegHeader header =
        internal::WalkJpegHeader(bytes, 0, name);
    if (!header.complete ||
        internal::FindJpegEnd(bytes, header.segments.back()) ==
            std::string::npos) {
      ThrowError("cannot read image '{}': truncated JPEG (no EOI marker)",
                 name);
    }
  }
}

cv::Mat DecodeWithOpenCv(std::span<const char> bytes, const std::string& name,
                         const std::string& extension) {
  if (extension == "exr" && !ExrSupported()) ThrowUnsupportedExr();
  cv::Mat image;
  try {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U,
                         const_cast<char*>(bytes.data()));
    image = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& error) {
    ThrowError("cannot read image '{}': {}", name, error.err);
  }
  if (image.empty()) {
    ThrowError("cannot read image '{}': unknown or corrupt image data", name);
  }
  return image;
}

// Every channel equal (gray stored as colour, or a disparity written to all
// three PFM channels) can be read as a single-channel map; anything else
// would silently drop data.
cv::Mat SingleChannel(const cv::Mat& image, const std::string& name) {
  if (image.channels() == 1) return image;
  std::vector<cv::Mat> channels;
  cv::split(image, channels);
  for (size_t c = 1; c < channels.size(); ++c) {
    cv::Mat differ;
    cv::compare(channels[c], channels[0], differ, cv::CMP_NE);
    if (cv::countNonZero(differ) > 0) {
      ThrowError(
          "cannot read '{}' as a float map: it has {} different "
          "channels",
          name, image.channels());
    }
  }
  return channels[0];
}

// Float RGB(A) images (EXR plates, float TIFF) hold scene-linear light:
// clipped to 0..1 and encoded with the sRGB curve, as a display would show
// them, for networks trained on ordinary 8-bit photos. NaN becomes 0.
cv::Mat LinearToSrgb8(const cv::Mat& linear) {
  cv::Mat values;
  linear.convertTo(values, CV_32F);
  static const std::vector<uint8_t> curve = [] {
    std::vector<uint8_t> table(4096);
    for (size_t i = 0; i < table.size(); ++i) {
      const double v = static_cast<double>(i) / (table.size() - 1);
      const double encoded =
          v <= 0.0031308 ? 12.92 * v : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
      table[i] = static_cast<uint8_t>(std::lround(encoded * 255));
    }
    return table;
  }();
  cv::Mat out(values.size(), CV_8UC(values.channels()));
  const int channels = values.channels();
  for (int y = 0; y < values.rows; ++y) {
    const float* in = values.ptr<float>(y);
    uint8_t* o = out.ptr<uint8_t>(y);
    for (int x = 0; x < values.cols * channels; ++x) {
      const float v = in[x];
      if (channels == 4 && x % 4 == 3) {  // alpha is not light
        o[x] = static_cast<uint8_t>(
            std::lround(std::clamp(v >= 0 ? v : 0.0f, 0.0f, 1.0f) * 255));
        continue;
      }
      const float clipped = v > 0 ? std::min(v, 1.0f) : 0.0f;  // NaN -> 0
      o[x] = curve[static_cast<size_t>(std::lround(clipped * 4095))];
    }
  }
  return out;
}

cv::Mat ConvertForMode(cv::Mat image, ReadMode mode, const std::string& name) {
  switch (mode) {
    case ReadMode::kUnchanged:
      return image;
    case ReadMode::kFloat1: {
      cv::Mat single = SingleChannel(image, name);
      if (single.depth() != CV_32F) single.convertTo(single, CV_32F);
      return single;
    }
    case ReadMode::kColor8:
      break;
  }
  const bool float_color =
      (image.depth() == CV_32F || image.depth() == CV_64F ||
       image.depth() == CV_16F) &&
      (image.channels() == 3 || image.channels() == 4);
  if (image.depth() == CV_16U) {
    image.convertTo(image, CV_8U, 1.0 / 257.0);  // 65535 -> 255
  } else if (float_color) {
    image = LinearToSrgb8(image);
  } else if (image.depth() != CV_8U) {
    ThrowError(
        "cannot read '{}' as an 8-bit image: it holds {} data (a "
        "float map?)",
        name, TypeName(image));
  }
  cv::Mat bgr;
  switch (image.channels()) {
    case 1:
      cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
      break;
    case 2: {
      cv::Mat gray;
      cv::extractChannel(image, gray, 0);  // gray + alpha
      cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
      break;
    }
    case 3:
      bgr = image;
      break;
    case 4:
      cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
      break;
    default:
      ThrowError("cannot read '{}' as an 8-bit image: it has {} channels", name,
                 image.channels());
  }
  return bgr;
}

// What each extension's encoder takes.
struct WriteFormat {
  const char* name;
  std::vector<int> depths;
  std::vector<int> channels;
};

const WriteFormat* FindWriteFormat(const std::string& extension) {
  static const std::vector<std::pair<std::string, WriteFormat>> formats = {
      {"png", {"PNG", {CV_8U, CV_16U}, {1, 3, 4}}},
      {"jpg", {"JPEG", {CV_8U}, {1, 3}}},
      {"jpeg", {"JPEG", {CV_8U}, {1, 3}}},
      {"webp", {"WebP", {CV_8U}, {1, 3, 4}}},
      {"bmp", {"BMP", {CV_8U}, {1, 3}}},
      {"tif", {"TIFF", {CV_8U, CV_16U, CV_32F}, {1, 3, 4}}},
      {"tiff", {"TIFF", {CV_8U, CV_16U, CV_32F}, {1, 3, 4}}},
      {"exr", {"EXR", {CV_32F}, {1, 3, 4}}},
  };
  for (const auto& [ext, format] : formats) {
    if (ext == extension) return &format;
  }
  return nullptr;
}

// {CV_8U, CV_16U} -> "CV_8U or CV_16U"; {1, 3, 4} -> "1, 3 or 4".
template <typename T, typename F>
std::string JoinOr(const std::vector<T>& values, F to_string) {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += i + 1 == values.size() ? " or " : ", ";
    text += to_string(values[i]);
  }
  return text;
}

std::vector<int> EncoderParams(const std::string& extension,
                               const ImageWriteOptions& options) {
  if (extension == "jpg" || extension == "jpeg") {
    return {cv::IMWRITE_JPEG_QUALITY, options.jpeg_quality};
  }
  if (extension == "webp") {
    return {cv::IMWRITE_WEBP_QUALITY, options.webp_quality};
  }
  if (extension == "exr") {
    return {cv::IMWRITE_EXR_TYPE,
            options.exr_half ? cv::IMWRITE_EXR_TYPE_HALF
                             : cv::IMWRITE_EXR_TYPE_FLOAT,
            cv::IMWRITE_EXR_COMPRESSION,
            options.exr_compression == ImageWriteOptions::ExrCompression::kPiz
                ? cv::IMWRITE_EXR_COMPRESSION_PIZ
                : cv::IMWRITE_EXR_COMPRESSION_ZIP};
  }
  return {};
}

}  // namespace

std::string ImageExtension(const std::filesystem::path& path) {
  std::string extension = ToLower(path.extension().string());
  if (!extension.empty()) extension.erase(0, 1);
  return extension;
}

bool IsImageFile(const std::filesystem::path& path) {
  static const char* const kExtensions[] = {
      "png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff", "pfm", "npy", "exr"};
  const std::string extension = ImageExtension(path);
  for (const char* known : kExtensions) {
    if (extension == known) return true;
  }
  return false;
}

bool ExrSupported() {
  EnableOpenExr();
  // haveImageReader() needs an existing file, so try a tiny round trip.
  static const bool supported = [] {
    if (!cv::haveImageWriter(".exr")) return false;
    try {
      const cv::Mat probe(2, 2, CV_32FC1, cv::Scalar(0.5));
      std::vector<uchar> buffer;
      if (!cv::imencode(".exr", probe, buffer)) return false;
      return !cv::imdecode(buffer, cv::IMREAD_UNCHANGED).empty();
    } catch (const cv::Exception&) {
      return false;
    }
  }();
  return supported;
}

ImageInfo ProbeCompleteImage(const std::filesystem::path& path) {
  const ImageInfo info = ProbeImage(path);
  if (info.format != "png" && info.format != "jpeg") return info;
  const std::string name = path.string();
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  const std::streamoff tail_size = std::min<std::streamoff>(size, 4096);
  std::string tail(static_cast<size_t>(tail_size), '\0');
  in.seekg(size - tail_size);
  if (!in.read(tail.data(), tail_size)) {
    ThrowError("cannot read image '{}': read failed", name);
  }
  if (info.format == "png") {
    // The last chunk: length 0, "IEND", CRC.
    static const std::string kIend("\0\0\0\0IEND\xAE\x42\x60\x82", 12);
    if (tail.size() < kIend.size() ||
        tail.compare(tail.size() - kIend.size(), kIend.size(), kIend) != 0) {
      ThrowError("cannot read image '{}': truncated PNG (no IEND chunk)", name);
    }
  } else if (tail.rfind("\xFF\xD9") == std::string::npos) {
    // Encoders may pad after EOI, so it is looked for, not required last.
    ThrowError("cannot read image '{}': truncated JPEG (no EOI marker)", name);
  }
  return info;
}

ImageLimits JobImageLimits(std::string job, double bytes_per_pixel,
                           int64_t fixed_bytes) {
  ImageLimits limits;
  limits.job = std::move(job);
  limits.bytes_per_pixel = bytes_per_pixel;
  limits.fixed_bytes = fixed_bytes;
  return limits;
}

cv::Mat ReadImage(const std::filesystem::path& path, ReadMode mode,
                  const ImageLimits& limits) {
  EnableOpenExr();
  const std::string name = path.string();
  const std::vector<char> bytes = ReadFileBytes(path);
  const std::optional<ImageInfo> info =
      internal::ParseImageHeader(bytes, bytes.size(), name);
  THROW_CHECK(info.has_value());  // the whole file was given
  cv::Mat image;
  if (info->format == "pfm") {
    image = DecodePfm(bytes, name, limits);
  } else if (info->format == "npy") {
    image = DecodeNpy(bytes, name, limits);
  } else if (info->format.empty()) {
    // TIFF, EXR, ...: their declared size is checked before decoding where
    // it can be read; OpenCV's own limits guard the rest, and ours apply
    // again after it.
    if (const std::optional<cv::Size> size =
            internal::ParseDeclaredSize(bytes)) {
      internal::CheckImageLimits({size->width, size->height, 3, CV_8U, ""},
                                 limits, name);
    }
    image = DecodeWithOpenCv(bytes, name, ImageExtension(path));
    internal::CheckImageLimits(
        {image.cols, image.rows, image.channels(), image.depth(), ""}, limits,
        name);
  } else {
    internal::CheckImageLimits(*info, limits, name);
    CheckComplete(bytes, *info, name);
    image = DecodeWithOpenCv(bytes, name, info->format);
  }
  return ConvertForMode(std::move(image), mode, name);
}

void WriteImage(const std::filesystem::path& path, const cv::Mat& image,
                const ImageWriteOptions& options) {
  EnableOpenExr();
  const std::string name = path.string();
  const std::string extension = ImageExtension(path);
  if (image.empty()) ThrowError("cannot write '{}': empty image", name);
  if (extension == "pfm")
    return WritePfm(path, image, options.pfm_little_endian);
  if (extension == "npy") return WriteNpy(path, image);
  const WriteFormat* format = FindWriteFormat(extension);
  if (format == nullptr) {
    ThrowError(
        "cannot write '{}': unknown image format '.{}' (use png, jpg, "
        "webp, bmp, tif, pfm, npy or exr)",
        name, extension);
  }
  if (extension == "exr" && !ExrSupported()) ThrowUnsupportedExr();
  const auto contains = [](const std::vector<int>& values, int value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  if (!contains(format->depths, image.depth()) ||
      !contains(format->channels, image.channels())) {
    ThrowError(
        "cannot write '{}': {} takes {} images with {} channels, "
        "got {}",
        name, format->name,
        JoinOr(format->depths,
               [](int depth) { return cv::depthToString(depth); }),
        JoinOr(format->channels,
               [](int channels) { return std::to_string(channels); }),
        TypeName(image));
  }
  if (extension == "png") {
    if (options.png_compression < 0 || options.png_compression > 12) {
      ThrowError("cannot write '{}': PNG compression {} is outside 0..12", name,
                 options.png_compression);
    }
    const std::vector<uint8_t> png = EncodePng(
        image,
        {.level = options.png_compression, .filter = options.png_filter});
    WriteFileAtomic(
        path, std::span<const char>(reinterpret_cast<const char*>(png.data()),
                                    png.size()));
    return;
  }
  std::vector<uchar> buffer;
  try {
    if (!cv::imencode("." + extension, image, buffer,
                      EncoderParams(extension, options))) {
      ThrowError("cannot write '{}': {} encoder failed", name, format->name);
    }
  } catch (const cv::Exception& error) {
    ThrowError("cannot write '{}': {}", name, error.err);
  }
  WriteFileAtomic(
      path, std::span<const char>(reinterpret_cast<const char*>(buffer.data()),
                                  buffer.size()));
}

}  // namespace parallax
