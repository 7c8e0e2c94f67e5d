// Joining closed video segments into one file, packet for packet, with the
// audio and subtitles of the source: what makes long conversions resumable.
// A job encodes its frames in segments (each a complete VideoWriter file
// starting with a keyframe, so a crash loses at most the segment being
// written) and joins them at the end.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "parallax/io/video_writer.h"

namespace parallax {

struct VideoSegment {
  std::filesystem::path path;  // video-only file from VideoWriter
  // Source pts of its first frame, in `time_base` of the join: where the
  // segment starts on the source's timeline.
  int64_t first_pts = 0;
};

struct VideoJoinSpec {
  Rational time_base;  // of every VideoSegment::first_pts
  // Audio and subtitles to copy, as VideoOutputSpec: from the first
  // segment's start to the end of the last frame.
  std::filesystem::path copy_streams_from;
  std::optional<double> copy_start_s, copy_end_s;
  StereoTag stereo = StereoTag::kNone;
  std::map<std::string, std::string> metadata;
};

// Writes `output` atomically (temporary file, fsync, rename). Segments must
// share codec and parameters (one encoder configuration). Throws
// parallax::Error naming the file at fault.
void JoinVideoSegments(const std::vector<VideoSegment>& segments,
                       const std::filesystem::path& output,
                       const VideoJoinSpec& spec);

}  // namespace parallax
