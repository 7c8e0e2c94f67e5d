#include "parallax/io/audio_track_encoder.h"

#include <algorithm>
#include <cmath>
#include <string>

extern "C" {
#include <libavutil/channel_layout.h>
}

#include "parallax/util/check.h"

namespace parallax::video_internal {

namespace fs = std::filesystem;

namespace {

// The encoder for a container: what its muxer lists as its audio default,
// except that AAC is taken wherever the container holds it (FFmpeg's
// Matroska default is Vorbis, which Debian's FFmpeg may lack).
const AVCodec* AudioEncoderFor(const AVOutputFormat& container) {
  if (avformat_query_codec(&container, AV_CODEC_ID_AAC, FF_COMPLIANCE_NORMAL) ==
      1) {
    if (const AVCodec* aac = avcodec_find_encoder(AV_CODEC_ID_AAC)) return aac;
  }
  for (const AVCodecID id : {container.audio_codec, AV_CODEC_ID_OPUS,
                             AV_CODEC_ID_VORBIS, AV_CODEC_ID_FLAC}) {
    if (id == AV_CODEC_ID_NONE) continue;
    if (avformat_query_codec(&container, id, FF_COMPLIANCE_NORMAL) != 1 &&
        id != container.audio_codec) {
      continue;
    }
    if (const AVCodec* codec = avcodec_find_encoder(id)) return codec;
  }
  return nullptr;
}

// The encoder's preferred sample format among those this class fills.
AVSampleFormat ChooseSampleFormat(const AVCodec& codec) {
  if (codec.sample_fmts == nullptr) return AV_SAMPLE_FMT_FLTP;
  for (const AVSampleFormat* f = codec.sample_fmts; *f != AV_SAMPLE_FMT_NONE;
       ++f) {
    if (*f == AV_SAMPLE_FMT_FLTP || *f == AV_SAMPLE_FMT_FLT ||
        *f == AV_SAMPLE_FMT_S16 || *f == AV_SAMPLE_FMT_S16P) {
      return *f;
    }
  }
  return AV_SAMPLE_FMT_NONE;
}

}  // namespace

AudioTrackEncoder::AudioTrackEncoder(const AudioSource& source,
                                     AVFormatContext* output,
                                     const fs::path& output_path)
    : source_(source), path_(output_path), output_(output) {
  THROW_CHECK(source.fill);
  if (source.channels < 1 || source.channels > 8 || source.sample_rate < 8000 ||
      source.sample_rate > 192000) {
    ThrowError("{}: audio of {} channel(s) at {} Hz is not supported",
               path_.string(), source.channels, source.sample_rate);
  }
  THROW_CHECK_GE(source.length, 0);
  const AVCodec* codec = AudioEncoderFor(*output->oformat);
  if (codec == nullptr) {
    ThrowError("{}: FFmpeg has no audio encoder for {} files", path_.string(),
               output->oformat->name);
  }
  const AVSampleFormat format = ChooseSampleFormat(*codec);
  if (format == AV_SAMPLE_FMT_NONE) {
    ThrowError("{}: the {} encoder takes no float or 16-bit samples",
               path_.string(), codec->name);
  }
  encoder_.reset(avcodec_alloc_context3(codec));
  if (!encoder_) throw std::bad_alloc();
  AVCodecContext& c = *encoder_;
  c.sample_rate = source.sample_rate;
  c.sample_fmt = format;
  av_channel_layout_default(&c.ch_layout, source.channels);
  c.time_base = {1, source.sample_rate};
  c.bit_rate = 64000 * std::min(source.channels, 2);
  if (output->oformat->flags & AVFMT_GLOBALHEADER) {
    c.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  ClearLoggedError();
  int ret = avcodec_open2(&c, codec, nullptr);
  if (ret < 0) {
    ThrowError("{}: cannot open the {} audio encoder: {}", path_.string(),
               codec->name, AvErrorText(ret));
  }
  stream_ = avformat_new_stream(output, nullptr);
  if (!stream_) throw std::bad_alloc();
  if (avcodec_parameters_from_context(stream_->codecpar, &c) < 0) {
    throw std::bad_alloc();
  }
  stream_->time_base = c.time_base;
}

void AudioTrackEncoder::Send(AVFrame* frame) {
  ClearLoggedError();
  int ret = avcodec_send_frame(encoder_.get(), frame);
  if (ret < 0) {
    ThrowError("{}: audio encoding failed: {}", path_.string(),
               AvErrorText(ret));
  }
  for (;;) {
    ret = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    if (ret < 0) {
      ThrowError("{}: audio encoding failed: {}", path_.string(),
                 AvErrorText(ret));
    }
    packet_->stream_index = stream_->index;
    av_packet_rescale_ts(packet_.get(), encoder_->time_base,
                         stream_->time_base);
    ClearLoggedError();
    ret = av_interleaved_write_frame(output_, packet_.get());
    if (ret < 0) {
      ThrowError("{}: cannot write audio: {}", path_.string(),
                 AvErrorText(ret));
    }
  }
}

void AudioTrackEncoder::EncodeUntil(double output_seconds) {
  if (flushed_) return;
  AVCodecContext& c = *encoder_;
  const int channels = source_.channels;
  // Encoders without a fixed frame size (PCM, FLAC) take any; 1024 keeps
  // the packets small enough to interleave finely.
  const int frame_size = c.frame_size > 0 ? c.frame_size : 1024;
  const int64_t until =
      std::isinf(output_seconds)
          ? source_.length
          : std::min<int64_t>(
                source_.length,
                static_cast<int64_t>(std::ceil(std::max(0.0, output_seconds) *
                                               source_.sample_rate)));
  while (next_sample_ < until) {
    const int count = static_cast<int>(
        std::min<int64_t>(frame_size, source_.length - next_sample_));
    // Encoders that take only whole frames get the last one padded with
    // silence.
    const bool whole_frames_only =
        c.frame_size > 0 &&
        !(c.codec->capabilities &
          (AV_CODEC_CAP_SMALL_LAST_FRAME | AV_CODEC_CAP_VARIABLE_FRAME_SIZE));
    const int samples = whole_frames_only ? frame_size : count;
    interleaved_.assign(static_cast<size_t>(samples) * channels, 0.0f);
    source_.fill(next_sample_, count, interleaved_.data());
    AVFrame& f = *frame_;
    av_frame_unref(&f);
    f.format = c.sample_fmt;
    f.sample_rate = c.sample_rate;
    f.nb_samples = samples;
    if (av_channel_layout_copy(&f.ch_layout, &c.ch_layout) < 0 ||
        av_frame_get_buffer(&f, 0) < 0) {
      throw std::bad_alloc();
    }
    const bool planar = av_sample_fmt_is_planar(c.sample_fmt);
    const bool floats =
        c.sample_fmt == AV_SAMPLE_FMT_FLT || c.sample_fmt == AV_SAMPLE_FMT_FLTP;
    for (int i = 0; i < samples; ++i) {
      for (int ch = 0; ch < channels; ++ch) {
        float v = interleaved_[static_cast<size_t>(i) * channels + ch];
        v = std::isfinite(v) ? std::clamp(v, -1.0f, 1.0f) : 0.0f;
        const int plane = planar ? ch : 0;
        const int index = planar ? i : i * channels + ch;
        if (floats) {
          reinterpret_cast<float*>(f.data[plane])[index] = v;
        } else {
          reinterpret_cast<int16_t*>(f.data[plane])[index] =
              static_cast<int16_t>(std::lround(v * 32767.0f));
        }
      }
    }
    f.pts = next_sample_;
    next_sample_ += count;
    Send(&f);
  }
  if (std::isinf(output_seconds)) {
    Send(nullptr);
    flushed_ = true;
  }
}

}  // namespace parallax::video_internal
