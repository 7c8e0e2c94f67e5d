#include "parallax/io/video_ffmpeg.h"

#include <fcntl.h>
#include <unistd.h>

extern "C" {
#include <libavutil/display.h>
}

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax::video_internal {
namespace fs = std::filesystem;
namespace {

std::mutex& LogMutex() {
  static std::mutex mutex;
  return mutex;
}
std::string& LastLogLine() {
  static std::string line;
  return line;
}
bool g_forward_log = false;
std::atomic<uint64_t> g_error_lines{0};

void KeepErrorLine(void* avcl, int level, const char* fmt, va_list args) {
  char line[1024];
  int print_prefix = 0;  // no "[h264 @ 0x55d0...]" context prefix
  av_log_format_line2(avcl, level, fmt, args, line, sizeof(line),
                      &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  if (text.empty()) return;
  std::lock_guard<std::mutex> lock(LogMutex());
  LastLogLine() = std::move(text);
}

void LogCallback(void* avcl, int level, const char* fmt, va_list args) {
  if (level <= AV_LOG_ERROR) {
    ++g_error_lines;
    va_list copy;
    va_copy(copy, args);
    KeepErrorLine(avcl, level, fmt, copy);
    va_end(copy);
  }
  // av_log_default_callback filters by av_log_get_level() itself.
  if (g_forward_log) av_log_default_callback(avcl, level, fmt, args);
}

int LogLevelFromName(const std::string& name) {
  static const std::pair<const char*, int> kLevels[] = {
      {"quiet", AV_LOG_QUIET},     {"panic", AV_LOG_PANIC},
      {"fatal", AV_LOG_FATAL},     {"error", AV_LOG_ERROR},
      {"warning", AV_LOG_WARNING}, {"info", AV_LOG_INFO},
      {"verbose", AV_LOG_VERBOSE}, {"debug", AV_LOG_DEBUG},
      {"trace", AV_LOG_TRACE}};
  const std::string lower = ToLower(name);
  for (const auto& [level_name, level] : kLevels) {
    if (lower == level_name) return level;
  }
  return AV_LOG_INFO;
}

}  // namespace

void FsyncFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

FramePtr NewFrame() {
  FramePtr frame(av_frame_alloc());
  if (!frame) throw std::bad_alloc();
  return frame;
}

PacketPtr NewPacket() {
  PacketPtr packet(av_packet_alloc());
  if (!packet) throw std::bad_alloc();
  return packet;
}

void InitFfmpeg() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* env = std::getenv("PARALLAX_FFMPEG_LOG");
    g_forward_log = env != nullptr;
    av_log_set_level(g_forward_log ? LogLevelFromName(env) : AV_LOG_QUIET);
    av_log_set_callback(&LogCallback);
  });
}

void ClearLoggedError() {
  std::lock_guard<std::mutex> lock(LogMutex());
  LastLogLine().clear();
}

std::string LoggedError() {
  std::lock_guard<std::mutex> lock(LogMutex());
  return LastLogLine();
}

uint64_t LoggedErrorCount() { return g_error_lines.load(); }

std::string AvErrorText(int errnum) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(errnum, buffer, sizeof(buffer));
  std::string text(buffer);
  const std::string logged = LoggedError();
  if (!logged.empty() && logged.find(text) == std::string::npos) {
    text += " (" + logged + ")";
  }
  return text;
}

InputPtr OpenInput(const fs::path& path) {
  InitFfmpeg();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    ThrowError("cannot read video '{}': no such file", path.string());
  }
  if (fs::is_directory(path, ec)) {
    ThrowError("cannot read video '{}': it is a folder", path.string());
  }
  ClearLoggedError();
  AVFormatContext* raw = nullptr;
  int ret = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (ret < 0) {
    ThrowError("cannot read video '{}': {}", path.string(), AvErrorText(ret));
  }
  InputPtr format(raw);
  ret = avformat_find_stream_info(format.get(), nullptr);
  if (ret < 0) {
    ThrowError("cannot read video '{}': {}", path.string(), AvErrorText(ret));
  }
  return format;
}

int FindVideoStream(const AVFormatContext& format, const fs::path& path) {
  auto usable = [&](int index) {
    const AVStream* stream = format.streams[index];
    return stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
           !(stream->disposition & AV_DISPOSITION_ATTACHED_PIC) &&
           stream->codecpar->width > 0 && stream->codecpar->height > 0;
  };
  const int best = av_find_best_stream(const_cast<AVFormatContext*>(&format),
                                       AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (best >= 0 && usable(best)) return best;
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    if (usable(static_cast<int>(i))) return static_cast<int>(i);
  }
  ThrowError("'{}' has no video stream", path.string());
}

int64_t StreamStartPts(const AVStream& stream) {
  return stream.start_time == AV_NOPTS_VALUE ? 0 : stream.start_time;
}

int StreamRotation(const AVStream& stream) {
  size_t size = 0;
  const uint8_t* matrix =
      av_stream_get_side_data(&stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (!matrix || size < 9 * sizeof(int32_t)) return 0;
  const double counterclockwise =
      av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(counterclockwise)) return 0;
  // Only quarter turns exist in practice; round anything else to the nearest.
  const int quarter_turns =
      static_cast<int>(std::lround(-counterclockwise / 90.0));
  return ((quarter_turns % 4) + 4) % 4 * 90;
}

std::vector<int64_t> CollectVideoPts(const fs::path& path,
                                     int64_t stop_after_pts, int count) {
  InputPtr format = OpenInput(path);
  const int stream_index = FindVideoStream(*format, path);
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    if (static_cast<int>(i) != stream_index) {
      format->streams[i]->discard = AVDISCARD_ALL;
    }
  }
  std::vector<int64_t> pts;
  PacketPtr packet = NewPacket();
  int beyond = 0;
  while (beyond < count && av_read_frame(format.get(), packet.get()) >= 0) {
    if (packet->stream_index == stream_index && packet->size > 0 &&
        !(packet->flags & AV_PKT_FLAG_DISCARD)) {
      // Some containers (AVI, raw streams) carry only dts; for the
      // intra-only codecs they hold, dts is the presentation order too.
      const int64_t time =
          packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
      if (time != AV_NOPTS_VALUE) {
        pts.push_back(time);
        if (time > stop_after_pts) ++beyond;
      } else {
        pts.push_back(pts.empty() ? 0 : pts.back() + 1);
      }
    }
    av_packet_unref(packet.get());
  }
  std::sort(pts.begin(), pts.end());
  return pts;
}

}  // namespace parallax::video_internal
