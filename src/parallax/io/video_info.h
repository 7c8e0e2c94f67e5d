// What a video file holds, read without decoding it.
//
// Video support is built on FFmpeg, which only src/parallax/io knows: these
// headers use plain C++ types. Errors the user can fix (missing file, not a
// video, no video stream) throw parallax::Error naming the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace parallax {

// True when the extension (case-insensitive) is one of mp4 mkv mov avi webm
// m4v mpg mpeg ts mts m2ts wmv flv: how the CLI tells videos from images.
bool IsVideoFile(const std::filesystem::path& path);

// A rational number as FFmpeg keeps frame rates and time bases, so 30000/1001
// stays exact. {0, 1} means "unknown" / "not set".
struct Rational {
  int num = 0;
  int den = 1;
  // num/den, or 0 when den is 0.
  double value() const { return den == 0 ? 0.0 : double(num) / den; }
  bool valid() const { return num > 0 && den > 0; }
  bool operator==(const Rational&) const = default;
};

// Stereo 3D layout of the frames, as stream side data (MP4 'st3d' box,
// Matroska/WebM StereoMode): VideoWriter writes it so players and YouTube
// show the video in 3D; ProbeVideo reads it.
enum class StereoTag {
  kNone,
  kSideBySideLeftFirst,   // left view in the left half
  kSideBySideRightFirst,  // cross-eyed order; not expressible in MP4
  kTopBottomLeftFirst,    // left view on top
  kTopBottomRightFirst,   // not expressible in MP4
};

struct VideoInfo {
  // Display size: coded size turned by `rotation`.
  int width = 0;
  int height = 0;
  // Size of the decoded pictures before rotation.
  int coded_width = 0;
  int coded_height = 0;
  // Degrees clockwise (0, 90, 180, 270) the decoded pictures are turned for
  // display, from the stream's display matrix (phone videos).
  int rotation = 0;
  // Average frame rate (avg_frame_rate; r_frame_rate when the container
  // has no average).
  Rational frame_rate;
  // Unit of the video stream's timestamps (VideoFrame::pts).
  Rational time_base;
  // Number of frames: exact when the container counts them (MP4, MOV, AVI),
  // else estimated from duration * frame_rate (MKV, WebM, MPEG-TS).
  int64_t frame_count = 0;
  bool frame_count_exact = false;
  // Duration of the video stream in seconds (the container's when the stream
  // has none).
  double duration_s = 0;
  // Container time (seconds) of the first frame; frame times count from it.
  double start_time_s = 0;
  // True when frames are not evenly spaced: r_frame_rate and avg_frame_rate
  // disagree, or the first packets' timestamps are irregular.
  bool variable_frame_rate = false;
  // FFmpeg's names, e.g. "h264" and "yuv420p10le".
  std::string codec;
  std::string pixel_format;
  // Bits per colour component of the stored pictures (8, 10, 12, 16).
  int bits_per_component = 8;
  // Streams besides the video, e.g. to copy into an output.
  int audio_streams = 0;
  int subtitle_streams = 0;
  // The container's stereo 3D tag; kNone when it has none (most 3D films
  // in the wild).
  StereoTag stereo = StereoTag::kNone;
};

// Reads the container and stream headers (and the timestamps of the first
// packets, for the frame-rate check); decodes nothing.
VideoInfo ProbeVideo(const std::filesystem::path& path);

// The exact number of frames, counted by reading every video packet without
// decoding (about a second for a feature film's worth of packets on a fast
// disk; bound by file size).
int64_t CountVideoFrames(const std::filesystem::path& path);

}  // namespace parallax
