// parallax extract: stereo training data from 3D films, for
// `parallax train --data OUT/train --val OUT/val`.
#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/data/film/film_extract.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

void PrintReport(const FilmExtractReport& report) {
  fmt::print(stderr, "{}: {} ({}), {} frames, {} shots, {} candidates\n",
             report.name, report.layout.Name(), report.layout_source,
             report.frames_decoded, report.shots, report.candidates);
  fmt::print(stderr, "  written: {} train, {} validation\n",
             report.written_train, report.written_val);
  for (const auto& [reason, count] : report.rejected) {
    fmt::print(stderr, "  skipped, {}: {}\n", reason, count);
  }
  for (const std::string& damage : report.damaged) {
    fmt::print(stderr, "  damaged: {}\n", damage);
  }
  if (!report.recommended_flags.empty()) {
    fmt::print(stderr, "  flags that fit: {}\n", report.recommended_flags);
  }
  if (report.disparity_samples > 0) {
    fmt::print(stderr,
               "  disparity (px at the sample size, {} matched pixels): "
               "{:.1f} .. {:.1f}, median {:.1f}; {:.0f}% negative\n",
               report.disparity_samples, report.disparity_low,
               report.disparity_high, report.disparity_median,
               100 * report.negative_share);
  }
}

}  // namespace

int RunExtract(int argc, char** argv) {
  CLI::App app(
      "Turn 3D films (side-by-side or top-bottom, full or half) into stereo "
      "training data, as 3D_learner built its dataset: the layout is read "
      "from the container or found from the pictures, letterbox and "
      "pillarbox bars are cropped per shot, shots are found, frames are "
      "sampled (skipping black, fades, titles, stills and 2D stretches), "
      "checked (rows aligned, texture, disparity range) and written as "
      "left/right views, with optic flow for 7-channel models when asked. "
      "Shots go whole to train or validation. A report per film gives the "
      "disparity range and the training flags that fit it.\n\nExamples:\n"
      "  parallax extract avatar_hsbs.mkv -o films/\n"
      "  parallax extract *.mkv -o films/ --flow dis --every 12\n"
      "  parallax extract film.mp4 -o films/ --resume   # after Ctrl-C\n"
      "  parallax train --data films/train --val films/val "
      "--disparity-mode signed --max-disparity 0.05",
      "parallax extract");
  app.get_formatter()->column_width(34);
  FilmExtractOptions options;
  std::vector<std::string> films;
  std::string out, layout = "auto", size = "640x256", flow = "none";
  bool quiet = false;
  app.add_option("films", films, "3D video files (every format FFmpeg reads)")
      ->required()
      ->type_name("FILM");
  app.add_option("-o,--out", out, "Dataset folder")
      ->required()
      ->type_name("DIR");
  app.add_option("--layout", layout,
                 "auto (the container's tag, else found from the pictures), "
                 "sbs, hsbs, tb or htb (full/half side-by-side, top-bottom)")
      ->capture_default_str();
  app.add_option("--size", size,
                 "Size of each view written, WxH (the picture is cut to "
                 "this aspect around its centre)")
      ->capture_default_str();
  app.add_option("--every", options.every,
                 "Look at one frame in N (24: about one a second)")
      ->capture_default_str();
  app.add_option("--per-shot", options.per_shot,
                 "Instead: K frames spread over each shot (reads the film "
                 "twice)")
      ->capture_default_str();
  app.add_option("--flow", flow,
                 "Optic flow of both views to the previous and next frame, "
                 "for --input-channels 7: none, dis or farneback")
      ->capture_default_str();
  app.add_option("--val-fraction", options.val_fraction,
                 "Share of shots held out for validation")
      ->capture_default_str();
  app.add_option("--format", options.format, "png (lossless) or jpg")
      ->capture_default_str();
  app.add_option("--max-row-error", options.max_row_error_px,
                 "Skip frames whose views' rows are further apart (median of "
                 "matched features, pixels at --size)")
      ->capture_default_str();
  app.add_option("--max-disparity", options.max_disparity,
                 "Skip frames with matched disparities beyond this fraction "
                 "of the width")
      ->capture_default_str();
  app.add_option("--min-texture", options.min_texture,
                 "Skip frames whose mean horizontal gradient is below this "
                 "(gray levels per pixel at --size)")
      ->capture_default_str();
  app.add_option("--min-matches", options.min_matches,
                 "Skip frames with fewer feature matches on their rows")
      ->capture_default_str();
  app.add_option("--threads", options.threads,
                 "Sample workers (0 = one per core)")
      ->capture_default_str();
  app.add_flag("--resume", options.resume,
               "Continue each film where an earlier run stopped");
  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  app.add_flag("-q,--quiet", quiet, "No progress bar");

  return RunCli(app, argc, argv, [&]() -> int {
    options.out = out;
    options.films.assign(films.begin(), films.end());
    if (ToLower(layout) != "auto") {
      options.layout =
          ParseFlag("--layout", [&] { return ParseFilmLayout(layout); });
    }
    const auto [width, height] = ParseSize(size, "--size");
    options.size = {width, height};
    if (ToLower(flow) != "none") {
      options.flow = ParseFlag("--flow", [&] { return ParseFlowMethod(flow); });
    }
    options.Check();
    const ExistingOutputs policy =
        ExistingOutputsFromFlags(overwrite, options.resume);
    std::vector<fs::path> existing;
    std::error_code ec;
    for (const std::string& name : FilmNames(options.films)) {
      for (const fs::path& output : FilmOutputs(options, name)) {
        if (fs::exists(output, ec)) existing.push_back(output);
      }
    }
    RefuseExistingOutputs(existing, policy);
    // Removed by the job, once every film has been checked.
    options.overwrite = policy == ExistingOutputs::kOverwrite;

    InstallInterruptHandler();
    std::unique_ptr<ProgressBar> bar;
    int bar_film = -1;
    bool bar_first_pass = false;
    std::vector<FilmExtractReport> reports;
    try {
      reports = ExtractFilms(options, [&](const FilmExtractProgress& p) {
        if (InterruptRequested()) throw Cancelled();
        if (quiet) return;
        if (!bar || p.film != bar_film || p.first_pass != bar_first_pass) {
          if (bar) bar->Finish();
          const std::string label =
              p.films > 1 ? fmt::format("{}/{} {}", p.film + 1, p.films, p.name)
                          : p.name;
          bar = std::make_unique<ProgressBar>(
              p.first_pass ? label + " (finding shots)" : label, p.frames,
              "frames/s");
          bar->set_start(p.frame);
          bar_film = p.film;
          bar_first_pass = p.first_pass;
        }
        bar->Update(p.frame, p.first_pass
                                 ? std::string()
                                 : fmt::format("{} samples", p.written));
      });
    } catch (const Cancelled&) {
      if (bar) bar->Finish();
      fmt::print(stderr,
                 "interrupted: the samples written are complete; run again "
                 "with --resume to go on\n");
      return kExitInterrupted;
    }
    if (bar) bar->Finish();
    // One set of flags for all the films: the widest range, signed when
    // any film's is.
    const FilmExtractReport* widest = nullptr;
    bool any_signed = false;
    const auto reach = [](const FilmExtractReport& r) {
      return std::max(std::abs(r.disparity_low), std::abs(r.disparity_high));
    };
    for (const FilmExtractReport& report : reports) {
      PrintReport(report);
      if (report.recommended_flags.empty()) continue;
      any_signed |= report.negative_share > 0.05;
      if (!widest || reach(report) > reach(*widest)) widest = &report;
    }
    if (widest) {
      std::string flags = widest->recommended_flags;
      const std::string positive = "--disparity-mode positive";
      if (any_signed && flags.find(positive) != std::string::npos) {
        flags.replace(flags.find(positive), positive.size(),
                      "--disparity-mode signed");
      }
      std::error_code exists_ec;
      const bool has_val = fs::exists(options.out / "val", exists_ec);
      fmt::print(stderr, "train with: parallax train --data {}{} {}{}\n",
                 (options.out / "train").string(),
                 has_val ? " --val " + (options.out / "val").string() : "",
                 flags, options.flow ? " --input-channels 7" : "");
    }
    fmt::print(stderr, "reports: {}\n", (options.out / "reports").string());
    return kExitOk;
  });
}

}  // namespace parallax
