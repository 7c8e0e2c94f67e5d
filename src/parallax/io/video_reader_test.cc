#include "parallax/io/video_reader.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <functional>
#include <random>

#include "parallax/io/video_test_util.h"
#include "parallax/io/video_writer.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;
using testing::Encoding;
using testing::MeanAbsDiff;
using testing::OutputSpec;
using testing::Quote;
using testing::ReadRange;
using testing::RunFfmpeg;
using testing::TempDir;

std::vector<VideoFrame> ReadAll(const fs::path& path,
                                const VideoReadOptions& options = {}) {
  VideoReader reader(path, options);
  std::vector<VideoFrame> frames;
  VideoFrame frame;
  while (reader.Read(&frame)) frames.push_back(frame);
  EXPECT_EQ(reader.frames_read(), static_cast<int64_t>(frames.size()));
  return frames;
}

// How far the reader's frames may be from FfmpegFrames' (mean levels): in
// colour, where the chroma siting differs (below), and in luma, where
// nothing should.
constexpr double kChromaRowApart = 3.0;
constexpr double kLumaApart = 0.75;

double MeanLumaDiff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat ga, gb;
  cv::cvtColor(a, ga, cv::COLOR_BGR2GRAY);
  cv::cvtColor(b, gb, cv::COLOR_BGR2GRAY);
  return MeanAbsDiff(ga, gb);
}

// ffmpeg's own decode as BGR frames: the reference for what a file holds.
std::vector<cv::Mat> FfmpegFrames(const fs::path& path, int width, int height,
                                  const std::string& input_options = "",
                                  const std::string& filters = "null",
                                  int chroma_x = 0) {
  const fs::path raw = path.string() + ".bgr";
  // Close to the reader's conversion: bilinear chroma with accurate
  // rounding (the CLI's defaults interpolate chroma differently, 5 levels
  // apart on testsrc2's sharp colour edges), on the even columns as H.264
  // puts it (chroma_x 0, in 1/256 of a luma pixel; JPEG's is 128; -1 for
  // unsubsampled chroma). Vertically
  // swscale's RGB path puts chroma half a row lower than the standard
  // (io/yuv_to_bgr.h, whose test checks the siting), so testsrc2's sharp colour
  // edges at 160x96 differ by 2-2.7 levels on average; their luma by well under
  // one.
  RunFfmpeg(input_options + " -i " + Quote(path) +
            " -vf scale=flags=bilinear+accurate_rnd+full_chroma_int" +
            (chroma_x < 0 ? std::string()
                          : ":in_h_chr_pos=" + std::to_string(chroma_x) +
                                ":in_v_chr_pos=128") +
            "," + filters +
            " -fps_mode passthrough -sws_flags "
            "bilinear+accurate_rnd+full_chroma_int -f rawvideo -pix_fmt "
            "bgr24 " +
            Quote(raw));
  std::ifstream in(raw, std::ios::binary);
  std::vector<cv::Mat> frames;
  for (;;) {
    cv::Mat frame(height, width, CV_8UC3);
    if (!in.read(reinterpret_cast<char*>(frame.data),
                 static_cast<std::streamsize>(frame.total() * 3))) {
      break;
    }
    frames.push_back(frame);
  }
  return frames;
}

// Frame times of a variable-frame-rate clip, in milliseconds.
const std::vector<int64_t> kVfrMillis = {0,   40,  80,  200, 220, 240,
                                         400, 440, 460, 600, 640, 700};

void WriteVfr(const fs::path& path, const std::string& codec, int tb_den) {
  VideoWriter writer(path, OutputSpec(160, 96, {25, 1}, {1, tb_den}),
                     Encoding(codec));
  for (size_t i = 0; i < kVfrMillis.size(); ++i) {
    writer.Write(testing::PatternFrame(160, 96, static_cast<int>(i), CV_8UC3),
                 kVfrMillis[i] * tb_den / 1000);
  }
  writer.Finish();
}

class VideoReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { PARALLAX_SKIP_WITHOUT_FFMPEG(); }

  // 4 s of testsrc2 at 25 fps with a keyframe every 12 frames and
  // B-frames, so seeking and reordering both matter.
  fs::path MakeClip(const std::string& name, const std::string& extra = "") {
    const fs::path path = dir_ / name;
    RunFfmpeg(testing::TestSource(4) +
              " -c:v libx264 -preset veryfast -g 12 -bf 2 -c:a aac " + extra +
              " " + Quote(path));
    return path;
  }

  TempDir dir_;
};

TEST_F(VideoReaderTest, ReadsEveryFrameLikeFfmpeg) {
  const fs::path path = MakeClip("clip.mp4");
  const std::vector<VideoFrame> frames = ReadAll(path);
  const std::vector<cv::Mat> reference = FfmpegFrames(path, 160, 96);
  ASSERT_EQ(frames.size(), 100u);
  ASSERT_EQ(reference.size(), 100u);
  for (size_t i = 0; i < frames.size(); ++i) {
    const VideoFrame& frame = frames[i];
    EXPECT_EQ(frame.index, static_cast<int64_t>(i));
    EXPECT_NEAR(frame.time_s, i * 0.04, 1e-6);
    EXPECT_EQ(frame.image.type(), CV_8UC3);
    EXPECT_EQ(frame.image.size(), cv::Size(160, 96));
    if (i > 0) {
      EXPECT_GT(frame.pts, frames[i - 1].pts);
    }
    // Chroma half a row apart from swscale's: close, not identical.
    EXPECT_LT(MeanAbsDiff(frame.image, reference[i]), kChromaRowApart) << i;
    EXPECT_LT(MeanLumaDiff(frame.image, reference[i]), kLumaApart) << i;
  }
  // The comparison can tell frames apart.
  EXPECT_GT(MeanAbsDiff(frames[10].image, reference[15]), 5.0);
}

TEST_F(VideoReaderTest, OtherContainersAndCodecs) {
  struct Case {
    const char* name;
    const char* args;
  };
  for (const Case& c :
       {Case{"clip.mkv", "-c:v libx264 -preset ultrafast -c:a aac"},
        Case{"clip.webm", "-c:v libvpx -deadline realtime -c:a libopus"},
        Case{"clip.avi", "-c:v mjpeg -q:v 3 -c:a pcm_s16le"},
        Case{"clip.mov",
             "-c:v libx264 -preset ultrafast -pix_fmt yuv444p "
             "-c:a aac"}}) {
    SCOPED_TRACE(c.name);
    const fs::path path = dir_ / c.name;
    RunFfmpeg(testing::TestSource(1) + " " + c.args + " " + Quote(path));
    const std::vector<VideoFrame> frames = ReadAll(path);
    const std::string name = c.name;
    const int chroma_x = name == "clip.avi" ? 128 : name == "clip.mov" ? -1 : 0;
    const std::vector<cv::Mat> reference =
        FfmpegFrames(path, 160, 96, "", "null", chroma_x);
    ASSERT_EQ(frames.size(), 25u);
    ASSERT_EQ(reference.size(), 25u);
    EXPECT_EQ(CountVideoFrames(path), 25);
    for (int i : {0, 7, 24}) {
      EXPECT_EQ(frames[i].index, i);
      EXPECT_NEAR(frames[i].time_s, i * 0.04, 1e-3);
      EXPECT_LT(MeanAbsDiff(frames[i].image, reference[i]), kChromaRowApart);
      EXPECT_LT(MeanLumaDiff(frames[i].image, reference[i]), kLumaApart);
    }
  }
}

TEST_F(VideoReaderTest, TransportStreamCutMidGopStartsAtItsFirstKeyframe) {
  // A broadcast capture starts wherever the recorder did: cut a .ts file at
  // a 188-byte packet boundary inside the first GOP.
  const fs::path whole = MakeClip("whole.ts", "-f mpegts");
  std::ifstream in(whole, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  const size_t cut = 188 * (bytes.size() / 188 / 20);
  const fs::path capture = dir_ / "capture.ts";
  std::ofstream(capture, std::ios::binary) << bytes.substr(cut);
  const std::vector<VideoFrame> frames = ReadAll(capture);
  EXPECT_GT(frames.size(), 60u);
  EXPECT_LT(frames.size(), 100u);
}

TEST_F(VideoReaderTest, VariableFrameRateKeepsTimestamps) {
  for (const auto& [name, codec, tb_den] :
       {std::tuple{"vfr.mkv", "ffv1", 1000},
        std::tuple{"vfr.mp4", "h264", 90000}}) {
    SCOPED_TRACE(name);
    const fs::path path = dir_ / name;
    WriteVfr(path, codec, tb_den);
    const VideoInfo info = ProbeVideo(path);
    EXPECT_TRUE(info.variable_frame_rate);
    const std::vector<VideoFrame> frames = ReadAll(path);
    ASSERT_EQ(frames.size(), kVfrMillis.size());
    for (size_t i = 0; i < frames.size(); ++i) {
      EXPECT_EQ(frames[i].index, static_cast<int64_t>(i));
      EXPECT_NEAR(frames[i].time_s, kVfrMillis[i] / 1000.0, 1e-4) << i;
      EXPECT_NEAR(frames[i].pts * info.time_base.value(),
                  info.start_time_s + kVfrMillis[i] / 1000.0, 1e-4);
    }
    // Selection by frame number and by time on irregular frames.
    const std::vector<VideoFrame> from_five = ReadAll(
        path, ReadRange(VideoPosition::Frame(5), VideoPosition::Frame(8)));
    ASSERT_EQ(from_five.size(), 3u);
    EXPECT_EQ(from_five[0].index, 5);
    EXPECT_NEAR(from_five[0].time_s, 0.240, 1e-4);
    EXPECT_LT(cv::norm(from_five[1].image, frames[6].image, cv::NORM_INF),
              1e-9);
    const std::vector<VideoFrame> from_time =
        ReadAll(path, ReadRange(VideoPosition::Seconds(0.21)));
    ASSERT_FALSE(from_time.empty());
    EXPECT_EQ(from_time[0].index, 4);
    EXPECT_EQ(from_time.size(), kVfrMillis.size() - 4);
  }
}

TEST_F(VideoReaderTest, RotationFollowsTheDisplayMatrix) {
  const fs::path plain = MakeClip("plain.mp4");
  const fs::path rotated = dir_ / "rotated.mp4";
  RunFfmpeg("-i " + Quote(plain) + " -c copy -metadata:s:v:0 rotate=90 " +
            Quote(rotated));
  VideoReader reader(rotated);
  EXPECT_EQ(reader.info().rotation, 270);
  EXPECT_EQ(reader.frame_size(), cv::Size(96, 160));
  const std::vector<VideoFrame> frames = ReadAll(rotated);
  // Converted to BGR, then turned the way the CLI's autorotate turns it.
  const std::vector<cv::Mat> upright = FfmpegFrames(
      rotated, 96, 160, "-noautorotate", "format=bgr24,transpose=cclock");
  ASSERT_EQ(frames.size(), 100u);
  ASSERT_EQ(upright.size(), 100u);
  EXPECT_EQ(frames[3].image.size(), cv::Size(96, 160));
  EXPECT_LT(MeanAbsDiff(frames[3].image, upright[3]), kChromaRowApart);
  EXPECT_LT(MeanLumaDiff(frames[3].image, upright[3]), kLumaApart);
  cv::Mat upside_down;
  cv::rotate(upright[3], upside_down, cv::ROTATE_180);
  EXPECT_GT(MeanAbsDiff(frames[3].image, upside_down), 10.0);
  // The CLI's autorotate (which turns before converting, so its chroma
  // differs a little) agrees on the direction.
  const std::vector<cv::Mat> autorotated = FfmpegFrames(rotated, 96, 160);
  ASSERT_EQ(autorotated.size(), 100u);
  EXPECT_LT(MeanAbsDiff(frames[3].image, autorotated[3]), 6.0);
  EXPECT_GT(MeanAbsDiff(upside_down, autorotated[3]), 10.0);

  VideoReadOptions as_stored_options;
  as_stored_options.apply_rotation = false;
  const std::vector<VideoFrame> as_stored = ReadAll(rotated, as_stored_options);
  const std::vector<cv::Mat> stored =
      FfmpegFrames(rotated, 160, 96, "-noautorotate");
  ASSERT_EQ(as_stored.size(), 100u);
  EXPECT_EQ(as_stored[3].image.size(), cv::Size(160, 96));
  EXPECT_LT(MeanAbsDiff(as_stored[3].image, stored[3]), kChromaRowApart);
  EXPECT_LT(MeanLumaDiff(as_stored[3].image, stored[3]), kLumaApart);
}

TEST_F(VideoReaderTest, StartAndEndSelectExactFrames) {
  for (const char* name : {"clip.mp4", "clip.mkv"}) {
    SCOPED_TRACE(name);
    const fs::path path = MakeClip(name);
    const std::vector<VideoFrame> all = ReadAll(path);
    ASSERT_EQ(all.size(), 100u);
    auto expect_range = [&](const VideoReadOptions& options, int first,
                            int end) {
      const std::vector<VideoFrame> frames = ReadAll(path, options);
      ASSERT_EQ(static_cast<int>(frames.size()), end - first)
          << options.start->ToString();
      for (int i = first; i < end; ++i) {
        const VideoFrame& frame = frames[i - first];
        EXPECT_EQ(frame.index, i);
        EXPECT_EQ(frame.pts, all[i].pts);
        EXPECT_EQ(cv::norm(frame.image, all[i].image, cv::NORM_INF), 0) << i;
      }
    };
    using P = VideoPosition;
    expect_range(ReadRange(P::Frame(23), P::Frame(31)), 23, 31);
    expect_range(ReadRange(P::Frame(0), P::Frame(3)), 0, 3);
    expect_range(ReadRange(P::Frame(36)), 36, 100);  // on a keyframe
    expect_range(ReadRange(P::Frame(95)), 95, 100);
    expect_range(ReadRange(P::Seconds(0.5), P::Seconds(0.9)), 13, 23);
    expect_range(ReadRange(P::Seconds(0.48), P::Frame(14)), 12, 14);
    expect_range(
        ReadRange(ParseVideoPosition("0:02.2"), ParseVideoPosition("0:02.3")),
        55, 58);
    expect_range(ReadRange(P::Frame(200)), 0, 0);
  }
}

// start_at_keyframe: reading begins at the keyframe before the start
// (one every 12 frames here), with the right numbers and pictures.
TEST_F(VideoReaderTest, StartAtKeyframeBeginsAtTheKeyframeBefore) {
  for (const char* name : {"clip.mp4", "clip.mkv"}) {
    SCOPED_TRACE(name);
    const fs::path path = MakeClip(name);
    const std::vector<VideoFrame> all = ReadAll(path);
    for (const VideoPosition start :
         {VideoPosition::Frame(30), VideoPosition::Seconds(2.2),
          VideoPosition::Frame(36)}) {
      VideoReadOptions options;
      options.start = start;
      options.start_at_keyframe = true;
      VideoReader reader(path, options);
      VideoFrame frame;
      ASSERT_TRUE(reader.Read(&frame));
      const int64_t exact = start.frame ? *start.frame : 55;
      EXPECT_EQ(frame.index, exact / 12 * 12) << start.ToString();
      EXPECT_EQ(cv::norm(frame.image, all[frame.index].image, cv::NORM_INF), 0);
      ASSERT_TRUE(reader.Read(&frame));
      EXPECT_EQ(frame.index, exact / 12 * 12 + 1);
    }
  }
}

// The luma plane, with or without the colour picture: the same numbers,
// and a luma that agrees with the colour (a gray conversion of it, within
// the difference of the BT.601 and BT.709 weights).
TEST_F(VideoReaderTest, LumaComesWithOrWithoutColour) {
  const fs::path path = MakeClip("clip.mp4");
  VideoReadOptions options;
  options.luma = true;
  VideoReader with_color(path, options), alone(path, options);
  VideoFrame a, b;
  int frames = 0;
  while (with_color.Read(&a)) {
    ASSERT_TRUE(alone.Read(&b, /*color=*/false));
    EXPECT_EQ(a.index, b.index);
    EXPECT_TRUE(b.image.empty());
    ASSERT_EQ(a.luma.type(), CV_8UC1);
    EXPECT_EQ(a.luma.size(), a.image.size());
    EXPECT_EQ(cv::norm(a.luma, b.luma, cv::NORM_INF), 0);
    cv::Mat gray;
    cv::cvtColor(a.image, gray, cv::COLOR_BGR2GRAY);
    EXPECT_LT(cv::norm(gray, a.luma, cv::NORM_L1) / gray.total(), 4.0);
    ++frames;
  }
  EXPECT_EQ(frames, 100);
  EXPECT_FALSE(alone.Read(&b, false));
  // Every third pixel: the same values, nearest.
  options.luma_step = 3;
  VideoReader sampled(path, options);
  VideoReader full(path, [&] {
    VideoReadOptions o;
    o.luma = true;
    return o;
  }());
  ASSERT_TRUE(sampled.Read(&a, false));
  ASSERT_TRUE(full.Read(&b, false));
  ASSERT_EQ(a.luma.size(),
            cv::Size((b.luma.cols + 2) / 3, (b.luma.rows + 2) / 3));
  for (int y = 0; y < a.luma.rows; ++y) {
    for (int x = 0; x < a.luma.cols; ++x) {
      ASSERT_EQ(a.luma.at<uint8_t>(y, x), b.luma.at<uint8_t>(3 * y, 3 * x))
          << x << "," << y;
    }
  }
}

TEST_F(VideoReaderTest, RangeKnownBeforeReading) {
  const fs::path path = MakeClip("clip.mp4");
  using P = VideoPosition;
  {
    VideoReader reader(path);
    EXPECT_EQ(reader.start_time_s(), 0);
    EXPECT_FALSE(reader.end_time_s());
    EXPECT_EQ(reader.expected_frames(), 100);
  }
  {
    VideoReader reader(path, ReadRange(P::Frame(23), P::Frame(31)));
    EXPECT_NEAR(reader.start_time_s(), 0.92, 1e-9);
    EXPECT_NEAR(reader.end_time_s().value_or(0), 1.24, 1e-9);
    EXPECT_EQ(reader.expected_frames(), 8);
  }
  {
    VideoReader reader(path, ReadRange(P::Seconds(0.5), P::Seconds(0.9)));
    EXPECT_EQ(reader.start_time_s(), 0.5);
    EXPECT_EQ(reader.end_time_s(), 0.9);
    EXPECT_EQ(reader.expected_frames(), 10);
  }
  EXPECT_EQ(VideoReader(path, ReadRange(P::Frame(90), P::Frame(500)))
                .expected_frames(),
            10);
  // Irregular frames: from the file's timestamps.
  const fs::path vfr = dir_ / "vfr.mkv";
  WriteVfr(vfr, "ffv1", 1000);
  VideoReader reader(vfr, ReadRange(P::Frame(5), P::Frame(8)));
  EXPECT_NEAR(reader.start_time_s(), 0.240, 1e-9);
  EXPECT_NEAR(reader.end_time_s().value_or(0), 0.460, 1e-9);
  EXPECT_EQ(reader.expected_frames(), 3);
}

TEST_F(VideoReaderTest, TruncatedMp4KeepsTheFramesBeforeTheBreak) {
  const fs::path path = MakeClip("cut.mp4", "-movflags +faststart");
  fs::resize_file(path, fs::file_size(path) * 6 / 10);

  VideoReader reader(path);
  VideoWriter writer(
      dir_ / "saved.mkv",
      OutputSpec(160, 96, reader.info().frame_rate, reader.info().time_base),
      Encoding("ffv1"));
  VideoFrame frame;
  std::string error;
  int64_t frames = 0;
  try {
    while (reader.Read(&frame)) {
      EXPECT_EQ(frame.index, frames);
      writer.Write(frame.image, frame.pts);
      ++frames;
    }
  } catch (const Error& e) {
    error = e.what();
  }
  EXPECT_NE(error.find("cut.mp4"), std::string::npos) << error;
  EXPECT_NE(error.find(fmt::format("decoding failed at frame {} ", frames)),
            std::string::npos)
      << error;
  EXPECT_GT(frames, 20);
  EXPECT_LT(frames, 100);
  // The error repeats rather than pretending the file ended.
  EXPECT_THROW(reader.Read(&frame), Error);

  writer.Finish();
  EXPECT_EQ(CountVideoFrames(dir_ / "saved.mkv"), frames);
}

TEST_F(VideoReaderTest, TruncatedMkvReportsTheShortfall) {
  const fs::path path = MakeClip("cut.mkv");
  fs::resize_file(path, fs::file_size(path) * 6 / 10);
  std::string error;
  int64_t frames = 0;
  try {
    VideoReader reader(path);
    VideoFrame frame;
    while (reader.Read(&frame)) ++frames;
  } catch (const Error& e) {
    error = e.what();
  }
  EXPECT_GT(frames, 20);
  // About 101: the duration includes the audio's last packet.
  EXPECT_NE(
      error.find(fmt::format("cut.mkv: ends at frame {} of about 10", frames)),
      std::string::npos)
      << error;
  EXPECT_NE(error.find("expected (truncated?)"), std::string::npos) << error;
}

TEST_F(VideoReaderTest, CorruptBytesNameTheFrame) {
  const fs::path path = MakeClip("bad.mp4", "-movflags +faststart");
  const std::vector<VideoFrame> good = ReadAll(path);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(path) / 2));
    std::mt19937 random(7);
    for (int i = 0; i < 3000; ++i) file.put(static_cast<char>(random()));
  }
  std::vector<VideoFrame> frames;
  std::string error;
  try {
    VideoReader reader(path);
    VideoFrame frame;
    while (reader.Read(&frame)) frames.push_back(frame);
  } catch (const Error& e) {
    error = e.what();
  }
  EXPECT_NE(error.find(fmt::format("bad.mp4: decoding failed at frame {} ",
                                   frames.size())),
            std::string::npos)
      << error;
  EXPECT_GT(frames.size(), 10u);
  EXPECT_LT(frames.size(), 100u);
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(cv::norm(frames[i].image, good[i].image, cv::NORM_INF), 0) << i;
  }
  // Concealing instead: reading goes on to the end; frames the decoder
  // cannot make are left out but the rest keep their numbers.
  VideoReadOptions conceal;
  conceal.conceal_errors = true;
  const std::vector<VideoFrame> concealed = ReadAll(path, conceal);
  EXPECT_GT(concealed.size(), frames.size());
  ASSERT_FALSE(concealed.empty());
  EXPECT_EQ(concealed.back().index, 99);
  EXPECT_EQ(concealed.back().pts, good.back().pts);
}

TEST(VideoReadOptionsTest, RejectsBadValues) {
  VideoReadOptions twelve_bit;
  twelve_bit.bit_depth = 12;
  EXPECT_THROW(twelve_bit.Check(), Error);
  EXPECT_THROW(
      ReadRange(VideoPosition::Frame(10), VideoPosition::Frame(10)).Check(),
      Error);
  EXPECT_THROW(ReadRange(VideoPosition::Seconds(-1)).Check(), Error);
  // Mixed units cannot be compared before the frame rate is known.
  EXPECT_NO_THROW(
      ReadRange(VideoPosition::Seconds(3), VideoPosition::Frame(2)).Check());
}

}  // namespace
}  // namespace parallax
