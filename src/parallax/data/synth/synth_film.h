// A synthetic 3D film (`parallax synth --sequence`): shots planned by
// PlanShot, rendered frame by frame with exact ground truth into frame
// folders that `parallax train` reads (3 or 7 input channels) and
// `parallax eval` scores against, and optionally packed into a
// side-by-side or top-bottom video with a soundtrack and letterbox bars,
// for testing `parallax extract` against known truth.
//
//   OUT/00000/left/000000.png   right/              8-bit sRGB pictures
//            disp_left/000000.pfm disp_right/       disparity, px (d = xL - xR)
//            mask_left/000000.png mask_right/       255 = seen by both views
//            gt_flow_left/000000.exr gt_flow_right/ exact optic flow in px
//                                                   to the previous frame
//                                                   (channels 0, 1) and the
//                                                   next (2, 3); 0 at the
//                                                   shot's ends. Ground truth,
//                                                   not a training input: the
//                                                   trainer computes flow from
//                                                   the neighbouring frames as
//                                                   inference does
//            meta/000000.json                       pose, screen plane,
//                                                   disparity range; written
//                                                   last (the frame is done)
//            shot.json                              the shot's plan
//   OUT/film.json                                   the shots' frame ranges,
//                                                   the video's layout and
//                                                   picture area
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <opencv2/core.hpp>

#include "parallax/data/synth/shot.h"
#include "parallax/data/synth/texture_bank.h"
#include "parallax/io/stereo_layout.h"
#include "parallax/io/video_info.h"

namespace parallax::synth {

struct SynthFilmOptions {
  std::filesystem::path out;
  int64_t shots = 0;
  int64_t first = 0;  // index of the first shot
  uint64_t seed = 0;
  // The shots' worlds, frames per shot, frame rate and moves. Its
  // scene.size is replaced by the picture area below.
  ShotOptions shot;
  // Each view's frame in the video; the picture fills it unless
  // `picture_aspect` asks for bars.
  cv::Size size{640, 360};
  // Width / height of the picture inside each view's frame: wider than the
  // frame gives letterbox bars, narrower pillarbox bars; 0 = no bars.
  float picture_aspect = 0;
  int threads = 0;      // 0 = one per core, plus one
  bool resume = false;  // keep complete frames

  // The video ("" = frame folders only): views packed as `packing`,
  // squeezed to one view's frame when `half`.
  std::filesystem::path video;
  PackedLayout packing = PackedLayout::kSideBySide;
  bool half = false;
  StereoTag tag = StereoTag::kNone;  // container stereo tag to write
  int crf = 16;
  bool audio = true;  // a soundtrack (AAC)

  void Check() const;
};

// The picture inside a view's frame of `size` for `picture_aspect` (0 =
// all of it), centred, with even sides.
cv::Rect PictureArea(cv::Size size, float picture_aspect);

struct SynthFilmReport {
  int64_t frames_written = 0;
  int64_t frames_kept = 0;  // complete from an earlier run
  int64_t video_frames = 0;
  double seconds = 0;
};

// The folder of shot `index`: OUT/00042.
std::filesystem::path ShotFolder(const std::filesystem::path& out,
                                 int64_t index);

// `progress(stage, done, total)` with stage "render", then "video"; it may
// throw (Ctrl-C) to stop: finished frames are complete, the video is not
// written (its temporary file is removed), and a run with `resume` goes on.
SynthFilmReport RunSynthFilm(
    const SynthFilmOptions& options, const TextureBank& textures,
    const std::function<void(const std::string& stage, int64_t done,
                             int64_t total)>& progress = {});

}  // namespace parallax::synth
