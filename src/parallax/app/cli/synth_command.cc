// parallax synth: procedural stereo worlds with exact ground truth, for
// training (parallax train --data OUT) and scoring (parallax eval --gt OUT).
#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/data/synth/synth_run.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"
#include "parallax/util/strings.h"

namespace parallax {
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
      "  parallax synth --out synth/ --count 20000 --resume   # after Ctrl-C",
      "parallax synth");
  app.get_formatter()->column_width(34);
  synth::SynthRunOptions options;
  std::string out, size = "512x256", rig = "parallel", world = "mixed";
  std::vector<std::string> texture_dirs;
  bool no_effects = false, quiet = false;
  app.add_option("--out", out, "Output folder")->required()->type_name("DIR");
  app.add_option("--count", options.count, "Number of stereo pairs")
      ->required();
  app.add_option("--first", options.first,
                 "Index of the first sample (to extend a set)")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Random seed: same seed, same bytes")
      ->capture_default_str();
  app.add_option("--size", size, "Image size WxH")->capture_default_str();
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
    options.Check();
    std::vector<std::filesystem::path> existing;
    std::error_code error;
    for (int64_t i = options.first; i < options.first + options.count; ++i) {
      const std::filesystem::path sample = synth::SampleFolder(out, i);
      if (std::filesystem::exists(sample, error)) existing.push_back(sample);
    }
    RefuseExistingOutputs(existing,
                          ExistingOutputsFromFlags(overwrite, options.resume));
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
