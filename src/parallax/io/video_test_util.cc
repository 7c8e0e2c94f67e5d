#include "parallax/io/video_test_util.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

namespace parallax::testing {
namespace fs = std::filesystem;

bool HaveFfmpegCli() {
  static const bool have =
      std::system("ffmpeg -version >/dev/null 2>&1") == 0 &&
      std::system("ffprobe -version >/dev/null 2>&1") == 0;
  return have;
}

std::string Quote(const fs::path& path) {
  std::string quoted = "'";
  for (char c : path.string()) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

void RunFfmpeg(const std::string& args) {
  // `timeout`: a wrong argument must fail the test, not hang it.
  const std::string command = "timeout 60 ffmpeg -nostdin -v error -y " + args;
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("failed: " + command);
  }
}

std::string Capture(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"),
                                             &pclose);
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::string output;
  std::array<char, 4096> buffer;
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) {
    output.append(buffer.data(), n);
  }
  if (pclose(pipe.release()) != 0) {
    throw std::runtime_error("failed: " + command);
  }
  return output;
}

std::string TestSource(double seconds, int rate, const std::string& size) {
  return fmt::format(
      "-f lavfi -i testsrc2=size={}:rate={}:duration={} -f lavfi -i "
      "sine=frequency=440:sample_rate=48000:duration={}",
      size, rate, seconds, seconds);
}

fs::path WriteSubtitles(const fs::path& folder) {
  const fs::path path = folder / "subs.srt";
  std::ofstream(path) << "1\n00:00:00,500 --> 00:00:01,500\nHello\n\n"
                         "2\n00:00:01,600 --> 00:00:01,900\nWorld\n\n";
  return path;
}

PacketTimes ProbePackets(const fs::path& path, const std::string& stream) {
  const std::string text =
      Capture(fmt::format("ffprobe -v error -select_streams {} -show_entries "
                          "packet=pts_time,duration_time -of csv=p=0 {}",
                          stream, Quote(path)));
  PacketTimes times;
  std::istringstream lines(text);
  std::string line;
  bool any = false;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const size_t comma = line.find(',');
    const double pts = std::atof(line.substr(0, comma).c_str());
    const double duration =
        comma == std::string::npos ? 0 : std::atof(line.c_str() + comma + 1);
    times.pts_s.push_back(pts);
    if (!any || pts < times.first_s) times.first_s = pts;
    times.end_s = any ? std::max(times.end_s, pts + duration) : pts + duration;
    any = true;
    ++times.count;
  }
  return times;
}

std::string ProbeStreamsText(const fs::path& path) {
  return Capture("ffprobe -v error -show_streams " + Quote(path));
}

cv::Mat PatternFrame(int width, int height, int index, int type) {
  cv::Mat image(height, width, CV_32FC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const float u = static_cast<float>(x) / width;
      const float v = static_cast<float>(y) / height;
      const float wave = 0.5f + 0.5f * std::sin(0.15f * (x + 3 * index));
      image.at<cv::Vec3f>(y, x) = {u, v * wave, 0.5f * (u + v)};
    }
  }
  // A moving square with sharp edges.
  const int side = std::max(4, height / 4);
  const int left = (index * 3) % std::max(1, width - side);
  image(cv::Rect(left, height / 3, side, side)).setTo(cv::Scalar(1, 0.2, 0.1));
  const int depth = CV_MAT_DEPTH(type);
  const double scale = depth == CV_16U ? 65535 : 255;
  if (CV_MAT_CN(type) == 1) cv::cvtColor(image, image, cv::COLOR_BGR2GRAY);
  cv::Mat out;
  image.convertTo(out, depth, scale);
  return out;
}

double Psnr(const cv::Mat& a, const cv::Mat& b) { return cv::PSNR(a, b); }

double MeanAbsDiff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  const cv::Scalar mean = cv::mean(diff);
  double sum = 0;
  for (int c = 0; c < a.channels(); ++c) sum += mean[c];
  return sum / a.channels();
}

VideoReadOptions ReadRange(std::optional<VideoPosition> start,
                           std::optional<VideoPosition> end) {
  VideoReadOptions options;
  options.start = start;
  options.end = end;
  return options;
}

VideoOutputSpec OutputSpec(int width, int height, Rational frame_rate,
                           Rational time_base) {
  VideoOutputSpec spec;
  spec.width = width;
  spec.height = height;
  spec.frame_rate = frame_rate;
  spec.time_base = time_base;
  return spec;
}

VideoEncodeOptions Encoding(const std::string& codec,
                            const std::string& pix_fmt,
                            const std::string& preset) {
  VideoEncodeOptions options;
  options.codec = codec;
  options.pix_fmt = pix_fmt;
  options.preset = preset;
  return options;
}

}  // namespace parallax::testing
