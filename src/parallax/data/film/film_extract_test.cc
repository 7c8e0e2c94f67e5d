#include "parallax/data/film/film_extract.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

#include "parallax/data/stereo_dataset.h"
#include "parallax/data/synth/stereo_sample.h"
#include "parallax/data/synth/synth_film.h"
#include "parallax/io/image_io.h"
#include "parallax/io/video_writer.h"
#include "parallax/testing/testing.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

const synth::TextureBank& Bank() {
  static const synth::TextureBank bank = synth::TextureBank::Procedural(6, 7);
  return bank;
}

// What a shot of a test film shows.
struct Shot {
  enum Kind { kScene, kBlack, kTwoD } kind = kScene;
  int seed = 0;
  int frames = 24;
};

constexpr int kViewWidth = 320, kViewHeight = 180;
// The picture inside each view: letterbox bars of 22 rows above and below.
const cv::Rect kPicture(0, 22, 320, 136);
constexpr int kPanPerFrame = 2;

// Both views of a synthetic world, wider than the picture so that a shot
// can pan across it (the window moves right: the scene moves left).
std::pair<cv::Mat, cv::Mat> Render(int seed, bool converging) {
  synth::SceneOptions options;
  options.size = {kPicture.width + 2 * 40, kPicture.height};
  options.rig =
      converging ? synth::RigMode::kConverging : synth::RigMode::kParallel;
  options.max_disparity = 0.08f;
  options.camera_effects = false;
  options.world = synth::World::kOutdoor;
  const synth::StereoSample sample = synth::RenderStereoSample(
      synth::SampleScene(static_cast<uint64_t>(seed), 0, options, Bank()),
      Bank());
  return {sample.left, sample.right};
}

cv::Mat Packed(const cv::Mat& left, const cv::Mat& right,
               const FilmLayout& layout) {
  cv::Mat frame;
  if (layout.packing == PackedLayout::kSideBySide) {
    cv::hconcat(left, right, frame);
  } else {
    cv::vconcat(left, right, frame);
  }
  if (layout.half) {
    cv::Mat squeezed;
    cv::resize(frame, squeezed, {kViewWidth, kViewHeight}, 0, 0,
               cv::INTER_AREA);
    return squeezed;
  }
  return frame;
}

// Writes `frames` as a 24 fps H.264 film with a keyframe every half second.
fs::path WriteFilm(const fs::path& path, const std::vector<cv::Mat>& frames,
                   StereoTag tag = StereoTag::kNone) {
  VideoOutputSpec spec;
  spec.width = frames[0].cols;
  spec.height = frames[0].rows;
  spec.frame_rate = {24, 1};
  VideoEncodeOptions encoding;
  encoding.crf = 12;
  encoding.preset = "ultrafast";
  encoding.keyframe_interval = 12;
  encoding.stereo = tag;
  VideoWriter writer(path, spec, encoding);
  for (size_t i = 0; i < frames.size(); ++i) {
    writer.Write(frames[i], static_cast<int64_t>(i));
  }
  writer.Finish();
  return path;
}

// Writes a 24 fps H.264 film of `shots` in `layout`.
fs::path MakeFilm(const fs::path& path, const std::vector<Shot>& shots,
                  const FilmLayout& layout, bool converging = false,
                  StereoTag tag = StereoTag::kNone) {
  std::vector<cv::Mat> frames;
  for (const Shot& shot : shots) {
    std::pair<cv::Mat, cv::Mat> scene;
    if (shot.kind != Shot::kBlack) scene = Render(shot.seed, converging);
    for (int t = 0; t < shot.frames; ++t) {
      cv::Mat left(kViewHeight, kViewWidth, CV_8UC3, cv::Scalar::all(0));
      cv::Mat right = left.clone();
      if (shot.kind != Shot::kBlack) {
        const cv::Rect window(kPanPerFrame * t, 0, kPicture.width,
                              kPicture.height);
        scene.first(window).copyTo(left(kPicture));
        (shot.kind == Shot::kTwoD ? scene.first : scene.second)(window).copyTo(
            right(kPicture));
      }
      frames.push_back(Packed(left, right, layout));
    }
  }
  return WriteFilm(path, frames, tag);
}

// A: 0-23, black: 24-31, B: 32-55, 2D: 56-79, D: 80-103.
const std::vector<Shot>& FilmShots() {
  // Seeds of worlds with detail enough for feature matching at 320x128.
  static const std::vector<Shot> shots = {{Shot::kScene, 43, 24},
                                          {Shot::kBlack, 0, 8},
                                          {Shot::kScene, 32, 24},
                                          {Shot::kTwoD, 25, 24},
                                          {Shot::kScene, 45, 24}};
  return shots;
}

FilmExtractOptions SmallOptions(const fs::path& film, const fs::path& out) {
  FilmExtractOptions options;
  options.films = {film};
  options.out = out;
  options.size = {320, 128};
  options.every = 8;
  options.val_fraction = 0;
  options.threads = 2;
  // The test worlds' generated textures are smoother than photographs,
  // and their small views have fewer features.
  options.min_texture = 0.1;
  options.min_matches = 8;
  options.measure_every = 1;
  return options;
}

std::vector<fs::path> Files(const fs::path& root, const std::string& ext) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ext) {
      files.push_back(fs::relative(entry.path(), root));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

nlohmann::json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::string Bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(FilmExtract, FindsLayoutBarsShotsAnd2dStretchesAndWritesTrainableSamples) {
  testing::TempDir dir;
  const fs::path film = MakeFilm(dir / "My Film (3D).mp4", FilmShots(),
                                 FilmLayout{PackedLayout::kSideBySide, false});
  FilmExtractOptions options = SmallOptions(film, dir / "out");
  options.flow = FlowMethod::kDis;
  const std::vector<FilmExtractReport> reports = ExtractFilms(options);
  ASSERT_EQ(reports.size(), 1u);
  const FilmExtractReport& report = reports[0];
  EXPECT_EQ(report.name, "My_Film__3D_");
  EXPECT_EQ(report.layout, (FilmLayout{PackedLayout::kSideBySide, false}));
  EXPECT_EQ(report.layout_source, "detected");
  EXPECT_TRUE(report.complete);
  EXPECT_EQ(report.frames_decoded, 104);
  EXPECT_EQ(report.candidates, 13);
  EXPECT_GE(report.rejected.at("dark or flat (black, fades)"), 1);
  EXPECT_GE(report.rejected.at("2D (views identical)"), 2);
  EXPECT_TRUE(report.damaged.empty());
  EXPECT_EQ(report.written_val, 0);
  EXPECT_GE(report.written_train, 7);

  // Shots: every sample's frame lies in a scene shot, samples of different
  // scenes in different shot folders, none from the black or 2D stretch.
  std::map<int, std::set<std::string>> shots_of_scene;
  const fs::path root = dir / "out/train/My_Film__3D_";
  const std::vector<fs::path> metas = Files(root, ".json");
  ASSERT_EQ(static_cast<int64_t>(metas.size()), report.written_train);
  for (const fs::path& meta_file : metas) {
    const nlohmann::json meta = ReadJson(root / meta_file);
    const int frame = meta["frame"].get<int>();
    const int scene = frame < 24   ? 0
                      : frame < 32 ? -1
                      : frame < 56 ? 1
                      : frame < 80 ? -2
                                   : 2;
    ASSERT_GE(scene, 0) << "frame " << frame << " is black or 2D";
    shots_of_scene[scene].insert(meta_file.begin()->string());
    // The bars found and cropped (compression may blur an edge by a row).
    const std::vector<int> area = meta["picture_area"].get<std::vector<int>>();
    EXPECT_NEAR(area[1], kPicture.y, 1) << meta_file;
    EXPECT_NEAR(area[3], kPicture.height, 2) << meta_file;
    EXPECT_EQ(area[2], kPicture.width) << meta_file;
    EXPECT_EQ(meta["layout"], "full side-by-side");
  }
  ASSERT_EQ(shots_of_scene.size(), 3u);
  std::set<std::string> all;
  for (const auto& [scene, folders] : shots_of_scene) {
    EXPECT_EQ(folders.size(), 1u) << "scene " << scene << " split";
    all.insert(folders.begin(), folders.end());
  }
  EXPECT_EQ(all.size(), 3u) << "two scenes share a shot";
  EXPECT_GE(report.shots, 5);

  // `parallax train --data OUT/train` reads it: views at --size, flow of
  // both views attached.
  const StereoDataset dataset = ScanStereoDataset(dir / "out/train");
  ASSERT_EQ(static_cast<int64_t>(dataset.pairs.size()), report.written_train);
  for (const StereoPairSource& pair : dataset.pairs) {
    const StereoPair views = LoadStereoPair(pair);
    EXPECT_EQ(views.left.size(), cv::Size(320, 128));
    ASSERT_FALSE(pair.flow_left.empty());
    ASSERT_FALSE(pair.flow_right.empty());
    for (const fs::path& flow_file : {pair.flow_left, pair.flow_right}) {
      const auto [to_previous, to_next] =
          ReadStoredFlow(flow_file, views.left.size());
      // 3D_learner's scaling: mean |component| 1 (half floats).
      const cv::Scalar next_abs = cv::mean(cv::abs(to_next));
      EXPECT_NEAR((next_abs[0] + next_abs[1]) / 2, 1.0, 0.01);
      // The window pans right: the scene moves left towards the next
      // frame, right towards the previous one (x 2 px, y 0: after the
      // scaling, about -2 and 2).
      EXPECT_LT(cv::mean(to_next)[0], -1.8) << flow_file;
      const int frame = std::stoi(flow_file.stem().string());
      if (frame == 0 || frame == 32 || frame == 80) {
        // The first frame of a shot: no previous frame to move from.
        EXPECT_EQ(cv::countNonZero(to_previous.reshape(1)), 0) << flow_file;
      } else {
        EXPECT_GT(cv::mean(to_previous)[0], 1.8) << flow_file;
      }
    }
  }
  // A parallel rig: disparities are positive.
  EXPECT_GT(report.disparity_samples, 100);
  EXPECT_LT(report.negative_share, 0.05);
  EXPECT_GT(report.disparity_high, 2.0);
  EXPECT_NE(report.recommended_flags.find("--disparity-mode positive"),
            std::string::npos)
      << report.recommended_flags;
  const nlohmann::json written_report =
      ReadJson(dir / "out/reports/My_Film__3D_.json");
  EXPECT_EQ(written_report["written_train"], report.written_train);
  EXPECT_EQ(written_report["layout"], "full side-by-side");
}

TEST(FilmExtract, TakesTheContainerTagAndMeasuresSignedDisparity) {
  testing::TempDir dir;
  const FilmLayout half_tb{PackedLayout::kTopBottom, true};
  const fs::path film = MakeFilm(
      dir / "converging.mkv", {{Shot::kScene, 27, 24}, {Shot::kScene, 15, 24}},
      half_tb, /*converging=*/true, StereoTag::kTopBottomLeftFirst);
  FilmExtractOptions options = SmallOptions(film, dir / "out");
  // The film's two shots draw 0.016 and 0.250 (IsValidationShot): one
  // goes each way.
  options.val_fraction = 0.1;
  const FilmExtractReport report = ExtractFilms(options).at(0);
  EXPECT_EQ(report.layout, half_tb);
  EXPECT_EQ(report.layout_source, "container tag");
  EXPECT_GT(report.written_train + report.written_val, 3);
  // A converging rig puts the far scene behind the screen: d < 0.
  EXPECT_GT(report.negative_share, 0.05);
  EXPECT_NE(report.recommended_flags.find("--disparity-mode signed"),
            std::string::npos)
      << report.recommended_flags;
  // Half views are stretched back to the display aspect: the picture
  // (320x68 stored, 320x136 shown) is cut to 320x128 and resized, not
  // squeezed.
  const StereoDataset all_shots = [&] {
    std::vector<StereoPairSource> pairs;
    for (const char* split : {"train", "val"}) {
      if (!fs::exists(dir / "out" / split)) continue;
      const StereoDataset part = ScanStereoDataset(dir / "out" / split);
      pairs.insert(pairs.end(), part.pairs.begin(), part.pairs.end());
    }
    StereoDataset dataset;
    dataset.pairs = pairs;
    return dataset;
  }();
  // Validation takes whole shots: no shot folder under both splits.
  std::set<std::string> train_shots, val_shots;
  for (const StereoPairSource& pair : all_shots.pairs) {
    EXPECT_EQ(LoadStereoPair(pair).left.size(), cv::Size(320, 128));
    const std::string shot =
        pair.left.parent_path().parent_path().filename().string();
    const bool val = pair.left.string().find("/out/val/") != std::string::npos;
    (val ? val_shots : train_shots).insert(shot);
    const nlohmann::json meta =
        ReadJson(pair.left.parent_path().parent_path() / "meta" /
                 pair.left.filename().replace_extension(".json"));
    EXPECT_EQ(meta["split"], val ? "val" : "train");
  }
  // One shot each way (see val_fraction above).
  EXPECT_EQ(train_shots.size(), 1u);
  EXPECT_EQ(val_shots.size(), 1u);
  for (const std::string& shot : val_shots) {
    EXPECT_FALSE(train_shots.contains(shot)) << shot;
  }
}

// A film from `parallax synth --sequence`, whose truth is known: half
// side by side with a soundtrack and 2.39:1 letterbox bars, three shots
// whose camera moves change at the cuts, a converging rig. Extract finds
// the layout, the picture, the cuts where the shots change and disparity
// of the true sign and range.
TEST(FilmExtract, FindsTheKnownTruthOfASyntheticFilm) {
  testing::TempDir dir;
  synth::SynthFilmOptions film;
  film.out = dir / "truth";
  film.shots = 3;
  film.seed = 11;
  film.shot.frames = 16;
  film.shot.scene.rig = synth::RigMode::kConverging;
  film.shot.scene.world = synth::World::kMixed;
  film.shot.scene.max_disparity = 0.05f;
  film.shot.moves = {synth::CameraMove::kDolly, synth::CameraMove::kPan,
                     synth::CameraMove::kOrbit};
  film.size = {320, 180};
  film.picture_aspect = 2.39f;  // 320x134 below 22 rows of bar
  film.threads = 2;
  film.video = dir / "synthetic.mkv";
  film.half = true;
  synth::RunSynthFilm(film, Bank());
  const cv::Rect picture = synth::PictureArea(film.size, film.picture_aspect);

  FilmExtractOptions options = SmallOptions(film.video, dir / "out");
  options.every = 4;
  options.flow = FlowMethod::kDis;
  const FilmExtractReport report = ExtractFilms(options).at(0);
  EXPECT_EQ(report.layout, (FilmLayout{PackedLayout::kSideBySide, true}));
  EXPECT_EQ(report.layout_source, "detected");
  EXPECT_EQ(report.shots, 3);
  EXPECT_GE(report.written_train, 4);

  // Truth: the disparity of every frame, at the sample's scale (the
  // 320x134 picture is cut to 320x128 and kept at that size).
  std::vector<float> truth;
  for (int64_t shot = 0; shot < film.shots; ++shot) {
    for (int f = 0; f < film.shot.frames; f += 2) {
      const cv::Mat d = ReadImage(synth::ShotFolder(film.out, shot) /
                                      fmt::format("disp_left/{:06d}.pfm", f),
                                  ReadMode::kFloat1);
      truth.insert(truth.end(), d.begin<float>(), d.end<float>());
    }
  }
  std::sort(truth.begin(), truth.end());
  const auto at = [&](double q) {
    return truth[static_cast<size_t>(q * (truth.size() - 1))];
  };
  const double negative =
      static_cast<double>(std::lower_bound(truth.begin(), truth.end(), 0.0f) -
                          truth.begin()) /
      truth.size();
  // The report measures matched features, the truth every pixel: the
  // range holds, the share of negative disparity only roughly.
  EXPECT_GE(report.disparity_low, at(0.0) - 1.0);
  EXPECT_LE(report.disparity_high, at(1.0) + 1.0);
  ASSERT_GT(negative, 0.2);  // this film has much behind the screen
  EXPECT_GT(report.negative_share, 0.05);
  EXPECT_NE(report.recommended_flags.find("--disparity-mode signed"),
            std::string::npos)
      << report.recommended_flags;

  const fs::path root = dir / "out/train/synthetic";
  std::map<int, std::set<std::string>> folders_of_shot;
  for (const fs::path& meta_file : Files(root, ".json")) {
    const nlohmann::json meta = ReadJson(root / meta_file);
    // The bars are found: the picture in stored (half-width) pixels, to a
    // row (a dark last row of picture reads as bar).
    const std::vector<int> area = meta["picture_area"];
    EXPECT_EQ(area[0], picture.x / 2);
    EXPECT_EQ(area[2], picture.width / 2);
    EXPECT_NEAR(area[1], picture.y, 1) << meta_file;
    EXPECT_NEAR(area[1] + area[3], picture.y + picture.height, 1) << meta_file;
    folders_of_shot[meta["frame"].get<int>() / film.shot.frames].insert(
        meta_file.begin()->string());
  }
  // Each film shot's samples in one folder of their own (a shot may lose
  // all its samples to the quality checks).
  ASSERT_GE(folders_of_shot.size(), 2u);
  std::set<std::string> all;
  for (const auto& [shot, folders] : folders_of_shot) {
    EXPECT_EQ(folders.size(), 1u) << shot;
    all.insert(folders.begin(), folders.end());
  }
  EXPECT_EQ(all.size(), folders_of_shot.size());
}

// The files of two dataset folders are the same, byte for byte.
void ExpectSameFiles(const fs::path& a, const fs::path& b,
                     const std::string& context) {
  for (const char* ext : {".png", ".exr", ".json"}) {
    const std::vector<fs::path> files = Files(a, ext);
    ASSERT_EQ(files, Files(b, ext)) << ext << ", " << context;
    for (const fs::path& file : files) {
      EXPECT_EQ(Bytes(a / file), Bytes(b / file)) << file << ", " << context;
    }
  }
}

nlohmann::json WithoutTime(const FilmExtractReport& report) {
  nlohmann::json j = report.ToJson();
  j.erase("seconds");
  return j;
}

TEST(FilmExtract, ResumesAfterAnInterruptionWithTheSameSamples) {
  testing::TempDir dir;
  const fs::path film = MakeFilm(dir / "film.mp4", FilmShots(),
                                 FilmLayout{PackedLayout::kSideBySide, true});
  FilmExtractOptions whole = SmallOptions(film, dir / "whole");
  whole.flow = FlowMethod::kDis;
  whole.every = 3;  // progress comes every 8 frames: some stops find a
                    // candidate waiting for its next frame
  const FilmExtractReport expected = ExtractFilms(whole).at(0);
  EXPECT_EQ(expected.layout, (FilmLayout{PackedLayout::kSideBySide, true}));

  // Ctrl-C at several points (mid-shot; 24 and 32 end a shot; 16, 40, 64
  // and 88 with a candidate waiting), then --resume: the same report and
  // the same bytes.
  for (const int stop : {16, 24, 32, 40, 64, 88}) {
    FilmExtractOptions parts = whole;
    parts.out = dir / fmt::format("parts{}", stop);
    EXPECT_THROW(ExtractFilms(parts,
                              [&](const FilmExtractProgress& progress) {
                                if (progress.frame >= stop) throw Cancelled();
                              }),
                 Cancelled);
    EXPECT_FALSE(fs::exists(parts.out / "reports/film.json"));
    parts.resume = true;
    const FilmExtractReport resumed = ExtractFilms(parts).at(0);
    EXPECT_TRUE(resumed.complete);
    EXPECT_EQ(WithoutTime(expected), WithoutTime(resumed))
        << "stopped at " << stop;
    ExpectSameFiles(dir / "whole/train", parts.out / "train",
                    fmt::format("stopped at {}", stop));
  }
  // kill -9: the state as last saved (between two frames, with candidates
  // in work), and samples written after it; resumed, the same again.
  for (const int killed_at : {48, 72}) {
    FilmExtractOptions killed = whole;
    killed.out = dir / fmt::format("killed{}", killed_at);
    killed.save_every_s = 0;  // save after every frame
    std::string saved;
    ExtractFilms(killed, [&](const FilmExtractProgress& progress) {
      if (progress.frame == killed_at) {
        saved = Bytes(killed.out / ".extract/film.json");
      }
    });
    ASSERT_FALSE(saved.empty());
    std::ofstream(killed.out / ".extract/film.json") << saved;
    fs::remove(killed.out / "reports/film.json");
    killed.resume = true;
    EXPECT_EQ(WithoutTime(expected), WithoutTime(ExtractFilms(killed).at(0)))
        << "killed at " << killed_at;
    ExpectSameFiles(dir / "whole/train", killed.out / "train",
                    fmt::format("killed at {}", killed_at));
  }
  // A complete film is not read again.
  FilmExtractOptions again = whole;
  again.out = dir / "parts40";
  again.resume = true;
  EXPECT_EQ(WithoutTime(ExtractFilms(again).at(0)), WithoutTime(expected));
  // Resuming with other settings would mix two datasets: refused.
  again.every = 5;
  try {
    ExtractFilms(again);
    ADD_FAILURE() << "resumed with other settings";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("every 3 (now 5)"),
              std::string::npos)
        << error.what();
  }
}

TEST(FilmExtract, PerShotSpreadsItsFramesOverEachShot) {
  testing::TempDir dir;
  const fs::path film = MakeFilm(
      dir / "film.mp4", {{Shot::kScene, 28, 20}, {Shot::kScene, 8, 40}},
      FilmLayout{PackedLayout::kSideBySide, false});
  FilmExtractOptions options = SmallOptions(film, dir / "out");
  options.per_shot = 2;
  const FilmExtractReport report = ExtractFilms(options).at(0);
  EXPECT_EQ(report.shots, 2);
  EXPECT_EQ(report.candidates, 4);
  std::set<int> frames;
  for (const fs::path& meta : Files(dir / "out/train", ".json")) {
    frames.insert(ReadJson(dir / "out/train" / meta)["frame"].get<int>());
  }
  // Shot 0: frames 0-19, at 5 and 15; shot 1: frames 20-59, at 30 and 50.
  for (const int frame : frames) {
    EXPECT_TRUE(frame == 5 || frame == 15 || frame == 30 || frame == 50)
        << frame;
  }
  EXPECT_GE(frames.size(), 3u);
}

TEST(FilmExtract, SkipsAndReportsADamagedStretch) {
  testing::TempDir dir;
  const fs::path film = MakeFilm(dir / "damaged.mp4", FilmShots(),
                                 FilmLayout{PackedLayout::kSideBySide, false});
  {
    std::fstream file(film, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(film) / 2));
    std::mt19937 random(7);
    for (int i = 0; i < 3000; ++i) file.put(static_cast<char>(random()));
  }
  FilmExtractOptions options = SmallOptions(film, dir / "out");
  options.layout = FilmLayout{PackedLayout::kSideBySide, false};
  const FilmExtractReport report = ExtractFilms(options).at(0);
  EXPECT_TRUE(report.complete);
  ASSERT_FALSE(report.damaged.empty());
  EXPECT_NE(report.damaged[0].find("damaged.mp4"), std::string::npos)
      << report.damaged[0];
  EXPECT_LT(report.frames_decoded, 104);
  EXPECT_GT(report.frames_decoded, 40);
  // Reading went on after the damage: a sample from beyond it.
  const int damaged_after = std::stoi(report.damaged[0].substr(12));
  int last_frame = -1;
  for (const fs::path& meta : Files(dir / "out/train", ".json")) {
    last_frame = std::max(
        last_frame, ReadJson(dir / "out/train" / meta)["frame"].get<int>());
  }
  EXPECT_GT(last_frame, damaged_after + 24) << report.ToJson().dump(1);
  EXPECT_EQ(report.damaged.size(), 1u) << report.ToJson().dump(1);
}

// Frames large enough that every frame's luma is sampled sparsely (step 2),
// with an odd half: 1286x518 full side by side, views 643 wide.
TEST(FilmExtract, ReadsFramesWhoseSampledLumaHasAnOddSide) {
  testing::TempDir dir;
  const auto [left, right] = Render(43, false);
  cv::Mat left_view, right_view;
  cv::resize(left(cv::Rect(0, 0, 320, 136)), left_view, {643, 274});
  cv::resize(right(cv::Rect(0, 0, 320, 136)), right_view, {643, 274});
  cv::Mat frame(518, 1286, CV_8UC3, cv::Scalar::all(0));
  left_view.copyTo(frame(cv::Rect(0, 122, 643, 274)));
  right_view.copyTo(frame(cv::Rect(643, 122, 643, 274)));
  const fs::path film =
      WriteFilm(dir / "wide.mp4", std::vector<cv::Mat>(10, frame));
  FilmExtractOptions options = SmallOptions(film, dir / "out");
  options.every = 4;
  options.layout = FilmLayout{PackedLayout::kSideBySide, false};
  const FilmExtractReport report = ExtractFilms(options).at(0);
  EXPECT_TRUE(report.damaged.empty()) << report.damaged[0];
  EXPECT_EQ(report.frames_decoded, 10);
  EXPECT_EQ(report.shots, 1);
  EXPECT_GE(report.written_train, 1);
  // The stills after the first: near duplicates.
  EXPECT_EQ(report.rejected.at("near duplicate (a still)"), 2);
}

TEST(FilmExtract, RefusesA2dFilmAndOutputsItCannotWrite) {
  testing::TempDir dir;
  // A plain 2D video: each frame one picture.
  const auto views = Render(33, false);
  std::vector<cv::Mat> pictures;
  for (int t = 0; t < 24; ++t) {
    pictures.push_back(views.first(cv::Rect(t, 0, 360, 136)).clone());
  }
  const fs::path flat = WriteFilm(dir / "holiday.mp4", pictures);
  const auto error_of = [](const FilmExtractOptions& options) {
    try {
      ExtractFilms(options);
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  const std::string not_3d = error_of(SmallOptions(flat, dir / "out"));
  EXPECT_NE(not_3d.find("holiday.mp4' does not look like a 3D film"),
            std::string::npos)
      << not_3d;
  EXPECT_NE(not_3d.find("--layout"), std::string::npos) << not_3d;

  const std::string missing =
      error_of(SmallOptions(dir / "nowhere.mkv", dir / "out"));
  EXPECT_NE(missing.find("nowhere.mkv"), std::string::npos) << missing;

  // The output under a regular file: refused before any film is read.
  std::ofstream(dir / "a_file") << "x";
  const std::string unwritable =
      error_of(SmallOptions(flat, dir / "a_file/out"));
  EXPECT_NE(unwritable.find("a_file/out"), std::string::npos) << unwritable;

  FilmExtractOptions bad = SmallOptions(flat, dir / "out");
  bad.every = 0;
  EXPECT_NE(error_of(bad).find("--every"), std::string::npos);
  bad = SmallOptions(flat, dir / "out");
  bad.format = "gif";
  EXPECT_NE(error_of(bad).find("--format"), std::string::npos);
}

}  // namespace
}  // namespace parallax
