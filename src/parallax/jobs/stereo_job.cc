#include "parallax/jobs/stereo_job.h"

#include <chrono>
#include <map>
#include <span>

#include <fmt/format.h>

#include "parallax/io/image_io.h"
#include "parallax/io/video_reader.h"
#include "parallax/jobs/depth_output.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/jobs/stereo_video_job.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

// `out.png` -> `out_L.png` / `out_R.png` for the two-file layout.
fs::path EyePath(const fs::path& path, char eye) {
  fs::path eye_path = path;
  eye_path.replace_filename(path.stem().string() + "_" + eye +
                            path.extension().string());
  return eye_path;
}

// The files one stereo image becomes.
std::vector<fs::path> ImageOutputs(const fs::path& path, StereoLayout layout) {
  if (layout == StereoLayout::kSeparate) {
    return {EyePath(path, 'L'), EyePath(path, 'R')};
  }
  return {path};
}

void WriteStereoImage(const fs::path& path, const StereoViews& views,
                      const StereoRenderOptions& render) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  const std::vector<fs::path> files = ImageOutputs(path, render.layout);
  if (render.layout == StereoLayout::kSeparate) {
    WriteImage(files[0], views.left);
    WriteImage(files[1], views.right);
  } else {
    WriteImage(files[0], ComposeStereoFrame(views, render));
  }
}

// A given disparity map for `image`: float maps as they are; sizes must
// match for pixel maps (a relative map of another size is resized: only its
// shape matters).
cv::Mat LoadGivenDisparity(const fs::path& path, cv::Size image_size,
                           DisparityUnit unit) {
  cv::Mat disparity = ReadImage(path, ReadMode::kFloat1);
  if (!cv::checkRange(disparity)) {
    ThrowError("{}: the disparity map has NaN or infinite values",
               path.string());
  }
  // Float maps are read as they are; values past a million cannot be a
  // disparity of any image (and their range vanishes in float arithmetic).
  double low = 0, high = 0;
  cv::minMaxLoc(disparity, &low, &high);
  if (std::max(std::abs(low), std::abs(high)) > 1e6) {
    ThrowError(
        "{}: the disparity map holds values up to {:g}: not a disparity map "
        "(pixels, or relative units)",
        path.string(), std::max(std::abs(low), std::abs(high)));
  }
  if (disparity.size() != image_size) {
    if (unit == DisparityUnit::kPixels) {
      ThrowError(
          "{} is {}x{} but the image is {}x{}: pixel disparities must "
          "match the image",
          path.string(), disparity.cols, disparity.rows, image_size.width,
          image_size.height);
    }
    cv::resize(disparity, disparity, image_size, 0, 0, cv::INTER_LINEAR);
  }
  return disparity;
}

DisparityRange RangeOf(const cv::Mat& disparity) {
  return RobustRange(disparity);
}

void ProcessImages(const std::vector<const MediaInput*>& images,
                   Predictor* predictor, const StereoJobOptions& options,
                   OutputTarget target, StereoJobReport* report,
                   const JobControl& control) {
  std::unique_ptr<FileProgress> progress;
  if (options.show_progress && images.size() > 1) {
    progress = std::make_unique<FileProgress>(
        control, fs::path(), "stereo", static_cast<int64_t>(images.size()),
        "img/s");
  }
  int64_t done = 0;
  for (const MediaInput* input : images) {
    control.CheckCancel();
    fs::path path = options.output;
    if (target == OutputTarget::kFolder) {
      path = options.output / input->output_stem;
      path += "_3d." + options.folder_format;
    }
    try {
      bool exists = true;
      for (const fs::path& file : ImageOutputs(path, options.render.layout)) {
        std::error_code error;
        exists = exists && fs::exists(file, error);
      }
      if (options.resume && exists) {
        control.Skip(input->path,
                     fmt::format("{} exists, skipped (resume)", path.string()));
      } else {
        const cv::Mat image =
            ReadImage(input->path, ReadMode::kColor8,
                      CommandImageLimits("stereo", kStereoBytesPerPixel));
        cv::Mat disparity;
        PlaneDistributions planes;
        if (!options.disparity_file.empty()) {
          disparity = LoadGivenDisparity(options.disparity_file, image.size(),
                                         options.render.unit);
        } else {
          disparity = EstimateDisparity(*predictor, image,
                                        options.sequence.upsample, &planes);
        }
        const StereoViews views = RenderStereoViews(
            image, disparity, RangeOf(disparity), options.render, &planes);
        WriteStereoImage(path, views, options.render);
        ++report->images;
        control.Wrote(path);
      }
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception& e) {
      RecordFailure(&report->failures, control,
                    NamedFailure(input->path, control.Describe(e)));
    }
    if (progress) progress->Update(++done);
  }
  if (progress) progress->Finish();
}

// Frames of a video or sequence through the depth estimator into composed
// stereo frames; `write` takes each with its index.
void RunFrames(Predictor& predictor, const StereoJobOptions& options,
               const std::function<bool(int64_t*, cv::Mat*)>& read,
               const std::function<void(int64_t, const cv::Mat&)>& write,
               const JobControl& control, FileProgress* progress,
               int64_t* written, StereoJobReport* report) {
  SequenceDepthEstimator estimator(predictor, options.sequence);
  RangeTracker range_tracker;
  const auto emit = [&](std::vector<DepthFrame> frames) {
    for (DepthFrame& frame : frames) {
      const DisparityRange range =
          range_tracker.Update(frame.disparity, frame.scene_cut);
      const cv::Mat stereo = Timed(&report->synthesis_s, [&] {
        return ComposeStereoFrame(
            RenderStereoViews(frame.image, frame.disparity, range,
                              options.render, &frame.planes),
            options.render);
      });
      Timed(&report->encode_s, [&] { write(frame.index, stereo); });
      ++*written;
      if (progress) progress->Update(*written);
    }
  };
  int64_t index = 0;
  cv::Mat image;
  while (true) {
    control.CheckCancel();
    if (!Timed(&report->decode_s, [&] { return read(&index, &image); })) {
      break;
    }
    emit(Timed(&report->depth_s, [&] { return estimator.Push(index, image); }));
  }
  emit(Timed(&report->depth_s, [&] { return estimator.Finish(); }));
}

bool OutputExists(const StereoJobOptions& options, const fs::path& input,
                  const JobControl& control) {
  std::error_code error;
  if (!options.resume || !fs::exists(options.output, error)) return false;
  control.Skip(input, fmt::format("{} exists, skipped (resume)",
                                  options.output.string()));
  return true;
}

void ProcessVideo(const MediaInput& input, Predictor& predictor,
                  const StereoJobOptions& options, OutputTarget target,
                  StereoJobReport* report, const JobControl& control) {
  if (target == OutputTarget::kVideo) {
    if (OutputExists(options, input.path, control)) return;
    std::error_code error;
    const fs::path parts = StereoPartsFolder(options.output);
    const bool had_parts = fs::exists(parts, error);
    try {
      ConvertVideoToStereoVideo(input, predictor, options, report, control);
    } catch (const Cancelled&) {
      throw;  // the parts are kept for --resume
    } catch (const Error&) {
      // A failed conversion leaves nothing behind; Ctrl-C keeps the parts,
      // and so does a failure beside the parts of an earlier run.
      if (!had_parts) fs::remove_all(parts, error);
      throw;
    }
    return;
  }
  // A folder of stereo frames.
  VideoReadOptions read_options;
  read_options.start = options.start;
  read_options.end = options.end;
  read_options.conceal_errors = options.conceal_errors;
  read_options.frame_limits =
      CommandImageLimits("stereo", kStereoBytesPerPixel);
  VideoReader reader(input.path, read_options);
  std::unique_ptr<FileProgress> progress;
  if (options.show_progress) {
    progress = std::make_unique<FileProgress>(control, input.path,
                                              input.path.filename().string(),
                                              reader.expected_frames());
  }
  VideoFrame frame;
  int64_t written = 0;
  RunFrames(
      predictor, options,
      [&](int64_t* index, cv::Mat* image) {
        if (!reader.Read(&frame)) return false;
        *index = frame.index;
        *image = frame.image;
        return true;
      },
      [&](int64_t index, const cv::Mat& stereo) {
        const fs::path path =
            options.output / fmt::format("{}_{:06d}_3d.{}",
                                         input.output_stem.string(), index,
                                         options.folder_format);
        if (path.has_parent_path()) fs::create_directories(path.parent_path());
        WriteImage(path, stereo);
      },
      control, progress.get(), &written, report);
  if (progress) progress->Finish();
  report->frames += written;
}

// A numbered image sequence (a shot): frames in order through the same
// temporal pipeline as a video, to a folder of stereo frames named after
// the inputs or to a video at --fps.
void ProcessSequence(const MediaInput& input, Predictor& predictor,
                     const StereoJobOptions& options, OutputTarget target,
                     StereoJobReport* report, const JobControl& control) {
  if (target == OutputTarget::kVideo &&
      OutputExists(options, input.path, control)) {
    return;
  }
  const int64_t count = static_cast<int64_t>(input.frames.size());
  const auto frame_path = [&](int64_t index) {
    fs::path path = options.output / input.output_stem.parent_path() /
                    input.frames[static_cast<size_t>(index)].stem();
    path += "_3d." + options.folder_format;
    return path;
  };
  std::unique_ptr<VideoWriter> writer;
  if (target == OutputTarget::kVideo) {
    if (options.render.layout == StereoLayout::kSeparate) {
      throw OptionError(
          fmt::format("{} lr writes two files per frame: give a folder",
                      OptionField("layout")));
    }
    const ImageInfo probe = ProbeImage(input.frames.front());
    const cv::Size size =
        ComposedSize({probe.width, probe.height}, options.render.layout);
    VideoOutputSpec spec;
    spec.width = size.width;
    spec.height = size.height;
    const int scale = 1001;  // 23.976 -> 24000/1001
    spec.frame_rate = {
        static_cast<int>(std::lround(options.sequence_fps * scale)), scale};
    spec.time_base = {spec.frame_rate.den, spec.frame_rate.num};
    VideoEncodeOptions encode = options.encode;
    encode.stereo = ContainerStereoTag(options.render.layout);
    writer = std::make_unique<VideoWriter>(options.output, spec, encode);
  }
  std::unique_ptr<FileProgress> progress;
  if (options.show_progress) {
    progress = std::make_unique<FileProgress>(
        control, input.path, input.output_stem.string(), count);
  }
  int64_t next = 0, written = 0;
  cv::Size size;
  RunFrames(
      predictor, options,
      [&](int64_t* index, cv::Mat* image) {
        if (next >= count) return false;
        const fs::path& path = input.frames[static_cast<size_t>(next)];
        *image = ReadImage(path, ReadMode::kColor8,
                           CommandImageLimits("stereo", kStereoBytesPerPixel));
        if (size.empty()) size = image->size();
        if (image->size() != size) {
          ThrowError("{}: frame is {}x{}, the sequence {}x{}", path.string(),
                     image->cols, image->rows, size.width, size.height);
        }
        *index = next++;
        return true;
      },
      [&](int64_t index, const cv::Mat& stereo) {
        if (writer) {
          writer->Write(stereo, index);
          return;
        }
        const fs::path path = frame_path(index);
        fs::create_directories(path.parent_path());
        WriteImage(path, stereo);
      },
      control, progress.get(), &written, report);
  if (writer) Timed(&report->encode_s, [&] { writer->Finish(); });
  if (progress) progress->Finish();
  report->frames += written;
}

// Outputs of this job that exist now, for the overwrite policy: checked
// before any work so that a refused job changes nothing.
std::vector<fs::path> ExistingOutputFiles(const std::vector<MediaInput>& inputs,
                                          const StereoJobOptions& options,
                                          OutputTarget target) {
  std::vector<fs::path> existing;
  std::error_code error;
  const auto add_if_exists = [&](const fs::path& path) {
    for (const fs::path& file : ImageOutputs(path, options.render.layout)) {
      if (fs::exists(file, error)) existing.push_back(file);
    }
  };
  if (target != OutputTarget::kFolder) {
    add_if_exists(options.output);
    return existing;
  }
  for (const MediaInput& input : inputs) {
    const fs::path stem = options.output / input.output_stem;
    if (input.kind == MediaKind::kImage) {
      fs::path path = stem;
      path += "_3d." + options.folder_format;
      add_if_exists(path);
    } else if (input.kind == MediaKind::kImageSequence) {
      for (const fs::path& frame : input.frames) {
        fs::path path =
            options.output / input.output_stem.parent_path() / frame.stem();
        path += "_3d." + options.folder_format;
        add_if_exists(path);
      }
    } else {
      const std::vector<fs::path> frames = ExistingNumberedFiles(
          stem.parent_path(), stem.filename().string() + "_",
          "_3d." + options.folder_format);
      existing.insert(existing.end(), frames.begin(), frames.end());
    }
  }
  return existing;
}

}  // namespace

StereoTag ContainerStereoTag(StereoLayout layout) {
  switch (layout) {
    case StereoLayout::kSideBySide:
    case StereoLayout::kHalfSideBySide:
      return StereoTag::kSideBySideLeftFirst;
    case StereoLayout::kCrossEyed:
      return StereoTag::kSideBySideRightFirst;
    case StereoLayout::kTopBottom:
    case StereoLayout::kHalfTopBottom:
      return StereoTag::kTopBottomLeftFirst;
    default:
      return StereoTag::kNone;
  }
}

void StereoJobOptions::Check() const {
  if (render.renderer == ViewRenderer::kDeep3d && !disparity_file.empty()) {
    throw OptionError(
        fmt::format("{} deep3d renders from the network's plane choices, not "
                    "from a given {}",
                    OptionField("renderer"), OptionField("disparity_file")));
  }
  if (render.unit == DisparityUnit::kPixels && disparity_file.empty()) {
    throw OptionError(fmt::format(
        "{} pixels needs {} (the network's disparity is relative)",
        OptionField("disparity_unit"), OptionField("disparity_file")));
  }
  render.parallax.Check();
}

StereoRenderOptions StereoJobOptions::ResolvedRender() const {
  StereoRenderOptions resolved = render;
  if (resolved.edge_sharpen_radius == kAutoEdgeSharpen) {
    resolved.edge_sharpen_radius = disparity_file.empty() ? 3 : 0;
  }
  return resolved;
}

StereoJobReport RunStereoJob(const std::vector<MediaInput>& inputs,
                             Predictor* predictor,
                             const StereoJobOptions& given_options,
                             const JobControl& control) {
  given_options.Check();
  StereoJobOptions options = given_options;
  options.render = given_options.ResolvedRender();
  const auto started = std::chrono::steady_clock::now();
  if (!options.disparity_file.empty() &&
      (inputs.size() != 1 || inputs.front().kind != MediaKind::kImage)) {
    throw OptionError(
        fmt::format("{} gives the map of one photo: give one image input",
                    OptionField("disparity_file")));
  }
  const OutputTarget target = CheckMediaOutput(inputs, options.output);
  for (const MediaInput& input : inputs) {
    for (const fs::path& file :
         ImageOutputs(options.output, options.render.layout)) {
      CheckNotAnInput(file, std::span(&input.path, 1));
    }
  }
  if (!options.disparity_file.empty()) {
    CheckNotAnInput(options.output, std::span(&options.disparity_file, 1));
  }
  for (const MediaInput& input : inputs) {
    if (input.kind != MediaKind::kImage &&
        options.render.layout == StereoLayout::kSeparate) {
      throw OptionError(
          fmt::format("{} lr (two files) is for photos; for {} use sbs, tb, or "
                      "right/left",
                      OptionField("layout"), input.path.string()));
    }
  }
  PrepareMediaOutputs(options, target,
                      ExistingOutputFiles(inputs, options, target));
  THROW_CHECK_MSG(predictor || !options.disparity_file.empty(),
                  "no predictor and no disparity file");

  StereoJobReport report;
  ForEachMediaInput(
      inputs,
      [&](const std::vector<const MediaInput*>& images) {
        ProcessImages(images, predictor, options, target, &report, control);
      },
      [&](const MediaInput& input) {
        if (input.kind == MediaKind::kVideo) {
          ProcessVideo(input, *predictor, options, target, &report, control);
        } else {
          ProcessSequence(input, *predictor, options, target, &report, control);
        }
      },
      &report.failures, control);
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return report;
}

}  // namespace parallax
