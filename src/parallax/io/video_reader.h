// Decoding a video file frame by frame into cv::Mat.
//
//   VideoReadOptions options;
//   options.start = ParseVideoPosition("12.5s");
//   VideoReader reader(path, options);
//   VideoFrame frame;
//   while (reader.Read(&frame)) Use(frame.image, frame.index);
//
// Damaged input throws parallax::Error naming the file and the frame where
// it broke; every frame returned before stays valid, so a caller can finish
// its output with the good part.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include <opencv2/core.hpp>

#include "parallax/io/image_io.h"
#include "parallax/io/video_info.h"
#include "parallax/io/video_position.h"

namespace parallax {

struct VideoReadOptions {
  // First frame to return (inclusive); none = the first frame of the file.
  // A frame number is exact; a time selects the first frame at or after it.
  // Reading seeks to the keyframe before and decodes forward from there.
  std::optional<VideoPosition> start;
  // With `start`: return frames from the keyframe at or before it, instead
  // of decoding forward to it: fast and inexact, for looking at a film at
  // a few places (the frame numbers returned are still right).
  bool start_at_keyframe = false;
  // Where to stop (exclusive); none = the end of the file.
  std::optional<VideoPosition> end;
  // Turn frames upright by the display matrix (phone videos), as players do.
  bool apply_rotation = true;
  // 8 -> CV_8UC3 BGR; 16 -> CV_16UC3 BGR scaled to 0..65535, which keeps
  // the precision of 10- and 12-bit sources.
  int bit_depth = 8;
  // Also give each frame's luma (VideoFrame::luma), which Read(frame,
  // /*color=*/false) gives alone, without the colour conversion: cheap
  // looks at every frame of a film (cut detection), colour where needed.
  bool luma = false;
  // Every `luma_step`-th pixel of each row and column only (nearest, no
  // filtering): a film's cut detection needs a few thousand samples, not
  // the whole picture.
  int luma_step = 1;
  // Decoder threads; 0 = one per core.
  int threads = 0;
  // false: the first damaged packet or picture ends reading with an error.
  // true: let the decoder conceal damage and go on (frames may show
  // artefacts); a truncated file still ends with an error.
  bool conceal_errors = false;
  // Checked against the frame size when the file is opened, before any
  // frame is decoded: a stream header can declare 60000x60000 pixels.
  // Jobs set what they need per frame pixel (the memory budget).
  ImageLimits frame_limits;

  // Throws parallax::Error for values a user could have given (a start
  // after the end); THROW_CHECK for the rest.
  void Check() const;
};

struct VideoFrame {
  // CV_8UC3 or CV_16UC3 BGR (VideoReadOptions::bit_depth), upright when
  // rotation is applied.
  cv::Mat image;
  // With VideoReadOptions::luma: CV_8UC1 luma, 0 = black .. 255 = white
  // (limited-range video stretched to full), upright like `image`.
  cv::Mat luma;
  // 0-based number of the frame in the file (not counting from `start`).
  int64_t index = 0;
  // Presentation timestamp in info().time_base units, as stored in the file
  // (strictly increasing: repaired when the file's are not). Pass it with
  // that time base to VideoWriter to keep variable frame rates and sync.
  int64_t pts = 0;
  // Seconds since the file's first frame (pts - start, in seconds).
  double time_s = 0;
};

class VideoReader {
 public:
  // Opens the file and its decoder. Throws parallax::Error naming the file.
  explicit VideoReader(const std::filesystem::path& path,
                       const VideoReadOptions& options = {});
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  const VideoInfo& info() const;
  // Size of the frames Read() returns (info()'s display size when rotation
  // is applied, the coded size otherwise).
  cv::Size frame_size() const;

  // The next frame; false after the last one (or at `end`). Throws
  // parallax::Error "<file>: decoding failed at frame N (t=S s): <reason>",
  // or "<file>: ends at frame N of M expected (truncated?)" when the stream
  // stops well before the frame count or duration the container declares.
  bool Read(VideoFrame* frame);
  // The same; with `color` false (and VideoReadOptions::luma) only the
  // luma is made and `image` is left empty.
  bool Read(VideoFrame* frame, bool color);

  // Number of frames Read() has returned.
  int64_t frames_read() const;

  // The requested range in VideoFrame::time_s seconds, known before the
  // first Read() (frame numbers converted with the file's timestamps): for
  // VideoOutputSpec::copy_start_s / copy_end_s. The start is 0 and the end
  // nullopt (the end of the file) when not given.
  double start_time_s() const;
  std::optional<double> end_time_s() const;

  // How many frames Read() should return, for progress bars: exact for
  // frame ranges in files that count their frames, else an estimate.
  int64_t expected_frames() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parallax
