// parallax scan: what `train` would find in a folder, before training.
#include <map>

#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/data/stereo_dataset.h"

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
  app.add_option("folders", folders, "Folders or files to scan")
      ->required()
      ->type_name("DIR");
  app.add_option("--layout", layout,
                 "Read lone images as packed stereo frames: sbs or tb");
  app.add_flag("--list", list, "Print every pair");
  return RunCli(app, argc, argv, [&]() -> int {
    ScanOptions options;
    if (!layout.empty()) options.packed = ParsePackedLayout(layout);
    size_t total = 0;
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
    }
    if (folders.size() > 1) fmt::print("total: {} pairs\n", total);
    return kExitOk;
  });
}

}  // namespace parallax
