// Internal to src/parallax/io: copies the audio and subtitle streams of a
// source file into a VideoWriter's output packet for packet (no
// re-encoding), interleaved with the video as it is written so nothing
// but the demuxer's small buffers is held in memory.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "parallax/io/video_ffmpeg.h"

namespace parallax::video_internal {

class StreamCopier {
 public:
  // Opens `source` and adds one output stream per audio and subtitle stream
  // to `output`, whose header is not written yet. Throws parallax::Error
  // naming the stream when the output container cannot hold its codec.
  StreamCopier(const std::filesystem::path& source, AVFormatContext* output,
               const std::filesystem::path& output_path);

  // Sets the source time that becomes output time 0: the first video
  // frame's pts in `time_base`. Must be called once before CopyUntil().
  void Start(int64_t origin_pts, AVRational time_base);

  // Keeps only what plays within [start_s, end_s), in output seconds
  // (nullopt: unbounded). Audio packets overlapping a bound are kept whole
  // (one touching the start too: the encoder's priming packet); subtitles
  // are cut to fit. The end may be set late, before the last CopyUntil().
  void SetTrim(std::optional<double> start_s, std::optional<double> end_s);

  // Container time (seconds) of the source's first video frame, where
  // VideoFrame::time_s counts from; 0 when it has no video.
  double source_video_start_s() const { return source_video_start_s_; }

  // Writes every not-yet-copied packet whose output time is at or before
  // `output_seconds` (+infinity copies the rest).
  void CopyUntil(double output_seconds);

  int stream_count() const { return copied_streams_; }

 private:
  // Reads the next packet of a copied stream into pending_; false at the end
  // of the source (or when trimming, once packets are far past the end).
  bool ReadNext();
  // Output time of pending_ in its source stream's time base.
  int64_t PendingOutputTime() const;
  void SeekNearTrimStart();
  // Applies the trim to a packet already shifted to output time; false =
  // drop it.
  bool KeepTrimmed(AVPacket* packet, AVRational base, bool subtitle) const;
  void WritePending();

  std::filesystem::path source_path_;
  std::filesystem::path output_path_;
  AVFormatContext* output_;
  InputPtr source_;
  std::vector<AVStream*> output_of_source_;  // nullptr = not copied
  int copied_streams_ = 0;
  double source_video_start_s_ = 0;
  PacketPtr pending_ = NewPacket();
  bool has_pending_ = false;
  bool source_done_ = false;
  bool started_ = false;
  bool positioned_ = false;  // sought near the trim start (or decided not to)
  // Source time that becomes output time 0.
  int64_t origin_pts_ = 0;
  AVRational origin_time_base_{1, 1};
  std::optional<double> trim_start_s_, trim_end_s_;
};

}  // namespace parallax::video_internal
