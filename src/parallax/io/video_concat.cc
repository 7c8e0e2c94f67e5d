#include "parallax/io/video_concat.h"

#include <limits>
#include <random>

#include "parallax/io/video_encoder.h"
#include "parallax/io/video_ffmpeg.h"
#include "parallax/io/video_stream_copier.h"
#include "parallax/util/check.h"

namespace parallax {
namespace fs = std::filesystem;
using namespace video_internal;
namespace {

// Removes the temporary file unless released.
struct TempFile {
  fs::path path;
  bool keep = false;
  ~TempFile() {
    if (keep) return;
    std::error_code error;
    fs::remove(path, error);
  }
};

}  // namespace

void JoinVideoSegments(const std::vector<VideoSegment>& segments,
                       const fs::path& output, const VideoJoinSpec& spec) {
  InitFfmpeg();
  if (segments.empty())
    ThrowError("{}: no video segments to join", output.string());
  THROW_CHECK(spec.time_base.valid());
  const AVRational join_base{spec.time_base.num, spec.time_base.den};
  const AVOutputFormat* container =
      av_guess_format(nullptr, output.filename().c_str(), nullptr);
  if (!container) {
    ThrowError("cannot write '{}': FFmpeg has no muxer for {} files",
               output.string(), output.extension().string());
  }
  TempFile temp{output.parent_path() /
                fmt::format(".{}.join{:08x}{}", output.stem().string(),
                            std::random_device{}(),
                            output.extension().string())};
  AVFormatContext* raw = nullptr;
  if (avformat_alloc_output_context2(&raw, container, nullptr,
                                     temp.path.c_str()) < 0) {
    throw std::bad_alloc();
  }
  OutputPtr out(raw);
  raw->flags |= AVFMT_FLAG_BITEXACT;  // no random IDs or dates in the file
  PrepareStereoTag(spec.stereo, raw, output);
  for (const auto& [key, value] : spec.metadata) {
    av_dict_set(&raw->metadata, key.c_str(), value.c_str(), 0);
  }
  InputPtr first = OpenInput(segments.front().path);
  const int first_index = FindVideoStream(*first, segments.front().path);
  const AVStream* first_stream = first->streams[first_index];
  AVStream* video = avformat_new_stream(raw, nullptr);
  if (!video) throw std::bad_alloc();
  if (avcodec_parameters_copy(video->codecpar, first_stream->codecpar) < 0) {
    throw std::bad_alloc();
  }
  video->codecpar->codec_tag = 0;  // the output container chooses
  const std::string format = container->name;
  if (video->codecpar->codec_id == AV_CODEC_ID_HEVC &&
      (format == "mp4" || format == "mov")) {
    video->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');
  }
  video->time_base = first_stream->time_base;
  video->avg_frame_rate = first_stream->avg_frame_rate;
  AddStereoTag(spec.stereo, video);
  std::unique_ptr<StreamCopier> copier;
  if (!spec.copy_streams_from.empty()) {
    copier =
        std::make_unique<StreamCopier>(spec.copy_streams_from, raw, output);
  }
  ClearLoggedError();
  int ret = avio_open(&raw->pb, temp.path.c_str(), AVIO_FLAG_WRITE);
  if (ret < 0) {
    ThrowError("cannot write '{}': {}", output.string(), AvErrorText(ret));
  }
  ret = avformat_write_header(raw, nullptr);
  if (ret < 0) {
    ThrowError("{}: cannot start the file: {}", output.string(),
               AvErrorText(ret));
  }
  const AVRational out_base = video->time_base;  // the muxer may change it
  const int64_t origin = segments.front().first_pts;
  // Copied streams are trimmed to the frames written (output seconds).
  std::optional<double> trim_start = 0.0, trim_end;
  if (copier) {
    copier->Start(origin, join_base);
    const double first_frame_s =
        ToSeconds(origin, join_base) - copier->source_video_start_s();
    if (spec.copy_start_s) trim_start = *spec.copy_start_s - first_frame_s;
    if (spec.copy_end_s) trim_end = *spec.copy_end_s - first_frame_s;
    copier->SetTrim(trim_start, trim_end);
  }
  PacketPtr packet = NewPacket();
  int64_t last_dts = std::numeric_limits<int64_t>::min();
  int64_t end_pts = 0;  // end of the last frame, in out_base
  for (const VideoSegment& segment : segments) {
    InputPtr input = OpenInput(segment.path);
    const int index = FindVideoStream(*input, segment.path);
    const AVStream* stream = input->streams[index];
    if (stream->codecpar->codec_id != video->codecpar->codec_id ||
        stream->codecpar->width != video->codecpar->width ||
        stream->codecpar->height != video->codecpar->height) {
      ThrowError("{}: segment differs from the first one (codec or size)",
                 segment.path.string());
    }
    // Segment timestamps start at 0 with their first frame.
    const int64_t offset =
        av_rescale_q(segment.first_pts - origin, join_base, out_base);
    while (true) {
      ret = av_read_frame(input.get(), packet.get());
      if (ret == AVERROR_EOF) break;
      if (ret < 0) {
        ThrowError("{}: cannot read: {}", segment.path.string(),
                   AvErrorText(ret));
      }
      if (packet->stream_index != index) {
        av_packet_unref(packet.get());
        continue;
      }
      av_packet_rescale_ts(packet.get(), stream->time_base, out_base);
      packet->pts += offset;
      packet->dts += offset;
      // Constant-rate segments continue each other's decode timeline; a
      // variable rate can make a seam's first dts touch the last one.
      if (packet->dts <= last_dts) packet->dts = last_dts + 1;
      if (packet->pts != AV_NOPTS_VALUE && packet->dts > packet->pts) {
        ThrowError("{}: cannot join at frame timestamps {}", output.string(),
                   packet->pts);
      }
      last_dts = packet->dts;
      end_pts = std::max(end_pts, packet->pts + packet->duration);
      packet->stream_index = video->index;
      packet->pos = -1;
      if (copier) copier->CopyUntil(ToSeconds(packet->dts, out_base));
      ClearLoggedError();
      ret = av_interleaved_write_frame(raw, packet.get());
      if (ret < 0) {
        ThrowError("{}: cannot write video: {}", output.string(),
                   AvErrorText(ret));
      }
    }
  }
  if (copier) {
    if (!trim_end) copier->SetTrim(trim_start, ToSeconds(end_pts, out_base));
    copier->CopyUntil(std::numeric_limits<double>::infinity());
  }
  ClearLoggedError();
  ret = av_write_trailer(raw);
  if (ret >= 0) ret = avio_closep(&raw->pb);
  if (ret < 0) {
    ThrowError("cannot write '{}': {}", output.string(), AvErrorText(ret));
  }
  FsyncFile(temp.path);
  std::error_code error;
  fs::rename(temp.path, output, error);
  if (error) {
    ThrowError("cannot write '{}': {}", output.string(), error.message());
  }
  temp.keep = true;
}

}  // namespace parallax
