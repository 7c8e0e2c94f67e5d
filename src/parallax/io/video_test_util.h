// Helpers for the video tests: sample videos made with the ffmpeg CLI, and
// ffprobe as an independent witness of what Parallax wrote.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "parallax/io/video_reader.h"
#include "parallax/io/video_writer.h"

namespace parallax::testing {

// True when both `ffmpeg` and `ffprobe` run.
bool HaveFfmpegCli();

#define PARALLAX_SKIP_WITHOUT_FFMPEG()                          \
  do {                                                          \
    if (!::parallax::testing::HaveFfmpegCli())                  \
      GTEST_SKIP() << "the ffmpeg and ffprobe CLIs are needed"; \
  } while (false)

// Single-quoted for the shell.
std::string Quote(const std::filesystem::path& path);

// Runs `ffmpeg -nostdin -v error -y <args>` (60 s at most); throws
// std::runtime_error with the command on failure.
void RunFfmpeg(const std::string& args);
// Standard output of a shell command; throws std::runtime_error on failure.
std::string Capture(const std::string& command);

// Lavfi inputs (ffmpeg arguments) for `seconds` of testsrc2 at `rate` fps
// and a 440 Hz tone at 48 kHz.
std::string TestSource(double seconds, int rate = 25,
                       const std::string& size = "160x96");
// Writes a two-cue SubRip file (0.5-1.5 s, 1.6-1.9 s) and returns its path.
std::filesystem::path WriteSubtitles(const std::filesystem::path& folder);

// Packets of one stream (ffprobe stream specifier, e.g. "a:0"), by ffprobe.
struct PacketTimes {
  int64_t count = 0;
  double first_s = 0;  // earliest pts
  double end_s = 0;    // latest pts + duration
  std::vector<double> pts_s;
};
PacketTimes ProbePackets(const std::filesystem::path& path,
                         const std::string& stream);
// `ffprobe -show_streams` text (side data included).
std::string ProbeStreamsText(const std::filesystem::path& path);

// Frame `index` of a deterministic moving pattern with smooth areas, edges
// and colour, of CV type CV_8UC3, CV_16UC3, CV_8UC1 or CV_16UC1.
cv::Mat PatternFrame(int width, int height, int index, int type);

// 8-bit PSNR in dB.
double Psnr(const cv::Mat& a, const cv::Mat& b);
// Mean absolute difference over all channels.
double MeanAbsDiff(const cv::Mat& a, const cv::Mat& b);

// Option builders: designated initializers that leave fields out trip
// -Wmissing-field-initializers.
VideoReadOptions ReadRange(std::optional<VideoPosition> start,
                           std::optional<VideoPosition> end = std::nullopt);
VideoOutputSpec OutputSpec(int width, int height, Rational frame_rate,
                           Rational time_base = {});
VideoEncodeOptions Encoding(const std::string& codec,
                            const std::string& pix_fmt = "",
                            const std::string& preset = "ultrafast");

}  // namespace parallax::testing
