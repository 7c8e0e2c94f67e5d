#include "parallax/app/studio/output_writer.h"

#include <system_error>

#include "parallax/io/image_io.h"
#include "parallax/util/check.h"

namespace parallax::studio {

namespace fs = std::filesystem;

OutputKind DepthKindForPath(const fs::path& path) {
  const std::string ext = ImageExtension(path);
  if (ext == "pfm" || ext == "npy" || ext == "exr") {
    return OutputKind::kDepthFloat;
  }
  return OutputKind::kDepth16;
}

namespace {

cv::Mat RenderOutput(const OutputJob& job) {
  const std::string ext = ImageExtension(job.path);
  switch (job.kind) {
    case OutputKind::kDepth16:
      if (ext != "png" && ext != "tif" && ext != "tiff") {
        ThrowError("{}: a 16-bit depth map is saved as .png or .tif",
                   job.path.string());
      }
      return EncodeNormalized16(job.disparity, RobustRange(job.disparity),
                                /*invert=*/false);
    case OutputKind::kDepthFloat:
      if (ext == "exr" && !ExrSupported()) {
        ThrowError(
            "{}: this OpenCV build cannot write EXR; save the depth as "
            ".pfm or .npy",
            job.path.string());
      }
      if (ext != "pfm" && ext != "npy" && ext != "exr") {
        ThrowError("{}: a float depth map is saved as .pfm, .npy or .exr",
                   job.path.string());
      }
      return EncodeFloatMap(job.disparity, /*invert=*/false);
    case OutputKind::kDepthColor:
      return EncodePreview(job.disparity, RobustRange(job.disparity),
                           /*invert=*/false, job.colormap);
    case OutputKind::kRefocused:
      return RenderRefocusFull(job.image, job.disparity, job.focus,
                               job.refocus);
    case OutputKind::kStereo:
      // View synthesis works on 8 bits, as `parallax stereo`.
      return RenderStereoFull(EightBit(job.image), job.disparity, job.estimated,
                              job.stereo);
    case OutputKind::kFog:
      return RenderFogFull(job.image, job.disparity, job.fog);
  }
  THROW_CHECK(false);
}

}  // namespace

void WriteOutput(const OutputJob& job) {
  if (job.disparity.empty()) ThrowError("there is no depth map yet");
  cv::Mat result = RenderOutput(job);
  // 16-bit results go to formats that hold them; others get 8 bits.
  const std::string ext = ImageExtension(job.path);
  if (result.depth() == CV_16U && ext != "png" && ext != "tif" &&
      ext != "tiff") {
    result = EightBit(result);
  }
  WriteImage(job.path, result);
}

bool IsSameFile(const fs::path& output, const fs::path& input) {
  if (input.empty()) return false;
  std::error_code error;
  if (fs::equivalent(output, input, error)) return true;
  return fs::weakly_canonical(output, error) ==
         fs::weakly_canonical(input, error);
}

}  // namespace parallax::studio
