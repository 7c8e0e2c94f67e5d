#include "parallax/data/stereo_dataset.h"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "parallax/io/image_io.h"
#include "parallax/io/mpo.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

// Enough to see what is wrong without burying the terminal.
constexpr size_t kMaxListedProblems = 20;
// Guards against symlink loops while still following linked datasets.
constexpr int kMaxDepth = 32;

struct GtFolder {
  const char* name;
  const char* extension;
  float scale;
  // The right view's ground truth, same names and units, when a layout
  // has it (`parallax synth --sequence`); nullptr = none.
  const char* right = nullptr;
};

struct FolderLayout {
  const char* left;
  const char* right;
  std::vector<GtFolder> gt;
};

const std::vector<FolderLayout>& FolderLayouts() {
  static const std::vector<FolderLayout> layouts = {
      {"image_2", "image_3", {{"disp_occ_0", ".png", 256}}},
      {"image_02", "image_03", {}},
      {"image_0", "image_1", {}},
      {"image_00", "image_01", {}},
      {"colored_0", "colored_1", {{"disp_occ", ".png", 256}}},
      {"left",
       "right",
       {{"disp_left", ".pfm", 1, "disp_right"},
        {"disp_left", ".npy", 1, "disp_right"},
        {"disp_left", ".exr", 1, "disp_right"}}},
  };
  return layouts;
}

// Order in which groups of pairs are listed; also keeps the sequences of
// one folder apart when it holds pairs of several layouts.
enum class Kind { kFolders, kNames, kMpo, kPacked };

struct Found {
  StereoPairSource source;
  std::string group;  // pairs of one group form one sequence
  Kind kind;
};

// "frame2" < "frame10": digit runs compare by value.
bool NaturalLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool digit_a = std::isdigit(static_cast<unsigned char>(a[i]));
    const bool digit_b = std::isdigit(static_cast<unsigned char>(b[j]));
    if (digit_a && digit_b) {
      size_t end_a = i, end_b = j;
      while (end_a < a.size() &&
             std::isdigit(static_cast<unsigned char>(a[end_a])))
        ++end_a;
      while (end_b < b.size() &&
             std::isdigit(static_cast<unsigned char>(b[end_b])))
        ++end_b;
      std::string_view run_a = a.substr(i, end_a - i);
      std::string_view run_b = b.substr(j, end_b - j);
      const auto strip = [](std::string_view run) {
        while (run.size() > 1 && run[0] == '0') run.remove_prefix(1);
        return run;
      };
      const std::string_view value_a = strip(run_a), value_b = strip(run_b);
      if (value_a.size() != value_b.size())
        return value_a.size() < value_b.size();
      if (value_a != value_b) return value_a < value_b;
      if (run_a.size() != run_b.size()) return run_a.size() < run_b.size();
      i = end_a, j = end_b;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i, ++j;
  }
  return a.size() - i < b.size() - j;
}

bool IsHidden(const fs::path& path) {
  return path.filename().string().starts_with('.');
}

std::string Size(int width, int height) {
  return fmt::format("{}x{}", width, height);
}

class Scanner {
 public:
  Scanner(fs::path root, const ScanOptions& options)
      : root_(std::move(root)), options_(options) {}

  StereoDataset Run();

 private:
  void Walk();
  void ScanFolderLayouts();
  void ScanNamedPairs(const fs::path& folder,
                      const std::vector<fs::path>& files);
  void AddPacked(const fs::path& folder, const std::vector<fs::path>& files);
  void CheckImages(const Found& found);
  void AttachFolderGt(StereoPairSource& source, const fs::path& folder);
  void AttachStoredFlow(StereoPairSource& source, const fs::path& left_folder,
                        const fs::path& right_folder);
  std::vector<fs::path> ListImages(const fs::path& folder) const;
  void Problem(std::string text) { problems_.push_back(std::move(text)); }
  StereoDataset Finish();

  fs::path root_;
  ScanOptions options_;
  std::map<fs::path, std::vector<fs::path>> images_;  // by folder
  std::vector<fs::path> mpos_;
  std::set<fs::path> view_folders_;  // left/right folders of a folder layout
  std::set<fs::path> gt_folders_;
  std::set<fs::path> used_;  // files taken as a view or as ground truth
  std::vector<Found> found_;
  std::vector<std::string> problems_;
};

void Scanner::Walk() {
  std::error_code ec;
  fs::recursive_directory_iterator it(
      root_,
      fs::directory_options::follow_directory_symlink |
          fs::directory_options::skip_permission_denied,
      ec);
  // Folders already walked, by their real path: a link back up the tree
  // (`ln -s .. DIR/a/up`) or two links to one folder would otherwise list
  // the same files again and again, up to kMaxDepth levels deep.
  std::set<fs::path> walked;
  walked.insert(fs::weakly_canonical(root_, ec));
  ec.clear();
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code type_ec;
    const bool is_folder = it->is_directory(type_ec);
    if (IsHidden(path) || (is_folder && it.depth() >= kMaxDepth)) {
      if (is_folder) it.disable_recursion_pending();
      continue;
    }
    if (is_folder) {
      std::error_code real_ec;
      const fs::path real = fs::canonical(path, real_ec);
      if (real_ec || !walked.insert(real).second) {
        it.disable_recursion_pending();
        continue;
      }
    }
    if (is_folder || !it->is_regular_file(type_ec)) continue;
    if (IsMpoFile(path)) {
      mpos_.push_back(path);
    } else if (IsImageFile(path)) {
      images_[path.parent_path()].push_back(path);
    }
  }
  if (ec)
    Problem(fmt::format("cannot list '{}': {}", root_.string(), ec.message()));
  for (auto& [folder, files] : images_) {
    std::sort(
        files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
          return NaturalLess(a.filename().string(), b.filename().string());
        });
  }
}

std::vector<fs::path> Scanner::ListImages(const fs::path& folder) const {
  if (const auto it = images_.find(folder); it != images_.end())
    return it->second;
  // A partner folder outside the root (the root is itself a view folder).
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (!IsHidden(entry.path()) && IsImageFile(entry.path())) {
      files.push_back(entry.path());
    }
  }
  return files;
}

// The left folder's image files pair with equally named files of the right
// folder: <..>/image_2/<f> + <..>/image_3/<f>. The left-view name may sit
// higher up, as in KITTI raw's image_02/data.
void Scanner::ScanFolderLayouts() {
  for (const auto& [folder, files] : images_) {
    const std::vector<fs::path> parts(folder.begin(), folder.end());
    for (size_t index = parts.size(); index-- > 0;) {
      const std::string component = ToLower(parts[index].string());
      const FolderLayout* layout = nullptr;
      for (const FolderLayout& candidate : FolderLayouts()) {
        if (component == candidate.left) layout = &candidate;
      }
      if (layout == nullptr) continue;
      const auto with_component = [&](const std::string& name) {
        fs::path path;
        for (size_t i = 0; i < parts.size(); ++i) {
          path /= i == index ? fs::path(name) : parts[i];
        }
        return path;
      };
      const fs::path right_folder = with_component(layout->right);
      std::error_code ec;
      if (!fs::is_directory(right_folder, ec)) {
        if (index + 1 == parts.size()) {
          Problem(fmt::format("no right-view folder '{}' for '{}'",
                              right_folder.string(), folder.string()));
          view_folders_.insert(folder);
        }
        break;
      }
      view_folders_.insert(folder);
      view_folders_.insert(right_folder);
      std::map<std::string, fs::path> rights;
      for (const fs::path& right : ListImages(right_folder)) {
        rights.emplace(right.stem().string(), right);
      }
      for (const fs::path& left : files) {
        const auto match = rights.find(left.stem().string());
        if (match == rights.end()) {
          Problem(fmt::format("no right image for '{}' (expected it in '{}')",
                              left.string(), right_folder.string()));
          continue;
        }
        Found found{{}, folder.string(), Kind::kFolders};
        found.source.left = left;
        found.source.right = match->second;
        for (const GtFolder& gt : layout->gt) {
          const fs::path gt_folder = with_component(gt.name);
          gt_folders_.insert(gt_folder);
          fs::path gt_file = gt_folder / left.filename();
          gt_file.replace_extension(gt.extension);
          if (found.source.gt_disparity.empty() && fs::exists(gt_file, ec)) {
            found.source.gt_disparity = gt_file;
            found.source.gt_scale = gt.scale;
            if (gt.right != nullptr) {
              const fs::path gt_right_folder = with_component(gt.right);
              const fs::path right_file = gt_right_folder / gt_file.filename();
              if (fs::exists(right_file, ec)) {
                found.source.gt_disparity_right = right_file;
                gt_folders_.insert(gt_right_folder);
              }
            }
          }
        }
        if (std::string_view(layout->left) == "left") {
          AttachStoredFlow(found.source, with_component("flow_left"),
                           with_component("flow_right"));
        }
        found_.push_back(std::move(found));
        rights.erase(match);
      }
      for (const auto& [stem, right] : rights) {
        Problem(fmt::format("no left image for '{}'", right.string()));
      }
      break;
    }
  }
}

// `parallax extract --flow` writes both views' flow, named as the views.
void Scanner::AttachStoredFlow(StereoPairSource& source,
                               const fs::path& left_folder,
                               const fs::path& right_folder) {
  std::error_code ec;
  fs::path left = left_folder / source.left.filename();
  left.replace_extension(".exr");
  if (!fs::exists(left, ec)) return;
  fs::path right = right_folder / source.left.filename();
  right.replace_extension(".exr");
  if (!fs::exists(right, ec)) {
    Problem(fmt::format("'{}' has no right-view partner '{}'", left.string(),
                        right.string()));
    return;
  }
  source.flow_left = left;
  source.flow_right = right;
  gt_folders_.insert(left_folder);
  gt_folders_.insert(right_folder);
}

// Middlebury 2001/2003 keep the GT scale as the first number of info.txt.
std::optional<float> ReadInfoScale(const fs::path& info) {
  std::ifstream in(info);
  double scale = 0;
  if (!(in >> scale) || !(scale > 0) || !std::isfinite(scale))
    return std::nullopt;
  return static_cast<float>(scale);
}

// Ground truth of a folder holding one pair (im0/im1, imL/imR, left/right).
void Scanner::AttachFolderGt(StereoPairSource& source, const fs::path& folder) {
  std::error_code ec;
  for (const char* name : {"disp0GT.pfm", "disp0.pfm", "disp_left.pfm"}) {
    if (fs::exists(folder / name, ec)) {
      source.gt_disparity = folder / name;
      source.gt_scale = 1;
      // `parallax synth` writes the right view's too.
      if (std::string_view(name) == "disp_left.pfm" &&
          fs::exists(folder / "disp_right.pfm", ec)) {
        source.gt_disparity_right = folder / "disp_right.pfm";
      }
      return;
    }
  }
  if (fs::exists(folder / "groundtruth.png", ec)) {
    const std::optional<float> scale = ReadInfoScale(folder / "info.txt");
    if (!scale) {
      Problem(fmt::format("'{}' needs its scale as the first number of '{}'",
                          (folder / "groundtruth.png").string(),
                          (folder / "info.txt").string()));
      return;
    }
    source.gt_disparity = folder / "groundtruth.png";
    source.gt_scale = *scale;
  }
}

void Scanner::ScanNamedPairs(const fs::path& folder,
                             const std::vector<fs::path>& files) {
  std::map<std::string, std::vector<fs::path>> by_stem;  // lower-case stem
  for (const fs::path& file : files) {
    by_stem[ToLower(file.stem().string())].push_back(file);
  }
  const auto lookup = [&](const std::string& stem,
                          const fs::path& like) -> std::optional<fs::path> {
    const auto it = by_stem.find(ToLower(stem));
    if (it == by_stem.end()) return std::nullopt;
    for (const fs::path& candidate : it->second) {
      if (candidate.extension() == like.extension()) return candidate;
    }
    return it->second.front();
  };
  for (const fs::path& left : files) {
    const std::string stem = left.stem().string();
    const std::string lower = ToLower(stem);
    // Ground truth and masks are not views: disp_left.pfm / disp_right.pfm
    // and left_mask.png would otherwise pair up as "*_left"/"*_right".
    if (lower.starts_with("disp") || EndsWith(lower, "_mask") ||
        EndsWith(lower, "_gt")) {
      continue;
    }
    std::string right_stem;
    std::string base;  // for <base>_gt
    bool folder_level = false;
    if (lower == "im0" || lower == "iml" || lower == "left") {
      right_stem = lower == "im0" ? "im1" : lower == "iml" ? "imR" : "right";
      folder_level = true;
    } else if (EndsWith(lower, "_left")) {
      base = stem.substr(0, stem.size() - 5);
      right_stem = base + "_right";
    } else if (EndsWith(lower, "_l")) {
      base = stem.substr(0, stem.size() - 2);
      right_stem = base + "_R";
    } else {
      continue;
    }
    const std::optional<fs::path> right = lookup(right_stem, left);
    if (!right) {
      Problem(fmt::format("no right image for '{}' (expected {}.*)",
                          left.string(), (folder / right_stem).string()));
      continue;
    }
    Found found{{}, folder.string(), Kind::kNames};
    found.source.left = left;
    found.source.right = *right;
    if (folder_level) {
      AttachFolderGt(found.source, folder);
    } else if (const std::optional<fs::path> gt = lookup(base + "_gt", left)) {
      found.source.gt_disparity = *gt;
      found.source.gt_scale = 1;
    }
    used_.insert({left, *right});
    if (!found.source.gt_disparity.empty()) {
      used_.insert(found.source.gt_disparity);
    }
    found_.push_back(std::move(found));
  }
}

void Scanner::AddPacked(const fs::path& folder,
                        const std::vector<fs::path>& files) {
  for (const fs::path& file : files) {
    if (used_.contains(file)) continue;
    Found found{{}, folder.string(), Kind::kPacked};
    found.source.left = file;
    found.source.storage = PairStorage::kPacked;
    found.source.packed_layout = *options_.packed;
    found_.push_back(std::move(found));
  }
}

void Scanner::CheckImages(const Found& found) {
  const StereoPairSource& source = found.source;
  std::optional<ImageInfo> left;
  try {
    switch (source.storage) {
      case PairStorage::kTwoFiles: {
        left = ProbeCompleteImage(source.left);
        const ImageInfo right = ProbeCompleteImage(source.right);
        if (left->width != right.width || left->height != right.height) {
          Problem(fmt::format("'{}' is {} but '{}' is {}", source.left.string(),
                              Size(left->width, left->height),
                              source.right.string(),
                              Size(right.width, right.height)));
        }
        break;
      }
      case PairStorage::kMpo: {
        const std::vector<ImageInfo> frames = ProbeMpo(source.left);
        if (frames[0].width != frames[1].width ||
            frames[0].height != frames[1].height) {
          Problem(fmt::format("'{}': frame 0 is {} but frame 1 is {}",
                              source.left.string(),
                              Size(frames[0].width, frames[0].height),
                              Size(frames[1].width, frames[1].height)));
        }
        left = frames[0];
        break;
      }
      case PairStorage::kPacked: {
        const ImageInfo packed = ProbeCompleteImage(source.left);
        const bool sbs = source.packed_layout == PackedLayout::kSideBySide;
        if ((sbs ? packed.width : packed.height) % 2 != 0) {
          Problem(fmt::format(
              "'{}' is {}: a {} frame needs an even {}", source.left.string(),
              Size(packed.width, packed.height),
              sbs ? "side-by-side" : "top-bottom", sbs ? "width" : "height"));
        }
        left = packed;
        left->width /= sbs ? 2 : 1;
        left->height /= sbs ? 1 : 2;
        break;
      }
    }
    if (!source.gt_disparity.empty()) {
      const ImageInfo gt = ProbeImage(source.gt_disparity);
      if (gt.width != left->width || gt.height != left->height) {
        Problem(fmt::format("ground truth '{}' is {} but its left view is {}",
                            source.gt_disparity.string(),
                            Size(gt.width, gt.height),
                            Size(left->width, left->height)));
      }
    }
  } catch (const Error& error) {
    Problem(error.what());
  }
}

StereoDataset Scanner::Finish() {
  // Folder, then layout, then frame order: a sequence's pairs end up
  // contiguous and in frame order.
  std::sort(found_.begin(), found_.end(), [](const Found& a, const Found& b) {
    if (a.group != b.group) return NaturalLess(a.group, b.group);
    if (a.kind != b.kind) return a.kind < b.kind;
    return NaturalLess(a.source.left.filename().string(),
                       b.source.left.filename().string());
  });
  StereoDataset dataset;
  dataset.root = root_;
  for (size_t begin = 0; begin < found_.size();) {
    size_t end = begin + 1;
    while (end < found_.size() && found_[end].group == found_[begin].group &&
           found_[end].kind == found_[begin].kind) {
      ++end;
    }
    const int sequence = begin == 0 ? 0 : dataset.pairs.back().sequence + 1;
    for (size_t i = begin; i < end; ++i) {
      StereoPairSource source = std::move(found_[i].source);
      source.sequence = sequence;
      source.frame = static_cast<int>(i - begin);
      source.sequence_length = static_cast<int>(end - begin);
      dataset.pairs.push_back(std::move(source));
    }
    begin = end;
  }
  if (!problems_.empty()) {
    std::string message = fmt::format(
        "{} problem(s) in stereo data '{}':", problems_.size(), root_.string());
    for (size_t i = 0; i < std::min(problems_.size(), kMaxListedProblems);
         ++i) {
      message += "\n  " + problems_[i];
    }
    if (problems_.size() > kMaxListedProblems) {
      message += fmt::format("\n  ... and {} more",
                             problems_.size() - kMaxListedProblems);
    }
    throw Error(message);
  }
  if (dataset.pairs.empty()) {
    ThrowError(
        "no stereo pairs found in '{}' (looked for image_2/image_3, "
        "left/right folders, im0/im1, imL/imR, left/right files, "
        "*_L/*_R, *_left/*_right and .mpo files{})",
        root_.string(),
        options_.packed ? "" : "; pass a packed layout for SBS/TB frames");
  }
  return dataset;
}

StereoDataset Scanner::Run() {
  std::error_code ec;
  if (fs::is_regular_file(root_, ec)) {
    Found found{{}, root_.string(), Kind::kMpo};
    found.source.left = root_;
    if (IsMpoFile(root_)) {
      found.source.storage = PairStorage::kMpo;
    } else if (options_.packed && IsImageFile(root_)) {
      found.kind = Kind::kPacked;
      found.source.storage = PairStorage::kPacked;
      found.source.packed_layout = *options_.packed;
    } else {
      ThrowError(
          "'{}' is not a folder, an .mpo file or (with a packed "
          "layout) an image",
          root_.string());
    }
    found_.push_back(found);
  } else if (fs::is_directory(root_, ec)) {
    Walk();
    ScanFolderLayouts();
    for (const auto& [folder, files] : images_) {
      if (!view_folders_.contains(folder)) ScanNamedPairs(folder, files);
    }
    for (const fs::path& mpo : mpos_) {
      Found found{{}, mpo.string(), Kind::kMpo};
      found.source.left = mpo;
      found.source.storage = PairStorage::kMpo;
      found_.push_back(std::move(found));
    }
    if (options_.packed) {
      for (const auto& [folder, files] : images_) {
        if (!view_folders_.contains(folder) && !gt_folders_.contains(folder)) {
          AddPacked(folder, files);
        }
      }
    }
  } else {
    ThrowError("stereo data '{}' does not exist", root_.string());
  }
  if (options_.check_images) {
    for (const Found& found : found_) CheckImages(found);
  }
  return Finish();
}

}  // namespace

StereoDataset ScanStereoDataset(const fs::path& root,
                                const ScanOptions& options) {
  return Scanner(root, options).Run();
}

DatasetSpec ParseDatasetSpec(const std::string& text) {
  if (text.empty()) ThrowError("empty dataset path");
  DatasetSpec spec{text, 1.0};
  // Only the last ':' can start a weight, and only if a number follows, so
  // that paths containing ':' still work.
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return spec;
  const std::string_view suffix = std::string_view(text).substr(colon + 1);
  double weight = 0;
  const auto [end, ec] =
      std::from_chars(suffix.data(), suffix.data() + suffix.size(), weight);
  if (suffix.empty() || ec != std::errc() ||
      end != suffix.data() + suffix.size()) {
    return spec;
  }
  if (!(weight > 0) || !std::isfinite(weight)) {
    ThrowError("invalid dataset weight in '{}': it must be a number > 0", text);
  }
  if (colon == 0) ThrowError("dataset '{}' has a weight but no path", text);
  spec.path = text.substr(0, colon);
  spec.weight = weight;
  return spec;
}

size_t ExcludePairs(StereoDataset& dataset,
                    const std::vector<std::string>& patterns) {
  const auto matches = [&](const std::filesystem::path& path) {
    if (path.empty()) return false;
    for (const std::string& pattern : patterns) {
      if (fnmatch(pattern.c_str(), path.c_str(), 0) == 0) return true;
    }
    return false;
  };
  const size_t before = dataset.pairs.size();
  std::erase_if(dataset.pairs, [&](const StereoPairSource& pair) {
    return matches(pair.left) || matches(pair.right);
  });
  return before - dataset.pairs.size();
}

}  // namespace parallax
