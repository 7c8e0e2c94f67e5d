#include "parallax/app/studio/document.h"

#include <opencv2/imgproc.hpp>

#include "parallax/io/image_io.h"
#include "parallax/io/mpo.h"
#include "parallax/jobs/effect_depth.h"
#include "parallax/util/check.h"
#include "parallax/util/path_kind.h"

namespace parallax::studio {

namespace fs = std::filesystem;

namespace {

// OpenCV can throw its own exceptions from deep inside a decoder: they
// become parallax::Error with the file's name, so nothing escapes as a
// crash.
template <typename Read>
auto Guarded(const fs::path& path, Read read) {
  try {
    return read();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    ThrowError("{}: cannot read it ({})", path.string(), e.what());
  }
}

}  // namespace

cv::Mat LoadPhoto(const fs::path& path) {
  RequireRegularFile(path);
  return Guarded(path, [&] {
    if (IsMpoFile(path)) {
      std::vector<cv::Mat> frames = ReadMpo(path);
      return frames.front();  // the left view
    }
    cv::Mat image = ReadImage(path, ReadMode::kUnchanged);
    if (image.empty()) ThrowError("{}: the image is empty", path.string());
    if (image.depth() == CV_32F || image.depth() == CV_64F) {
      // HDR or float photos: 0..1 to 16 bits (saturating), as the
      // effects take 8- or 16-bit images.
      image.convertTo(image, CV_16U, 65535.0);
    } else if (image.depth() != CV_8U && image.depth() != CV_16U) {
      image.convertTo(image, CV_16U);
    }
    if (image.channels() == 1) {
      cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);
    } else if (image.channels() == 4) {
      cv::cvtColor(image, image, cv::COLOR_BGRA2BGR);
    } else if (image.channels() != 3) {
      ThrowError("{}: {} channels; a photo has 1, 3 or 4", path.string(),
                 image.channels());
    }
    return image;
  });
}

cv::Mat EightBit(const cv::Mat& photo) {
  if (photo.depth() == CV_8U) return photo;
  cv::Mat eight;
  photo.convertTo(eight, CV_8U, 1.0 / 257.0);
  return eight;
}

cv::Mat LoadDisparityMap(const fs::path& path, cv::Size size,
                         const std::string& kind) {
  RequireRegularFile(path);
  return Guarded(path, [&] { return LoadEffectDepth(path, size, kind); });
}

}  // namespace parallax::studio
