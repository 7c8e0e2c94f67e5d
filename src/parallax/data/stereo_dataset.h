// Finding stereo pairs in a folder tree, and loading them.
//
// Layouts recognised (any depth below the root, mixed freely):
//  - KITTI:        <dir>/image_2/<f> + <dir>/image_3/<f>  (also colored_0/1,
//                  image_0/1, and KITTI raw's image_02/data + image_03/data:
//                  a left-view folder name anywhere in the path)
//  - left/right:   <dir>/left/<f> + <dir>/right/<f>, or files <dir>/left.*
//                  + <dir>/right.*
//  - Middlebury:   <dir>/im0.* + <dir>/im1.*, <dir>/imL.* + <dir>/imR.*
//  - suffixes:     <stem>_L.* + <stem>_R.*, <stem>_left.* + <stem>_right.*
//  - MPO:          <name>.mpo (frame 0 left, frame 1 right)
//  - packed:       with ScanOptions::packed set, every other image is one
//                  side-by-side or top-bottom frame.
// Left-view ground truth, when present, is attached to the pair:
//  - <dir>/disp0.pfm, <dir>/disp0GT.pfm (Middlebury 2014/2021, inf = none)
//  - <dir>/groundtruth.png with the scale in <dir>/info.txt (Middlebury
//    2001/2003), <stem>_gt.png (scale 1)
//  - <dir>/disp_left/<f>.pfm beside left/right folders (Parallax synth
//    --sequence; its disp_right/<f>.pfm is the right view's).
//  - <dir>/disp_occ_0/<f>.png beside image_2 and <dir>/disp_occ/<f>.png
//    beside colored_0 (KITTI 2015/2012, 16-bit, scale 256, 0 = none).
// Stored optic flow (`parallax extract --flow`) is attached the same way:
// <dir>/flow_left/<f>.exr and <dir>/flow_right/<f>.exr beside left/right.
// Pairs within a folder are sorted by name (digit runs as numbers): for the
// KITTI and left/right folder layouts they are consecutive video frames,
// which the 7-channel (optic-flow) models use as previous/next frames. The
// pairs of one folder form one sequence; an MPO file is a photo, a sequence
// of its own. Files that fit no layout (masks, a lone *_right variant view,
// *_frame0.png exports beside an MPO) are ignored.
#pragma once

#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/io/stereo_layout.h"

namespace parallax {

enum class PairStorage { kTwoFiles, kMpo, kPacked };

struct StereoPairSource {
  std::filesystem::path left;   // the left file, or the single file
  std::filesystem::path right;  // empty unless kTwoFiles
  PairStorage storage = PairStorage::kTwoFiles;
  PackedLayout packed_layout = PackedLayout::kSideBySide;  // for kPacked
  std::filesystem::path gt_disparity;                      // empty if none
  // The right view's ground truth (synthetic worlds have it), so a
  // mirrored sample, whose left view is the old right one, keeps its GT.
  std::filesystem::path gt_disparity_right;  // empty if none
  float gt_scale = 1.0f;  // file value / gt_scale = disparity in pixels
  // Optic flow of each view to the previous and the next frame of its film
  // (ReadStoredFlow), for 7-channel models; empty if none. Samples taken
  // from a film every N frames have no neighbours in the dataset to
  // compute it from.
  std::filesystem::path flow_left;
  std::filesystem::path flow_right;
  // Pairs of one sequence (same folder) are consecutive frames; `frame` is
  // the position in that sequence, `sequence_length` its size.
  int sequence = 0;
  int frame = 0;
  int sequence_length = 1;
};

struct StereoDataset {
  std::filesystem::path root;
  double weight = 1.0;  // sampling weight when datasets are mixed
  std::vector<StereoPairSource> pairs;
  // Single views whose "right" view is the left one (distillation images,
  // train/teacher_targets.h): they carry teacher targets, no stereo signal.
  bool mono = false;
};

struct ScanOptions {
  // Treat lone image files as packed stereo frames of this layout.
  std::optional<PackedLayout> packed;
  // Read every image header to check that partners have equal sizes and
  // that files are readable. Costs a few ms per file.
  bool check_images = true;
};

// Scans `root` (a folder, or a single MPO / packed file). Collects every
// problem (a file without partner, a size mismatch, an unreadable file) and
// throws one parallax::Error listing them all. Throws also when no pair is
// found.
StereoDataset ScanStereoDataset(const std::filesystem::path& root,
                                const ScanOptions& options = {});

// Drops the pairs whose left or right file path matches one of the shell
// glob `patterns` ('*' also crosses '/'), e.g. to hold out scenes that are
// also in an evaluation set. Returns how many were dropped. Frame numbers
// are left as they are: a sequence with a hole in it loses its flow input
// across the hole.
size_t ExcludePairs(StereoDataset& dataset,
                    const std::vector<std::string>& patterns);

// "DIR" or "DIR:WEIGHT" (weight > 0) as given to `--data`.
struct DatasetSpec {
  std::filesystem::path path;
  double weight = 1.0;
};
DatasetSpec ParseDatasetSpec(const std::string& text);

// A decoded pair: 8-bit BGR views of equal size; `gt_disparity` is CV_32F in
// pixels of the left view (NaN where unknown), or empty.
struct StereoPair {
  cv::Mat left;
  cv::Mat right;
  cv::Mat gt_disparity;
  cv::Mat gt_disparity_right;  // of the right view, same units, or empty
};
StereoPair LoadStereoPair(const StereoPairSource& source);

// Stored optic flow: a 4-channel float EXR holding the flow to the previous
// frame (x, y) and to the next (x, y), as OpenCV's channels 0..3, at the
// size of the views. Returns {to previous, to next}, each CV_32FC2.
// Throws parallax::Error naming the file when it is unreadable or has
// another shape.
std::pair<cv::Mat, cv::Mat> ReadStoredFlow(const std::filesystem::path& path,
                                           cv::Size view_size);

// One decoded view (8-bit BGR): the left one, or the right one when `right`.
// Cheaper than LoadStereoPair for two-file pairs; the batch loader reads the
// neighbouring frames of a sequence with it.
cv::Mat LoadStereoView(const StereoPairSource& source, bool right);

}  // namespace parallax
