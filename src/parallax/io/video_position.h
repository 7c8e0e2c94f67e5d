// A position in a video as a user writes it on the command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parallax {

struct VideoPosition {
  // A 0-based frame number when set ("120"); otherwise `seconds`.
  std::optional<int64_t> frame;
  // Seconds from the video's first frame ("12.5s", "1:02.5",
  // "00:01:02.500"); used when `frame` is not set.
  double seconds = 0;

  static VideoPosition Frame(int64_t frame) { return {frame, 0}; }
  static VideoPosition Seconds(double seconds) {
    return {std::nullopt, seconds};
  }
  // "frame 120" or "12.5 s", for messages.
  std::string ToString() const;
};

// Parses "120" (frame), "12.5s" (seconds), "1:02.5" (m:ss) and
// "00:01:02.500" (h:mm:ss). Throws parallax::Error on anything else,
// negative values included.
VideoPosition ParseVideoPosition(std::string_view text);

}  // namespace parallax
