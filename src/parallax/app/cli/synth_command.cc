// parallax synth: procedural stereo worlds with exact ground truth, for
// training (parallax train --data OUT) and scoring (parallax eval --gt OUT).
#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/data/film/film_layout.h"
#include "parallax/data/synth/synth_film.h"
#include "parallax/data/synth/synth_run.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

// The folders and files a film run would write that already exist.
std::vector<std::filesystem::path> ExistingFilmOutputs(
    const synth::SynthFilmOptions& film) {
  std::vector<std::filesystem::path> existing;
  std::error_code error;
  for (int64_t i = film.first; i < film.first + film.shots; ++i) {
    const std::filesystem::path shot = synth::ShotFolder(film.out, i);
    if (std::filesystem::exists(shot, error)) existing.push_back(shot);
  }
  if (!film.video.empty() && std::filesystem::exists(film.video, error)) {
    existing.push_back(film.video);
  }
  return existing;
}

// Renders the film, then packs the video, each with its progress bar.
int RunFilm(const synth::SynthFilmOptions& film,
            const synth::TextureBank& textures, bool quiet) {
  std::unique_ptr<ProgressBar> bar;
  std::string stage;
  synth::SynthFilmReport report;
  try {
    report = synth::RunSynthFilm(
        film, textures,
        [&](const std::string& now, int64_t done, int64_t total) {
          if (!quiet && now != stage) {
            if (bar) bar->Finish();
            bar = std::make_unique<ProgressBar>(now, total, "frames/s");
            bar->set_start(done);  // frames kept from an earlier run
            stage = now;
          }
          if (bar) bar->Update(done);
          if (InterruptRequested()) throw Cancelled();
        });
  } catch (const Cancelled&) {
    fmt::print(stderr,
               "interrupted: finished frames are complete; run again with "
               "--resume to render the rest{}\n",
               film.video.empty() ? "" : " and write the video");
    return kExitInterrupted;
  }
  if (bar) bar->Finish();
  if (!quiet) {
    fmt::print(
        stderr, "rendered {} frames ({} kept) of {} shots in {:.1f} s{}\n",
        report.frames_written, report.frames_kept, film.shots, report.seconds,
        film.video.empty()
            ? ""
            : fmt::format("; wrote {} ({} frames)", film.video.string(),
                          report.video_frames));
  }
  return kExitOk;
}

}  // namespace

int RunSynth(int argc, char** argv) {
  CLI::App app(
      "Render procedural 3D worlds as rectified stereo pairs with exact "
      "per-pixel ground truth: a textured ground to the horizon, a "
      "photographed backdrop at infinity, buildings, walls, boxes, spheres, "
      "cylinders, slabs, cut-out billboards, poles and branches, sun and "
      "soft shadows, haze, and camera effects; or rooms with walls, "
      "tables and the things on them, furniture and pictures. Each sample is a "
      "folder "
      "(left.png, right.png, disp_left.pfm, disp_right.pfm, left_mask.png, "
      "right_mask.png, meta.json) that `parallax train --data` and "
      "`parallax eval --gt` read.\n\nExamples:\n"
      "  parallax synth --out synth/ --count 20000\n"
      "  parallax synth --out film_synth/ --count 5000 --rig converging "
      "--max-disparity 0.08\n"
      "  parallax synth --out synth/ --count 20000 --resume   # after Ctrl-C\n"
      "\nWith --sequence, --count shots of a synthetic 3D film: camera moves "
      "(dolly, pan, orbit, crane, handheld shake) through the worlds, things "
      "that move, and for converging rigs a screen plane that follows the "
      "subject. Each shot is a folder of frames (left/, right/, disp_left/, "
      "disp_right/, mask_left/, mask_right/, gt_flow_left/ and gt_flow_right/ "
      "with the exact optic flow to the previous and next frame, meta/) that "
      "`parallax train` reads with 3 or 7 input channels; --video packs the "
      "film side by side or top-bottom with a soundtrack and optional "
      "letterbox bars, to test `parallax extract` against known truth:\n"
      "  parallax synth --sequence --out film/ --count 12 --size 960x540 "
      "--letterbox 2.39 --rig converging --video film/film.mkv --layout "
      "hsbs",
      "parallax synth");
  app.get_formatter()->column_width(34);
  synth::SynthRunOptions options;
  std::string out, size = "512x256", rig = "parallel", world = "mixed";
  std::vector<std::string> texture_dirs;
  bool no_effects = false, quiet = false;
  app.add_option("--out", out, "Output folder")->required()->type_name("DIR");
  app.add_option("--count", options.count,
                 "Number of stereo pairs (with --sequence: of shots)")
      ->required();
  app.add_option("--first", options.first,
                 "Index of the first sample (to extend a set)")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Random seed: same seed, same bytes")
      ->capture_default_str();
  app.add_option("--size", size,
                 "Image size WxH (with --sequence: each view's frame in the "
                 "video, the picture inside it with --letterbox)")
      ->capture_default_str();
  app.add_option("--rig", rig,
                 "parallel (d >= 0), converging (zero-disparity plane on a "
                 "subject, signed d: film rigs) or mixed")
      ->capture_default_str();
  app.add_option("--world", world,
                 "outdoor (ground to the horizon, up to 45 m), indoor (rooms "
                 "with tables and things on them, 0.3 to 10 m) or mixed "
                 "(half each)")
      ->capture_default_str();
  app.add_option("--max-disparity", options.scene.max_disparity,
                 "Largest |disparity| as a fraction of the width")
      ->capture_default_str();
  app.add_option("--haze", options.scene.haze_scale,
                 "Scales the haze density each world draws, 0 to 10 (0 = "
                 "clear air; at 1, outdoor worlds fade by 3 to 55% at 20 m)")
      ->capture_default_str();
  app.add_option("--recolor", options.scene.recolor_probability,
                 "Chance, 0 to 1, that each surface's photograph has its "
                 "hue turned at random (breaks the tie of colour to depth: "
                 "green is not always far)")
      ->capture_default_str();
  app.add_option("--textures", texture_dirs,
                 "Folders of photographs for surfaces and backdrops "
                 "(default: the wallpaper photos and OpenCV samples "
                 "scripts/setup installs, and ../shared/data/stereo/train)")
      ->type_name("DIR...");
  app.add_flag("--no-effects", no_effects,
               "No camera noise, blur, vignetting or JPEG (exact views)");
  app.add_option("--threads", options.threads, "Render threads (0 = cores + 1)")
      ->capture_default_str();
  app.add_flag("--resume", options.resume,
               "Keep complete samples already in --out, render the rest");
  bool sequence = false;
  synth::SynthFilmOptions film;
  std::string moves = "all", layout = "sbs", video;
  bool no_audio = false, stereo_tag = false;
  CLI::Option* sequence_flag = app.add_flag(
      "--sequence", sequence,
      "Render a 3D film: --count shots of --shot-frames frames each");
  auto* film_group = app.add_option_group(
      "Films (--sequence)", "Shots, camera moves and the packed video");
  film_group->add_option("--shot-frames", film.shot.frames, "Frames per shot")
      ->capture_default_str();
  film_group->add_option("--fps", film.shot.fps, "Frames per second")
      ->capture_default_str();
  film_group
      ->add_option("--moves", moves,
                   "Camera moves drawn from: all, or a list of static, "
                   "dolly, pan, orbit, crane")
      ->capture_default_str();
  film_group
      ->add_option("--handheld", film.shot.handheld_probability,
                   "Chance, 0 to 1, that a shot's camera also shakes")
      ->capture_default_str();
  film_group
      ->add_option("--movers", film.shot.mover_probability,
                   "Chance, 0 to 1, that some things in a shot move")
      ->capture_default_str();
  film_group
      ->add_option("--video", video,
                   "Also write the film as a video (.mkv, .mp4, .mov)")
      ->type_name("FILE");
  film_group
      ->add_option("--layout", layout,
                   "Video packing: sbs, hsbs (half side by side), tb, htb")
      ->capture_default_str();
  film_group
      ->add_option("--letterbox", film.picture_aspect,
                   "Picture aspect inside each view's --size frame (2.39 = "
                   "scope bars above and below; 1.33 in 16:9 = pillarbox); "
                   "0 = no bars")
      ->capture_default_str();
  film_group->add_option("--crf", film.crf, "H.264 quality (lower = better)")
      ->capture_default_str();
  film_group->add_flag("--no-audio", no_audio, "No soundtrack");
  film_group->add_flag("--stereo-tag", stereo_tag,
                       "Tag the video's stereo layout in the container "
                       "(Matroska StereoMode, MP4 st3d)");
  // Film options alone would be silently ignored: a usage error instead.
  for (CLI::Option* option : film_group->get_options()) {
    option->needs(sequence_flag);
  }
  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  app.add_flag("-q,--quiet", quiet, "No progress bar");

  return RunCli(app, argc, argv, [&]() -> int {
    options.out = out;
    const auto [width, height] = ParseSize(size, "--size");
    options.scene.size = {width, height};
    options.scene.rig = synth::ParseRigMode(rig);
    options.scene.world = synth::ParseWorld(world);
    options.scene.camera_effects = !no_effects;
    if (sequence) {
      film.out = out;
      film.shots = options.count;
      film.first = options.first;
      film.seed = options.seed;
      film.shot.scene = options.scene;
      film.size = {width, height};
      film.threads = options.threads;
      film.resume = options.resume;
      film.shot.moves = synth::ParseCameraMoves(moves);
      const FilmLayout packing = ParseFilmLayout(layout);
      film.packing = packing.packing;
      film.half = packing.half;
      if (stereo_tag) {
        film.tag = packing.packing == PackedLayout::kSideBySide
                       ? StereoTag::kSideBySideLeftFirst
                       : StereoTag::kTopBottomLeftFirst;
      }
      film.video = video;
      film.audio = !no_audio;
      film.Check();
      RefuseExistingOutputs(ExistingFilmOutputs(film),
                            ExistingOutputsFromFlags(overwrite, film.resume));
    } else {
      options.Check();
    }
    if (!sequence) {
      std::vector<std::filesystem::path> existing;
      std::error_code error;
      for (int64_t i = options.first; i < options.first + options.count; ++i) {
        const std::filesystem::path sample = synth::SampleFolder(out, i);
        if (std::filesystem::exists(sample, error)) existing.push_back(sample);
      }
      RefuseExistingOutputs(
          existing, ExistingOutputsFromFlags(overwrite, options.resume));
    }
    std::vector<std::filesystem::path> folders(texture_dirs.begin(),
                                               texture_dirs.end());
    if (folders.empty()) {
      folders = synth::DefaultTextureFolders();
      if (folders.empty()) {
        ThrowError(
            "no texture photographs found: install them with scripts/setup "
            "(mate-backgrounds, plasma-workspace-wallpapers, opencv-doc) or "
            "pass --textures DIR");
      }
    }
    const synth::TextureBank textures = synth::TextureBank::Load(folders);
    if (!quiet) {
      fmt::print(stderr, "{} texture photographs from {} folder(s)\n",
                 textures.size(), folders.size());
    }
    InstallInterruptHandler();
    if (sequence) return RunFilm(film, textures, quiet);
    std::unique_ptr<ProgressBar> bar;
    if (!quiet) {
      bar = std::make_unique<ProgressBar>("synth", options.count, "pairs/s");
    }
    synth::SynthRunReport report;
    try {
      report = synth::RunSynth(options, textures, [&](int64_t done, int64_t) {
        if (bar) bar->Update(done);
        if (InterruptRequested()) throw Cancelled();
      });
    } catch (const Cancelled&) {
      fmt::print(stderr,
                 "interrupted: finished samples are complete; run again "
                 "with --resume to render the rest\n");
      return kExitInterrupted;
    }
    if (bar) bar->Finish();
    if (!quiet) {
      fmt::print(stderr,
                 "wrote {} pairs ({} kept) in {:.1f} s: {:.1f} pairs/s\n",
                 report.written, report.skipped, report.seconds,
                 report.written / std::max(report.seconds, 1e-9));
    }
    return kExitOk;
  });
}

}  // namespace parallax
