#include "parallax/jobs/depth_output.h"

#include "parallax/io/image_io.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/util/check.h"

namespace parallax {

OutputTarget ClassifyOutput(const std::filesystem::path& output) {
  if (HasVideoExtension(output)) return OutputTarget::kVideo;
  std::error_code error;
  if (std::filesystem::is_directory(output, error))
    return OutputTarget::kFolder;
  return IsImageFile(output) ? OutputTarget::kFile : OutputTarget::kFolder;
}

bool IsFloatFormat(const std::string& extension) {
  return extension == "pfm" || extension == "npy" || extension == "exr";
}

void WriteDisparityFile(const std::filesystem::path& path,
                        const cv::Mat& disparity,
                        const DisparityFileOptions& options,
                        const DisparityRange& range) {
  const std::string extension = ImageExtension(path);
  const DisparityRange used = options.range.value_or(range);
  if (IsFloatFormat(extension)) {
    if (options.colormap != Colormap::kNone) {
      ThrowError("{}: a colour map needs an image format (png, jpg), not .{}",
                 path.string(), extension);
    }
    WriteImage(path, EncodeFloatMap(disparity, options.invert));
  } else if (extension == "png" && options.colormap == Colormap::kNone) {
    WriteImage(path, EncodeNormalized16(disparity, used, options.invert));
  } else {
    WriteImage(
        path, EncodePreview(disparity, used, options.invert, options.colormap));
  }
}

cv::Mat DisparityVideoFrame(const cv::Mat& disparity,
                            const DisparityFileOptions& options,
                            const DisparityRange& range, bool sixteen_bit) {
  const DisparityRange used = options.range.value_or(range);
  if (sixteen_bit && options.colormap == Colormap::kNone) {
    return EncodeNormalized16(disparity, used, options.invert);
  }
  return EncodePreview(disparity, used, options.invert, options.colormap);
}

}  // namespace parallax
