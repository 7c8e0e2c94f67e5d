#include "parallax/jobs/depth_job.h"

#include <cctype>
#include <chrono>
#include <deque>
#include <exception>
#include <map>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "parallax/io/image_io.h"
#include "parallax/io/video_reader.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/jobs/segmented_video.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/strings.h"

namespace parallax {

VideoEncodeOptions DepthVideoEncodeDefaults() {
  VideoEncodeOptions encode;
  encode.preset = "superfast";
  encode.crf = 18;
  encode.tune = "psnr";
  return encode;
}
namespace {

namespace fs = std::filesystem;

// Frame folders are written in segments (MediaJobOptions::segment_frames,
// 240 by default). Each segment starts a fresh temporal stabiliser that
// first sees the `warmup_frames` (8) frames before the segment (predicted,
// not written). An uninterrupted run and a resumed one (which restarts at
// the segment of the first missing frame) then compute every frame from the
// same frames and give byte-identical files; the cost is 8 extra
// predictions per 240 frames (3 %).

fs::path FolderFile(const DepthJobOptions& options, const fs::path& stem) {
  fs::path path = options.output / stem;
  path += "_disp." + options.folder_format;
  return path;
}

// 16-bit frames for encoders that keep more than 8 bits.
bool WantsSixteenBitFrames(const VideoEncodeOptions& encode) {
  if (ToLower(encode.codec) == "ffv1") return true;
  for (const char* depth : {"9", "10", "12", "14", "16"}) {
    const std::string& f = encode.pix_fmt;
    const size_t at = f.find(depth);
    if (at != std::string::npos && at > 0 && !std::isdigit(f[at - 1])) {
      return true;
    }
  }
  return false;
}

// Where the frames of a video or sequence go.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void Write(const DepthFrame& frame, const DisparityRange& range) = 0;
  virtual void Finish() {}
  // Whether frames go out in resumable segments (see above).
  virtual bool segmented() const { return false; }
};

class FolderSink : public FrameSink {
 public:
  FolderSink(const DepthJobOptions& options,
             std::function<fs::path(int64_t)> path_of)
      : options_(options), path_of_(std::move(path_of)) {}
  void Write(const DepthFrame& frame, const DisparityRange& range) override {
    const fs::path path = path_of_(frame.index);
    fs::create_directories(path.parent_path());
    WriteDisparityFile(path, frame.disparity, options_.file, range);
  }
  bool segmented() const override { return true; }

 private:
  const DepthJobOptions& options_;
  std::function<fs::path(int64_t)> path_of_;
};

class VideoSink : public FrameSink {
 public:
  VideoSink(const DepthJobOptions& options, const VideoOutputSpec& spec,
            std::function<int64_t(int64_t)> pts_of)
      : options_(options),
        writer_(options.output, spec, options.encode),
        pts_of_(std::move(pts_of)),
        sixteen_bit_(WantsSixteenBitFrames(options.encode)) {}
  void Write(const DepthFrame& frame, const DisparityRange& range) override {
    writer_.Write(DisparityVideoFrame(frame.disparity, options_.file, range,
                                      sixteen_bit_),
                  pts_of_(frame.index));
  }
  void Finish() override { writer_.Finish(); }

 private:
  const DepthJobOptions& options_;
  VideoWriter writer_;
  std::function<int64_t(int64_t)> pts_of_;
  bool sixteen_bit_;
};

// True when a frame's output exists from an earlier run (--resume).
using FrameDone = std::function<bool(int64_t)>;

// The segment of a frame, counted from the first frame read.
int64_t SegmentOf(int64_t index, int64_t first, int64_t segment_frames) {
  return (index - first) / segment_frames;
}

// On resume, a frame is skipped (not even predicted) when its segment is
// complete and so is the segment `warmup` frames later, whose warm-up
// it may be. Each segment's files are looked up once, not once per frame.
class ResumeSegments {
 public:
  ResumeSegments(FrameDone done, int64_t segment_frames, int64_t warmup)
      : done_(std::move(done)),
        segment_frames_(segment_frames),
        warmup_(warmup) {}

  bool Skippable(int64_t index, int64_t first) {
    if (!done_) return false;
    return Complete(SegmentOf(index, first, segment_frames_), first) &&
           Complete(SegmentOf(index + warmup_, first, segment_frames_), first);
  }

 private:
  bool Complete(int64_t segment, int64_t first) {
    const auto [it, fresh] = complete_.try_emplace(segment, true);
    if (fresh) {
      for (int64_t k = 0; k < segment_frames_ && it->second; ++k) {
        it->second = done_(first + segment * segment_frames_ + k);
      }
    }
    return it->second;
  }

  FrameDone done_;
  int64_t segment_frames_;
  int64_t warmup_;
  std::map<int64_t, bool> complete_;
};

// Runs frames through the sequence estimator into a sink; `read` returns
// false at the end. A read error (damaged input) still writes and finishes
// everything before it, then rethrows; an error of the sink itself (disk
// full, encoder) propagates at once and the sink discards its partial file.
int64_t RunFrames(Predictor& predictor, const DepthJobOptions& options,
                  const std::function<bool(int64_t*, cv::Mat*)>& read,
                  const FrameDone& done, FrameSink& sink,
                  const JobControl& control, FileProgress* progress,
                  DepthJobReport* report) {
  auto estimator =
      std::make_unique<SequenceDepthEstimator>(predictor, options.sequence);
  RangeTracker range_tracker;
  int64_t written = 0, seen = 0;
  double raw_flicker = -1, stabilized_flicker = -1;
  // Segments (see above) for frame folders and sequences.
  const bool segmented = sink.segmented();
  const int64_t segment_frames = options.segment_frames;
  ResumeSegments resume(done, segment_frames, options.warmup_frames);
  std::optional<int64_t> first_index;
  int64_t segment_start = 0;  // frames before it are warm-up, not written
  std::deque<std::pair<int64_t, cv::Mat>> recent;  // the warm-up frames
  const auto emit = [&](std::vector<DepthFrame> frames) {
    for (DepthFrame& frame : frames) {
      const DisparityRange range =
          range_tracker.Update(frame.disparity, frame.scene_cut);
      if (frame.index < segment_start) continue;
      if (done && done(frame.index)) continue;
      sink.Write(frame, range);
      ++written;
    }
  };
  // Flicker is measured over the frames the current estimator saw.
  const auto keep_flicker = [&] {
    if (estimator->raw_flicker().pairs() > 0) {
      raw_flicker = estimator->raw_flicker().relative_change();
      stabilized_flicker = estimator->stabilized_flicker().relative_change();
    }
  };
  std::exception_ptr read_error;
  bool after_gap = false;
  int64_t index = 0;
  cv::Mat image;
  while (true) {
    control.CheckCancel();
    try {
      if (!read(&index, &image)) break;
    } catch (const Error&) {
      read_error = std::current_exception();
      break;
    }
    ++seen;
    if (progress) progress->Update(seen);
    if (!first_index) first_index = index;
    if (segmented && resume.Skippable(index, *first_index)) {
      after_gap = true;
      recent.clear();  // the warm-up frames must be the ones just before
      continue;
    }
    const bool boundary = segmented && index != *first_index &&
                          (index - *first_index) % segment_frames == 0;
    if (after_gap || boundary) {
      // A fresh stabiliser: never blending across skipped frames, and at a
      // segment start warmed up on the frames before it only.
      emit(estimator->Finish());
      keep_flicker();
      estimator =
          std::make_unique<SequenceDepthEstimator>(predictor, options.sequence);
      range_tracker = RangeTracker();
      after_gap = false;
      if (boundary) {
        segment_start = index;
        for (const auto& [warm_index, warm_image] : recent) {
          emit(estimator->Push(warm_index, warm_image));
        }
      } else {
        // After a gap the frames before the next segment are its warm-up.
        segment_start = *first_index +
                        (SegmentOf(index, *first_index, segment_frames) + 1) *
                            segment_frames;
      }
    }
    if (segmented) {
      recent.emplace_back(index, image.clone());
      if (static_cast<int64_t>(recent.size()) > options.warmup_frames) {
        recent.pop_front();
      }
    }
    emit(estimator->Push(index, image));
  }
  emit(estimator->Finish());
  keep_flicker();
  report->raw_flicker = raw_flicker;
  report->stabilized_flicker = stabilized_flicker;
  if (read_error) {
    if (written > 0) {
      try {
        sink.Finish();
        report->frames += written;
      } catch (const Error&) {
        // The read error is the one to report.
      }
    }
    std::rethrow_exception(read_error);
  }
  if (written > 0 || !done) sink.Finish();
  return written;
}

std::string VideoFrameStem(const MediaInput& input, int64_t index) {
  return fmt::format("{}_{:06d}", input.output_stem.string(), index);
}

// For --resume of a video output: the finished file is only renamed into
// place when complete, so an existing one is done.
bool AlreadyWritten(const DepthJobOptions& options, const fs::path& input,
                    const JobControl& control) {
  std::error_code error;
  if (!options.resume || !fs::exists(options.output, error)) return false;
  control.Skip(input, fmt::format("{} exists, skipped (resume)",
                                  options.output.string()));
  return true;
}

// Depth of each frame as a video frame, the range tracked over the segment.
class DepthFrameRenderer : public FrameRenderer {
 public:
  explicit DepthFrameRenderer(const DepthJobOptions& options)
      : options_(options),
        sixteen_bit_(WantsSixteenBitFrames(options.encode)) {}
  void Reset() override { tracker_ = RangeTracker(); }
  void Observe(DepthFrame& frame) override {
    range_ = tracker_.Update(frame.disparity, frame.scene_cut);
  }
  cv::Mat Render(DepthFrame& frame) override {
    return DisparityVideoFrame(frame.disparity, options_.file, range_,
                               sixteen_bit_);
  }

 private:
  const DepthJobOptions& options_;
  bool sixteen_bit_;
  RangeTracker tracker_;
  DisparityRange range_;
};

std::string DepthVideoSettings(const DepthJobOptions& options,
                               const Predictor& predictor) {
  const DisparityFileOptions& file = options.file;
  return fmt::format("{}|colormap {}|invert {}|range {} {}|{}",
                     options.model_id, int(file.colormap), file.invert,
                     file.range ? file.range->low : 0.0,
                     file.range ? file.range->high : 0.0,
                     PredictorSettings(predictor.options()));
}

// A video to a depth video, resumable segment by segment (jobs/).
void ProcessVideoToVideo(const MediaInput& input, Predictor& predictor,
                         const DepthJobOptions& options, DepthJobReport* report,
                         const JobControl& control) {
  if (AlreadyWritten(options, input.path, control)) return;
  SegmentedVideoOptions video = SegmentedVideoFor(options);
  video.frame_limits = CommandImageLimits("depth", kDepthBytesPerPixel);
  video.settings = DepthVideoSettings(options, predictor);
  DepthFrameRenderer renderer(options);
  const SegmentedVideoReport done =
      RunSegmentedVideo(input.path, predictor, renderer, video, control);
  report->frames += done.frames;
  report->raw_flicker = done.raw_flicker;
  report->stabilized_flicker = done.stabilized_flicker;
  report->decode_s += done.decode_s;
  report->depth_s += done.depth_s;
  report->render_s += done.render_s;
  report->encode_s += done.encode_s;
  report->video_frames += done.frames;
}

// A video to a frame folder.
void ProcessVideo(const MediaInput& input, Predictor& predictor,
                  const DepthJobOptions& options, DepthJobReport* report,
                  const JobControl& control) {
  VideoReadOptions read_options;
  read_options.start = options.start;
  read_options.end = options.end;
  read_options.conceal_errors = options.conceal_errors;
  // The warm-up frames of each segment are kept (BGR, 3 bytes a pixel).
  read_options.frame_limits = CommandImageLimits(
      "depth", kDepthBytesPerPixel + 3.0 * options.warmup_frames);
  const auto path_of = [&](int64_t index) {
    return FolderFile(options, VideoFrameStem(input, index));
  };
  FrameDone done;
  if (options.resume) {
    done = [&](int64_t index) {
      std::error_code error;
      return fs::exists(path_of(index), error);
    };
  }
  VideoReader reader(input.path, read_options);
  FolderSink sink(options, path_of);
  std::unique_ptr<FileProgress> progress;
  if (options.show_progress) {
    progress = std::make_unique<FileProgress>(control, input.path,
                                              input.path.filename().string(),
                                              reader.expected_frames());
  }
  VideoFrame frame;
  report->frames += RunFrames(
      predictor, options,
      [&](int64_t* index, cv::Mat* image) {
        if (!reader.Read(&frame)) return false;
        *index = frame.index;
        *image = frame.image;
        return true;
      },
      done, sink, control, progress.get(), report);
  if (progress) progress->Finish();
}

void ProcessSequence(const MediaInput& input, Predictor& predictor,
                     const DepthJobOptions& options, OutputTarget target,
                     DepthJobReport* report, const JobControl& control) {
  if (target == OutputTarget::kVideo &&
      AlreadyWritten(options, input.path, control)) {
    return;
  }
  const int64_t count = static_cast<int64_t>(input.frames.size());
  const auto path_of = [&](int64_t index) {
    const fs::path& frame = input.frames[static_cast<size_t>(index)];
    return FolderFile(options, input.output_stem.parent_path() / frame.stem());
  };
  FrameDone done;
  if (target == OutputTarget::kFolder && options.resume) {
    done = [&](int64_t index) {
      if (index >= count) return false;
      std::error_code error;
      return fs::exists(path_of(index), error);
    };
  }
  std::unique_ptr<FrameSink> sink;
  if (target == OutputTarget::kVideo) {
    VideoOutputSpec spec;
    const ImageInfo probe = ProbeImage(input.frames.front());
    spec.width = probe.width;
    spec.height = probe.height;
    // Frame rates like 23.976 become 24000/1001.
    const int scale = 1001;
    spec.frame_rate = {
        static_cast<int>(std::lround(options.sequence_fps * scale)), scale};
    spec.time_base = {spec.frame_rate.den, spec.frame_rate.num};
    sink = std::make_unique<VideoSink>(options, spec,
                                       [](int64_t index) { return index; });
  } else {
    sink = std::make_unique<FolderSink>(options, path_of);
  }
  std::unique_ptr<FileProgress> progress;
  if (options.show_progress) {
    progress = std::make_unique<FileProgress>(
        control, input.path, input.output_stem.string(), count);
  }
  int64_t next = 0;
  ResumeSegments resume(done, options.segment_frames, options.warmup_frames);
  cv::Size size;
  report->frames += RunFrames(
      predictor, options,
      [&](int64_t* index, cv::Mat* image) {
        if (next >= count) return false;
        const fs::path& path = input.frames[static_cast<size_t>(next)];
        // Frames that resume skips are not decoded, only counted.
        if (!resume.Skippable(next, 0)) {
          *image = ReadImage(path, ReadMode::kColor8,
                             CommandImageLimits("depth", kDepthBytesPerPixel));
          if (size.empty()) size = image->size();
          if (image->size() != size) {
            ThrowError("{}: frame is {}x{}, the sequence {}x{}", path.string(),
                       image->cols, image->rows, size.width, size.height);
          }
        }
        *index = next++;
        return true;
      },
      done, *sink, control, progress.get(), report);
  if (progress) progress->Finish();
}

// Independent images, read and predicted `batch` at a time.
void ProcessImages(const std::vector<const MediaInput*>& images,
                   Predictor& predictor, const DepthJobOptions& options,
                   OutputTarget target, DepthJobReport* report,
                   const JobControl& control) {
  std::unique_ptr<FileProgress> progress;
  if (options.show_progress && images.size() > 1) {
    progress = std::make_unique<FileProgress>(
        control, fs::path(), "depth", static_cast<int64_t>(images.size()),
        "img/s");
  }
  const auto output_of = [&](const MediaInput& input) {
    return target == OutputTarget::kFile
               ? options.output
               : FolderFile(options, input.output_stem);
  };
  const size_t batch = static_cast<size_t>(predictor.options().batch);
  size_t done = 0;
  for (size_t begin = 0; begin < images.size(); begin += batch) {
    control.CheckCancel();
    std::vector<const MediaInput*> loaded;
    std::vector<cv::Mat> pixels;
    for (size_t i = begin; i < std::min(images.size(), begin + batch); ++i) {
      const MediaInput& input = *images[i];
      std::error_code error;
      if (options.resume && fs::exists(output_of(input), error)) {
        control.Skip(input.path, fmt::format("{} exists, skipped (resume)",
                                             output_of(input).string()));
        continue;
      }
      try {
        pixels.push_back(
            ReadImage(input.path, ReadMode::kColor8,
                      CommandImageLimits("depth", kDepthBytesPerPixel)));
        loaded.push_back(&input);
      } catch (const std::exception& e) {
        RecordFailure(&report->failures, control,
                      NamedFailure(input.path, control.Describe(e)));
      }
    }
    std::vector<cv::Mat> disparities;
    try {
      disparities = pixels.empty()
                        ? std::vector<cv::Mat>()
                        : EstimateDisparities(predictor, pixels,
                                              options.sequence.upsample);
    } catch (const Cancelled&) {
      throw;
    } catch (const std::exception&) {
      // One image the network cannot take (too elongated) fails alone and
      // by name: the batch is estimated one by one.
      disparities.assign(loaded.size(), cv::Mat());
      for (size_t i = 0; i < loaded.size(); ++i) {
        try {
          disparities[i] = EstimateDisparities(predictor, {pixels[i]},
                                               options.sequence.upsample)
                               .front();
        } catch (const Cancelled&) {
          throw;
        } catch (const std::exception& e) {
          RecordFailure(&report->failures, control,
                        fmt::format("{}: {}", loaded[i]->path.string(),
                                    control.Describe(e)));
        }
      }
    }
    for (size_t i = 0; i < loaded.size(); ++i) {
      if (disparities[i].empty()) continue;
      const fs::path path = output_of(*loaded[i]);
      try {
        if (path.has_parent_path()) fs::create_directories(path.parent_path());
        WriteDisparityFile(path, disparities[i], options.file,
                           RobustRange(disparities[i]));
        ++report->images;
        control.Wrote(path);
      } catch (const std::exception& e) {
        RecordFailure(&report->failures, control,
                      NamedFailure(loaded[i]->path, control.Describe(e)));
      }
    }
    done = std::min(images.size(), begin + batch);
    if (progress) progress->Update(static_cast<int64_t>(done));
  }
  if (progress) progress->Finish();
}

// Outputs of this job that exist now, for the overwrite policy: checked
// before any work so that a refused job changes nothing.
std::vector<fs::path> ExistingOutputFiles(const std::vector<MediaInput>& inputs,
                                          const DepthJobOptions& options,
                                          OutputTarget target) {
  std::error_code error;
  if (target != OutputTarget::kFolder) {
    if (fs::exists(options.output, error)) return {options.output};
    return {};
  }
  std::vector<fs::path> existing;
  if (!fs::is_directory(options.output, error)) return existing;
  for (const MediaInput& input : inputs) {
    if (input.kind == MediaKind::kImage) {
      const fs::path path = FolderFile(options, input.output_stem);
      if (fs::exists(path, error)) existing.push_back(path);
    } else if (input.kind == MediaKind::kImageSequence) {
      for (const fs::path& frame : input.frames) {
        const fs::path path =
            FolderFile(options, input.output_stem.parent_path() / frame.stem());
        if (fs::exists(path, error)) existing.push_back(path);
      }
    } else {
      // Video frames: <stem>_NNNNNN_disp.<ext>, whatever the range.
      const fs::path stem = options.output / input.output_stem;
      const std::vector<fs::path> frames = ExistingNumberedFiles(
          stem.parent_path(), stem.filename().string() + "_",
          "_disp." + options.folder_format);
      existing.insert(existing.end(), frames.begin(), frames.end());
    }
  }
  std::sort(existing.begin(), existing.end());
  return existing;
}

}  // namespace

DepthJobReport RunDepthJob(const std::vector<MediaInput>& inputs,
                           Predictor& predictor, const DepthJobOptions& options,
                           const JobControl& control) {
  const auto started = std::chrono::steady_clock::now();
  const OutputTarget target = CheckMediaOutput(inputs, options.output);
  PrepareMediaOutputs(options, target,
                      ExistingOutputFiles(inputs, options, target));

  DepthJobReport report;
  ForEachMediaInput(
      inputs,
      [&](const std::vector<const MediaInput*>& images) {
        ProcessImages(images, predictor, options, target, &report, control);
      },
      [&](const MediaInput& input) {
        if (input.kind == MediaKind::kVideo && target == OutputTarget::kVideo) {
          ProcessVideoToVideo(input, predictor, options, &report, control);
        } else if (input.kind == MediaKind::kVideo) {
          ProcessVideo(input, predictor, options, &report, control);
        } else {
          ProcessSequence(input, predictor, options, target, &report, control);
        }
      },
      &report.failures, control);
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return report;
}

}  // namespace parallax
