#include "parallax/jobs/segmented_video.h"

#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "parallax/io/video_concat.h"
#include "parallax/io/video_reader.h"
#include "parallax/jobs/job_control.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/bounded_queue.h"
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
      {"tune", e.tune},
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

// Frames waiting between two stages of the pipeline: enough to smooth
// their uneven pace, few enough for the memory budget (VideoReadOptions'
// frame_limits count them).
constexpr size_t kQueueFrames = 4;

struct DecodedFrame {
  int64_t index, pts;
  cv::Mat image;
};

// What the depth stage hands the render stage, in order.
struct RenderItem {
  enum Kind { kStartSegment, kFrame, kEndSegment } kind;
  int64_t segment;
  DepthFrame frame;  // kFrame
  bool write;        // kFrame: a frame of the segment, not a warm-up one
  int64_t pts;       // kFrame: its time; kEndSegment: the first index
};

// What the render stage hands the encoder, in order.
struct EncodeItem {
  enum Kind { kFrame, kEndSegment } kind;
  int64_t segment;
  cv::Mat image;      // kFrame
  int64_t pts;        // kFrame: its time; kEndSegment: the first index
  std::string carry;  // kEndSegment: the renderer's carried state
};

// The first failure of the pipeline's stages (a cancel included); the
// others are told to stop through `abort`.
class StageErrors {
 public:
  // `abort` is taken as it is (no std::function to build, which could
  // throw outside the try).
  template <typename Abort, typename Body>
  void Run(const Abort& abort, Body&& body) {
    try {
      body();
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        if (!first_) first_ = std::current_exception();
      }
      abort();
    }
  }
  void Rethrow() {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr first_;
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

// The four stages of a segmented video job, each a step that takes one
// item and gives the next stage's: decoding, depth (network, upsampling,
// stabiliser, and the segmenting with its warm-up frames), rendering (the
// renderer's sequential state) and encoding (segment files and their
// info). RunPipelined runs each on its own thread, RunSerial one after
// another on this thread; every stage sees its items in frame order either
// way, so both give the same bytes.
class SegmentStages {
 public:
  SegmentStages(const fs::path& input, Predictor& predictor,
                FrameRenderer& renderer, const SegmentedVideoOptions& options,
                const JobControl& control, VideoReader& reader,
                const fs::path& parts, const VideoOutputSpec& spec,
                int64_t first_missing, std::optional<int64_t> first_index,
                double copy_start, SegmentedVideoReport* report)
      : input_(input),
        predictor_(predictor),
        renderer_(renderer),
        options_(options),
        control_(control),
        reader_(reader),
        parts_(parts),
        ext_(options.output.extension()),
        spec_(spec),
        first_missing_(first_missing),
        first_index_(first_index),
        copy_start_(copy_start),
        report_(*report),
        progress_(control, input, input.filename().string(),
                  reader.expected_frames()) {}

  // The next frame, or nullopt at the end of the range or at damage (kept
  // in read_error(): what came before it is still converted).
  std::optional<DecodedFrame> Decode() {
    VideoFrame frame;
    try {
      if (!Timed(&report_.decode_s, [&] { return reader_.Read(&frame); })) {
        return std::nullopt;
      }
    } catch (const Error&) {
      read_error_ = std::current_exception();
      return std::nullopt;
    }
    return DecodedFrame{frame.index, frame.pts, frame.image};
  }

  // One decoded frame (nullopt: the end) through the depth estimator;
  // `out` gets the render stage's items it gives, in order.
  void Depth(std::optional<DecodedFrame> frame,
             const std::function<void(RenderItem)>& out) {
    if (!frame) {
      if (options_.show_progress) progress_.Finish();
      FinishSegment(out);
      return;
    }
    if (!first_index_) first_index_ = frame->index;
    const int64_t k = SegmentOf(frame->index);
    if (!estimator_) {
      // First frame read: a resumed run starts in the warm-up before
      // `first_missing`; its frames belong to finished segments.
      StartSegment(std::max(k, first_missing_), /*warm=*/false, out);
    } else if (k > segment_) {
      FinishSegment(out);
      StartSegment(k, /*warm=*/true, out);
    }
    if (k >= segment_) pts_by_index_[frame->index] = frame->pts;
    Emit(Timed(&report_.depth_s,
               [&] { return estimator_->Push(frame->index, frame->image); }),
         out);
    recent_.push_back({frame->index, frame->image});
    while (int64_t(recent_.size()) > options_.warmup_frames) {
      recent_.pop_front();
    }
    ++seen_;
    if (options_.show_progress) progress_.Update(seen_);
  }

  // One item through the renderer: a frame to encode, or the end of a
  // segment with the renderer's carried state.
  std::optional<EncodeItem> Render(RenderItem item) {
    switch (item.kind) {
      case RenderItem::kStartSegment:
        renderer_.Reset();
        return std::nullopt;
      case RenderItem::kFrame: {
        Timed(&report_.render_s, [&] {
          UpsampleDepthFrame(item.frame);
          renderer_.Observe(item.frame);
        });
        if (!item.write) return std::nullopt;
        EncodeItem out{EncodeItem::kFrame, item.segment, {}, item.pts, {}};
        out.image = Timed(&report_.render_s,
                          [&] { return renderer_.Render(item.frame); });
        return out;
      }
      case RenderItem::kEndSegment:
        return EncodeItem{EncodeItem::kEndSegment,
                          item.segment,
                          {},
                          item.pts,
                          renderer_.Carry()};
    }
    return std::nullopt;
  }

  void Encode(EncodeItem item) {
    if (item.kind == EncodeItem::kFrame) {
      // Nothing is written once cancelling was asked for: the segments
      // finished by then are exactly the ones kept.
      control_.CheckCancel();
      Timed(&report_.encode_s, [&] {
        if (!writer_) {
          writer_ = std::make_unique<VideoWriter>(
              SegmentPath(parts_, item.segment, ext_), spec_, options_.encode);
          segment_first_pts_ = item.pts;
        }
        writer_->Write(item.image, item.pts);
      });
      ++report_.frames;
      if (options_.on_frame) options_.on_frame(report_.frames);
      return;
    }
    if (!writer_) return;  // a segment of warm-up frames only
    Timed(&report_.encode_s, [&] { writer_->Finish(); });
    writer_.reset();
    // `pts` carries the range's first frame index here.
    nlohmann::json info = {{"first_pts", segment_first_pts_},
                           {"first_index", item.pts},
                           {"carry", item.carry}};
    if (item.segment == 0) info["copy_start_s"] = copy_start_;
    WriteFileAtomic(SegmentInfoPath(parts_, item.segment), info.dump() + "\n");
  }

  std::exception_ptr read_error() const { return read_error_; }

 private:
  int64_t SegmentOf(int64_t index) const {
    return (index - *first_index_) / options_.segment_frames;
  }

  void Emit(std::vector<DepthFrame> frames,
            const std::function<void(RenderItem)>& out) {
    for (DepthFrame& frame : frames) {
      RenderItem item{RenderItem::kFrame, segment_, {}, false, 0};
      item.write = SegmentOf(frame.index) == segment_;  // else warm-up
      if (item.write) {
        item.pts = pts_by_index_.at(frame.index);
        pts_by_index_.erase(frame.index);
      }
      item.frame = std::move(frame);
      out(std::move(item));
    }
  }

  void StartSegment(int64_t k, bool warm,
                    const std::function<void(RenderItem)>& out) {
    segment_ = k;
    // The upsampling to full resolution runs in the render stage: the
    // network alone keeps the depth stage busy enough.
    SequenceDepthOptions sequence = options_.sequence;
    sequence.defer_upsampling = true;
    estimator_ = std::make_unique<SequenceDepthEstimator>(predictor_, sequence);
    out({RenderItem::kStartSegment, k, {}, false, 0});
    if (!warm) return;
    for (const BufferedFrame& frame : recent_) {
      Emit(Timed(&report_.depth_s,
                 [&] { return estimator_->Push(frame.index, frame.image); }),
           out);
    }
  }

  void FinishSegment(const std::function<void(RenderItem)>& out) {
    if (!estimator_) return;
    Emit(Timed(&report_.depth_s, [&] { return estimator_->Finish(); }), out);
    if (estimator_->raw_flicker().pairs() > 0) {
      report_.raw_flicker = estimator_->raw_flicker().relative_change();
      report_.stabilized_flicker =
          estimator_->stabilized_flicker().relative_change();
    }
    estimator_.reset();
    out({RenderItem::kEndSegment, segment_, {}, false, *first_index_});
  }

  const fs::path& input_;
  Predictor& predictor_;
  FrameRenderer& renderer_;
  const SegmentedVideoOptions& options_;
  const JobControl& control_;
  VideoReader& reader_;
  const fs::path parts_, ext_;
  const VideoOutputSpec spec_;
  const int64_t first_missing_;
  std::optional<int64_t> first_index_;
  const double copy_start_;
  SegmentedVideoReport& report_;
  FileProgress progress_;
  std::exception_ptr read_error_;
  // Depth stage.
  std::unique_ptr<SequenceDepthEstimator> estimator_;
  int64_t segment_ = -1, seen_ = 0;
  std::map<int64_t, int64_t> pts_by_index_;
  std::deque<BufferedFrame> recent_;  // the last warmup_frames frames read
  // Encode stage.
  std::unique_ptr<VideoWriter> writer_;
  int64_t segment_first_pts_ = 0;
};

void RunSerial(SegmentStages& stages, const JobControl& control) {
  const auto render_and_encode = [&](RenderItem item) {
    if (std::optional<EncodeItem> out = stages.Render(std::move(item))) {
      stages.Encode(std::move(*out));
    }
  };
  while (true) {
    control.CheckCancel();
    std::optional<DecodedFrame> frame = stages.Decode();
    const bool end = !frame;
    stages.Depth(std::move(frame), render_and_encode);
    if (end) return;
  }
}

// Decoding, rendering and encoding on their own threads, depth on this
// one, joined by bounded queues. The first failure (a cancel included)
// stops every stage and is rethrown once all have ended.
void RunPipelined(SegmentStages& stages, const JobControl& control) {
  BoundedQueue<DecodedFrame> decoded(kQueueFrames);
  BoundedQueue<RenderItem> to_render(kQueueFrames);
  BoundedQueue<EncodeItem> to_encode(kQueueFrames);
  StageErrors errors;
  const auto abort_all = [&] {
    decoded.Abort();
    to_render.Abort();
    to_encode.Abort();
  };
  // Each stage thread is joined on every path, also when starting a later
  // one fails (a thread limit): a running std::thread must not be
  // destroyed.
  std::vector<std::thread> threads;
  const auto join_all = [&] {
    for (std::thread& thread : threads) {
      if (thread.joinable()) thread.join();
    }
  };
  try {
    threads.emplace_back([&] {
      errors.Run(abort_all, [&] {
        while (std::optional<DecodedFrame> frame = stages.Decode()) {
          if (!decoded.Push(std::move(*frame))) return;
        }
        decoded.Close();
      });
    });
    threads.emplace_back([&] {
      errors.Run(abort_all, [&] {
        while (std::optional<RenderItem> item = to_render.Pop()) {
          std::optional<EncodeItem> out = stages.Render(std::move(*item));
          if (out && !to_encode.Push(std::move(*out))) return;
        }
        to_encode.Close();
      });
    });
    threads.emplace_back([&] {
      errors.Run(abort_all, [&] {
        while (std::optional<EncodeItem> item = to_encode.Pop()) {
          stages.Encode(std::move(*item));
        }
      });
    });
  } catch (...) {
    abort_all();
    join_all();
    throw;
  }
  errors.Run(abort_all, [&] {
    const auto out = [&](RenderItem item) {
      // Refused only when another stage stopped the pipeline.
      if (!to_render.Push(std::move(item))) throw Cancelled();
    };
    while (true) {
      control.CheckCancel();
      std::optional<DecodedFrame> frame = decoded.Pop();
      // Stopped by another stage: not the end of the input (no last
      // batch through the network, no finished progress).
      if (!frame && decoded.aborted()) throw Cancelled();
      const bool end = !frame;
      stages.Depth(std::move(frame), out);
      if (end) break;
    }
    to_render.Close();
  });
  join_all();
  errors.Rethrow();
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
  // Kept in memory besides the job's own needs: the warm-up frames (3 B/px
  // each) and the frames between stages: decoded (3), with their depth
  // (3 + 4) and rendered (up to 6, a side-by-side frame).
  read_options.frame_limits.bytes_per_pixel +=
      3.0 * options.warmup_frames + (3.0 + 7.0 + 6.0) * kQueueFrames;
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

  SegmentStages stages(input, predictor, renderer, options, control, reader,
                       parts, spec, first_missing, first_index, *copy_start,
                       &report);
  if (options.pipelined) {
    RunPipelined(stages, control);
  } else {
    RunSerial(stages, control);
  }
  const std::exception_ptr read_error = stages.read_error();

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
