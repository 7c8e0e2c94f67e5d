// Distillation targets: a teacher network's disparity for every training
// image, computed once and cached on disk, attached to the pairs as their
// ground truth so that the scale-and-shift-invariant and gradient-matching
// losses make the student follow the teacher (`parallax train --teacher`).
//
// Cache layout (under the run folder, reused by --resume and by later runs
// with the same teacher and network size):
//   teacher/<teacher key>/<pair key>_L.pfm   teacher disparity of the left
//   teacher/<teacher key>/<pair key>_R.pfm   ... and of the right view
//   frames/<video key>/frame_NNNNNNN.png     frames sampled from videos
// Keys are hashes of the teacher file (size and SHA-256) with the network
// size, and of each pair's file paths. Every file is written atomically, so
// an interrupted run resumes where it stopped.
//
// Plain image folders and videos become "mono" pairs whose right view is
// the left one: they carry teacher targets only, never stereo losses.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "parallax/data/stereo_dataset.h"

namespace parallax {

struct TeacherOptions {
  std::filesystem::path teacher;  // a Depth Anything .pth or a .plx
  std::filesystem::path cache;    // the run folder
  std::string device = "auto";
  // The teacher's network input: short side (0 = its default, 518 for
  // Depth Anything).
  int net_short_side = 0;
  // Called per map: (done, total); false cancels (throws Cancelled).
  std::function<bool(int64_t, int64_t)> progress;
};

// Builds one mono dataset from an image folder (recursive), a single image
// or a video (every `frame_step`-th frame, plus the first frame of every
// shot, leaving out the two frames after a cut, where fades and cut
// detection blur; frames are written under cache/frames/). Throws
// parallax::Error naming the input when it holds no image.
StereoDataset ScanMonoDataset(const std::filesystem::path& input,
                              const std::filesystem::path& cache,
                              int frame_step = 24);

// Computes the missing teacher maps and sets every pair's gt_disparity (and
// gt_disparity_right) to them, replacing any ground truth the data had.
// Returns how many maps were computed (0 when the cache had them all).
int64_t AttachTeacherTargets(std::vector<StereoDataset>& datasets,
                             const TeacherOptions& options);

// True when `dataset` is made of mono pairs (ScanMonoDataset).
bool IsMonoDataset(const StereoDataset& dataset);

}  // namespace parallax
