// Internal to src/parallax/io: encodes a VideoWriter's AudioSource as an
// audio stream of the output, interleaved with the video as it is written
// (only one encoder frame of samples is held at a time).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "parallax/io/video_ffmpeg.h"
#include "parallax/io/video_writer.h"

namespace parallax::video_internal {

class AudioTrackEncoder {
 public:
  // Adds the stream to `output`, whose header is not written yet, and opens
  // the encoder the container prefers (AAC for MP4/MOV/MKV/AVI). Throws
  // parallax::Error naming `output_path` when it cannot.
  AudioTrackEncoder(const AudioSource& source, AVFormatContext* output,
                    const std::filesystem::path& output_path);

  // Encodes and writes every sample that plays before `output_seconds`
  // (+infinity: the rest, then flushes the encoder).
  void EncodeUntil(double output_seconds);

 private:
  void Send(AVFrame* frame);  // nullptr flushes

  AudioSource source_;
  std::filesystem::path path_;
  AVFormatContext* output_;
  AVStream* stream_ = nullptr;
  CodecContextPtr encoder_;
  FramePtr frame_ = NewFrame();
  PacketPtr packet_ = NewPacket();
  std::vector<float> interleaved_;
  int64_t next_sample_ = 0;
  bool flushed_ = false;
};

}  // namespace parallax::video_internal
