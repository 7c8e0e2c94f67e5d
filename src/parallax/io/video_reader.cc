#include "parallax/io/video_reader.h"

#include "parallax/io/image_probe.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>

extern "C" {
#include <libavutil/pixdesc.h>
}
#include <opencv2/imgproc.hpp>

#include "parallax/io/video_convert.h"
#include "parallax/io/video_ffmpeg.h"
#include "parallax/util/check.h"

namespace parallax {
namespace fs = std::filesystem;
using namespace video_internal;

void VideoReadOptions::Check() const {
  if (bit_depth != 8 && bit_depth != 16) {
    ThrowError("video bit depth must be 8 or 16, got {}", bit_depth);
  }
  THROW_CHECK_GE(threads, 0);
  THROW_CHECK_GE(luma_step, 1);
  for (const auto* position : {&start, &end}) {
    if (!*position) continue;
    if ((*position)->frame ? *(*position)->frame < 0
                           : !((*position)->seconds >= 0)) {
      ThrowError("video position {} is negative", (*position)->ToString());
    }
  }
  if (start && end && start->frame.has_value() == end->frame.has_value()) {
    const bool empty = start->frame ? *end->frame <= *start->frame
                                    : end->seconds <= start->seconds;
    if (empty) {
      ThrowError("video range is empty: end ({}) is not after start ({})",
                 end->ToString(), start->ToString());
    }
  }
}

namespace {

// Pixels (x, y) with x and y multiples of `step`.
cv::Mat EveryNth(const cv::Mat& plane, int step) {
  cv::Mat out((plane.rows + step - 1) / step, (plane.cols + step - 1) / step,
              CV_8UC1);
  for (int y = 0; y < out.rows; ++y) {
    const uint8_t* in = plane.ptr<uint8_t>(y * step);
    uint8_t* o = out.ptr<uint8_t>(y);
    for (int x = 0; x < out.cols; ++x) o[x] = in[x * step];
  }
  return out;
}

// The 8-bit luma plane of planar (or semi-planar) YUV pictures, stretched
// to 0..255 when the video uses the limited range; false for other pixel
// formats (RGB, high bit depths), which take the colour path.
bool LumaPlane(const AVFrame& frame, int step, cv::Mat* luma) {
  const auto format = static_cast<AVPixelFormat>(frame.format);
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
  if (!desc || (desc->flags & AV_PIX_FMT_FLAG_RGB) ||
      desc->comp[0].depth != 8 || desc->comp[0].plane != 0 ||
      desc->comp[0].step != 1 || desc->nb_components < 3) {
    return false;
  }
  cv::Mat plane(frame.height, frame.width, CV_8UC1, frame.data[0],
                static_cast<size_t>(frame.linesize[0]));
  if (step > 1) plane = EveryNth(plane, step);
  const bool full =
      frame.color_range == AVCOL_RANGE_JPEG || format == AV_PIX_FMT_YUVJ420P ||
      format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P;
  if (full) {
    plane.copyTo(*luma);
    return true;
  }
  static const cv::Mat stretch = [] {
    cv::Mat table(1, 256, CV_8U);
    for (int i = 0; i < 256; ++i) {
      table.at<uint8_t>(i) = cv::saturate_cast<uint8_t>((i - 16) * 255.0 / 219);
    }
    return table;
  }();
  cv::LUT(plane, stretch, *luma);
  return true;
}

}  // namespace

struct VideoReader::Impl {
  fs::path path;
  VideoReadOptions options;
  VideoInfo info;

  InputPtr format;
  int stream_index = -1;
  AVRational time_base{1, 1};
  int64_t start_pts = 0;
  // Ticks per frame at the average rate: fills in missing timestamps.
  int64_t nominal_step = 1;
  CodecContextPtr decoder;
  FramePtr frame = NewFrame();
  PacketPtr packet = NewPacket();
  FrameToMat converter;

  bool demuxed_all = false;  // the decoder was sent its final flush
  // Packets before the first keyframe (a broadcast capture that starts
  // mid-GOP) reference pictures that are not in the file: skipped.
  bool keyframe_seen = false;
  std::string pending_error;  // demuxing failed: thrown once the decoder is
                              // drained, so the frames before it come out
  std::string failed;         // an error was thrown; Read() repeats it
  bool done = false;
  bool reached_end_option = false;

  // After a seek the index is unknown until the first frame fixes it.
  bool index_known = true;
  int seek_attempts = 0;
  // VFR files: sorted pts of the frames, so a pts gives its frame number;
  // all of them, or those up to the start.
  std::vector<int64_t> frame_pts;
  bool all_frame_pts = false;
  // The range in VideoFrame::time_s seconds, known before reading.
  double start_time_s = 0;
  std::optional<double> end_time_s;
  // Frame numbers follow from pts arithmetically only at a constant rate.
  bool constant_rate = true;
  int64_t next_index = 0;
  int64_t last_pts = AV_NOPTS_VALUE;
  int64_t frames_read = 0;

  // Pts of the packets in the decoder. With frame threads FFmpeg's decoders
  // drop a picture they cannot decode without returning an error; a frame
  // that comes out while smaller pts are still waiting reveals the gap.
  // Packets may also hold no picture at all (a VP8 alt-ref frame muxed on
  // its own): that is told apart by the decoder having logged no error.
  std::multiset<int64_t> pending_pts;
  uint64_t errors_logged = 0;
  bool track_pts = true;            // off once packet and frame pts disagree
  bool output_since_start = false;  // pictures before the first output after
                                    // a start or seek are legitimately
                                    // skipped (open-GOP leading pictures)

  void Open() {
    format = OpenInput(path);
    stream_index = FindVideoStream(*format, path);
    for (unsigned i = 0; i < format->nb_streams; ++i) {
      if (static_cast<int>(i) != stream_index) {
        format->streams[i]->discard = AVDISCARD_ALL;
      }
    }
    const AVStream& stream = *format->streams[stream_index];
    time_base = stream.time_base;
    start_pts = StreamStartPts(stream);
    constant_rate = !info.variable_frame_rate && info.frame_rate.valid();
    const double ticks_per_frame =
        1.0 / (info.frame_rate.value() * av_q2d(time_base));
    nominal_step = std::isfinite(ticks_per_frame)
                       ? std::max<int64_t>(1, std::llround(ticks_per_frame))
                       : 1;

    const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
    if (!codec) {
      ThrowError("{}: FFmpeg has no decoder for video codec '{}'",
                 path.string(), avcodec_get_name(stream.codecpar->codec_id));
    }
    decoder.reset(avcodec_alloc_context3(codec));
    if (!decoder) throw std::bad_alloc();
    int ret = avcodec_parameters_to_context(decoder.get(), stream.codecpar);
    if (ret < 0) {
      ThrowError("{}: bad video stream parameters: {}", path.string(),
                 AvErrorText(ret));
    }
    decoder->pkt_timebase = time_base;
    decoder->thread_count = options.threads;
    decoder->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    if (!options.conceal_errors) decoder->err_recognition |= AV_EF_EXPLODE;
    ClearLoggedError();
    ret = avcodec_open2(decoder.get(), codec, nullptr);
    if (ret < 0) {
      ThrowError("{}: cannot open the {} decoder: {}", path.string(),
                 codec->name, AvErrorText(ret));
    }
    demuxed_all = false;
    keyframe_seen = false;
    pending_error.clear();
    index_known = true;
    next_index = 0;
    last_pts = AV_NOPTS_VALUE;
    ResetPtsTracking();
  }

  void ResetPtsTracking() {
    pending_pts.clear();
    track_pts = true;
    output_since_start = false;
    errors_logged = LoggedErrorCount();
  }

  // Whether FFmpeg reported an error since the last start or seek: decoders
  // report the damage they drop pictures for (maybe a few pictures before
  // the drop shows).
  bool ErrorsLogged() const { return LoggedErrorCount() != errors_logged; }

  // How many pictures the decoder dropped (because they were damaged)
  // before the one with `pts`.
  int64_t DroppedBefore(int64_t pts) {
    if (!track_pts || pts == AV_NOPTS_VALUE) return 0;
    const auto it = pending_pts.find(pts);
    if (it == pending_pts.end()) {
      track_pts = false;  // this codec does not carry pts through
      pending_pts.clear();
      return 0;
    }
    const int64_t dropped = std::distance(pending_pts.begin(), it);
    pending_pts.erase(pending_pts.begin(), std::next(it));
    const bool first = !output_since_start;
    output_since_start = true;
    if (first || dropped == 0) return 0;
    return ErrorsLogged() ? dropped : 0;
  }

  int64_t PtsOfSeconds(double seconds) const {
    return start_pts +
           static_cast<int64_t>(std::floor(seconds / av_q2d(time_base) + 1e-6));
  }
  // Half a tick: times computed from integer pts match typed-in seconds.
  double Tolerance() const { return 0.5 * av_q2d(time_base); }

  const std::vector<int64_t>& AllFramePts() {
    if (!all_frame_pts) {
      frame_pts = CollectVideoPts(path);
      all_frame_pts = true;
    }
    return frame_pts;
  }

  double SecondsOf(const VideoPosition& position) {
    if (!position.frame) return position.seconds;
    if (constant_rate) return *position.frame / info.frame_rate.value();
    const std::vector<int64_t>& pts = AllFramePts();
    if (pts.empty()) return 0;
    if (*position.frame < static_cast<int64_t>(pts.size())) {
      return ToSeconds(pts[*position.frame] - start_pts, time_base);
    }
    return ToSeconds(pts.back() + nominal_step - start_pts, time_base);
  }

  // The frame a position starts at (estimated from the average rate for
  // times in VFR files whose timestamps were not collected).
  int64_t FrameOf(const VideoPosition& position) const {
    if (position.frame) return *position.frame;
    if (all_frame_pts) {
      return std::lower_bound(frame_pts.begin(), frame_pts.end(),
                              PtsOfSeconds(position.seconds - Tolerance())) -
             frame_pts.begin();
    }
    return static_cast<int64_t>(
        std::ceil(position.seconds * info.frame_rate.value() - 1e-6));
  }

  int64_t ExpectedFrames() const {
    const int64_t first = options.start ? FrameOf(*options.start) : 0;
    const int64_t last = options.end
                             ? std::min(FrameOf(*options.end), info.frame_count)
                             : info.frame_count;
    return std::max<int64_t>(0, last - first);
  }

  // Seeks to the keyframe at or before the start position. Frame numbers
  // of CFR files map to a pts directly; VFR files need the pts table.
  void SeekToStart() {
    const VideoPosition& start = *options.start;
    int64_t target = 0;
    if (start.frame) {
      if (*start.frame == 0) return;
      if (!constant_rate) {
        const std::vector<int64_t>& pts = AllFramePts();
        if (*start.frame >= static_cast<int64_t>(pts.size())) {
          done = true;  // starts after the last frame: nothing to read
          return;
        }
        target = pts[*start.frame];
      } else {
        target = start_pts +
                 std::llround(*start.frame /
                              (info.frame_rate.value() * av_q2d(time_base)));
      }
    } else {
      if (start.seconds <= Tolerance()) return;
      target = PtsOfSeconds(start.seconds);
      if (!constant_rate && !all_frame_pts) {
        frame_pts = CollectVideoPts(path, target);
      }
    }
    SeekBefore(target);
  }

  void SeekBefore(int64_t target) {
    ++seek_attempts;
    const int ret =
        av_seek_frame(format.get(), stream_index, target, AVSEEK_FLAG_BACKWARD);
    if (ret < 0) {
      Open();  // not seekable: decode from the start instead
      return;
    }
    avcodec_flush_buffers(decoder.get());
    demuxed_all = false;
    keyframe_seen = false;
    pending_error.clear();
    index_known = false;
    last_pts = AV_NOPTS_VALUE;
    ResetPtsTracking();
  }

  int64_t IndexOfPts(int64_t pts) const {
    if (!frame_pts.empty()) {
      return std::lower_bound(frame_pts.begin(), frame_pts.end(), pts) -
             frame_pts.begin();
    }
    return std::llround(static_cast<double>(pts - start_pts) *
                        av_q2d(time_base) * info.frame_rate.value());
  }

  // The first frame after a seek lies past the start: the demuxer's seek
  // (often by dts) landed too late and frames may have been skipped.
  bool Overshot(int64_t index, double time) const {
    const VideoPosition& start = *options.start;
    return start.frame ? index > *start.frame
                       : time > start.seconds + Tolerance();
  }

  void RetrySeek() {
    const VideoPosition& start = *options.start;
    const double seconds =
        !start.frame ? start.seconds
        : !frame_pts.empty()
            ? ToSeconds(frame_pts[*start.frame] - start_pts, time_base)
        : constant_rate ? *start.frame / info.frame_rate.value()
                        : 0;
    if (seek_attempts >= 2 || seconds < 4) {
      Open();  // give up seeking: decode from the first frame
      return;
    }
    SeekBefore(PtsOfSeconds(seconds - 3));
  }

  static std::string LostPictures(size_t count) {
    const std::string logged = LoggedError();
    return fmt::format("{} picture{} could not be decoded{}{}", count,
                       count == 1 ? "" : "s", logged.empty() ? "" : ": ",
                       logged);
  }

  [[noreturn]] void ThrowDecodeError(const std::string& reason) const {
    const double time =
        last_pts == AV_NOPTS_VALUE
            ? 0
            : ToSeconds(last_pts + nominal_step - start_pts, time_base);
    ThrowError("{}: decoding failed at frame {} (t={:.3f}s): {}", path.string(),
               next_index, time, reason);
  }

  // Sends the decoder its next packet, or the final flush.
  void FeedDecoder() {
    THROW_CHECK(!demuxed_all);
    for (;;) {
      int ret = av_read_frame(format.get(), packet.get());
      if (ret < 0) {
        if (ret != AVERROR_EOF) pending_error = AvErrorText(ret);
        break;
      }
      if (packet->stream_index != stream_index) {
        av_packet_unref(packet.get());
        continue;
      }
      if (!keyframe_seen && !(packet->flags & AV_PKT_FLAG_KEY)) {
        av_packet_unref(packet.get());
        continue;
      }
      keyframe_seen = true;
      if ((packet->flags & AV_PKT_FLAG_CORRUPT) && !options.conceal_errors) {
        av_packet_unref(packet.get());
        pending_error = "the data is cut short or damaged";
        break;
      }
      const int64_t pts = packet->pts;
      const bool makes_picture =
          packet->size > 0 && !(packet->flags & AV_PKT_FLAG_DISCARD);
      ret = avcodec_send_packet(decoder.get(), packet.get());
      av_packet_unref(packet.get());
      if (ret < 0 && !(options.conceal_errors && ret == AVERROR_INVALIDDATA)) {
        ThrowDecodeError(AvErrorText(ret));
      }
      // A packet the decoder refused (concealing) counts as a lost picture.
      if (makes_picture && pts != AV_NOPTS_VALUE && track_pts) {
        pending_pts.insert(pts);
      }
      return;
    }
    demuxed_all = true;
    const int ret = avcodec_send_packet(decoder.get(), nullptr);
    if (ret < 0 && ret != AVERROR_EOF) ThrowDecodeError(AvErrorText(ret));
  }

  // Leaves the next decoded picture in `frame`; false once drained.
  bool DecodeNext() {
    for (;;) {
      av_frame_unref(frame.get());
      const int ret = avcodec_receive_frame(decoder.get(), frame.get());
      if (ret >= 0) {
        const bool damaged = frame->decode_error_flags != 0 ||
                             (frame->flags & AV_FRAME_FLAG_CORRUPT);
        if (damaged && !options.conceal_errors) {
          ThrowDecodeError("the picture is damaged");
        }
        const int64_t dropped = DroppedBefore(frame->pts);
        if (dropped > 0) {
          if (!options.conceal_errors) {
            ThrowDecodeError(LostPictures(dropped));
          }
          if (index_known) next_index += dropped;  // keep file numbering
        }
        return true;
      }
      if (ret == AVERROR_EOF) {
        if (!pending_pts.empty() && output_since_start &&
            !options.conceal_errors && ErrorsLogged()) {
          ThrowDecodeError(LostPictures(pending_pts.size()));
        }
        return false;
      }
      if (ret != AVERROR(EAGAIN)) ThrowDecodeError(AvErrorText(ret));
      FeedDecoder();
    }
  }

  // At the end of the stream: a demuxing error, or far fewer frames than
  // the container promised, means the file is damaged or cut short.
  void CheckComplete() const {
    if (!pending_error.empty()) ThrowDecodeError(pending_error);
    if (reached_end_option || !index_known || last_pts == AV_NOPTS_VALUE) {
      return;
    }
    const int64_t expected = info.frame_count;
    const double end_time =
        ToSeconds(last_pts + nominal_step - start_pts, time_base);
    const double missing_time = info.duration_s - end_time;
    bool short_of_it = false;
    if (info.frame_count_exact) {
      // Edit lists can hide a few counted frames; the time must agree.
      short_of_it =
          expected - next_index > std::max<int64_t>(2, expected / 100) &&
          (info.duration_s <= 0 ||
           missing_time > 1.5 * ToSeconds(nominal_step, time_base));
    } else if (info.duration_s > 0) {
      short_of_it = missing_time > std::max(1.0, 0.05 * info.duration_s);
    }
    if (short_of_it) {
      ThrowError("{}: ends at frame {} of {}{} expected (truncated?)",
                 path.string(), next_index,
                 info.frame_count_exact ? "" : "about ", expected);
    }
  }

  int64_t TimestampOfFrame() {
    int64_t pts = frame->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = frame->pts;
    // A missing pts is one frame on; a repeated or backward one is moved
    // just past the last (one tick), so the frames after it keep their own
    // times and audio sync is not shifted for the rest of the file.
    if (last_pts != AV_NOPTS_VALUE) {
      if (pts == AV_NOPTS_VALUE) {
        pts = last_pts + nominal_step;
      } else if (pts <= last_pts) {
        pts = last_pts + 1;
      }
    }
    return pts == AV_NOPTS_VALUE ? start_pts : pts;
  }

  bool BeforeStart(int64_t index, double time) const {
    if (!options.start) return false;
    return options.start->frame ? index < *options.start->frame
                                : time < options.start->seconds - Tolerance();
  }
  bool AtEnd(int64_t index, double time) const {
    if (!options.end) return false;
    return options.end->frame ? index >= *options.end->frame
                              : time >= options.end->seconds - Tolerance();
  }

  bool Read(VideoFrame* out, bool color) {
    while (true) {
      if (!DecodeNext()) {
        done = true;
        CheckComplete();
        return false;
      }
      const int64_t pts = TimestampOfFrame();
      const double time = ToSeconds(pts - start_pts, time_base);
      if (!index_known) {
        const int64_t index = IndexOfPts(pts);
        if (Overshot(index, time) && !options.start_at_keyframe) {
          RetrySeek();
          continue;
        }
        next_index = index;
        index_known = true;
      }
      const int64_t index = next_index++;
      last_pts = pts;
      if (BeforeStart(index, time) && !options.start_at_keyframe) continue;
      if (AtEnd(index, time)) {
        done = true;
        reached_end_option = true;
        return false;
      }
      out->image.release();
      out->luma.release();
      const bool plane =
          options.luma && LumaPlane(*frame, options.luma_step, &out->luma);
      if (color || !plane) {
        out->image = converter.Convert(*frame, options.bit_depth);
      }
      if (options.luma && !plane) {
        // No 8-bit luma plane to take: from the colour picture.
        cv::Mat eight = out->image;
        if (eight.depth() != CV_8U) eight.convertTo(eight, CV_8U, 1.0 / 257);
        cv::cvtColor(eight, out->luma, cv::COLOR_BGR2GRAY);
        if (options.luma_step > 1) {
          out->luma = EveryNth(out->luma, options.luma_step);
        }
      }
      if (!color) out->image.release();
      if (options.apply_rotation && info.rotation != 0) {
        const int code = info.rotation == 90 ? cv::ROTATE_90_CLOCKWISE
                         : info.rotation == 180
                             ? cv::ROTATE_180
                             : cv::ROTATE_90_COUNTERCLOCKWISE;
        for (cv::Mat* picture : {&out->image, &out->luma}) {
          if (picture->empty()) continue;
          cv::Mat upright;
          cv::rotate(*picture, upright, code);
          *picture = upright;
        }
      }
      out->index = index;
      out->pts = pts;
      out->time_s = time;
      ++frames_read;
      return true;
    }
  }
};

VideoReader::VideoReader(const fs::path& path, const VideoReadOptions& options)
    : impl_(std::make_unique<Impl>()) {
  options.Check();
  impl_->path = path;
  impl_->options = options;
  impl_->info = ProbeVideo(path);
  internal::CheckImageLimits(
      {impl_->info.width, impl_->info.height, 3, CV_8U, "video"},
      options.frame_limits, path.string());
  impl_->Open();
  if (options.start) impl_->start_time_s = impl_->SecondsOf(*options.start);
  if (options.end) impl_->end_time_s = impl_->SecondsOf(*options.end);
  if (options.start) impl_->SeekToStart();
}

VideoReader::~VideoReader() = default;

const VideoInfo& VideoReader::info() const { return impl_->info; }

cv::Size VideoReader::frame_size() const {
  const VideoInfo& info = impl_->info;
  return impl_->options.apply_rotation
             ? cv::Size(info.width, info.height)
             : cv::Size(info.coded_width, info.coded_height);
}

bool VideoReader::Read(VideoFrame* frame) { return Read(frame, true); }

bool VideoReader::Read(VideoFrame* frame, bool color) {
  THROW_CHECK(frame != nullptr);
  THROW_CHECK_MSG(color || impl_->options.luma,
                  "Read without colour needs VideoReadOptions::luma");
  if (!impl_->failed.empty()) throw Error(impl_->failed);
  if (impl_->done) return false;
  try {
    return impl_->Read(frame, color);
  } catch (const Error& error) {
    impl_->failed = error.what();
    throw;
  }
}

int64_t VideoReader::frames_read() const { return impl_->frames_read; }

double VideoReader::start_time_s() const { return impl_->start_time_s; }

std::optional<double> VideoReader::end_time_s() const {
  return impl_->end_time_s;
}

int64_t VideoReader::expected_frames() const { return impl_->ExpectedFrames(); }

}  // namespace parallax
