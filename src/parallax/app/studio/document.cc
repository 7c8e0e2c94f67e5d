#include "parallax/app/studio/document.h"

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
    cv::Mat image = ReadImage(path, ReadMode::kColor8);
    if (image.empty()) ThrowError("{}: the image is empty", path.string());
    return image;
  });
}

cv::Mat LoadDisparityMap(const fs::path& path, cv::Size size) {
  RequireRegularFile(path);
  return Guarded(path,
                 [&] { return LoadEffectDepth(path, size, "disparity"); });
}

}  // namespace parallax::studio
