// Prints the view-synthesis quality table of docs/stereo.md: on every scene
// with ground truth, the right view rendered from the left image and the
// GT disparity (what `parallax stereo --disparity GT --disparity-unit pixels
// --layout right` does), against the naive backward warp.
//
//   build/bin/stereo_quality_report [EVAL_DIR] [--crops DIR]
//
// EVAL_DIR defaults to ../shared/data/stereo/eval beside the source tree.
// --crops writes, for the scene with the largest disocclusion, a crop
// around it: real right view | Parallax | naive warp.
#include <cstdio>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "parallax/data/stereo_dataset.h"
#include "parallax/io/image_io.h"
#include "parallax/stereo/stereo_quality.h"
#include "parallax/util/check.h"

namespace fs = std::filesystem;
using namespace parallax;

namespace {

// The largest hole region's bounding box, grown and kept inside the image.
cv::Rect WorstHoleCrop(const cv::Mat& holes, int size) {
  cv::Mat labels, stats, centroids;
  const int count =
      cv::connectedComponentsWithStats(holes, labels, stats, centroids);
  int best = -1, best_area = 0;
  for (int i = 1; i < count; ++i) {
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    // Border strips (no left view content at all) are not disocclusions.
    if (x + w >= holes.cols - 1 || x == 0) continue;
    if (area > best_area) best = i, best_area = area;
  }
  if (best < 0)
    return {0, 0, std::min(size, holes.cols), std::min(size, holes.rows)};
  const int cx = int(centroids.at<double>(best, 0));
  const int cy = int(centroids.at<double>(best, 1));
  cv::Rect crop(cx - size / 2, cy - size / 2, size, size);
  crop &= cv::Rect(0, 0, holes.cols, holes.rows);
  return crop;
}

void PrintRow(const std::string& name, const std::string& pixels,
              const ViewQualityScene& s) {
  fmt::print(
      "| {} | {} | {:.2f} / {:.2f} | {:.3f} / {:.3f} | {:.2f} / {:.2f} | "
      "{:.3f} / {:.3f} |\n",
      name, pixels, s.parallax_all.psnr, s.naive_all.psnr, s.parallax_all.ssim,
      s.naive_all.ssim, s.parallax_disoccluded.psnr, s.naive_disoccluded.psnr,
      s.parallax_disoccluded.ssim, s.naive_disoccluded.ssim);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    fs::path eval =
        fs::path(PARALLAX_SOURCE_DIR) / ".." / "shared/data/stereo/eval";
    fs::path crops;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--crops" && i + 1 < argc) {
        crops = argv[++i];
      } else if (arg == "--help" || arg == "-h") {
        std::puts("stereo_quality_report [EVAL_DIR] [--crops DIR]");
        return 0;
      } else {
        eval = arg;
      }
    }
    const StereoDataset dataset = ScanStereoDataset(eval);
    fmt::print(
        "| scene | disoccluded px | PSNR all (Parallax / naive) | SSIM all | "
        "PSNR disoccluded | SSIM disoccluded |\n|---|---|---|---|---|---|\n");
    std::vector<ViewQualityScene> scenes;
    int worst_holes = -1;
    ViewQualityScene worst;
    cv::Mat worst_real;
    for (const StereoPairSource& source : dataset.pairs) {
      if (source.gt_disparity.empty()) continue;
      const StereoPair pair = LoadStereoPair(source);
      const std::string name = source.left.parent_path().filename().string() +
                               "/" + source.left.filename().string();
      const ViewQualityScene s = ScoreRightViewSynthesis(
          name, pair.left, pair.right, pair.gt_disparity);
      PrintRow(s.name, std::to_string(s.disoccluded_pixels), s);
      scenes.push_back(s);
      if (s.disoccluded_pixels > worst_holes) {
        worst_holes = s.disoccluded_pixels;
        worst = s;
        worst_real = pair.right;
      }
    }
    if (scenes.empty())
      ThrowError("no scenes with ground truth in {}", eval.string());
    if (!crops.empty()) {
      const cv::Rect crop = WorstHoleCrop(worst.holes, 160);
      cv::Mat strip;
      cv::hconcat(
          std::vector<cv::Mat>{worst_real(crop), worst.parallax_view(crop),
                               worst.naive_view(crop)},
          strip);
      cv::resize(strip, strip, {}, 2, 2, cv::INTER_NEAREST);
      fs::create_directories(crops);
      WriteImage(crops / "stereo_worst_disocclusion.png", strip);
      fmt::print(stderr, "crop of {}: real | Parallax | naive -> {}\n",
                 worst.name,
                 (crops / "stereo_worst_disocclusion.png").string());
    }
    PrintRow(fmt::format("mean ({} scenes)", scenes.size()), "",
             MeanScores(scenes));
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
}
