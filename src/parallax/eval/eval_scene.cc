#include "parallax/eval/eval_scene.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "parallax/io/image_io.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

// One folder's entries. Names are looked up in sets: a folder may hold
// thousands of images, each probed for a few partner names.
struct Listing {
  fs::path dir;
  std::vector<fs::path> files;  // sorted
  std::vector<fs::path> dirs;   // sorted
  std::set<std::string> file_names;
  std::set<std::string> dir_names;
  bool HasFile(const std::string& name) const {
    return file_names.contains(name);
  }
  bool HasDir(const std::string& name) const {
    return dir_names.contains(name);
  }
};

std::string Stem(const fs::path& file) { return file.stem().string(); }

// An image of `listing` whose name without extension is `stem` (PNG first).
std::optional<fs::path> FindImage(const Listing& listing,
                                  const std::string& stem) {
  std::optional<fs::path> found;
  for (const fs::path& file : listing.files) {
    if (Stem(file) != stem || !IsImageFile(file)) continue;
    if (!found || ImageExtension(file) == "png") found = file;
  }
  return found;
}

// The file `stem`.<ext> for the first extension of `extensions` present.
std::optional<fs::path> FindWithExtension(
    const Listing& listing, const std::string& stem,
    std::initializer_list<const char*> extensions) {
  for (const char* extension : extensions) {
    const std::string name = stem + "." + extension;
    if (listing.HasFile(name)) return listing.dir / name;
  }
  return std::nullopt;
}

// The first of `stems`.<extension> present.
std::optional<fs::path> FindFirst(const Listing& listing,
                                  std::initializer_list<std::string> stems,
                                  const char* extension) {
  for (const std::string& stem : stems) {
    if (auto found = FindWithExtension(listing, stem, {extension})) {
      return found;
    }
  }
  return std::nullopt;
}

bool EndsWithAny(const std::string& text,
                 std::initializer_list<const char*> suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(),
                     [&](const char* s) { return EndsWith(text, s); });
}

// The mask files a layout provides; empty paths where it has none.
struct MaskFiles {
  fs::path nonocc;
  fs::path all;
  fs::path disc;
  MaskRule rule = MaskRule::kWhite;
};

// Layouts with a non-occlusion mask only.
MaskFiles NonOccludedOnly(fs::path nonocc, MaskRule rule = MaskRule::kWhite) {
  MaskFiles files;
  files.nonocc = std::move(nonocc);
  files.rule = rule;
  return files;
}

class Scanner {
 public:
  Scanner(fs::path root, EvalScanOptions options)
      : root_(std::move(root)), options_(options) {}

  void Run() {
    std::vector<fs::path> stack = {root_};
    while (!stack.empty()) {
      const fs::path dir = stack.back();
      stack.pop_back();
      const std::optional<Listing> listing = List(dir);
      if (!listing) continue;
      // A KITTI root's subfolders (image_2, disp_occ_0, ...) are its own,
      // and so are a frame-folder sequence's (left, disp_left, ...).
      if (ScanKitti(dir, *listing)) continue;
      if (ScanFrameFolders(dir, *listing)) continue;
      ScanFolder(dir, *listing);
      for (auto it = listing->dirs.rbegin(); it != listing->dirs.rend(); ++it) {
        if (!it->filename().string().starts_with(".")) stack.push_back(*it);
      }
    }
  }

  std::vector<EvalScene> scenes;
  std::vector<std::string> problems;

 private:
  std::optional<Listing> List(const fs::path& dir) {
    Listing listing;
    listing.dir = dir;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
         it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_directory(type_ec)) {
        listing.dirs.push_back(it->path());
        listing.dir_names.insert(it->path().filename().string());
      } else if (it->is_regular_file(type_ec)) {
        listing.files.push_back(it->path());
        listing.file_names.insert(it->path().filename().string());
      }
    }
    if (ec) {
      problems.push_back(
          fmt::format("cannot list '{}': {}", dir.string(), ec.message()));
      return std::nullopt;
    }
    std::sort(listing.files.begin(), listing.files.end());
    std::sort(listing.dirs.begin(), listing.dirs.end());
    return listing;
  }

  void ScanFolder(const fs::path& dir, const Listing& listing) {
    if (listing.files.empty()) return;
    if (ScanMiddlebury2001(dir, listing)) return;
    if (ScanMiddlebury2014(dir, listing)) return;
    if (ScanSuffixed(listing)) return;
    ScanDispPfm(dir, listing);
  }

  // Sets the scene's mask for the asked region; false (and a problem) when
  // the layout cannot score it.
  bool ResolveMask(EvalScene& scene, const MaskFiles& files) {
    std::error_code ec;
    auto present = [&](const fs::path& p) {
      return !p.empty() && fs::is_regular_file(p, ec);
    };
    scene.mask_rule = files.rule;
    switch (options_.mask) {
      case EvalMask::kNonOccluded:
        if (present(files.nonocc)) {
          scene.mask = files.nonocc;
          scene.region = EvalMask::kNonOccluded;
        } else {
          scene.region = EvalMask::kAll;
          scene.region_fallback = true;
        }
        return true;
      case EvalMask::kAll:
        scene.region = EvalMask::kAll;
        if (present(files.all)) scene.mask = files.all;
        return true;
      case EvalMask::kDiscontinuities:
        if (present(files.disc)) {
          scene.mask = files.disc;
          scene.region = EvalMask::kDiscontinuities;
          return true;
        }
        problems.push_back(fmt::format(
            "'{}': --mask disc needs a discontinuity mask{}", scene.gt.string(),
            files.disc.empty()
                ? fmt::format(", which the {} layout does not have",
                              ToString(scene.layout))
                : fmt::format(" ('{}' is missing)", files.disc.string())));
        return false;
    }
    return false;
  }

  void Add(EvalScene scene, const MaskFiles& masks) {
    if (!ResolveMask(scene, masks)) return;
    scene.left_relative = scene.left.lexically_relative(root_);
    scenes.push_back(std::move(scene));
  }

  bool ScanKitti(const fs::path& dir, const Listing& listing) {
    struct Variant {
      GtLayout layout;
      const char* image;
      const char* occ;
      const char* noc;
    };
    bool found = false;
    for (const Variant& v :
         {Variant{GtLayout::kKitti2015, "image_2", "disp_occ_0", "disp_noc_0"},
          Variant{GtLayout::kKitti2012, "colored_0", "disp_occ", "disp_noc"}}) {
      if (!listing.HasDir(v.image) || !listing.HasDir(v.occ)) continue;
      found = true;
      const std::optional<Listing> gt_files = List(dir / v.occ);
      if (!gt_files) continue;
      for (const fs::path& gt : gt_files->files) {
        if (ImageExtension(gt) != "png") continue;
        const fs::path left = dir / v.image / gt.filename();
        std::error_code ec;
        if (!fs::is_regular_file(left, ec)) {
          problems.push_back(fmt::format("'{}' has no left image '{}'",
                                         gt.string(), left.string()));
          continue;
        }
        EvalScene scene;
        scene.name = Stem(gt);
        scene.layout = v.layout;
        scene.left = left;
        scene.gt = gt;
        scene.gt_scale = 256;
        Add(std::move(scene),
            NonOccludedOnly(dir / v.noc / gt.filename(), MaskRule::kNonZero));
      }
    }
    return found;
  }

  bool ScanFrameFolders(const fs::path& dir, const Listing& listing) {
    if (!listing.HasDir("left") || !listing.HasDir("disp_left")) return false;
    const std::optional<Listing> lefts = List(dir / "left");
    const std::optional<Listing> gts = List(dir / "disp_left");
    if (!lefts || !gts) return true;
    std::vector<fs::path> frames;  // the sequence, in name order
    std::map<std::string, size_t> frame_of_stem;
    for (const fs::path& file : lefts->files) {
      if (!IsImageFile(file)) continue;
      frame_of_stem.emplace(Stem(file), frames.size());
      frames.push_back(file);
    }
    for (const fs::path& gt : gts->files) {
      const std::string extension = ImageExtension(gt);
      if (extension != "pfm" && extension != "npy" && extension != "exr") {
        continue;
      }
      const auto found = frame_of_stem.find(Stem(gt));
      if (found == frame_of_stem.end()) {
        problems.push_back(fmt::format("'{}' has no left image in '{}'",
                                       gt.string(), (dir / "left").string()));
        continue;
      }
      EvalScene scene;
      scene.name = dir.filename().string() + "/" + Stem(gt);
      scene.layout = GtLayout::kFrameFolders;
      const size_t frame = found->second;
      scene.left = frames[frame];
      scene.gt = gt;
      if (frame > 0) scene.previous = frames[frame - 1];
      if (frame + 1 < frames.size()) scene.next = frames[frame + 1];
      Add(std::move(scene),
          NonOccludedOnly(dir / "mask_left" / (Stem(gt) + ".png")));
    }
    return true;
  }

  bool ScanMiddlebury2001(const fs::path& dir, const Listing& listing) {
    if (!listing.HasFile("groundtruth.png")) return false;
    const fs::path gt = dir / "groundtruth.png";
    const std::optional<fs::path> left = FindImage(listing, "imL");
    if (!left) {
      problems.push_back(
          fmt::format("'{}' has no left image imL.png beside it", gt.string()));
      return true;
    }
    const std::optional<double> scale = ReadInfoScale(dir / "info.txt");
    if (!scale) return true;
    EvalScene scene;
    scene.name = dir.filename().string();
    scene.layout = GtLayout::kMiddlebury2001;
    scene.left = *left;
    scene.gt = gt;
    scene.gt_scale = *scale;
    MaskFiles masks;
    masks.nonocc = dir / "nonocc.png";
    masks.all = dir / "all.png";
    masks.disc = dir / "disc.png";
    Add(std::move(scene), masks);
    return true;
  }

  // Middlebury 2001/2003 store the disparity scale as info.txt's first
  // number (the second is the largest disparity a method should search).
  std::optional<double> ReadInfoScale(const fs::path& info) {
    std::ifstream in(info);
    if (!in) {
      problems.push_back(fmt::format(
          "'{}' is missing: Middlebury 2001/2003 ground truth needs it for "
          "its disparity scale",
          info.string()));
      return std::nullopt;
    }
    double scale = 0;
    if (!(in >> scale) || !(scale > 0)) {
      problems.push_back(
          fmt::format("'{}' does not start with a positive disparity scale",
                      info.string()));
      return std::nullopt;
    }
    return scale;
  }

  bool ScanMiddlebury2014(const fs::path& dir, const Listing& listing) {
    const std::optional<fs::path> gt =
        listing.HasFile("disp0GT.pfm") ? std::optional(dir / "disp0GT.pfm")
        : listing.HasFile("disp0.pfm") ? std::optional(dir / "disp0.pfm")
                                       : std::nullopt;
    const std::optional<fs::path> left = FindImage(listing, "im0");
    if (!gt || !left) return false;
    EvalScene scene;
    scene.name = dir.filename().string();
    scene.layout = GtLayout::kMiddlebury2014;
    scene.left = *left;
    scene.gt = *gt;
    Add(std::move(scene), NonOccludedOnly(dir / "mask0nocc.png"));
    return true;
  }

  // N_left.* + N_gt.*, or S.* + S_gt.*.
  bool ScanSuffixed(const Listing& listing) {
    bool found = false;
    for (const fs::path& file : listing.files) {
      const std::string stem = Stem(file);
      if (!IsImageFile(file) || EndsWithAny(stem, {"_gt", "_mask"})) continue;
      const std::string base =
          EndsWith(stem, "_left") ? stem.substr(0, stem.size() - 5) : stem;
      std::optional<fs::path> gt = FindWithExtension(
          listing, base + "_gt", {"pfm", "npy", "exr", "png"});
      if (!gt && base != stem) {
        gt = FindWithExtension(listing, stem + "_gt",
                               {"pfm", "npy", "exr", "png"});
      }
      if (!gt) continue;
      found = true;
      EvalScene scene;
      scene.name = base;
      scene.layout = ImageExtension(*gt) == "png" ? GtLayout::kSuffixed
                                                  : GtLayout::kGeneric;
      scene.left = file;
      scene.gt = *gt;
      const std::optional<fs::path> mask =
          FindWithExtension(listing, base + "_mask", {"png"});
      Add(std::move(scene), NonOccludedOnly(mask.value_or(fs::path())));
    }
    return found;
  }

  // A folder with one disp*.pfm (the left view's) and its left image.
  void ScanDispPfm(const fs::path& dir, const Listing& listing) {
    std::vector<fs::path> disps;
    for (const fs::path& file : listing.files) {
      if (Stem(file).starts_with("disp") && ImageExtension(file) == "pfm") {
        disps.push_back(file);
      }
    }
    if (disps.empty()) return;
    fs::path gt = disps.front();
    if (disps.size() > 1) {
      const std::optional<fs::path> preferred =
          FindFirst(listing, {"disp", "disp0", "disp_left"}, "pfm");
      if (!preferred) {
        problems.push_back(fmt::format(
            "'{}' holds {} disp*.pfm files: cannot tell which is the left "
            "view's (name it disp.pfm, or use <image>_gt.pfm)",
            dir.string(), disps.size()));
        return;
      }
      gt = *preferred;
    }
    const std::optional<fs::path> left = FindLeftImage(listing, gt);
    if (!left) return;
    EvalScene scene;
    scene.name = dir.filename().string();
    scene.layout = GtLayout::kGeneric;
    scene.left = *left;
    scene.gt = gt;
    const std::optional<fs::path> mask =
        FindFirst(listing, {Stem(*left) + "_mask", "mask0nocc"}, "png");
    Add(std::move(scene), NonOccludedOnly(mask.value_or(fs::path())));
  }

  std::optional<fs::path> FindLeftImage(const Listing& listing,
                                        const fs::path& gt) {
    std::vector<fs::path> images;
    for (const fs::path& file : listing.files) {
      const std::string stem = Stem(file);
      if (!IsImageFile(file) || file == gt || stem.starts_with("disp") ||
          stem.starts_with("mask") ||
          EndsWithAny(stem, {"_gt", "_mask", "_right", "_R"}) ||
          stem == "right" || stem == "im1" || stem == "imR") {
        continue;
      }
      images.push_back(file);
    }
    if (images.size() == 1) return images.front();
    for (const fs::path& image : images) {
      const std::string stem = Stem(image);
      if (stem == "left" || stem == "im0" || stem == "imL" ||
          EndsWithAny(stem, {"_left", "_L"})) {
        return image;
      }
    }
    std::string names;
    for (const fs::path& image : images) {
      names += (names.empty() ? "" : ", ") + image.filename().string();
    }
    problems.push_back(
        images.empty()
            ? fmt::format("'{}' has no left image beside it", gt.string())
            : fmt::format("cannot tell which of {} is the left image of '{}' "
                          "(name it left.png)",
                          names, gt.string()));
    return std::nullopt;
  }

  fs::path root_;
  EvalScanOptions options_;
};

}  // namespace

EvalMask ParseEvalMask(std::string_view text) {
  const std::string lower = ToLower(text);
  if (lower == "nonocc") return EvalMask::kNonOccluded;
  if (lower == "all") return EvalMask::kAll;
  if (lower == "disc") return EvalMask::kDiscontinuities;
  ThrowError("--mask must be nonocc, all or disc, got '{}'", text);
}

std::string ToString(EvalMask mask) {
  switch (mask) {
    case EvalMask::kNonOccluded:
      return "nonocc";
    case EvalMask::kAll:
      return "all";
    case EvalMask::kDiscontinuities:
      return "disc";
  }
  return "?";
}

std::string ToString(GtLayout layout) {
  switch (layout) {
    case GtLayout::kMiddlebury2001:
      return "middlebury-2001";
    case GtLayout::kMiddlebury2014:
      return "middlebury-2014";
    case GtLayout::kKitti2015:
      return "kitti-2015";
    case GtLayout::kKitti2012:
      return "kitti-2012";
    case GtLayout::kSuffixed:
      return "suffixed";
    case GtLayout::kFrameFolders:
      return "frame-folders";
    case GtLayout::kGeneric:
      return "generic";
  }
  return "?";
}

std::vector<EvalScene> ScanEvalScenes(const std::filesystem::path& root,
                                      const EvalScanOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    ThrowError("ground-truth folder '{}' does not exist or is not a folder",
               root.string());
  }
  fs::path canonical = fs::weakly_canonical(root, ec);
  if (ec) canonical = fs::absolute(root);
  Scanner scanner(canonical, options);
  scanner.Run();
  if (!scanner.problems.empty()) {
    std::string message = fmt::format(
        "cannot use the ground truth under '{}' ({} problem{}):", root.string(),
        scanner.problems.size(), scanner.problems.size() == 1 ? "" : "s");
    for (const std::string& problem : scanner.problems) {
      message += "\n  " + problem;
    }
    throw Error(message);
  }
  if (scanner.scenes.empty()) {
    ThrowError(
        "no ground truth found under '{}' (looked for Middlebury imL + "
        "groundtruth.png + info.txt, im0 + disp0GT.pfm / disp0.pfm, KITTI "
        "image_2 + disp_occ_0, N_left + N_gt.png, S + S_gt.pfm|npy, and "
        "disp*.pfm beside a left image)",
        root.string());
  }
  std::sort(scanner.scenes.begin(), scanner.scenes.end(),
            [](const EvalScene& a, const EvalScene& b) {
              return a.left_relative < b.left_relative;
            });
  return std::move(scanner.scenes);
}

}  // namespace parallax
