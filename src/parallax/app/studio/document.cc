#include "parallax/app/studio/document.h"

#include <system_error>

#include "parallax/io/image_io.h"
#include "parallax/io/mpo.h"
#include "parallax/util/check.h"

namespace parallax::studio {

namespace fs = std::filesystem;

namespace {

// The readers name the file in their errors; these checks come first so
// that the common mistakes get a plain sentence.
void CheckReadableFile(const fs::path& path) {
  std::error_code error;
  if (path.empty()) ThrowError("no file given");
  if (!fs::exists(path, error)) {
    ThrowError("{}: no such file", path.string());
  }
  if (fs::is_directory(path, error)) {
    ThrowError("{} is a folder, not an image", path.string());
  }
}

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
  CheckReadableFile(path);
  return Guarded(path, [&] {
    if (IsMpoFile(path)) {
      std::vector<cv::Mat> frames = ReadMpo(path);
      return frames.front();  // the left view
    }
    cv::Mat image = ReadImage(path, ReadMode::kColor8);
    if (image.empty()) ThrowError("{}: the image is empty", path.string());
    return image;
  });
}

cv::Mat LoadDisparityMap(const fs::path& path, cv::Size size) {
  CheckReadableFile(path);
  return Guarded(path, [&] {
    cv::Mat map = ReadImage(path, ReadMode::kFloat1);
    if (map.size() != size) {
      ThrowError(
          "{} is {}x{} but the image is {}x{}: give the depth of this "
          "image",
          path.string(), map.cols, map.rows, size.width, size.height);
    }
    if (!cv::checkRange(map)) {
      ThrowError("{}: the depth map has NaN or infinite values", path.string());
    }
    return map;
  });
}

}  // namespace parallax::studio
