#include "parallax/io/video_writer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "parallax/io/audio_track_encoder.h"
#include "parallax/io/video_convert.h"
#include "parallax/io/video_encoder.h"
#include "parallax/io/video_ffmpeg.h"
#include "parallax/io/video_stream_copier.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace fs = std::filesystem;
using namespace video_internal;
namespace {

// Hidden, beside the target (same file system, so rename is atomic), with
// the real extension so anything guessing by name sees the right format.
fs::path TempPathFor(const fs::path& path) {
  const unsigned unique = std::random_device{}();
  return path.parent_path() / fmt::format(".{}.tmp{:08x}{}",
                                          path.stem().string(), unique,
                                          path.extension().string());
}

}  // namespace

void VideoOutputSpec::Check() const {
  if (width <= 0 || height <= 0) {
    ThrowError("invalid video size {}x{}", width, height);
  }
  if (!frame_rate.valid()) {
    ThrowError("invalid video frame rate {}/{}", frame_rate.num,
               frame_rate.den);
  }
  THROW_CHECK_MSG(time_base == Rational{} || time_base.valid(),
                  "invalid time base {}/{}", time_base.num, time_base.den);
  THROW_CHECK_MSG(audio.length == 0 || copy_streams_from.empty(),
                  "a video gets its audio copied or encoded, not both");
  THROW_CHECK_MSG(audio.length == 0 || audio.fill, "audio without samples");
}

struct VideoWriter::Impl {
  fs::path path;
  fs::path temp_path;
  VideoOutputSpec spec;
  VideoEncodeOptions options;
  EncoderChoice choice;

  OutputPtr output;
  AVStream* video_stream = nullptr;
  CodecContextPtr encoder;
  std::unique_ptr<MatToFrame> converter;
  std::unique_ptr<StreamCopier> copier;
  std::unique_ptr<AudioTrackEncoder> audio;
  std::optional<double> copy_start, copy_end;  // output seconds
  PacketPtr packet = NewPacket();

  // Each frame is sent to the encoder when the next arrives, so its
  // duration is known: MP4 needs it for the last frame's length, and with
  // it the frame rate reads back exact.
  FramePtr pending;
  std::map<int64_t, int64_t> durations;  // frame pts -> duration
  int64_t first_pts = 0;
  int64_t last_relative_pts = -1;
  int64_t last_duration = 0;
  int64_t nominal_step = 1;
  // Set for containers that count frames (AVI): the caller's time base,
  // whose pts Write() turns into frame numbers.
  std::optional<Rational> renumber_from;
  int64_t frames = 0;
  bool finished = false;

  AVRational TimeBase() const {
    return {spec.time_base.num, spec.time_base.den};
  }

  void Open(const cv::Mat& first_image, int64_t pts) {
    const AVPixelFormat pix_fmt =
        EncoderPixelFormat(choice, first_image.type());
    const bool global_header = output->oformat->flags & AVFMT_GLOBALHEADER;
    encoder = OpenEncoder(choice, options, spec, pix_fmt, global_header, path);
    if (avcodec_parameters_from_context(video_stream->codecpar, encoder.get()) <
        0) {
      throw std::bad_alloc();
    }
    const std::string format = output->oformat->name;
    if (choice.name == "h265" && (format == "mp4" || format == "mov")) {
      // 'hvc1' rather than FFmpeg's default 'hev1': Apple players need it.
      video_stream->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
    }
    video_stream->time_base = encoder->time_base;
    video_stream->avg_frame_rate = encoder->framerate;
    AddStereoTag(options.stereo, video_stream);
    converter = std::make_unique<MatToFrame>(spec.width, spec.height, pix_fmt);

    ClearLoggedError();
    const int ret = avformat_write_header(output.get(), nullptr);
    if (ret < 0) {
      ThrowError("{}: cannot start the file: {}", path.string(),
                 AvErrorText(ret));
    }
    first_pts = pts;
    if (copier) StartCopying(pts);
  }

  // The copy shifts with the first frame written; the trim bounds, given
  // in the source's VideoFrame::time_s seconds, move to output seconds.
  void StartCopying(int64_t pts) {
    copier->Start(pts, TimeBase());
    const double first_frame_s =
        ToSeconds(pts, TimeBase()) - copier->source_video_start_s();
    if (spec.copy_start_s) {
      copy_start = *spec.copy_start_s - first_frame_s;
    } else if (spec.trim_copied_streams) {
      copy_start = 0.0;
    }
    if (spec.copy_end_s) copy_end = *spec.copy_end_s - first_frame_s;
    copier->SetTrim(copy_start, copy_end);
  }

  void ThrowEncodeError(int errnum) const {
    ThrowError("{}: encoding failed at frame {}: {}", path.string(), frames,
               AvErrorText(errnum));
  }

  void WritePackets() {
    for (;;) {
      int ret = avcodec_receive_packet(encoder.get(), packet.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      if (ret < 0) ThrowEncodeError(ret);
      if (auto it = durations.find(packet->pts); it != durations.end()) {
        packet->duration = it->second;
        durations.erase(it);
      }
      packet->stream_index = video_stream->index;
      av_packet_rescale_ts(packet.get(), encoder->time_base,
                           video_stream->time_base);
      const double dts_s = ToSeconds(packet->dts, video_stream->time_base);
      if (copier) copier->CopyUntil(dts_s);
      if (audio) audio->EncodeUntil(dts_s);
      ClearLoggedError();
      ret = av_interleaved_write_frame(output.get(), packet.get());
      if (ret < 0) {
        ThrowError("{}: cannot write video frame: {}", path.string(),
                   AvErrorText(ret));
      }
    }
  }

  void Send(FramePtr frame, int64_t duration) {
    durations[frame->pts] = duration;
    ClearLoggedError();
    const int ret = avcodec_send_frame(encoder.get(), frame.get());
    if (ret < 0) ThrowEncodeError(ret);
    WritePackets();
  }

  void Finish() {
    if (!encoder) ThrowError("{}: no video frames to write", path.string());
    const int64_t duration = last_duration > 0 ? last_duration : nominal_step;
    if (copier && spec.trim_copied_streams && !spec.copy_end_s) {
      copy_end = ToSeconds(last_relative_pts + duration, TimeBase());
      copier->SetTrim(copy_start, copy_end);
    }
    Send(std::move(pending), duration);
    ClearLoggedError();
    int ret = avcodec_send_frame(encoder.get(), nullptr);
    if (ret < 0) ThrowEncodeError(ret);
    WritePackets();
    if (copier) copier->CopyUntil(std::numeric_limits<double>::infinity());
    if (audio) audio->EncodeUntil(std::numeric_limits<double>::infinity());
    ClearLoggedError();
    ret = av_write_trailer(output.get());
    if (ret >= 0) ret = avio_closep(&output->pb);
    if (ret < 0) {
      ThrowError("cannot write '{}': {}", path.string(), AvErrorText(ret));
    }
    FsyncFile(temp_path);
    std::error_code ec;
    fs::rename(temp_path, path, ec);
    if (ec) ThrowError("cannot write '{}': {}", path.string(), ec.message());
    finished = true;
  }
};

VideoWriter::VideoWriter(const fs::path& path, const VideoOutputSpec& spec,
                         const VideoEncodeOptions& options)
    : impl_(std::make_unique<Impl>()) {
  InitFfmpeg();
  spec.Check();
  THROW_CHECK_GE(options.threads, 0);
  Impl& impl = *impl_;
  impl.path = path;
  impl.spec = spec;
  impl.options = options;
  if (!spec.time_base.valid()) {
    impl.spec.time_base = {spec.frame_rate.den, spec.frame_rate.num};
  }
  const double ticks_per_frame =
      1.0 / (impl.spec.frame_rate.value() * impl.spec.time_base.value());
  impl.nominal_step = std::max<int64_t>(1, std::llround(ticks_per_frame));

  if (!IsVideoFile(path)) {
    ThrowError(
        "cannot write '{}': not a video file name (use .mp4, .mkv, "
        ".mov, .webm or .avi)",
        path.string());
  }
  const fs::path folder = path.parent_path();
  if (!folder.empty() && !fs::is_directory(folder)) {
    ThrowError("cannot write '{}': folder '{}' does not exist", path.string(),
               folder.string());
  }
  if (!spec.copy_streams_from.empty()) {
    const fs::path inputs[] = {spec.copy_streams_from};
    CheckNotAnInput(path, inputs);
  }
  const AVOutputFormat* container =
      av_guess_format(nullptr, path.filename().c_str(), nullptr);
  if (!container) {
    ThrowError("cannot write '{}': FFmpeg has no muxer for {} files",
               path.string(), path.extension().string());
  }
  // AVI has no timestamps, only a frame rate: gaps in a fine time base
  // would become empty frames. Number its frames instead.
  if (std::string(container->name) == "avi") {
    impl.renumber_from = impl.spec.time_base;
    impl.spec.time_base = {spec.frame_rate.den, spec.frame_rate.num};
    impl.nominal_step = 1;
  }
  impl.choice = ChooseEncoder(options, impl.spec, *container, path);

  impl.temp_path = TempPathFor(path);
  AVFormatContext* raw = nullptr;
  if (avformat_alloc_output_context2(&raw, container, nullptr,
                                     impl.temp_path.c_str()) < 0) {
    throw std::bad_alloc();
  }
  impl.output.reset(raw);
  raw->flags |= AVFMT_FLAG_BITEXACT;  // no random IDs or dates in the file
  PrepareStereoTag(options.stereo, raw, path);
  for (const auto& [key, value] : options.metadata) {
    av_dict_set(&raw->metadata, key.c_str(), value.c_str(), 0);
  }
  impl.video_stream = avformat_new_stream(raw, nullptr);
  if (!impl.video_stream) throw std::bad_alloc();
  if (!spec.copy_streams_from.empty()) {
    impl.copier =
        std::make_unique<StreamCopier>(spec.copy_streams_from, raw, path);
  }
  if (spec.audio.length > 0) {
    impl.audio = std::make_unique<AudioTrackEncoder>(spec.audio, raw, path);
  }
  // The file is created last, so a rejected setup leaves nothing behind.
  ClearLoggedError();
  const int ret = avio_open(&raw->pb, impl.temp_path.c_str(), AVIO_FLAG_WRITE);
  if (ret < 0) {
    ThrowError("cannot write '{}': {}", path.string(), AvErrorText(ret));
  }
}

VideoWriter::~VideoWriter() {
  if (!impl_->finished && !impl_->temp_path.empty()) {
    impl_->output.reset();  // closes the file before it is removed
    std::error_code ec;
    fs::remove(impl_->temp_path, ec);
  }
}

void VideoWriter::Write(const cv::Mat& image, int64_t pts) {
  Impl& impl = *impl_;
  THROW_CHECK_MSG(!impl.finished, "Write() after Finish()");
  THROW_CHECK_MSG(PixelFormatOfMat(image.type()) != AV_PIX_FMT_NONE,
                  "video frames must be CV_8UC3, CV_16UC3, CV_8UC1 or "
                  "CV_16UC1, got type {}",
                  image.type());
  THROW_CHECK_MSG(
      image.cols == impl.spec.width && image.rows == impl.spec.height,
      "frame is {}x{}, the video {}x{}", image.cols, image.rows,
      impl.spec.width, impl.spec.height);
  if (impl.renumber_from) {
    pts = std::llround(static_cast<double>(pts) * impl.renumber_from->value() /
                       impl.spec.time_base.value());
    if (impl.encoder && pts - impl.first_pts <= impl.last_relative_pts) {
      pts = impl.first_pts + impl.last_relative_pts + 1;
    }
  }
  if (!impl.encoder) impl.Open(image, pts);
  const int64_t relative = pts - impl.first_pts;
  THROW_CHECK_MSG(relative > impl.last_relative_pts,
                  "video pts must increase: {} after {}", pts,
                  impl.last_relative_pts + impl.first_pts);
  FramePtr frame = impl.converter->Convert(image);
  frame->pts = relative;
  if (impl.pending) {
    impl.last_duration = relative - impl.pending->pts;
    impl.Send(std::move(impl.pending), impl.last_duration);
  }
  impl.pending = std::move(frame);
  impl.last_relative_pts = relative;
  ++impl.frames;
}

void VideoWriter::Finish() {
  THROW_CHECK_MSG(!impl_->finished, "Finish() called twice");
  impl_->Finish();
}

int64_t VideoWriter::frames_written() const { return impl_->frames; }

}  // namespace parallax
