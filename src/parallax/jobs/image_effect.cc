#include "parallax/jobs/image_effect.h"

#include <memory>
#include <span>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "parallax/io/image_io.h"
#include "parallax/jobs/depth_output.h"
#include "parallax/jobs/job_control.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {

namespace fs = std::filesystem;

std::vector<std::string> RunImageEffect(
    const std::vector<std::string>& inputs, const fs::path& output,
    const ImageEffectRun& run,
    const std::function<cv::Mat(const cv::Mat&, const fs::path&)>& render,
    const JobControl& control) {
  const std::string& suffix = run.suffix;
  const std::string& single_image = run.single_image;
  const bool resume = run.existing == ExistingOutputs::kResume;
  MediaInputOptions scan_options;
  scan_options.output_suffix = suffix;
  scan_options.exclude = output;
  const MediaScan scan = ExpandMediaInputs(inputs, scan_options);
  std::vector<std::string> failures = scan.problems;
  std::vector<const MediaInput*> images;
  for (const MediaInput& input : scan.inputs) {
    if (input.kind == MediaKind::kImage) {
      images.push_back(&input);
    } else {
      failures.push_back(
          fmt::format("{}: not a photo (this effect takes "
                      "images)",
                      input.path.string()));
    }
  }
  if (images.empty()) {
    ThrowNothingToDo(failures);
  }
  if (!single_image.empty() && images.size() != 1) {
    throw OptionError(
        fmt::format("{} is for one photo, but there are {} images",
                    OptionField(single_image), images.size()));
  }
  const bool to_folder = ClassifyOutput(output) == OutputTarget::kFolder;
  if (!to_folder && images.size() != 1) {
    throw OptionError(
        fmt::format("{} {} names one file, but there are {} images; give a "
                    "folder",
                    OptionField("output"), output.string(), images.size()));
  }
  if (ClassifyOutput(output) == OutputTarget::kVideo) {
    throw OptionError(fmt::format("{} {}: photos give photos, not a video",
                                  OptionField("output"), output.string()));
  }
  const auto output_of = [&](const MediaInput& input) {
    if (!to_folder) return output;
    std::string ext = ImageExtension(input.path);
    if (ext != "png" && ext != "jpg" && ext != "jpeg" && ext != "tif" &&
        ext != "tiff" && ext != "webp") {
      ext = "png";
    }
    fs::path path = output / input.output_stem;
    path += suffix + "." + ext;
    return path;
  };
  std::vector<fs::path> existing;
  std::error_code exists_error;
  for (const MediaInput* input : images) {
    const fs::path path = output_of(*input);
    // An output that is the input fails below, naming the input.
    if (fs::equivalent(path, input->path, exists_error)) continue;
    if (fs::exists(path, exists_error)) existing.push_back(path);
  }
  for (const fs::path& side : run.side_outputs) {
    if (fs::exists(side, exists_error)) existing.push_back(side);
  }
  RefuseExistingOutputs(existing, run.existing);
  // Temporary files a killed run left (kill -9 during a write).
  RemoveStaleTempFilesOf(output, /*folder=*/to_folder);
  std::unique_ptr<FileProgress> progress;
  if (run.show_progress && images.size() > 1) {
    progress = std::make_unique<FileProgress>(
        control, fs::path(), "images", static_cast<int64_t>(images.size()),
        "img/s");
  }
  const std::string job = suffix.substr(suffix.find_first_not_of('_'));
  const ImageLimits limits =
      CommandImageLimits(job.c_str(), run.bytes_per_pixel);
  int64_t done = 0;
  for (const MediaInput* input : images) {
    control.CheckCancel();
    const fs::path path = output_of(*input);
    if (resume && fs::exists(path, exists_error)) {
      control.Skip(input->path,
                   fmt::format("{} exists, skipped (resume)", path.string()));
      if (progress) progress->Update(++done);
      continue;
    }
    try {
      CheckNotAnInput(path, std::span(&input->path, 1));
      cv::Mat image = ReadImage(input->path, ReadMode::kUnchanged, limits);
      if (image.depth() != CV_8U && image.depth() != CV_16U) {
        ThrowError("{}: effects take 8- or 16-bit images",
                   input->path.string());
      }
      // The effects work on colour; a matte rides along untouched.
      cv::Mat alpha;
      if (image.channels() == 4) {
        cv::extractChannel(image, alpha, 3);
        cv::cvtColor(image, image, cv::COLOR_BGRA2BGR);
      } else if (image.channels() == 1) {
        cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);
      }
      cv::Mat result = render(image, input->path);
      if (path.has_parent_path()) fs::create_directories(path.parent_path());
      const std::string out_ext = ImageExtension(path);
      if (!alpha.empty() && result.channels() == 3 &&
          (out_ext == "png" || out_ext == "webp" || out_ext == "tif" ||
           out_ext == "tiff")) {
        if (alpha.depth() != result.depth()) {
          alpha.convertTo(alpha, result.depth(),
                          result.depth() == CV_16U ? 257.0 : 1.0 / 257.0);
        }
        cv::Mat with_alpha;
        cv::merge(std::vector<cv::Mat>{result, alpha}, with_alpha);
        if (out_ext != "webp" || with_alpha.depth() == CV_8U) {
          result = with_alpha;
        }
      }
      cv::Mat to_write = result;
      // 16-bit results go to formats that hold them; others get 8 bits.
      const std::string ext = ImageExtension(path);
      if (result.depth() == CV_16U && ext != "png" && ext != "tif" &&
          ext != "tiff") {
        result.convertTo(to_write, CV_8U, 1.0 / 257.0);
      }
      WriteImage(path, to_write);
      control.Wrote(path);
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& e) {
      RecordFailure(
          &failures, control,
          fmt::format("{}: {}", input->path.string(), control.Describe(e)));
    }
    if (progress) progress->Update(++done);
  }
  if (progress) progress->Finish();
  return failures;
}

}  // namespace parallax
