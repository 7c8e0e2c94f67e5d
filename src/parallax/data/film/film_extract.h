// `parallax extract`: stereo training data from 3D films, as 3D_learner
// (Thompson 2020) built its dataset, with the layout, bars and shots found
// automatically.
//
//   FilmExtractOptions options;
//   options.films = {"avatar_hsbs.mkv"};
//   options.out = "films/";
//   options.flow = FlowMethod::kDis;  // for 7-channel models
//   ExtractFilms(options, [](const FilmExtractProgress& p) { ... });
//
// Output, read directly by `parallax train --data OUT/train --val OUT/val`:
//   OUT/{train,val}/<film>/<shot>/left/<frame>.png     (and right/)
//   OUT/{train,val}/<film>/<shot>/flow_left/<frame>.exr (and flow_right/;
//       with `flow`: half-float flow to the previous and next frame)
//   OUT/{train,val}/<film>/<shot>/meta/<frame>.json    (where it came from)
//   OUT/reports/<film>.json                            (the film's report)
// Shots go to train or validation whole, so no shot is in both.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "parallax/data/film/film_layout.h"
#include "parallax/data/optic_flow.h"

namespace parallax {

struct FilmExtractOptions {
  std::vector<std::filesystem::path> films;
  std::filesystem::path out;
  // None: the container's stereo tag, else found from the pictures.
  std::optional<FilmLayout> layout;
  // Size of each view written (3D_learner's 640x256): the picture, bars
  // cropped, is cut to this aspect around its centre, then resized.
  cv::Size size{640, 256};
  // A candidate every `every` frames (24: about one a second)...
  int every = 24;
  // ...or, when > 0, `per_shot` candidates spread over each shot (a first
  // pass over the film finds the shots).
  int per_shot = 0;
  // Optic flow of both views to the previous and the next frame, for
  // `train --input-channels 7`; none = no flow files.
  std::optional<FlowMethod> flow;
  // Share of shots held out for validation, drawn per shot from its film
  // and number, so a rerun splits the same way.
  double val_fraction = 0.05;
  // "png" (lossless) or "jpg" (quality 95, a fifth of the size).
  std::string format = "png";
  // Continue each film where an earlier run stopped (with the same
  // settings: a state made with others is an error).
  bool resume = false;
  // Replace what earlier runs wrote for these films; done only once every
  // film has been opened and its layout found.
  bool overwrite = false;
  // Sample workers (cropping, checks, flow, writing); 0 = one per core.
  int threads = 0;
  // How often the resume state is saved (after kill -9 or a power cut,
  // at most this much work is done again).
  double save_every_s = 5;

  // Quality filters (each rejection is counted in the report).
  // Median vertical offset of matched features, pixels at `size`.
  double max_row_error_px = 1.0;
  // Matched disparities beyond this fraction of the width are wrong.
  double max_disparity = 0.3;
  // Mean horizontal gradient of the left view (gray levels per pixel at
  // `size`) below which matching and training have nothing to go on (fog,
  // a wall, the sky). Photographs at 640 wide have 1.5 to 5.
  double min_texture = 0.5;
  // Distinctive feature matches on their rows that the row check needs;
  // fewer and the candidate is rejected (nothing to check it with).
  int min_matches = 20;
  // Every this many candidates sent to the workers (frames that passed the
  // cheap checks), one is matched densely (semi-global matching) for the
  // report's disparity range, if it is written.
  int measure_every = 8;

  // Throws parallax::Error for values a user could have given.
  void Check() const;
};

struct FilmExtractReport {
  std::filesystem::path film;
  std::string name;  // the folder its samples are in
  FilmLayout layout;
  std::string layout_source;  // "--layout", "container tag" or "detected"
  std::string layout_evidence;
  double frame_rate = 0;
  int64_t frames_decoded = 0;
  int shots = 0;
  int64_t candidates = 0;
  int64_t written_train = 0;
  int64_t written_val = 0;
  // Rejected candidates by reason ("dark or flat", "2D (views identical)",
  // "rows misaligned", ...).
  std::map<std::string, int64_t> rejected;
  // Stretches the decoder could not read, skipped: "frame 1200 (50.0 s):
  // <reason>".
  std::vector<std::string> damaged;
  // Disparity of the written samples by semi-global matching (every
  // eighth sample), in pixels at `size`: 1st, 50th and 99th percentile,
  // and the share of matched pixels with negative disparity (a converging
  // rig puts what is behind the screen there).
  int disparity_samples = 0;
  double disparity_low = 0, disparity_median = 0, disparity_high = 0;
  double negative_share = 0;
  // `parallax train` flags that fit the measured range.
  std::string recommended_flags;
  double seconds = 0;
  bool complete = false;

  nlohmann::json ToJson() const;
};

struct FilmExtractProgress {
  int film = 0;  // index into options.films
  int films = 0;
  std::string name;
  int64_t frame = 0;        // frames of this film decoded
  int64_t frames = 0;       // expected frames of this film (estimate)
  int64_t written = 0;      // samples of this film so far
  bool first_pass = false;  // finding shots (per_shot)
};

// Extracts each film in turn. `progress` is called often; throwing from it
// (Cancelled on Ctrl-C) stops the job after the samples in work are
// written and the resume state saved. Before any work, throws
// parallax::Error naming the film for a file that cannot be opened or is
// not a packed 3D film, and for an output folder that cannot be written.
std::vector<FilmExtractReport> ExtractFilms(
    const FilmExtractOptions& options,
    const std::function<void(const FilmExtractProgress&)>& progress = {});

// A film's folder name: its file stem with characters other than letters,
// digits, '.', '-' and '_' replaced by '_'.
std::string FilmName(const std::filesystem::path& film);
// The names of several films: "-2", "-3" ... added where two would clash.
std::vector<std::string> FilmNames(
    const std::vector<std::filesystem::path>& films);
// What extracting the film named `name` writes (its sample folders, its
// report, its resume state), for the overwrite/resume policy.
std::vector<std::filesystem::path> FilmOutputs(
    const FilmExtractOptions& options, const std::string& name);

}  // namespace parallax
