#include "parallax/io/video_writer.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "parallax/io/video_reader.h"
#include "parallax/io/video_test_util.h"
#include "parallax/testing/testing.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;
using testing::Capture;
using testing::Encoding;
using testing::OutputSpec;
using testing::PatternFrame;
using testing::ProbePackets;
using testing::ProbeStreamsText;
using testing::Quote;
using testing::ReadRange;
using testing::RunFfmpeg;
using testing::TempDir;

using testing::ErrorOf;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<VideoFrame> ReadAll(const fs::path& path,
                                const VideoReadOptions& options = {}) {
  VideoReader reader(path, options);
  std::vector<VideoFrame> frames;
  VideoFrame frame;
  while (reader.Read(&frame)) frames.push_back(frame);
  return frames;
}

// Writes `count` pattern frames at 25 fps; returns them.
std::vector<cv::Mat> WritePattern(const fs::path& path,
                                  const VideoEncodeOptions& options,
                                  int count = 30, int type = CV_8UC3,
                                  cv::Size size = {160, 96}) {
  VideoWriter writer(path, OutputSpec(size.width, size.height, {25, 1}),
                     options);
  std::vector<cv::Mat> frames;
  for (int i = 0; i < count; ++i) {
    frames.push_back(PatternFrame(size.width, size.height, i, type));
    writer.Write(frames.back(), i);
  }
  EXPECT_EQ(writer.frames_written(), count);
  writer.Finish();
  return frames;
}

// Copies every frame of `source` into `out` (re-encoded), with its streams.
enum class Trim {
  kNone,
  kToFramesWritten,  // VideoOutputSpec::trim_copied_streams
  kToRangeRead,      // copy_start_s/copy_end_s from the reader
};

void Transcode(const fs::path& source, const fs::path& out,
               const VideoReadOptions& read = {}, Trim trim = Trim::kNone) {
  VideoReader reader(source, read);
  VideoOutputSpec spec =
      OutputSpec(reader.frame_size().width, reader.frame_size().height,
                 reader.info().frame_rate, reader.info().time_base);
  spec.copy_streams_from = source;
  spec.trim_copied_streams = trim == Trim::kToFramesWritten;
  if (trim == Trim::kToRangeRead) {
    spec.copy_start_s = reader.start_time_s();
    spec.copy_end_s = reader.end_time_s();
  }
  VideoWriter writer(out, spec, Encoding("h264"));
  VideoFrame frame;
  while (reader.Read(&frame)) writer.Write(frame.image, frame.pts);
  writer.Finish();
}

bool FolderHolds(const fs::path& folder, size_t count) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(folder),
                                           fs::directory_iterator())) == count;
}

constexpr double kAacPacket = 1024 / 48000.0;

// Times in a trimmed copy, in seconds from its first video frame (Matroska
// shifts everything when audio starts a little before it).
struct Clip {
  double video_end_s = 0;
  double audio_end_s = 0;
  std::vector<std::pair<double, double>> cues;  // start, end
};

Clip ClipOf(const fs::path& path) {
  const testing::PacketTimes video = ProbePackets(path, "v:0");
  const testing::PacketTimes audio = ProbePackets(path, "a:0");
  const double zero = video.first_s;
  // Audio covers the first frame, starting at most one packet before it.
  EXPECT_LE(audio.first_s, zero + 1e-3);
  EXPECT_GT(audio.first_s, zero - kAacPacket - 1e-3);
  Clip clip;
  clip.video_end_s = video.end_s - zero;
  clip.audio_end_s = audio.end_s - zero;
  const std::string text = Capture(
      "ffprobe -v error -select_streams s:0 -show_entries "
      "packet=pts_time,duration_time -of csv=p=0 " +
      Quote(path));
  std::istringstream lines(text);
  double start = 0, duration = 0;
  char comma = 0;
  while (lines >> start >> comma >> duration) {
    clip.cues.emplace_back(start - zero, start + duration - zero);
  }
  return clip;
}

class VideoWriterTest : public ::testing::Test {
 protected:
  void SetUp() override { PARALLAX_SKIP_WITHOUT_FFMPEG(); }
  TempDir dir_;
};

TEST_F(VideoWriterTest, LossyCodecsRoundTrip) {
  for (const auto& [codec, name, codec_name] :
       {std::tuple{"h264", "h264.mp4", "h264"},
        std::tuple{"h265", "h265.mp4", "hevc"},
        std::tuple{"h264", "h264.mkv", "h264"},
        std::tuple{"h265", "h265.mov", "hevc"}}) {
    SCOPED_TRACE(name);
    const fs::path path = dir_ / name;
    const std::vector<cv::Mat> written =
        WritePattern(path, Encoding(codec, "", "veryfast"));
    const VideoInfo info = ProbeVideo(path);
    EXPECT_EQ(info.codec, codec_name);
    EXPECT_EQ(info.width, 160);
    EXPECT_EQ(info.height, 96);
    EXPECT_EQ(info.frame_rate, (Rational{25, 1}));
    EXPECT_EQ(info.pixel_format, "yuv420p");
    EXPECT_NEAR(info.duration_s, 1.2, 0.05);
    EXPECT_FALSE(info.variable_frame_rate);
    EXPECT_EQ(CountVideoFrames(path), 30);
    const std::vector<VideoFrame> frames = ReadAll(path);
    ASSERT_EQ(frames.size(), 30u);
    for (int i : {0, 13, 29}) {
      EXPECT_GT(testing::Psnr(frames[i].image, written[i]), 30.0) << i;
      EXPECT_NEAR(frames[i].time_s, i * 0.04, 1e-3);
    }
    // PSNR tells frames apart.
    EXPECT_LT(testing::Psnr(frames[5].image, written[20]), 25.0);
  }
}

TEST_F(VideoWriterTest, GrayAndSixteenBitFramesIntoH264) {
  for (const int type : {CV_8UC1, CV_16UC1, CV_16UC3}) {
    SCOPED_TRACE(type);
    const fs::path path = dir_ / "frames.mp4";
    const std::vector<cv::Mat> written =
        WritePattern(path, Encoding("h264", "", "veryfast"), 5, type);
    const std::vector<VideoFrame> frames = ReadAll(path);
    ASSERT_EQ(frames.size(), 5u);
    cv::Mat expected = written[2];
    if (expected.depth() == CV_16U)
      expected.convertTo(expected, CV_8U, 1 / 257.0);
    if (expected.channels() == 1) {
      cv::cvtColor(expected, expected, cv::COLOR_GRAY2BGR);
    }
    EXPECT_GT(testing::Psnr(frames[2].image, expected), 30.0);
  }
}

TEST_F(VideoWriterTest, Ffv1IsLossless) {
  for (const auto& [type, name] :
       {std::pair{CV_8UC3, "bgr8.mkv"}, std::pair{CV_16UC3, "bgr16.mkv"},
        std::pair{CV_8UC1, "gray8.mkv"}, std::pair{CV_16UC1, "gray16.avi"}}) {
    SCOPED_TRACE(name);
    const fs::path path = dir_ / name;
    const std::vector<cv::Mat> written =
        WritePattern(path, Encoding("ffv1"), 5, type);
    const int depth = CV_MAT_DEPTH(type) == CV_16U ? 16 : 8;
    VideoReadOptions options;
    options.bit_depth = depth;
    const std::vector<VideoFrame> frames = ReadAll(path, options);
    ASSERT_EQ(frames.size(), 5u);
    for (size_t i = 0; i < frames.size(); ++i) {
      cv::Mat expected = written[i];
      if (expected.channels() == 1) {
        cv::cvtColor(expected, expected, cv::COLOR_GRAY2BGR);
      }
      EXPECT_EQ(cv::norm(frames[i].image, expected, cv::NORM_INF), 0) << i;
    }
  }
}

TEST_F(VideoWriterTest, TenBitKeepsPrecision) {
  // A smooth 16-bit ramp: 8-bit video holds at most 256 of its levels.
  cv::Mat ramp(32, 1024, CV_16UC3);
  for (int x = 0; x < ramp.cols; ++x) {
    ramp.col(x).setTo(cv::Scalar::all(x * 64));
  }
  auto distinct_levels = [&](const fs::path& path,
                             const VideoEncodeOptions& options) {
    {
      VideoWriter writer(path, OutputSpec(ramp.cols, ramp.rows, {25, 1}),
                         options);
      for (int i = 0; i < 3; ++i) writer.Write(ramp, i);
      writer.Finish();
    }
    VideoReadOptions read;
    read.bit_depth = 16;
    const std::vector<VideoFrame> frames = ReadAll(path, read);
    EXPECT_EQ(frames.size(), 3u);
    if (frames.empty()) return size_t{0};
    EXPECT_EQ(frames[0].image.type(), CV_16UC3);
    EXPECT_LT(cv::norm(frames[0].image, ramp, cv::NORM_L1) / ramp.total() / 3,
              200.0);
    std::set<uint16_t> levels;
    const cv::Mat row = frames[0].image.row(16);
    for (int x = 0; x < row.cols; ++x) levels.insert(row.at<cv::Vec3w>(x)[1]);
    return levels.size();
  };
  const fs::path h264 = dir_ / "ten.mp4";
  // (ultrafast flattens such a ramp to 256 levels even at 10 bits.)
  EXPECT_GT(distinct_levels(h264, Encoding("h264", "yuv420p10le", "veryfast")),
            400u);
  EXPECT_EQ(ProbeVideo(h264).pixel_format, "yuv420p10le");
  EXPECT_EQ(ProbeVideo(h264).bits_per_component, 10);
  EXPECT_GT(distinct_levels(dir_ / "ten.mkv",
                            Encoding("h265", "yuv420p10le", "veryfast")),
            400u);
  // The 8-bit default cannot: the test can tell.
  EXPECT_LE(
      distinct_levels(dir_ / "eight.mp4", Encoding("h264", "", "veryfast")),
      256u);
}

TEST_F(VideoWriterTest, CopiesAudioAndSubtitles) {
  const fs::path subs = testing::WriteSubtitles(dir_.path());
  const fs::path mp4 = dir_ / "source.mp4";
  RunFfmpeg(testing::TestSource(2) + " -i " + Quote(subs) +
            " -map 0 -map 1 -map 2 -c:v libx264 -preset ultrafast -c:a aac "
            "-c:s mov_text " +
            Quote(mp4));
  const fs::path mkv = dir_ / "source.mkv";
  RunFfmpeg("-i " + Quote(mp4) + " -map 0 -c:v copy -c:a copy -c:s srt " +
            Quote(mkv));

  for (const auto& [source, out, subtitle_codec] :
       {std::tuple{mp4, dir_ / "out.mp4", "mov_text"},
        std::tuple{mkv, dir_ / "out.mkv", "subrip"},
        std::tuple{mp4, dir_ / "out.mov", "mov_text"}}) {
    SCOPED_TRACE(out.filename().string());
    Transcode(source, out);
    const VideoInfo info = ProbeVideo(out);
    EXPECT_EQ(info.audio_streams, 1);
    EXPECT_EQ(info.subtitle_streams, 1);
    EXPECT_EQ(CountVideoFrames(out), 50);
    const std::string streams = ProbeStreamsText(out);
    EXPECT_TRUE(Contains(streams, "codec_name=aac")) << streams;
    EXPECT_TRUE(Contains(streams, std::string("codec_name=") + subtitle_codec));

    const testing::PacketTimes audio_in = ProbePackets(source, "a:0");
    const testing::PacketTimes audio_out = ProbePackets(out, "a:0");
    EXPECT_GT(audio_in.count, 90);
    EXPECT_EQ(audio_out.count, audio_in.count);
    EXPECT_NEAR(audio_out.first_s, audio_in.first_s, 0.001);
    EXPECT_NEAR(audio_out.end_s, audio_in.end_s, 0.04);
    // The cues keep their times (in the MKV, like everything else, 21 ms
    // late: the AAC priming that comes before the first frame).
    const testing::PacketTimes subs_in = ProbePackets(source, "s:0");
    const testing::PacketTimes subs_out = ProbePackets(out, "s:0");
    ASSERT_EQ(subs_out.count, subs_in.count);
    EXPECT_GE(subs_out.count, 2);
    for (int64_t i = 0; i < subs_in.count; ++i) {
      EXPECT_NEAR(subs_out.pts_s[i], subs_in.pts_s[i], 0.002) << i;
    }
    EXPECT_NEAR(ProbePackets(out, "v:0").first_s,
                ProbePackets(source, "v:0").first_s, 0.002);
  }

  // SubRip does not fit in MP4: a clear error and no output.
  const fs::path refused = dir_ / "refused.mp4";
  const std::string error = ErrorOf([&] { Transcode(mkv, refused); });
  EXPECT_TRUE(Contains(error, "stream #2 (subrip subtitle)")) << error;
  EXPECT_TRUE(Contains(error, "write a .mkv file instead")) << error;
  EXPECT_FALSE(fs::exists(refused));
}

TEST_F(VideoWriterTest, TrimmedCopyFollowsTheFramesRead) {
  const fs::path subs = testing::WriteSubtitles(dir_.path());
  const fs::path source = dir_ / "source.mkv";
  RunFfmpeg(testing::TestSource(3) + " -i " + Quote(subs) +
            " -map 0 -map 1 -map 2 -c:v libx264 -preset ultrafast -c:a aac "
            "-c:s srt " +
            Quote(source));
  // Frames 10..39: 0.4 s to 1.6 s of the video, trimmed both ways.
  for (const Trim trim : {Trim::kToFramesWritten, Trim::kToRangeRead}) {
    SCOPED_TRACE(static_cast<int>(trim));
    const fs::path out = dir_ / "clip.mkv";
    Transcode(source, out,
              ReadRange(VideoPosition::Frame(10), VideoPosition::Frame(40)),
              trim);
    EXPECT_EQ(CountVideoFrames(out), 30);
    const Clip clip = ClipOf(out);
    EXPECT_NEAR(clip.video_end_s, 1.2, 1e-3);
    EXPECT_NEAR(clip.audio_end_s, 1.2, kAacPacket);
    // The first cue (0.5-1.5 s) now shows from 0.1 s to 1.1 s; the second
    // (1.6-1.9 s) lies past the clip.
    ASSERT_EQ(clip.cues.size(), 1u);
    EXPECT_NEAR(clip.cues[0].first, 0.1, 0.002);
    EXPECT_NEAR(clip.cues[0].second, 1.1, 0.002);
  }

  // A clip from the middle with its first cue already showing: cut to fit.
  // Frames at 1.00 .. 2.48 s: the clip lasts 1.52 s.
  const fs::path late = dir_ / "late.mkv";
  Transcode(source, late,
            ReadRange(VideoPosition::Seconds(1.0), VideoPosition::Seconds(2.5)),
            Trim::kToFramesWritten);
  const Clip late_clip = ClipOf(late);
  EXPECT_NEAR(late_clip.video_end_s, 1.52, 1e-3);
  EXPECT_NEAR(late_clip.audio_end_s, 1.52, kAacPacket);
  ASSERT_EQ(late_clip.cues.size(), 2u);
  EXPECT_NEAR(late_clip.cues[0].first, 0.0, 0.002);
  EXPECT_NEAR(late_clip.cues[0].second, 0.5, 0.002);
  EXPECT_NEAR(late_clip.cues[1].first, 0.6, 0.002);
  EXPECT_NEAR(late_clip.cues[1].second, 0.9, 0.002);

  // Far enough in that the copier seeks the source instead of reading it;
  // the reader's range (2.2-2.8 s) bounds the copy.
  const fs::path tail = dir_ / "tail.mkv";
  Transcode(source, tail,
            ReadRange(VideoPosition::Seconds(2.2), VideoPosition::Seconds(2.8)),
            Trim::kToRangeRead);
  const Clip tail_clip = ClipOf(tail);
  EXPECT_NEAR(tail_clip.video_end_s, 0.6, 1e-3);
  EXPECT_NEAR(tail_clip.audio_end_s, 0.6, kAacPacket);
  EXPECT_NEAR(ProbePackets(tail, "a:0").count, 0.6 * 48000 / 1024, 1.5);
}

TEST_F(VideoWriterTest, KeyframeIntervalIsKept) {
  const fs::path path = dir_ / "gop.mp4";
  VideoEncodeOptions options = Encoding("h264");
  options.keyframe_interval = 10;
  WritePattern(path, options, 40);
  const std::string flags = Capture(
      "ffprobe -v error -select_streams v -show_entries packet=flags -of csv " +
      Quote(path));
  int keyframes = 0;
  for (size_t at = flags.find('K'); at != std::string::npos;
       at = flags.find('K', at + 1)) {
    ++keyframes;
  }
  EXPECT_GE(keyframes, 4) << flags;
}

TEST_F(VideoWriterTest, StereoTags) {
  const fs::path sbs = dir_ / "sbs.mp4";
  VideoEncodeOptions options = Encoding("h264");
  options.stereo = StereoTag::kSideBySideLeftFirst;
  WritePattern(sbs, options, 3, CV_8UC3, {320, 96});
  const std::string sbs_text = ProbeStreamsText(sbs);
  EXPECT_TRUE(Contains(sbs_text, "side_data_type=Stereo 3D")) << sbs_text;
  EXPECT_TRUE(Contains(sbs_text, "type=side by side")) << sbs_text;
  EXPECT_TRUE(Contains(sbs_text, "inverted=0")) << sbs_text;
  // ProbeVideo reads the tags back (extract takes the layout from them).
  EXPECT_EQ(ProbeVideo(sbs).stereo, StereoTag::kSideBySideLeftFirst);

  const fs::path tb = dir_ / "tb.mkv";
  options.stereo = StereoTag::kTopBottomRightFirst;
  WritePattern(tb, options, 3, CV_8UC3, {160, 192});
  const std::string tb_text = ProbeStreamsText(tb);
  EXPECT_TRUE(Contains(tb_text, "type=top and bottom")) << tb_text;
  EXPECT_TRUE(Contains(tb_text, "inverted=1")) << tb_text;
  EXPECT_EQ(ProbeVideo(tb).stereo, StereoTag::kTopBottomRightFirst);

  // Untagged output says nothing.
  WritePattern(dir_ / "flat.mp4", Encoding("h264"), 3);
  EXPECT_FALSE(Contains(ProbeStreamsText(dir_ / "flat.mp4"), "Stereo 3D"));
  EXPECT_EQ(ProbeVideo(dir_ / "flat.mp4").stereo, StereoTag::kNone);

  const std::string mov_error = ErrorOf([&] {
    VideoWriter(dir_ / "x.mov", OutputSpec(160, 96, {25, 1}), options);
  });
  EXPECT_TRUE(Contains(mov_error, "cannot carry a stereo 3D tag")) << mov_error;
  const std::string mp4_error = ErrorOf([&] {
    VideoWriter(dir_ / "x.mp4", OutputSpec(160, 96, {25, 1}), options);
  });
  EXPECT_TRUE(Contains(mp4_error, "cannot put the right view first"))
      << mp4_error;
}

TEST_F(VideoWriterTest, ContainerMetadata) {
  const fs::path path = dir_ / "tagged.mkv";
  VideoEncodeOptions options = Encoding("h264");
  options.metadata = {{"title", "Parallax test"}, {"comment", "depth"}};
  WritePattern(path, options, 2);
  const std::string format =
      Capture("ffprobe -v error -show_format " + Quote(path));
  EXPECT_TRUE(Contains(format, "TAG:title=Parallax test")) << format;
  // Matroska stores tag names in capitals.
  EXPECT_TRUE(Contains(format, "TAG:COMMENT=depth")) << format;
}

TEST_F(VideoWriterTest, OutputAppearsOnlyOnFinish) {
  const fs::path path = dir_ / "out.mp4";
  {
    VideoWriter writer(path, OutputSpec(160, 96, {25, 1}), Encoding("h264"));
    for (int i = 0; i < 3; ++i) {
      writer.Write(PatternFrame(160, 96, i, CV_8UC3), i);
    }
    EXPECT_FALSE(fs::exists(path));
    EXPECT_TRUE(FolderHolds(dir_.path(), 1));  // the hidden temporary
  }
  EXPECT_TRUE(FolderHolds(dir_.path(), 0));

  // An existing file stays as it was until Finish() replaces it.
  std::ofstream(path) << "old";
  {
    VideoWriter writer(path, OutputSpec(160, 96, {25, 1}), Encoding("h264"));
    writer.Write(PatternFrame(160, 96, 0, CV_8UC3), 0);
  }
  EXPECT_EQ(fs::file_size(path), 3u);
  WritePattern(path, Encoding("h264"), 4);
  EXPECT_EQ(CountVideoFrames(path), 4);
  EXPECT_TRUE(FolderHolds(dir_.path(), 1));
}

// Resume can only be checked when the same frames give the same bytes.
// x264's AVX-512 macroblock tree read memory it never wrote at widths that
// are not a multiple of 128 px, so each run's file depended on what the heap
// held before: the heap is dirtied between the runs here to show it.
TEST_F(VideoWriterTest, SameFramesGiveSameBytes) {
  for (const char* codec : {"h264", "h265"}) {
    SCOPED_TRACE(codec);
    std::vector<std::vector<char>> files;
    for (int run = 0; run < 3; ++run) {
      for (int i = 0; i < 64; ++i) {
        std::vector<unsigned char> junk((i + 1) << 14,
                                        static_cast<unsigned char>(run * 85));
        ASSERT_EQ(junk.back(), run * 85);
      }
      const fs::path path = dir_ / (std::to_string(run) + ".mp4");
      WritePattern(path, Encoding(codec, "", "medium"), 24, CV_8UC3,
                   {320, 240});
      files.push_back(ReadFileBytes(path));
    }
    EXPECT_EQ(files[0], files[1]);
    EXPECT_EQ(files[0], files[2]);
  }
}

TEST_F(VideoWriterTest, RejectsBadSettings) {
  const VideoOutputSpec spec = OutputSpec(160, 96, {25, 1});
  auto error_of = [&](const fs::path& path, const VideoOutputSpec& s,
                      const VideoEncodeOptions& options) {
    return ErrorOf([&] { VideoWriter writer(path, s, options); });
  };
  const fs::path mp4 = dir_ / "x.mp4";
  EXPECT_TRUE(Contains(error_of(mp4, spec, Encoding("vp9")),
                       "unknown video codec 'vp9': choose h264, h265 or ffv1"));
  const std::string rgb = error_of(mp4, spec, Encoding("h264", "rgb24"));
  EXPECT_TRUE(Contains(rgb, "h264 cannot encode pixel format 'rgb24'")) << rgb;
  EXPECT_TRUE(Contains(rgb, "yuv420p10le")) << rgb;
  EXPECT_TRUE(Contains(error_of(mp4, spec, Encoding("h264", "nonsense")),
                       "'nonsense'"));
  EXPECT_TRUE(Contains(error_of(mp4, spec, Encoding("h264", "", "ludicrous")),
                       "unknown preset 'ludicrous'"));
  VideoEncodeOptions tune = Encoding("h265");
  tune.tune = "stillimage";  // x264 only
  const std::string bad_tune = error_of(mp4, spec, tune);
  EXPECT_TRUE(Contains(bad_tune, "unknown h265 tune 'stillimage'")) << bad_tune;
  EXPECT_TRUE(Contains(bad_tune, "psnr, ssim")) << bad_tune;
  VideoEncodeOptions crf = Encoding("h265");
  crf.crf = 60;
  EXPECT_TRUE(Contains(error_of(mp4, spec, crf), "crf must be in 0..51"));
  EXPECT_TRUE(Contains(error_of(mp4, spec, Encoding("ffv1")),
                       ".mp4 files cannot hold ffv1 video"));
  EXPECT_TRUE(Contains(error_of(dir_ / "x.webm", spec, Encoding("h264")),
                       ".webm files cannot hold h264 video"));
  EXPECT_TRUE(
      Contains(error_of(mp4, OutputSpec(161, 96, {25, 1}), Encoding("h264")),
               "width to be a multiple of 2"));
  EXPECT_TRUE(Contains(error_of(dir_ / "x.png", spec, Encoding("h264")),
                       "not a video file name"));
  EXPECT_TRUE(Contains(error_of(dir_ / "no" / "x.mp4", spec, Encoding("h264")),
                       "does not exist"));
  EXPECT_TRUE(
      Contains(error_of(mp4, OutputSpec(160, 96, {0, 1}), Encoding("h264")),
               "invalid video frame rate"));

  WritePattern(dir_ / "in.mp4", Encoding("h264"), 2);
  VideoOutputSpec copy_onto_itself = spec;
  copy_onto_itself.copy_streams_from = dir_ / "in.mp4";
  EXPECT_TRUE(
      Contains(error_of(dir_ / "in.mp4", copy_onto_itself, Encoding("h264")),
               "refusing to overwrite the input"));

  const std::string empty = ErrorOf([&] {
    VideoWriter writer(mp4, spec, Encoding("h264"));
    writer.Finish();
  });
  EXPECT_TRUE(Contains(empty, "no video frames to write")) << empty;
  // Nothing was left behind but the input.
  EXPECT_TRUE(FolderHolds(dir_.path(), 1));
}

// Audio made by the caller is encoded beside the video: two tones, one per
// channel, read back by the ffmpeg CLI at the right pitch, level and length.
TEST(VideoWriterAudio, EncodesTheCallersSoundAsAnAudioTrack) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  testing::TempDir dir;
  for (const char* name : {"tones.mp4", "tones.mkv"}) {
    const fs::path path = dir / name;
    VideoOutputSpec spec = OutputSpec(160, 96, {24, 1});
    spec.audio.sample_rate = 48000;
    spec.audio.channels = 2;
    spec.audio.length = 2 * 48000;  // as long as the 48 frames
    int64_t expected_first = 0;
    spec.audio.fill = [&](int64_t first, int count, float* out) {
      EXPECT_EQ(first, expected_first);  // in order, no gaps
      expected_first = first + count;
      for (int i = 0; i < count; ++i) {
        const double t = static_cast<double>(first + i) / 48000;
        out[2 * i] = static_cast<float>(0.5 * std::sin(2 * CV_PI * 440 * t));
        out[2 * i + 1] =
            static_cast<float>(0.25 * std::sin(2 * CV_PI * 660 * t));
      }
    };
    VideoWriter writer(path, spec, Encoding("h264"));
    for (int i = 0; i < 48; ++i) {
      writer.Write(PatternFrame(160, 96, i, CV_8UC3), i);
    }
    writer.Finish();
    EXPECT_EQ(expected_first, 2 * 48000);

    const std::string streams = ProbeStreamsText(path);
    EXPECT_TRUE(Contains(streams, "codec_name=aac")) << name;
    EXPECT_TRUE(Contains(streams, "sample_rate=48000")) << name;
    EXPECT_TRUE(Contains(streams, "channels=2")) << name;
    const testing::PacketTimes audio = ProbePackets(path, "a:0");
    EXPECT_NEAR(audio.end_s - audio.first_s, 2.0, 0.05) << name;

    // Decoded, each channel correlates with its own tone only.
    const fs::path raw = dir / (std::string(name) + ".f32");
    RunFfmpeg("-i " + Quote(path) + " -map a:0 -f f32le -ac 2 -ar 48000 " +
              Quote(raw));
    std::vector<float> pcm(fs::file_size(raw) / sizeof(float));
    std::ifstream in(raw, std::ios::binary);
    in.read(reinterpret_cast<char*>(pcm.data()),
            static_cast<std::streamsize>(pcm.size() * sizeof(float)));
    const size_t frames = pcm.size() / 2;
    EXPECT_NEAR(static_cast<double>(frames), 2 * 48000, 2048) << name;
    // Amplitude of frequency `hz` in a channel over the middle second,
    // whatever the phase (the encoder's delay shifts it).
    const auto amplitude = [&](int channel, double hz) {
      double c = 0, s = 0;
      for (size_t i = 24000; i < 72000 && i < frames; ++i) {
        const double v = pcm[2 * i + static_cast<size_t>(channel)];
        c += v * std::cos(2 * CV_PI * hz * static_cast<double>(i) / 48000);
        s += v * std::sin(2 * CV_PI * hz * static_cast<double>(i) / 48000);
      }
      return 2 * std::hypot(c, s) / 48000;
    };
    EXPECT_NEAR(amplitude(0, 440), 0.5, 0.03) << name;
    EXPECT_NEAR(amplitude(1, 660), 0.25, 0.02) << name;
    EXPECT_LT(amplitude(0, 660), 0.02) << name;
    EXPECT_LT(amplitude(1, 440), 0.02) << name;
  }
}

}  // namespace
}  // namespace parallax
