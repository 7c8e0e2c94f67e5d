// Internal to src/parallax/io: the FFmpeg plumbing shared by the video
// prober, reader and writer. Only io/*.cc files include this header, so
// FFmpeg's types never reach Parallax's public headers and only `io` needs
// FFmpeg's include paths.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace parallax::video_internal {

struct InputDeleter {
  void operator()(AVFormatContext* context) const {
    avformat_close_input(&context);
  }
};
using InputPtr = std::unique_ptr<AVFormatContext, InputDeleter>;

struct CodecContextDeleter {
  void operator()(AVCodecContext* context) const {
    avcodec_free_context(&context);
  }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;

struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;

struct PacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

// Allocation failures are not user errors: they throw std::bad_alloc.
// An output (muxer) context; closes its file too.
struct OutputDeleter {
  void operator()(AVFormatContext* context) const {
    if (context->pb) avio_closep(&context->pb);
    avformat_free_context(context);
  }
};
using OutputPtr = std::unique_ptr<AVFormatContext, OutputDeleter>;

// Flushes a finished file to disk before it is renamed into place.
void FsyncFile(const std::filesystem::path& path);

FramePtr NewFrame();
PacketPtr NewPacket();

// Installs Parallax's FFmpeg log callback once. FFmpeg stays silent unless
// the environment variable PARALLAX_FFMPEG_LOG is set (to a level name such
// as "info", "verbose", "debug", or any other value for "info"); either way
// the last error line FFmpeg logs is kept so error messages can quote it.
void InitFfmpeg();

// Forgets the last logged error line, so that LoggedError() only returns
// lines logged by the operation that follows. Best effort when several
// threads use FFmpeg at once: the line may come from another file.
void ClearLoggedError();
std::string LoggedError();
// How many error lines FFmpeg has logged so far (never reset): lets a caller
// tell damage, which decoders always report, from silent legitimate events.
uint64_t LoggedErrorCount();

// av_strerror's text for `errnum`, followed by the last line FFmpeg logged
// since ClearLoggedError() when it adds something.
std::string AvErrorText(int errnum);

// Opens `path` and reads its stream parameters. Throws parallax::Error
// naming the file when it is missing or not a media file FFmpeg can read.
InputPtr OpenInput(const std::filesystem::path& path);

// The index of the main video stream (cover images are skipped). Throws
// parallax::Error naming the file when it has no video stream.
int FindVideoStream(const AVFormatContext& format,
                    const std::filesystem::path& path);

// The stream's first timestamp (its start_time; 0 when the container does
// not say). Frame times are measured from it, so a file's first frame is at
// 0 s even in MPEG-TS files whose clock starts at 1.4 s.
int64_t StreamStartPts(const AVStream& stream);

// Degrees clockwise (0/90/180/270) the decoded frames must be turned to
// display upright, read from the display matrix side data. This matches
// what the ffmpeg CLI's autorotate does.
int StreamRotation(const AVStream& stream);

// The presentation timestamps of the video packets in `path`, sorted, read
// without decoding. Packets that the decoder would drop (edit lists) are
// left out, so position i holds frame i's pts. Reading stops once `count`
// timestamps above `stop_after_pts` have been seen (reordering means a
// frame's pts may come a few packets after later ones), or at the end.
std::vector<int64_t> CollectVideoPts(const std::filesystem::path& path,
                                     int64_t stop_after_pts = INT64_MAX,
                                     int count = 64);

inline double ToSeconds(int64_t ticks, AVRational time_base) {
  return static_cast<double>(ticks) * av_q2d(time_base);
}

}  // namespace parallax::video_internal
