#include "parallax/io/video_stream_copier.h"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax::video_internal {
namespace fs = std::filesystem;
namespace {

// Packets are muxed in time order per file, streams interleaved within a
// few seconds of each other: once a packet is this far past the trim end,
// no packet of interest follows.
constexpr double kPastEndSeconds = 10;

bool IsMatroska(const AVOutputFormat& format) {
  return std::string(format.name).find("matroska") != std::string::npos ||
         std::string(format.name) == "webm";
}

}  // namespace

StreamCopier::StreamCopier(const fs::path& source, AVFormatContext* output,
                           const fs::path& output_path)
    : source_path_(source),
      output_path_(output_path),
      output_(output),
      source_(OpenInput(source)) {
  output_of_source_.assign(source_->nb_streams, nullptr);
  for (unsigned i = 0; i < source_->nb_streams; ++i) {
    AVStream* in = source_->streams[i];
    const AVMediaType type = in->codecpar->codec_type;
    if (type != AVMEDIA_TYPE_AUDIO && type != AVMEDIA_TYPE_SUBTITLE) {
      in->discard = AVDISCARD_ALL;
      continue;
    }
    const char* kind = type == AVMEDIA_TYPE_AUDIO ? "audio" : "subtitle";
    const char* codec = avcodec_get_name(in->codecpar->codec_id);
    if (in->codecpar->codec_id == AV_CODEC_ID_NONE ||
        avformat_query_codec(output_->oformat, in->codecpar->codec_id,
                             FF_COMPLIANCE_NORMAL) == 0) {
      // Converting (e.g. SubRip -> mov_text) would be a re-encode; the
      // user picks a container that holds the stream as it is.
      ThrowError(
          "{}: cannot copy stream #{} ({} {}) of '{}': {} files cannot hold "
          "it; write a {} file instead",
          output_path_.string(), i, codec, kind, source_path_.string(),
          ToLower(output_path_.extension().string()),
          IsMatroska(*output_->oformat) ? ".mp4 or .mov" : ".mkv");
    }
    AVStream* out = avformat_new_stream(output_, nullptr);
    if (!out) throw std::bad_alloc();
    if (avcodec_parameters_copy(out->codecpar, in->codecpar) < 0) {
      throw std::bad_alloc();
    }
    // Tags are container-specific (e.g. 'mp4a'); let the muxer choose.
    out->codecpar->codec_tag = 0;
    out->time_base = in->time_base;
    out->disposition = in->disposition;
    av_dict_copy(&out->metadata, in->metadata, 0);
    output_of_source_[i] = out;
    ++copied_streams_;
  }
  const int video = av_find_best_stream(source_.get(), AVMEDIA_TYPE_VIDEO, -1,
                                        -1, nullptr, 0);
  if (video >= 0) {
    const AVStream& stream = *source_->streams[video];
    source_video_start_s_ = ToSeconds(StreamStartPts(stream), stream.time_base);
  }
}

void StreamCopier::Start(int64_t origin_pts, AVRational time_base) {
  THROW_CHECK(!started_);
  started_ = true;
  origin_pts_ = origin_pts;
  origin_time_base_ = time_base;
  if (copied_streams_ == 0) source_done_ = true;
}

void StreamCopier::SetTrim(std::optional<double> start_s,
                           std::optional<double> end_s) {
  trim_start_s_ = start_s;
  trim_end_s_ = end_s;
}

void StreamCopier::SeekNearTrimStart() {
  positioned_ = true;
  if (!trim_start_s_ || source_done_) return;
  // A clip from late in a film: jump near it rather than read the whole
  // source. A second early, for packets and captions already playing.
  const int64_t origin =
      av_rescale_q(origin_pts_, origin_time_base_, AV_TIME_BASE_Q);
  const int64_t target =
      origin + static_cast<int64_t>((*trim_start_s_ - 1) * AV_TIME_BASE);
  const int64_t file_start =
      source_->start_time == AV_NOPTS_VALUE ? 0 : source_->start_time;
  if (target - file_start > AV_TIME_BASE) {
    av_seek_frame(source_.get(), -1, target,
                  AVSEEK_FLAG_BACKWARD);  // on failure: read from the start
  }
}

bool StreamCopier::ReadNext() {
  while (!source_done_) {
    const int ret = av_read_frame(source_.get(), pending_.get());
    if (ret < 0) {
      if (ret != AVERROR_EOF) {
        // The output keeps what was copied: a damaged tail of the source's
        // audio must not cost the user the whole video.
        spdlog::warn("{}: stopped copying audio/subtitles from '{}': {}",
                     output_path_.string(), source_path_.string(),
                     AvErrorText(ret));
      }
      source_done_ = true;
      return false;
    }
    const int index = pending_->stream_index;
    if (index >= 0 && index < static_cast<int>(output_of_source_.size()) &&
        output_of_source_[index] != nullptr &&
        (pending_->pts != AV_NOPTS_VALUE || pending_->dts != AV_NOPTS_VALUE)) {
      if (trim_end_s_) {
        const AVRational base = source_->streams[index]->time_base;
        const double past = ToSeconds(PendingOutputTime(), base) - *trim_end_s_;
        if (past > kPastEndSeconds) {
          av_packet_unref(pending_.get());
          source_done_ = true;
          return false;
        }
      }
      has_pending_ = true;
      return true;
    }
    av_packet_unref(pending_.get());
  }
  return false;
}

int64_t StreamCopier::PendingOutputTime() const {
  const AVRational base = source_->streams[pending_->stream_index]->time_base;
  const int64_t time =
      pending_->dts != AV_NOPTS_VALUE ? pending_->dts : pending_->pts;
  return time - av_rescale_q(origin_pts_, origin_time_base_, base);
}

void StreamCopier::CopyUntil(double output_seconds) {
  THROW_CHECK(started_);
  if (!positioned_) SeekNearTrimStart();
  while (has_pending_ || ReadNext()) {
    const AVRational base = source_->streams[pending_->stream_index]->time_base;
    if (ToSeconds(PendingOutputTime(), base) > output_seconds) return;
    WritePending();
  }
}

bool StreamCopier::KeepTrimmed(AVPacket* packet, AVRational base,
                               bool subtitle) const {
  if (!trim_start_s_ && !trim_end_s_) return true;
  auto ticks = [&](double seconds) {
    return static_cast<int64_t>(std::llround(seconds / av_q2d(base)));
  };
  const int64_t lower = trim_start_s_ ? ticks(*trim_start_s_) : INT64_MIN;
  const int64_t upper = trim_end_s_ ? ticks(*trim_end_s_) : INT64_MAX;
  const int64_t start =
      packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
  const int64_t stop = start + std::max<int64_t>(packet->duration, 0);
  if (start >= upper) return false;
  if (!subtitle) return stop >= lower;
  // Captions overlapping the clip are cut to its bounds.
  if (stop <= lower) return false;
  const int64_t clipped_start = std::max(start, lower);
  if (packet->duration > 0) {
    packet->duration = std::min(stop, upper) - clipped_start;
  }
  packet->pts = packet->dts = clipped_start;
  return true;
}

void StreamCopier::WritePending() {
  has_pending_ = false;
  AVPacket* packet = pending_.get();
  const AVStream* in = source_->streams[packet->stream_index];
  AVStream* out = output_of_source_[packet->stream_index];
  const int64_t shift =
      av_rescale_q(origin_pts_, origin_time_base_, in->time_base);
  if (packet->pts != AV_NOPTS_VALUE) packet->pts -= shift;
  if (packet->dts != AV_NOPTS_VALUE) packet->dts -= shift;
  if (!KeepTrimmed(packet, in->time_base,
                   in->codecpar->codec_type == AVMEDIA_TYPE_SUBTITLE)) {
    av_packet_unref(packet);
    return;
  }
  packet->stream_index = out->index;
  packet->pos = -1;
  av_packet_rescale_ts(packet, in->time_base, out->time_base);
  ClearLoggedError();
  const int ret = av_interleaved_write_frame(output_, packet);
  if (ret < 0) {
    ThrowError("{}: cannot write a packet copied from stream #{} of '{}': {}",
               output_path_.string(), in->index, source_path_.string(),
               AvErrorText(ret));
  }
}

}  // namespace parallax::video_internal
