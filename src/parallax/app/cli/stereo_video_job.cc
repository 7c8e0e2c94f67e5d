#include "parallax/app/cli/stereo_video_job.h"

#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "parallax/io/video_concat.h"
#include "parallax/io/video_reader.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

fs::path SegmentPath(const fs::path& parts, int64_t k, const fs::path& ext) {
  return parts / fmt::format("seg_{:06d}{}", k, ext.string());
}
fs::path SegmentInfoPath(const fs::path& parts, int64_t k) {
  return parts / fmt::format("seg_{:06d}.json", k);
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Everything that changes the frames or the file: a resume with other
// settings would mix two conversions, so it is refused.
std::string Fingerprint(const MediaInput& input, const StereoJobOptions& o) {
  std::error_code error;
  const auto size = fs::file_size(input.path, error);
  const auto time = fs::last_write_time(input.path, error);
  const StereoRenderOptions& r = o.render;
  nlohmann::json json = {
      {"input", fs::absolute(input.path).string()},
      {"input_size", error ? 0 : size},
      {"input_time", time.time_since_epoch().count()},
      {"model", o.model_id},
      {"layout", StereoLayoutName(r.layout)},
      {"anaglyph", int(r.anaglyph)},
      {"unit", int(r.unit)},
      {"divergence", r.parallax.divergence_percent},
      {"convergence", r.parallax.convergence ? *r.parallax.convergence : -1},
      {"foreground_scale", r.parallax.foreground_scale},
      {"synthetic", int(r.synthetic)},
      {"renderer", int(r.renderer)},
      {"edge_sharpen", r.edge_sharpen_radius},
      {"upsample", int(o.sequence.upsample.method)},
      {"temporal", int(o.sequence.stabilizer.mode)},
      {"codec", o.encode.codec},
      {"crf", o.encode.crf},
      {"preset", o.encode.preset},
      {"pix_fmt", o.encode.pix_fmt},
      {"start", o.start ? o.start->ToString() : ""},
      {"end", o.end ? o.end->ToString() : ""},
      {"segment_frames", o.segment_frames},
      {"warmup_frames", o.warmup_frames},
  };
  return json.dump(2) + "\n";
}

void CheckInterrupt() {
  if (InterruptRequested()) throw Cancelled();
}

struct BufferedFrame {
  int64_t index;
  cv::Mat image;
};

}  // namespace

fs::path StereoPartsFolder(const fs::path& output) {
  return output.parent_path() /
         fmt::format(".{}.parts", output.filename().string());
}

void ConvertVideoToStereoVideo(const MediaInput& input, Predictor& predictor,
                               const StereoJobOptions& options,
                               StereoJobReport* report) {
  THROW_CHECK(options.segment_frames >= 1 && options.warmup_frames >= 0);
  const fs::path parts = StereoPartsFolder(options.output);
  const fs::path ext = options.output.extension();
  const std::string fingerprint = Fingerprint(input, options);
  const fs::path job_file = parts / "job.json";
  std::error_code error;
  if (fs::exists(parts, error)) {
    if (!options.resume) {
      fs::remove_all(parts, error);
    } else if (ReadText(job_file) != fingerprint) {
      ThrowError(
          "{} holds the parts of a conversion with other settings or "
          "another input: run without --resume to start over",
          parts.string());
    }
  }
  fs::create_directories(parts, error);
  if (error) {
    ThrowError("cannot create {}: {}", parts.string(), error.message());
  }
  WriteFileAtomic(job_file, fingerprint);

  // Finished segments: a segment file (renamed into place when complete)
  // and its info (written after it).
  const auto segment_done = [&](int64_t k) {
    return fs::exists(SegmentInfoPath(parts, k), error) &&
           fs::exists(SegmentPath(parts, k, ext), error);
  };
  int64_t first_missing = 0;
  while (segment_done(first_missing)) ++first_missing;
  // The first frame of the range and the start of the copied streams, as
  // the run that wrote segment 0 read them.
  std::optional<int64_t> first_index;
  std::optional<double> copy_start;
  if (first_missing > 0) {
    const nlohmann::json first =
        nlohmann::json::parse(ReadText(SegmentInfoPath(parts, 0)));
    first_index = first.at("first_index").get<int64_t>();
    copy_start = first.at("copy_start_s").get<double>();
  }

  VideoReadOptions read_options;
  read_options.start = options.start;
  read_options.end = options.end;
  read_options.conceal_errors = options.conceal_errors;
  if (first_index) {
    // Resume: decode from the warm-up frames before the first missing
    // segment.
    const int64_t resume_at = std::max(
        *first_index, *first_index + first_missing * options.segment_frames -
                          options.warmup_frames);
    read_options.start = VideoPosition::Frame(resume_at);
  }
  VideoReader reader(input.path, read_options);
  const VideoInfo& info = reader.info();
  // The copy bounds of the whole range, not of this (resumed) read.
  if (!copy_start) copy_start = reader.start_time_s();
  const std::optional<double> copy_end =
      reader.end_time_s();  // nullopt: to the end
  const cv::Size size =
      ComposedSize(reader.frame_size(), options.render.layout);
  VideoOutputSpec spec;
  spec.width = size.width;
  spec.height = size.height;
  spec.frame_rate = info.frame_rate;
  spec.time_base = info.time_base;
  VideoEncodeOptions encode = options.encode;
  encode.stereo = ContainerStereoTag(options.render.layout);

  std::unique_ptr<ProgressBar> progress;
  if (options.show_progress) {
    progress = std::make_unique<ProgressBar>(
        input.path.filename().string(), reader.expected_frames(), "frames/s");
  }

  std::unique_ptr<SequenceDepthEstimator> estimator;
  RangeTracker range_tracker;
  std::unique_ptr<VideoWriter> writer;
  int64_t segment = -1, segment_first_pts = 0, written = 0;
  std::map<int64_t, int64_t> pts_by_index;
  std::deque<BufferedFrame> recent;  // the last warmup_frames frames read
  const auto segment_of = [&](int64_t index) {
    return (index - *first_index) / options.segment_frames;
  };
  const auto emit = [&](std::vector<DepthFrame> frames) {
    for (DepthFrame& frame : frames) {
      const DisparityRange range =
          range_tracker.Update(frame.disparity, frame.scene_cut);
      if (segment_of(frame.index) != segment) continue;  // warm-up only
      const int64_t pts = pts_by_index.at(frame.index);
      pts_by_index.erase(frame.index);
      const cv::Mat stereo = Timed(&report->synthesis_s, [&] {
        return ComposeStereoFrame(
            RenderStereoViews(frame.image, frame.disparity, range,
                              options.render, &frame.planes),
            options.render);
      });
      Timed(&report->encode_s, [&] {
        if (!writer) {
          writer = std::make_unique<VideoWriter>(
              SegmentPath(parts, segment, ext), spec, encode);
          segment_first_pts = pts;
        }
        writer->Write(stereo, pts);
      });
      ++written;
      if (options.on_frame) options.on_frame(written);
    }
  };
  const auto finish_segment = [&] {
    if (!estimator) return;
    emit(Timed(&report->depth_s, [&] { return estimator->Finish(); }));
    estimator.reset();
    if (!writer) return;
    Timed(&report->encode_s, [&] { writer->Finish(); });
    writer.reset();
    nlohmann::json segment_info = {{"first_pts", segment_first_pts},
                                   {"first_index", *first_index}};
    if (segment == 0) segment_info["copy_start_s"] = copy_start.value_or(0);
    WriteFileAtomic(SegmentInfoPath(parts, segment),
                    segment_info.dump() + "\n");
  };
  const auto start_segment = [&](int64_t k) {
    segment = k;
    estimator =
        std::make_unique<SequenceDepthEstimator>(predictor, options.sequence);
    range_tracker = RangeTracker();
    for (const BufferedFrame& warm : recent) {
      emit(Timed(&report->depth_s,
                 [&] { return estimator->Push(warm.index, warm.image); }));
    }
  };

  VideoFrame frame;
  std::exception_ptr read_error;
  int64_t seen = 0;
  while (true) {
    CheckInterrupt();
    try {
      if (!Timed(&report->decode_s, [&] { return reader.Read(&frame); })) {
        break;
      }
    } catch (const Error&) {
      read_error = std::current_exception();
      break;
    }
    if (!first_index) first_index = frame.index;
    const int64_t k = segment_of(frame.index);
    if (!estimator) {
      // First frame read: a resumed run starts in the warm-up before
      // `first_missing`; its frames belong to finished segments.
      segment = std::max(k, first_missing);
      estimator =
          std::make_unique<SequenceDepthEstimator>(predictor, options.sequence);
    } else if (k > segment) {
      finish_segment();
      start_segment(k);
    }
    if (k >= segment) pts_by_index[frame.index] = frame.pts;
    emit(Timed(&report->depth_s,
               [&] { return estimator->Push(frame.index, frame.image); }));
    recent.push_back({frame.index, frame.image});
    while (int64_t(recent.size()) > options.warmup_frames) recent.pop_front();
    if (progress) progress->Update(++seen);
  }
  finish_segment();
  report->frames += written;
  if (progress) progress->Finish();

  std::vector<VideoSegment> segments;
  for (int64_t k = 0; segment_done(k); ++k) {
    segments.push_back(
        {SegmentPath(parts, k, ext),
         nlohmann::json::parse(ReadText(SegmentInfoPath(parts, k)))
             .at("first_pts")
             .get<int64_t>()});
  }
  if (segments.empty()) {
    if (read_error) std::rethrow_exception(read_error);
    ThrowError("{}: no frames to convert", input.path.string());
  }
  VideoJoinSpec join;
  join.time_base = info.time_base;
  join.copy_streams_from = input.path;
  join.copy_start_s = copy_start;
  if (!read_error) join.copy_end_s = copy_end;
  join.stereo = encode.stereo;
  join.metadata = encode.metadata;
  Timed(&report->encode_s,
        [&] { JoinVideoSegments(segments, options.output, join); });
  fs::remove_all(parts, error);
  if (read_error) std::rethrow_exception(read_error);
}

}  // namespace parallax
