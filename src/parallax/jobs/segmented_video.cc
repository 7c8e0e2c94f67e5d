#include "parallax/jobs/segmented_video.h"

#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "parallax/io/video_concat.h"
#include "parallax/io/video_reader.h"
#include "parallax/jobs/job_control.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

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

// The input file as it is now, the frame range, the segmenting and the
// encoder, plus the job's own settings.
std::string Fingerprint(const fs::path& input, const SegmentedVideoOptions& o) {
  std::error_code error;
  const auto size = fs::file_size(input, error);
  const auto time = fs::last_write_time(input, error);
  const VideoEncodeOptions& e = o.encode;
  const TemporalStabilizerOptions& s = o.sequence.stabilizer;
  nlohmann::json json = {
      {"input", fs::absolute(input).string()},
      {"input_size", error ? 0 : size},
      {"input_time", time.time_since_epoch().count()},
      {"start", o.start ? o.start->ToString() : ""},
      {"end", o.end ? o.end->ToString() : ""},
      {"segment_frames", o.segment_frames},
      {"warmup_frames", o.warmup_frames},
      {"upsample", int(o.sequence.upsample.method)},
      {"guided",
       {o.sequence.upsample.guided_radius, o.sequence.upsample.guided_eps}},
      {"joint",
       {o.sequence.upsample.joint_sigma_spatial,
        o.sequence.upsample.joint_sigma_color}},
      {"temporal", int(s.mode)},
      {"temporal_strength", s.strength},
      {"temporal_flow_width", s.flow_width},
      {"temporal_limits",
       {s.photo_error_low, s.photo_error_high, s.disparity_change_low,
        s.disparity_change_high}},
      {"codec", e.codec},
      {"crf", e.crf},
      {"preset", e.preset},
      {"pix_fmt", e.pix_fmt},
      {"stereo_tag", int(e.stereo)},
      {"job", o.settings},
  };
  return json.dump(2) + "\n";
}

struct BufferedFrame {
  int64_t index;
  cv::Mat image;
};

// The parts folder, checked against this job's settings.
void PrepareParts(const fs::path& parts, const std::string& fingerprint,
                  bool resume) {
  const fs::path job_file = parts / "job.json";
  std::error_code error;
  if (fs::exists(parts, error)) {
    if (!resume) {
      fs::remove_all(parts, error);
    } else if (ReadText(job_file) != fingerprint) {
      throw OptionError(
          fmt::format("{} holds the parts of a conversion with other settings "
                      "or another input: run without {} to start over",
                      parts.string(), OptionField("resume")));
    }
  }
  fs::create_directories(parts, error);
  if (error) {
    ThrowError("cannot create {}: {}", parts.string(), error.message());
  }
  WriteFileAtomic(job_file, fingerprint);
}

}  // namespace

fs::path VideoPartsFolder(const fs::path& output) {
  return output.parent_path() /
         fmt::format(".{}.parts", output.filename().string());
}

std::string ModelFileSettings(const fs::path& model) {
  std::error_code error;
  return fmt::format("{} ({} bytes)", fs::absolute(model).string(),
                     fs::file_size(model, error));
}

std::string PredictorSettings(const PredictorOptions& o) {
  // Not `threads`: the thread count does not change the numbers.
  const nlohmann::json json = {
      {"device", o.device},
      {"batch", o.batch},
      {"flip", o.flip_postprocess},
      {"precision", ToString(o.precision)},
      {"target_pixels", o.target_pixels},
      {"net_short_side", o.net_short_side},
      {"target_short_side", o.target_short_side},
      {"edge_padding", o.edge_padding},
      {"flow", int(o.flow_method)},
  };
  return json.dump();
}

SegmentedVideoReport RunSegmentedVideo(const fs::path& input,
                                       Predictor& predictor,
                                       FrameRenderer& renderer,
                                       const SegmentedVideoOptions& options,
                                       const JobControl& control) {
  THROW_CHECK(options.segment_frames >= 1 && options.warmup_frames >= 0);
  SegmentedVideoReport report;
  const fs::path parts = VideoPartsFolder(options.output);
  const fs::path ext = options.output.extension();
  PrepareParts(parts, Fingerprint(input, options), options.resume);

  // Finished segments: a segment file (renamed into place when complete)
  // and its info (written after it).
  std::error_code error;
  const auto segment_done = [&](int64_t k) {
    return fs::exists(SegmentInfoPath(parts, k), error) &&
           fs::exists(SegmentPath(parts, k, ext), error);
  };
  const auto segment_info = [&](int64_t k) {
    return nlohmann::json::parse(ReadText(SegmentInfoPath(parts, k)));
  };
  int64_t first_missing = 0;
  while (segment_done(first_missing)) ++first_missing;
  // The first frame of the range and the start of the copied streams, as
  // the run that wrote segment 0 read them.
  std::optional<int64_t> first_index;
  std::optional<double> copy_start;
  if (first_missing > 0) {
    const nlohmann::json first = segment_info(0);
    first_index = first.at("first_index").get<int64_t>();
    copy_start = first.at("copy_start_s").get<double>();
    renderer.Restore(
        segment_info(first_missing - 1).value("carry", std::string()));
  }

  VideoReadOptions read_options;
  read_options.start = options.start;
  read_options.end = options.end;
  read_options.conceal_errors = options.conceal_errors;
  read_options.frame_limits = options.frame_limits;
  read_options.frame_limits.bytes_per_pixel += 3.0 * options.warmup_frames;
  if (first_index) {
    // Resume: decode from the warm-up frames before the first missing
    // segment.
    const int64_t resume_at = std::max(
        *first_index, *first_index + first_missing * options.segment_frames -
                          options.warmup_frames);
    read_options.start = VideoPosition::Frame(resume_at);
  }
  VideoReader reader(input, read_options);
  const VideoInfo& info = reader.info();
  // The copy bounds of the whole range, not of this (resumed) read.
  if (!copy_start) copy_start = reader.start_time_s();
  const std::optional<double> copy_end = reader.end_time_s();
  const cv::Size size = renderer.OutputSize(reader.frame_size());
  VideoOutputSpec spec;
  spec.width = size.width;
  spec.height = size.height;
  spec.frame_rate = info.frame_rate;
  spec.time_base = info.time_base;

  std::unique_ptr<SequenceDepthEstimator> estimator;
  std::unique_ptr<VideoWriter> writer;
  int64_t segment = -1, segment_first_pts = 0;
  std::map<int64_t, int64_t> pts_by_index;
  std::deque<BufferedFrame> recent;  // the last warmup_frames frames read
  const auto segment_of = [&](int64_t index) {
    return (index - *first_index) / options.segment_frames;
  };
  const auto emit = [&](std::vector<DepthFrame> frames) {
    for (DepthFrame& frame : frames) {
      Timed(&report.render_s, [&] { renderer.Observe(frame); });
      if (segment_of(frame.index) != segment) continue;  // warm-up only
      const int64_t pts = pts_by_index.at(frame.index);
      pts_by_index.erase(frame.index);
      const cv::Mat out =
          Timed(&report.render_s, [&] { return renderer.Render(frame); });
      Timed(&report.encode_s, [&] {
        if (!writer) {
          writer = std::make_unique<VideoWriter>(
              SegmentPath(parts, segment, ext), spec, options.encode);
          segment_first_pts = pts;
        }
        writer->Write(out, pts);
      });
      ++report.frames;
      if (options.on_frame) options.on_frame(report.frames);
    }
  };
  const auto keep_flicker = [&] {
    if (estimator && estimator->raw_flicker().relative_change() >= 0) {
      report.raw_flicker = estimator->raw_flicker().relative_change();
      report.stabilized_flicker =
          estimator->stabilized_flicker().relative_change();
    }
  };
  const auto finish_segment = [&] {
    if (!estimator) return;
    emit(Timed(&report.depth_s, [&] { return estimator->Finish(); }));
    keep_flicker();
    estimator.reset();
    if (!writer) return;
    Timed(&report.encode_s, [&] { writer->Finish(); });
    writer.reset();
    nlohmann::json info_json = {{"first_pts", segment_first_pts},
                                {"first_index", *first_index},
                                {"carry", renderer.Carry()}};
    if (segment == 0) info_json["copy_start_s"] = copy_start.value_or(0);
    WriteFileAtomic(SegmentInfoPath(parts, segment), info_json.dump() + "\n");
  };
  const auto start_segment = [&](int64_t k) {
    segment = k;
    estimator =
        std::make_unique<SequenceDepthEstimator>(predictor, options.sequence);
    renderer.Reset();
    for (const BufferedFrame& warm : recent) {
      emit(Timed(&report.depth_s,
                 [&] { return estimator->Push(warm.index, warm.image); }));
    }
  };

  VideoFrame frame;
  std::exception_ptr read_error;
  int64_t seen = 0;
  FileProgress progress(control, input, input.filename().string(),
                        reader.expected_frames());
  while (true) {
    control.CheckCancel();
    try {
      if (!Timed(&report.decode_s, [&] { return reader.Read(&frame); })) {
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
      renderer.Reset();
    } else if (k > segment) {
      finish_segment();
      start_segment(k);
    }
    if (k >= segment) pts_by_index[frame.index] = frame.pts;
    emit(Timed(&report.depth_s,
               [&] { return estimator->Push(frame.index, frame.image); }));
    recent.push_back({frame.index, frame.image});
    while (int64_t(recent.size()) > options.warmup_frames) recent.pop_front();
    ++seen;
    if (options.show_progress) progress.Update(seen);
  }
  if (options.show_progress) progress.Finish();
  finish_segment();

  std::vector<VideoSegment> segments;
  for (int64_t k = 0; segment_done(k); ++k) {
    segments.push_back({SegmentPath(parts, k, ext),
                        segment_info(k).at("first_pts").get<int64_t>()});
  }
  if (segments.empty()) {
    if (read_error) std::rethrow_exception(read_error);
    ThrowError("{}: no frames to convert", input.string());
  }
  VideoJoinSpec join;
  join.time_base = info.time_base;
  join.copy_streams_from = input;
  join.copy_start_s = copy_start;
  if (!read_error) join.copy_end_s = copy_end;
  join.stereo = options.encode.stereo;
  join.metadata = options.encode.metadata;
  Timed(&report.encode_s,
        [&] { JoinVideoSegments(segments, options.output, join); });
  fs::remove_all(parts, error);
  if (read_error) std::rethrow_exception(read_error);
  control.Wrote(options.output);
  return report;
}

}  // namespace parallax
