// Encoding cv::Mat frames into a video file, optionally carrying over the
// audio and subtitles of a source video untouched.
//
//   VideoReader reader(in);
//   VideoOutputSpec spec;
//   spec.width = reader.frame_size().width;
//   spec.height = reader.frame_size().height;
//   spec.frame_rate = reader.info().frame_rate;
//   spec.time_base = reader.info().time_base;  // keeps VFR timing and sync
//   spec.copy_streams_from = in;               // audio and subtitles
//   VideoWriter writer(out, spec);
//   VideoFrame frame;
//   while (reader.Read(&frame)) writer.Write(Process(frame.image), frame.pts);
//   writer.Finish();
//
// The container follows the extension (.mp4 .mkv .mov .webm .avi ...). The
// file appears under its name only in Finish(): until then it is a hidden
// temporary file beside it, removed if the writer is destroyed unfinished.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/io/video_info.h"

namespace parallax {

struct VideoEncodeOptions {
  // "h264" (libx264), "h265" (libx265) or "ffv1" (lossless; MKV/AVI/MOV).
  std::string codec = "h264";
  // Constant rate factor 0..51 (lower = better); -1 = the codec's default
  // for Parallax (h264 18, h265 20: visually lossless). Unused by ffv1.
  int crf = -1;
  // x264/x265 speed preset, ultrafast .. veryslow. Unused by ffv1.
  std::string preset = "medium";
  // One x264/x265 tuning ("" = none): psnr for data such as depth maps (no
  // perceptual tricks), or film, grain, animation, ssim, fastdecode,
  // zerolatency, stillimage (x264 only). Unused by ffv1.
  std::string tune;
  // Encoder pixel format; "" = yuv420p for h264/h265, and for ffv1 the
  // lossless match of the frames (bgr0, gbrp16le, gray, gray16le). Others
  // such as "yuv420p10le" or "yuv444p" are accepted where the encoder
  // supports them (10-bit needs 16-bit frames to be worth it).
  std::string pix_fmt;
  // Encoder threads; 0 = one per core.
  int threads = 0;
  // Frames between keyframes at most (seeking starts at one); 0 = the
  // encoder's default (x264/x265: 250).
  int keyframe_interval = 0;
  StereoTag stereo = StereoTag::kNone;
  // Container metadata, e.g. {"title", "..."}, {"comment", "..."}.
  std::map<std::string, std::string> metadata;
};

// Sound made by the caller (a synthetic film's soundtrack), encoded as the
// file's audio track: AAC in MP4, MOV, MKV and AVI, Opus or Vorbis in WebM.
struct AudioSource {
  int sample_rate = 48000;
  int channels = 2;
  int64_t length = 0;  // samples per channel; 0 = no audio
  // Writes `count` interleaved samples per channel, starting at sample
  // `first`, into `out` (count * channels floats in [-1, 1]). Called from
  // the thread that calls VideoWriter::Write() and Finish(), in order.
  std::function<void(int64_t first, int count, float* out)> fill;
};

struct VideoOutputSpec {
  // Frame size; every frame written must have it. h264/h265 with 4:2:0
  // pixel formats need even sides.
  int width = 0;
  int height = 0;
  // Nominal frame rate (encoder rate control, container default duration).
  Rational frame_rate;
  // Unit of the pts given to Write(); {0, 1} = 1/frame_rate. Pass the
  // source's time base and frame pts to keep variable frame rates and
  // audio sync. Output timestamps start at 0 with the first frame written.
  Rational time_base;
  // "" = no copying; else every audio and subtitle stream of this file is
  // copied packet for packet (no re-encoding), shifted so the first frame
  // written and the source audio at its time stay together. A stream the
  // output container cannot hold (e.g. SubRip subtitles in .mp4) is an
  // error naming the stream: choose a container that holds it (.mkv).
  std::filesystem::path copy_streams_from;
  // Copy only what plays from copy_start_s to copy_end_s (exclusive), in
  // the source's VideoFrame::time_s seconds, for outputs made from part of
  // the source: VideoReader::start_time_s() and end_time_s() give them.
  // Unset = no bound. Audio packets overlapping a bound are kept whole,
  // subtitles overlapping it are cut to fit.
  std::optional<double> copy_start_s;
  std::optional<double> copy_end_s;
  // true: bounds not given above are taken from the frames written (the
  // first one's time and the end of the last), which the writer knows
  // exactly, whatever the reader was asked for.
  bool trim_copied_streams = false;
  // Audio to encode instead of copying it (length 0 = none); not together
  // with copy_streams_from. It is written interleaved with the video as
  // the frames arrive; audio beyond the last frame is still written.
  AudioSource audio;

  // Throws parallax::Error for values a user could have given.
  void Check() const;
};

class VideoWriter {
 public:
  // Checks codec, pixel format, container and streams to copy up front and
  // throws parallax::Error naming the output (or the stream) on problems.
  // Refuses to write over `copy_streams_from`.
  VideoWriter(const std::filesystem::path& path, const VideoOutputSpec& spec,
              const VideoEncodeOptions& options = {});
  // Without Finish(): removes the temporary file; nothing appears at `path`.
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // `image`: CV_8UC3 or CV_16UC3 BGR, CV_8UC1 or CV_16UC1 gray, of the spec's
  // size. `pts` in the spec's time base, strictly increasing.
  void Write(const cv::Mat& image, int64_t pts);
  // Flushes the encoder, copies the remaining audio/subtitle packets, writes
  // the index, fsyncs and renames the file into place. Throws
  // parallax::Error when no frame was written.
  void Finish();

  int64_t frames_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parallax
