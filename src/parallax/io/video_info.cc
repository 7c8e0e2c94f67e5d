#include "parallax/io/video_info.h"

extern "C" {
#include <libavutil/pixdesc.h>
#include <libavutil/stereo3d.h>
}

#include <algorithm>
#include <array>
#include <cmath>

#include "parallax/io/video_ffmpeg.h"
#include "parallax/io/video_position.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace fs = std::filesystem;
using namespace video_internal;
namespace {

Rational ToRational(AVRational q) {
  return q.num > 0 && q.den > 0 ? Rational{q.num, q.den} : Rational{};
}

// Matroska keeps the stream duration only as a "DURATION" tag.
double TaggedDuration(const AVStream& stream) {
  const AVDictionaryEntry* tag =
      av_dict_get(stream.metadata, "DURATION", nullptr, 0);
  if (!tag) return 0;
  try {
    return ParseVideoPosition(tag->value).seconds;
  } catch (const Error&) {
    return 0;
  }
}

double StreamDuration(const AVFormatContext& format, const AVStream& stream) {
  if (stream.duration != AV_NOPTS_VALUE && stream.duration > 0) {
    return ToSeconds(stream.duration, stream.time_base);
  }
  if (const double tagged = TaggedDuration(stream); tagged > 0) return tagged;
  if (format.duration != AV_NOPTS_VALUE && format.duration > 0) {
    return static_cast<double>(format.duration) / AV_TIME_BASE;
  }
  return 0;
}

// Frame intervals that differ by more than timestamp rounding (one tick, e.g.
// 33/34 ms at 29.97 fps in a 1/1000 time base) mean variable frame rate.
bool IrregularTimestamps(const fs::path& path) {
  // Packets come in decode order: the last few read may still miss
  // B-frames shown before them, so only the first `kFrames` in display
  // order are complete.
  constexpr int kFrames = 120;
  constexpr int kReorderSlack = 16;
  std::vector<int64_t> pts =
      CollectVideoPts(path, INT64_MIN, kFrames + kReorderSlack);
  if (pts.size() == kFrames + kReorderSlack) pts.resize(kFrames);
  std::vector<int64_t> steps;
  for (size_t i = 1; i < pts.size(); ++i) {
    if (pts[i] > pts[i - 1]) steps.push_back(pts[i] - pts[i - 1]);
  }
  if (steps.size() < 2) return false;
  const auto [low, high] = std::minmax_element(steps.begin(), steps.end());
  return *high > *low + 1 + *low / 20;
}

// The stream's stereo 3D side data (MP4 'st3d', Matroska StereoMode).
StereoTag StreamStereoTag(const AVStream& stream) {
  size_t size = 0;
  const uint8_t* data =
      av_stream_get_side_data(&stream, AV_PKT_DATA_STEREO3D, &size);
  if (!data || size < sizeof(AVStereo3D)) return StereoTag::kNone;
  const auto* stereo = reinterpret_cast<const AVStereo3D*>(data);
  const bool inverted = (stereo->flags & AV_STEREO3D_FLAG_INVERT) != 0;
  switch (stereo->type) {
    case AV_STEREO3D_SIDEBYSIDE:
    case AV_STEREO3D_SIDEBYSIDE_QUINCUNX:
      return inverted ? StereoTag::kSideBySideRightFirst
                      : StereoTag::kSideBySideLeftFirst;
    case AV_STEREO3D_TOPBOTTOM:
      return inverted ? StereoTag::kTopBottomRightFirst
                      : StereoTag::kTopBottomLeftFirst;
    default:
      return StereoTag::kNone;  // frame or line interleaved: not packed
  }
}

bool RatesDisagree(Rational a, Rational b) {
  if (!a.valid() || !b.valid()) return false;
  return std::abs(a.value() - b.value()) > 0.002 * b.value();
}

}  // namespace

bool IsVideoFile(const fs::path& path) {
  static const std::array<const char*, 14> kExtensions = {
      ".mp4",  ".mkv", ".mov", ".avi",  ".webm", ".m4v", ".mpg",
      ".mpeg", ".ts",  ".mts", ".m2ts", ".wmv",  ".flv", ".3gp"};
  const std::string extension = ToLower(path.extension().string());
  return std::find(kExtensions.begin(), kExtensions.end(), extension) !=
         kExtensions.end();
}

VideoInfo ProbeVideo(const fs::path& path) {
  InputPtr format = OpenInput(path);
  const AVStream& stream = *format->streams[FindVideoStream(*format, path)];
  const AVCodecParameters& par = *stream.codecpar;
  VideoInfo info;
  info.coded_width = par.width;
  info.coded_height = par.height;
  info.rotation = StreamRotation(stream);
  const bool swap = info.rotation == 90 || info.rotation == 270;
  info.width = swap ? par.height : par.width;
  info.height = swap ? par.width : par.height;

  const Rational average = ToRational(stream.avg_frame_rate);
  const Rational real = ToRational(stream.r_frame_rate);
  info.frame_rate = average.valid() ? average : real;
  info.time_base = ToRational(stream.time_base);
  info.start_time_s = ToSeconds(StreamStartPts(stream), stream.time_base);
  info.duration_s = StreamDuration(*format, stream);
  if (stream.nb_frames > 0) {
    info.frame_count = stream.nb_frames;
    info.frame_count_exact = true;
  } else {
    info.frame_count = std::llround(info.duration_s * info.frame_rate.value());
  }
  info.variable_frame_rate =
      RatesDisagree(average, real) || IrregularTimestamps(path);

  info.codec = avcodec_get_name(par.codec_id);
  const auto pixel_format = static_cast<AVPixelFormat>(par.format);
  const char* pixel_format_name = av_get_pix_fmt_name(pixel_format);
  info.pixel_format = pixel_format_name ? pixel_format_name : "unknown";
  if (const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(pixel_format)) {
    info.bits_per_component = desc->comp[0].depth;
  }
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    const AVMediaType type = format->streams[i]->codecpar->codec_type;
    info.audio_streams += type == AVMEDIA_TYPE_AUDIO;
    info.subtitle_streams += type == AVMEDIA_TYPE_SUBTITLE;
  }
  info.stereo = StreamStereoTag(stream);
  return info;
}

int64_t CountVideoFrames(const fs::path& path) {
  return static_cast<int64_t>(CollectVideoPts(path).size());
}

}  // namespace parallax
