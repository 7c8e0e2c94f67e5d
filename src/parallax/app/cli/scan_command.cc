// parallax scan: what `train` would find in a folder, before training.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/data/row_alignment.h"
#include "parallax/data/stereo_dataset.h"
#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"

namespace parallax {
namespace {

const char* StorageName(PairStorage storage) {
  switch (storage) {
    case PairStorage::kTwoFiles:
      return "two files";
    case PairStorage::kMpo:
      return "MPO";
    case PairStorage::kPacked:
      return "packed";
  }
  return "?";
}

// --rows: measures how far each pair is from rectified (SIFT matches, as
// `parallax rectify` does). Returns the problems: pairs whose median row
// error exceeds `max_row_error`. Pairs that cannot be measured (too little
// texture) and negative far disparities are printed as notes.
std::vector<std::string> CheckRows(const StereoDataset& dataset,
                                   double max_row_error) {
  RowAlignmentOptions options;
  options.horizontal = HorizontalShift::kKeep;  // report the offset as is
  std::vector<std::string> problems, notes;
  std::vector<double> errors;
  ProgressBar progress("rows", static_cast<int64_t>(dataset.pairs.size()),
                       "pairs/s");
  for (size_t i = 0; i < dataset.pairs.size(); ++i) {
    if (InterruptRequested()) throw Cancelled();
    const StereoPairSource& source = dataset.pairs[i];
    try {
      const StereoPair pair = LoadStereoPair(source);
      const RowAlignment a =
          EstimateRowAlignment(pair.left, pair.right, options);
      errors.push_back(a.vertical_error_before_px);
      if (a.vertical_error_before_px > max_row_error) {
        problems.push_back(fmt::format(
            "{}: rows off by {:.2f} px (turn {:.3f} deg, vertical shift {:.1f} "
            "px); "
            "parallax rectify aligns it",
            source.left.string(), a.vertical_error_before_px, a.rotation_deg,
            a.right_to_left(1, 2)));
      }
      if (a.disparity_low_px < -1) {
        notes.push_back(fmt::format(
            "{}: the farthest points have disparity {:.1f} px (a crop "
            "offset, swapped views, or a converging rig)",
            source.left.string(), a.disparity_low_px));
      }
    } catch (const Cancelled&) {
      throw;
    } catch (const Error& e) {
      notes.push_back(fmt::format("{}: rows not measured: {}",
                                  source.left.string(), e.what()));
    }
    progress.Update(static_cast<int64_t>(i + 1));
  }
  progress.Finish();
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    fmt::print(
        "  rows: {} pairs measured, median row error {:.2f} px, worst "
        "{:.2f} px, {} above {} px\n",
        errors.size(), errors[errors.size() / 2], errors.back(),
        problems.size(), max_row_error);
  }
  for (const std::string& note : notes) fmt::print("  note: {}\n", note);
  return problems;
}

}  // namespace

int RunScan(int argc, char** argv) {
  CLI::App app(
      "List the stereo pairs found in folders (the layouts `parallax train` "
      "reads: KITTI image_2/image_3, left/right, im0/im1, imL/imR, *_L/*_R, "
      "*_left/*_right, MPO, packed SBS/TB), with ground truth where present. "
      "Problems (missing partners, size mismatches, unreadable files) are "
      "listed together.",
      "parallax scan");
  std::vector<std::string> folders;
  std::string layout;
  bool list = false;
  bool rows = false;
  double max_row_error = 0.75;
  app.add_option("folders", folders, "Folders or files to scan")
      ->required()
      ->type_name("DIR");
  app.add_option("--layout", layout,
                 "Read lone images as packed stereo frames: sbs or tb");
  app.add_flag("--list", list, "Print every pair");
  app.add_flag("--rows", rows,
               "Also measure how far each pair is from rectified (feature "
               "matches, under a second a pair) and fail on pairs whose rows "
               "are off");
  app.add_option("--max-row-error", max_row_error,
                 "With --rows: the median row error (px) a pair may have")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 100.0));
  return RunCli(app, argc, argv, [&]() -> int {
    ScanOptions options;
    if (!layout.empty()) options.packed = ParsePackedLayout(layout);
    if (rows) InstallInterruptHandler();
    size_t total = 0;
    std::vector<std::string> problems;
    for (const std::string& folder : folders) {
      const StereoDataset dataset = ScanStereoDataset(folder, options);
      std::map<std::string, int> by_storage;
      int with_gt = 0;
      for (const StereoPairSource& pair : dataset.pairs) {
        ++by_storage[StorageName(pair.storage)];
        with_gt += !pair.gt_disparity.empty();
        if (list) {
          fmt::print("  {}{}{}\n", pair.left.string(),
                     pair.right.empty() ? "" : "  " + pair.right.string(),
                     pair.gt_disparity.empty()
                         ? ""
                         : "  [gt " + pair.gt_disparity.string() + "]");
        }
      }
      std::string kinds;
      for (const auto& [name, count] : by_storage) {
        kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", count, name);
      }
      fmt::print("{}: {} pairs ({}), {} with ground truth\n", folder,
                 dataset.pairs.size(), kinds, with_gt);
      total += dataset.pairs.size();
      if (rows) {
        try {
          for (std::string& problem : CheckRows(dataset, max_row_error)) {
            problems.push_back(std::move(problem));
          }
        } catch (const Cancelled&) {
          fmt::print(stderr, "interrupted\n");
          return kExitInterrupted;
        }
      }
    }
    if (folders.size() > 1) fmt::print("total: {} pairs\n", total);
    if (!problems.empty()) {
      std::string list_text;
      for (const std::string& problem : problems) list_text += "\n  " + problem;
      std::fflush(stdout);  // the listing above comes before the error
      ThrowError("{} pair(s) not rectified:{}", problems.size(), list_text);
    }
    return kExitOk;
  });
}

}  // namespace parallax
