#include "parallax/io/video_info.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "parallax/io/video_position.h"
#include "parallax/io/video_test_util.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;
using testing::Quote;
using testing::RunFfmpeg;
using testing::TempDir;
using testing::TestSource;

using testing::ErrorOf;

TEST(IsVideoFileTest, ByExtensionIgnoringCase) {
  for (const char* name : {"a.mp4", "b.MKV", "c.mov", "d.avi", "e.webm",
                           "f.m4v", "g.mpg", "h.mpeg", "i.ts", "j.MTS",
                           "k.m2ts", "l.wmv", "m.flv", "/x/y/film.Mp4"}) {
    EXPECT_TRUE(IsVideoFile(name)) << name;
  }
  for (const char* name : {"a.png", "b.jpg", "mp4", "c.mp4.txt", "d", ""}) {
    EXPECT_FALSE(IsVideoFile(name)) << name;
  }
}

TEST(ParseVideoPositionTest, FramesAndTimes) {
  EXPECT_EQ(ParseVideoPosition("120").frame, 120);
  EXPECT_EQ(ParseVideoPosition("0").frame, 0);
  const VideoPosition seconds = ParseVideoPosition("12.5s");
  EXPECT_FALSE(seconds.frame);
  EXPECT_DOUBLE_EQ(seconds.seconds, 12.5);
  EXPECT_DOUBLE_EQ(ParseVideoPosition("3s").seconds, 3);
  EXPECT_DOUBLE_EQ(ParseVideoPosition("1:02.5").seconds, 62.5);
  EXPECT_DOUBLE_EQ(ParseVideoPosition("00:01:02.500").seconds, 62.5);
  EXPECT_DOUBLE_EQ(ParseVideoPosition("1:00:00").seconds, 3600);
  EXPECT_DOUBLE_EQ(ParseVideoPosition("90:00").seconds, 5400);
  EXPECT_FALSE(ParseVideoPosition("0:05").frame);
}

TEST(ParseVideoPositionTest, RejectsJunk) {
  for (const char* text : {"", "abc", "-5", "-1s", "12.5", "1e3s", "s", "1:60",
                           "1:2:3:4", " 5", "5 ", "1::2", "1:02:", "inf s",
                           "0x10", "1.5.5s", "99999999999999999999"}) {
    const std::string error = ErrorOf([&] { ParseVideoPosition(text); });
    EXPECT_NE(error.find("invalid video position"), std::string::npos)
        << "'" << text << "': " << error;
  }
}

class ProbeVideoTest : public ::testing::Test {
 protected:
  void SetUp() override { PARALLAX_SKIP_WITHOUT_FFMPEG(); }
  TempDir dir_;
};

TEST_F(ProbeVideoTest, Mp4WithAudioAndSubtitles) {
  const fs::path subs = testing::WriteSubtitles(dir_.path());
  const fs::path path = dir_ / "clip.mp4";
  RunFfmpeg(TestSource(2) + " -i " + Quote(subs) +
            " -map 0 -map 1 -map 2 -c:v libx264 -preset ultrafast -c:a aac "
            "-c:s mov_text " +
            Quote(path));
  const VideoInfo info = ProbeVideo(path);
  EXPECT_EQ(info.width, 160);
  EXPECT_EQ(info.height, 96);
  EXPECT_EQ(info.coded_width, 160);
  EXPECT_EQ(info.rotation, 0);
  EXPECT_EQ(info.frame_rate, (Rational{25, 1}));
  EXPECT_TRUE(info.time_base.valid());
  EXPECT_EQ(info.frame_count, 50);
  EXPECT_TRUE(info.frame_count_exact);
  EXPECT_NEAR(info.duration_s, 2.0, 0.05);
  EXPECT_FALSE(info.variable_frame_rate);
  EXPECT_EQ(info.codec, "h264");
  EXPECT_EQ(info.pixel_format, "yuv420p");
  EXPECT_EQ(info.bits_per_component, 8);
  EXPECT_EQ(info.audio_streams, 1);
  EXPECT_EQ(info.subtitle_streams, 1);
  EXPECT_EQ(CountVideoFrames(path), 50);
}

TEST_F(ProbeVideoTest, MkvEstimatesFrameCountAndCountsExactly) {
  const fs::path subs = testing::WriteSubtitles(dir_.path());
  const fs::path path = dir_ / "clip.mkv";
  RunFfmpeg(TestSource(2, 30) + " -i " + Quote(subs) +
            " -map 0 -map 1 -map 2 -c:v libx264 -preset ultrafast -c:a aac "
            "-c:s srt " +
            Quote(path));
  const VideoInfo info = ProbeVideo(path);
  EXPECT_EQ(info.frame_rate.value(), 30);
  EXPECT_FALSE(info.frame_count_exact);
  EXPECT_NEAR(info.frame_count, 60, 1);
  EXPECT_FALSE(info.variable_frame_rate);
  EXPECT_EQ(info.audio_streams, 1);
  EXPECT_EQ(info.subtitle_streams, 1);
  EXPECT_EQ(CountVideoFrames(path), 60);
}

TEST_F(ProbeVideoTest, BFramesAreNotVariableFrameRate) {
  // Long enough that the frame-rate check stops reading mid-stream, where
  // reordered B-frames are still missing from the packets read.
  const fs::path path = dir_ / "long.mp4";
  RunFfmpeg(
      "-f lavfi -i testsrc2=size=64x64:rate=25:duration=8 -c:v libx264 "
      "-preset veryfast -bf 3 " +
      Quote(path));
  const VideoInfo info = ProbeVideo(path);
  EXPECT_FALSE(info.variable_frame_rate);
  EXPECT_EQ(info.frame_count, 200);
}

TEST_F(ProbeVideoTest, WebmVp8AndAviMjpeg) {
  const fs::path webm = dir_ / "clip.webm";
  RunFfmpeg(TestSource(1) +
            " -c:v libvpx -deadline realtime -b:v 500k -c:a libopus " +
            Quote(webm));
  const VideoInfo webm_info = ProbeVideo(webm);
  EXPECT_EQ(webm_info.codec, "vp8");
  EXPECT_EQ(webm_info.width, 160);
  EXPECT_EQ(webm_info.frame_rate.value(), 25);
  EXPECT_EQ(webm_info.audio_streams, 1);
  EXPECT_EQ(CountVideoFrames(webm), 25);

  const fs::path avi = dir_ / "clip.avi";
  RunFfmpeg("-f lavfi -i testsrc2=size=160x96:rate=25 -t 1 -c:v mjpeg " +
            Quote(avi));
  const VideoInfo avi_info = ProbeVideo(avi);
  EXPECT_EQ(avi_info.codec, "mjpeg");
  EXPECT_EQ(avi_info.frame_count, 25);
  EXPECT_TRUE(avi_info.frame_count_exact);
  EXPECT_EQ(avi_info.audio_streams, 0);
  EXPECT_EQ(CountVideoFrames(avi), 25);
}

TEST_F(ProbeVideoTest, TenBitAndRotation) {
  const fs::path ten_bit = dir_ / "ten.mkv";
  RunFfmpeg(
      "-f lavfi -i testsrc2=size=160x96:rate=25 -t 0.2 -c:v libx264 "
      "-preset ultrafast -pix_fmt yuv420p10le " +
      Quote(ten_bit));
  const VideoInfo info = ProbeVideo(ten_bit);
  EXPECT_EQ(info.pixel_format, "yuv420p10le");
  EXPECT_EQ(info.bits_per_component, 10);

  const fs::path plain = dir_ / "plain.mp4";
  RunFfmpeg(
      "-f lavfi -i testsrc2=size=160x96:rate=25 -t 0.2 -c:v libx264 "
      "-preset ultrafast " +
      Quote(plain));
  // FFmpeg 5.1 turns the legacy "rotate" tag into a display matrix that the
  // ffmpeg CLI shows by turning the picture 90 degrees counterclockwise.
  const fs::path rotated = dir_ / "rotated.mp4";
  RunFfmpeg("-i " + Quote(plain) + " -c copy -metadata:s:v:0 rotate=90 " +
            Quote(rotated));
  const VideoInfo rotated_info = ProbeVideo(rotated);
  EXPECT_EQ(rotated_info.rotation, 270);
  EXPECT_EQ(rotated_info.width, 96);
  EXPECT_EQ(rotated_info.height, 160);
  EXPECT_EQ(rotated_info.coded_width, 160);
  EXPECT_EQ(rotated_info.coded_height, 96);
}

TEST_F(ProbeVideoTest, ErrorsNameTheFile) {
  const fs::path missing = dir_ / "missing.mp4";
  EXPECT_NE(ErrorOf([&] { ProbeVideo(missing); }).find("missing.mp4"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] { ProbeVideo(missing); }).find("no such file"),
            std::string::npos);

  const fs::path junk = dir_ / "junk.mp4";
  std::ofstream(junk) << "this is not a video at all";
  const std::string junk_error = ErrorOf([&] { ProbeVideo(junk); });
  EXPECT_NE(junk_error.find("cannot read video"), std::string::npos)
      << junk_error;
  EXPECT_NE(junk_error.find("junk.mp4"), std::string::npos) << junk_error;

  const fs::path audio = dir_ / "audio.mkv";
  RunFfmpeg("-f lavfi -i sine=frequency=440 -t 0.5 " + Quote(audio));
  const std::string audio_error = ErrorOf([&] { ProbeVideo(audio); });
  EXPECT_NE(audio_error.find("has no video stream"), std::string::npos)
      << audio_error;
  EXPECT_NE(ErrorOf([&] { CountVideoFrames(audio); }).find("audio.mkv"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
