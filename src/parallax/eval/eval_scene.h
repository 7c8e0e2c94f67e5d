// Ground truth for evaluation: finding the scenes under a folder, with
// their disparity file and evaluation mask (ground_truth.h loads them). Unlike
// data/stereo_dataset.h (pairs for training) this needs no right view but does
// need the masks.
//
// Layouts, detected per folder at any depth below the root:
//  - Middlebury 2001/2003: imL.* + groundtruth.png, disparity = value/scale
//    with the scale the first number in info.txt, 0 = unknown. Masks
//    nonocc.png, all.png, disc.png (255 = evaluate).
//  - Middlebury 2014 and ETH3D two-view: im0.* + disp0GT.pfm or disp0.pfm
//    (inf = unknown), mask0nocc.png (255 = evaluate; 128 = occluded).
//  - KITTI 2015: image_2/F.png + disp_occ_0/F.png (uint16/256, 0 = none),
//    disp_noc_0/F.png (non-zero) as the non-occluded mask when present.
//    KITTI 2012 alike with colored_0, disp_occ, disp_noc. Scene = frame id F.
//  - Suffixed files (the vendored scenes in ../shared/data): N_left.* +
//    N_gt.png (8-bit, scale 1, 0 = unknown) + N_mask.png (255 = evaluate).
//  - Frame folders (`parallax synth --sequence`, or proxy truth laid out
//    alike): <dir>/left/F.* + <dir>/disp_left/F.pfm|npy|exr, with
//    <dir>/mask_left/F.png (255 = evaluate) when present. The images of
//    left/, in name order, are a sequence: each scene knows the frames
//    before and after it, which 7-channel (optic-flow) models take.
//  - Generic: an image S.* beside S_gt.pfm|npy|exr (or N_left.* beside
//    N_gt.*), or a folder with one disp*.pfm and its left image (left.*,
//    im0.*, imL.*, *_left.*, or the only image); S_mask.png (255 =
//    evaluate) when present. Float maps mark unknown pixels with inf/NaN.
// Everywhere a pixel has ground truth when its disparity is finite and > 0.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace parallax {

// Which pixels are scored (Middlebury's three regions).
enum class EvalMask {
  kNonOccluded,      // seen by both cameras (the usual benchmark figure)
  kAll,              // every pixel with ground truth
  kDiscontinuities,  // near depth edges (Middlebury 2001/2003 only)
};
// "nonocc", "all", "disc"; throws parallax::Error naming --mask.
EvalMask ParseEvalMask(std::string_view text);
std::string ToString(EvalMask mask);

enum class GtLayout {
  kMiddlebury2001,  // also 2003
  kMiddlebury2014,  // also ETH3D two-view (the same files)
  kKitti2015,
  kKitti2012,
  kSuffixed,      // N_left + N_gt.png (+ N_mask.png)
  kFrameFolders,  // left/F + disp_left/F (+ mask_left/F)
  kGeneric,       // float ground truth beside an image
};
std::string ToString(GtLayout layout);

// How a mask file marks the pixels to score.
enum class MaskRule {
  kWhite,    // the largest value of the type (255, or 65535 for 16 bit)
  kNonZero,  // any non-zero value (KITTI's disp_noc maps)
};

struct EvalScene {
  std::string name;  // folder name, file stem, or KITTI frame id
  GtLayout layout = GtLayout::kGeneric;
  std::filesystem::path left;           // the image a model predicts from
  std::filesystem::path left_relative;  // `left` relative to the scan root
  std::filesystem::path gt;             // ground-truth disparity file
  double gt_scale = 1;         // stored value / gt_scale = disparity in pixels
  std::filesystem::path mask;  // empty: every pixel with ground truth
  MaskRule mask_rule = MaskRule::kWhite;
  // The region actually scored: kAll when the layout has no mask file for
  // the non-occluded region that was asked for.
  EvalMask region = EvalMask::kNonOccluded;
  // True when `region` is kAll only because no non-occlusion mask exists.
  bool region_fallback = false;
  // Frame folders: the frames before and after `left` in its sequence;
  // empty at the ends and for other layouts (photos).
  std::filesystem::path previous, next;
};

struct EvalScanOptions {
  // Region to score. Scenes without a non-occlusion mask fall back to every
  // pixel with ground truth (EvalScene::region says so); --mask disc on a
  // layout without a disc mask is an error.
  EvalMask mask = EvalMask::kNonOccluded;
};

// Scenes under `root` (a folder), sorted by their left image's relative
// path. Every problem (ground truth without its image or info.txt, a
// missing disc mask, ...) is collected and thrown as one parallax::Error;
// so is finding no scene at all.
std::vector<EvalScene> ScanEvalScenes(const std::filesystem::path& root,
                                      const EvalScanOptions& options = {});

}  // namespace parallax
