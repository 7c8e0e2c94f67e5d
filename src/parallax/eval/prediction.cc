#include "parallax/eval/prediction.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "parallax/io/image_io.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {
namespace fs = std::filesystem;

constexpr const char* kExtensions[] = {"pfm", "npy", "exr", "png"};
constexpr const char* kExtensionList = "{pfm,npy,exr,png}";

// The candidate stems (without extension) for a scene.
std::vector<fs::path> CandidateStems(const EvalScene& scene,
                                     const fs::path& pred_root,
                                     bool name_is_unique, bool stem_is_unique) {
  const std::string stem = scene.left_relative.stem().string();
  fs::path beside = pred_root / scene.left_relative;
  beside.replace_filename(stem + "_disp");
  std::vector<fs::path> stems = {beside};
  if (name_is_unique) {
    stems.push_back(pred_root / scene.name);
    stems.push_back(pred_root / (scene.name + "_disp"));
  }
  // `parallax depth` run on the left images alone writes STEM_disp.* flat.
  if (stem_is_unique && scene.left_relative.has_parent_path()) {
    stems.push_back(pred_root / (stem + "_disp"));
  }
  return stems;
}

bool SameFile(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

}  // namespace

PredictionKind ParsePredictionKind(std::string_view text) {
  const std::string lower = ToLower(text);
  if (lower == "disparity") return PredictionKind::kDisparity;
  if (lower == "depth") return PredictionKind::kDepth;
  ThrowError("--pred-kind must be disparity or depth, got '{}'", text);
}

std::string ToString(PredictionKind kind) {
  return kind == PredictionKind::kDepth ? "depth" : "disparity";
}

std::vector<fs::path> PredictionCandidates(const EvalScene& scene,
                                           const fs::path& pred_root,
                                           bool name_is_unique,
                                           bool stem_is_unique) {
  std::vector<fs::path> candidates;
  for (const fs::path& stem :
       CandidateStems(scene, pred_root, name_is_unique, stem_is_unique)) {
    for (const char* extension : kExtensions) {
      candidates.push_back(stem.string() + "." + extension);
    }
  }
  return candidates;
}

std::vector<fs::path> FindPredictionFiles(const std::vector<EvalScene>& scenes,
                                          const fs::path& pred_root) {
  std::error_code ec;
  if (!fs::is_directory(pred_root, ec)) {
    ThrowError("prediction folder '{}' does not exist or is not a folder",
               pred_root.string());
  }
  std::map<std::string, int> name_count, stem_count;
  for (const EvalScene& scene : scenes) {
    ++name_count[scene.name];
    ++stem_count[scene.left_relative.stem().string()];
  }
  std::vector<fs::path> files;
  std::vector<std::string> missing;
  for (const EvalScene& scene : scenes) {
    const bool unique = name_count[scene.name] == 1;
    const bool stem_unique =
        stem_count[scene.left_relative.stem().string()] == 1;
    fs::path found;
    for (const fs::path& candidate :
         PredictionCandidates(scene, pred_root, unique, stem_unique)) {
      // With --pred = --gt, S.png may be the left image itself.
      if (fs::is_regular_file(candidate, ec) &&
          !SameFile(candidate, scene.left)) {
        found = candidate;
        break;
      }
    }
    files.push_back(found);
    if (!found.empty()) continue;
    std::string tried;
    for (const fs::path& stem :
         CandidateStems(scene, pred_root, unique, stem_unique)) {
      tried += fmt::format("{}{}.{}", tried.empty() ? "" : ", ", stem.string(),
                           kExtensionList);
    }
    missing.push_back(fmt::format(
        "{}: tried {}{}", scene.name, tried,
        unique ? "" : " (the scene name is not unique, so not NAME.*)"));
  }
  if (!missing.empty()) {
    // Every missing scene, but not thousands of lines for a wrong folder.
    constexpr size_t kMaxListed = 50;
    std::string message = fmt::format(
        "no prediction for {} of {} scenes under '{}':", missing.size(),
        scenes.size(), pred_root.string());
    for (size_t i = 0; i < missing.size() && i < kMaxListed; ++i) {
      message += "\n  " + missing[i];
    }
    if (missing.size() > kMaxListed) {
      message +=
          fmt::format("\n  ... and {} more", missing.size() - kMaxListed);
    }
    throw Error(message);
  }
  return files;
}

Prediction ReadPrediction(const fs::path& path, PredictionKind kind,
                          double integer_scale) {
  const ImageInfo info = ProbeImage(path);
  cv::Mat values = ReadImage(path, ReadMode::kFloat1);
  const bool integer = info.depth == CV_8U || info.depth == CV_16U;
  if (integer && integer_scale > 0) {
    values /= integer_scale;
    return Prediction(std::move(values), kind, false, path.string());
  }
  return Prediction(std::move(values), kind, integer, path.string());
}

PredictFn MakeFilePredictor(const std::vector<EvalScene>& scenes,
                            const fs::path& pred_root, PredictionKind kind,
                            double integer_scale) {
  auto files = std::make_shared<std::map<fs::path, fs::path>>();
  const std::vector<fs::path> found = FindPredictionFiles(scenes, pred_root);
  for (size_t i = 0; i < scenes.size(); ++i) {
    (*files)[scenes[i].gt] = found[i];
  }
  return [files, kind, integer_scale](const EvalScene& scene) {
    const auto it = files->find(scene.gt);
    THROW_CHECK_MSG(it != files->end(), "scene '{}' was not scanned",
                    scene.name);
    return ReadPrediction(it->second, kind, integer_scale);
  };
}

cv::Mat PredictionToDisparity(const Prediction& prediction, cv::Size size,
                              bool* resized) {
  const std::string& source = prediction.source;
  if (prediction.values.empty()) ThrowError("'{}' is an empty map", source);
  if (prediction.values.channels() != 1) {
    ThrowError("'{}' has {} channels; a prediction has one", source,
               prediction.values.channels());
  }
  cv::Mat values;
  prediction.values.convertTo(values, CV_32F);
  int64_t non_finite = 0;
  for (int y = 0; y < values.rows; ++y) {
    const float* row = values.ptr<float>(y);
    for (int x = 0; x < values.cols; ++x) non_finite += !std::isfinite(row[x]);
  }
  if (non_finite > 0) {
    ThrowError(
        "'{}' holds {} NaN or infinite values; a prediction must be "
        "finite everywhere",
        source, non_finite);
  }
  const bool resize = values.size() != size;
  if (resize) {
    // Resizing to another shape would stretch the scene: a prediction of a
    // cropped or padded network input, not of this image.
    const double aspect = static_cast<double>(values.cols) / values.rows;
    const double want = static_cast<double>(size.width) / size.height;
    if (std::abs(aspect / want - 1) > 0.02) {
      ThrowError(
          "'{}' is {}x{}, the ground truth {}x{}: another aspect ratio "
          "(predict at the image's own size)",
          source, values.cols, values.rows, size.width, size.height);
    }
  }
  if (resized) *resized = resize;
  if (resize) {
    cv::Mat scaled;
    cv::resize(values, scaled, size, 0, 0, cv::INTER_LINEAR);
    values = scaled;
    if (prediction.kind == PredictionKind::kDisparity) {
      values *= static_cast<double>(size.width) / prediction.values.cols;
    }
  }
  if (prediction.kind == PredictionKind::kDepth) {
    double min_depth = 0;
    cv::minMaxLoc(values, &min_depth);
    if (!(min_depth > 0)) {
      ThrowError(
          "'{}' holds depths <= 0 (smallest {}); depth predictions "
          "must be positive (or pass --pred-kind disparity)",
          source, min_depth);
    }
    cv::divide(1.0, values, values);
  }
  return values;
}

}  // namespace parallax
