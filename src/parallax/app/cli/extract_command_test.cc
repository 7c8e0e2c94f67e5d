// `parallax extract` end to end: a small side-by-side film with letterbox
// bars becomes a dataset and a report; bad flags are usage errors; a second
// run refuses to replace the dataset unless told, resumes or overwrites.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/io/video_test_util.h"
#include "parallax/io/video_writer.h"
#include "parallax/testing/command_line.h"
#include "parallax/testing/image_checks.h"
#include "parallax/testing/testing.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

int Extract(std::vector<std::string> args) {
  return testing::RunCommandLine(RunExtract, std::move(args),
                                 "parallax-extract");
}

// 36 frames of a 2 px/frame pan, both views (disparity 4 to 12 px, larger
// lower down), with 16-row bars, full side-by-side 2 x 256x144.
fs::path MakeFilm(const fs::path& path) {
  const cv::Mat scene = testing::MultiScaleTexture({400, 112}, 3);
  VideoOutputSpec spec;
  spec.width = 512;
  spec.height = 144;
  spec.frame_rate = {24, 1};
  VideoEncodeOptions encoding;
  encoding.crf = 14;
  encoding.preset = "ultrafast";
  VideoWriter writer(path, spec, encoding);
  for (int t = 0; t < 36; ++t) {
    cv::Mat frame(144, 512, CV_8UC3, cv::Scalar::all(0));
    for (int y = 0; y < 112; ++y) {
      const int d = 4 + 8 * y / 112;
      scene(cv::Rect(2 * t + 20, y, 256, 1))
          .copyTo(frame(cv::Rect(0, 16 + y, 256, 1)));
      scene(cv::Rect(2 * t + 20 + d, y, 256, 1))
          .copyTo(frame(cv::Rect(256, 16 + y, 256, 1)));
    }
    writer.Write(frame, t);
  }
  writer.Finish();
  return path;
}

std::string CapturedRun(std::vector<std::string> args, int* code) {
  ::testing::internal::CaptureStderr();
  *code = Extract(std::move(args));
  return ::testing::internal::GetCapturedStderr();
}

TEST(ExtractCommand, HelpAndBadFlags) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(Extract({"--help"}), kExitOk);
  const std::string help = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(help.find("--per-shot"), std::string::npos);
  EXPECT_NE(help.find("--flow"), std::string::npos);
  testing::TempDir dir;
  const std::string film = MakeFilm(dir / "film.mp4").string();
  const std::string out = (dir / "out").string();
  int code = 0;
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{
           {film, "-o", out, "--every", "0"},
           {film, "-o", out, "--layout", "anaglyph"},
           {film, "-o", out, "--flow", "magic"},
           {film, "-o", out, "--format", "gif"},
           {film, "-o", out, "--size", "10x10"},
           {film, "-o", out, "--resume", "--overwrite"},
           {film}}) {
    const std::string error = CapturedRun(bad, &code);
    EXPECT_EQ(code, kExitUsage) << bad.back() << ": " << error;
  }
  const std::string missing =
      CapturedRun({(dir / "gone.mkv").string(), "-o", out, "-q"}, &code);
  EXPECT_EQ(code, kExitError);
  EXPECT_NE(missing.find("gone.mkv"), std::string::npos) << missing;
  EXPECT_FALSE(fs::exists(dir / "out/train"));
}

TEST(ExtractCommand, WritesADatasetAndAReportAndKeepsItUnlessTold) {
  testing::TempDir dir;
  const std::string film = MakeFilm(dir / "pan.mp4").string();
  const std::string out = (dir / "out").string();
  const std::vector<std::string> args = {film,     "-o",
                                         out,      "--every",
                                         "6",      "--size",
                                         "256x96", "--min-matches",
                                         "10",     "--val-fraction",
                                         "0",      "-q"};
  int code = 0;
  const std::string log = CapturedRun(args, &code);
  ASSERT_EQ(code, kExitOk) << log;
  EXPECT_NE(log.find("pan: full side-by-side (detected)"), std::string::npos)
      << log;
  EXPECT_NE(log.find("train with: parallax train --data"), std::string::npos)
      << log;
  ASSERT_TRUE(fs::exists(dir / "out/reports/pan.json"));
  int samples = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(dir / "out/train/pan")) {
    samples += entry.path().parent_path().filename() == "left";
  }
  EXPECT_GE(samples, 4);

  // Again: refused, nothing touched.
  const auto report_time = fs::last_write_time(dir / "out/reports/pan.json");
  const std::string refused = CapturedRun(args, &code);
  EXPECT_EQ(code, kExitError);
  EXPECT_NE(refused.find("--overwrite"), std::string::npos) << refused;
  EXPECT_NE(refused.find("--resume"), std::string::npos) << refused;
  // --resume: the film is complete, nothing to do.
  std::vector<std::string> resume = args;
  resume.push_back("--resume");
  EXPECT_EQ(CapturedRun(resume, &code).find("error"), std::string::npos);
  EXPECT_EQ(code, kExitOk);
  EXPECT_EQ(fs::last_write_time(dir / "out/reports/pan.json"), report_time);
  // --overwrite: written anew; what was there before is gone.
  std::ofstream(dir / "out/train/pan/stray.txt") << "old";
  std::vector<std::string> overwrite = args;
  overwrite.push_back("--overwrite");
  // ...but not when another film in the list cannot be read.
  std::vector<std::string> with_typo = overwrite;
  with_typo.insert(with_typo.begin() + 1, (dir / "typo.mkv").string());
  CapturedRun(with_typo, &code);
  EXPECT_EQ(code, kExitError);
  EXPECT_TRUE(fs::exists(dir / "out/train/pan/stray.txt"));
  CapturedRun(overwrite, &code);
  EXPECT_EQ(code, kExitOk);
  EXPECT_TRUE(fs::exists(dir / "out/reports/pan.json"));
  EXPECT_FALSE(fs::exists(dir / "out/train/pan/stray.txt"));
}

// A film as ffmpeg makes one: testsrc2 seen by two cameras 6 px apart
// (one picture cropped at two places), letterboxed, side by side, with an
// audio track. The disparity is known: 6 px, scaled with the sample.
TEST(ExtractCommand, AnFfmpegFilmWithAudioGivesItsKnownDisparity) {
  PARALLAX_SKIP_WITHOUT_FFMPEG();
  testing::TempDir dir;
  const fs::path film = dir / "film.mkv";
  testing::RunFfmpeg(
      testing::TestSource(3, 24, "320x180") +
      " -filter_complex \"[0:v]split=2[a][b];"
      "[a]crop=300:136:10:22,pad=300:180:0:22[l];"
      "[b]crop=300:136:16:22,pad=300:180:0:22[r];[l][r]hstack[v]\""
      " -map [v] -map 1:a -c:v libx264 -preset ultrafast -crf 12"
      " -c:a aac -shortest " +
      testing::Quote(film));
  int code = 0;
  const std::string log = CapturedRun(
      {film.string(), "-o", (dir / "out").string(), "--every", "4", "--size",
       "256x96", "--val-fraction", "0", "--min-matches", "10", "-q"},
      &code);
  ASSERT_EQ(code, kExitOk) << log;
  std::ifstream in(dir / "out/reports/film.json");
  const nlohmann::json report = nlohmann::json::parse(in);
  EXPECT_EQ(report["layout"], "full side-by-side");
  EXPECT_GE(report["written_train"].get<int>(), 10) << report.dump(1);
  // The picture (300x136) is cut to 256:96 and shrunk by 256/300.
  const double expected = 6.0 * 256 / 300;
  EXPECT_NEAR(report["disparity_px"]["median"].get<double>(), expected, 0.5)
      << report.dump(1);
  EXPECT_LT(report["disparity_px"]["negative_share"].get<double>(), 0.05);
  EXPECT_NE(report["recommended_flags"].get<std::string>().find("positive"),
            std::string::npos);
}

}  // namespace
}  // namespace parallax
