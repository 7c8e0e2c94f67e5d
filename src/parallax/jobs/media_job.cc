#include "parallax/jobs/media_job.h"

#include <fmt/format.h>

#include <span>

#include "parallax/jobs/job_control.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"

namespace parallax {

namespace fs = std::filesystem;

SegmentedVideoOptions SegmentedVideoFor(const MediaJobOptions& options) {
  SegmentedVideoOptions video;
  video.output = options.output;
  video.encode = options.encode;
  video.sequence = options.sequence;
  video.start = options.start;
  video.end = options.end;
  video.conceal_errors = options.conceal_errors;
  video.resume = options.resume;
  video.segment_frames = options.segment_frames;
  video.warmup_frames = options.warmup_frames;
  video.show_progress = options.show_progress;
  video.on_frame = options.on_frame;
  return video;
}

OutputTarget CheckMediaOutput(const std::vector<MediaInput>& inputs,
                              const fs::path& output) {
  const OutputTarget target = ClassifyOutput(output);
  if (target != OutputTarget::kFolder && inputs.size() != 1) {
    throw OptionError(
        fmt::format("{} {} names one file, but there are {} inputs; give a "
                    "folder",
                    OptionField("output"), output.string(), inputs.size()));
  }
  if (target == OutputTarget::kFile &&
      inputs.front().kind != MediaKind::kImage) {
    throw OptionError(fmt::format(
        "{} {}: a video or sequence needs a folder or a video output",
        OptionField("output"), output.string()));
  }
  if (target == OutputTarget::kVideo &&
      inputs.front().kind == MediaKind::kImage) {
    throw OptionError(
        fmt::format("{} {}: one image gives an image, not a video",
                    OptionField("output"), output.string()));
  }
  for (const MediaInput& input : inputs) {
    CheckNotAnInput(output, std::span(&input.path, 1));
  }
  return target;
}

void PrepareMediaOutputs(const MediaJobOptions& options, OutputTarget target,
                         const std::vector<fs::path>& existing) {
  RefuseExistingOutputs(
      existing, ExistingOutputsFromFlags(options.overwrite, options.resume));
  // Temporary files a killed run left (kill -9 during a write).
  RemoveStaleTempFilesOf(options.output,
                         /*folder=*/target == OutputTarget::kFolder);
  if (target == OutputTarget::kFolder) {
    std::error_code error;
    fs::create_directories(options.output, error);
    if (error) {
      ThrowError("cannot create output folder {}: {}", options.output.string(),
                 error.message());
    }
  }
}

void ForEachMediaInput(
    const std::vector<MediaInput>& inputs,
    const std::function<void(const std::vector<const MediaInput*>&)>& photos,
    const std::function<void(const MediaInput&)>& media,
    std::vector<std::string>* failures, const JobControl& control) {
  std::vector<const MediaInput*> images;
  for (const MediaInput& input : inputs) {
    if (input.kind == MediaKind::kImage) images.push_back(&input);
  }
  photos(images);
  for (const MediaInput& input : inputs) {
    if (input.kind == MediaKind::kImage) continue;
    try {
      media(input);
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& e) {
      // Not only parallax::Error: a file system error, OpenCV's or
      // LibTorch's (out of memory on a GPU) fails this input, not the job.
      RecordFailure(failures, control,
                    NamedFailure(input.path, control.Describe(e)));
    }
  }
}

}  // namespace parallax
