#include "parallax/train/teacher_targets.h"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "parallax/fetch/sha256.h"
#include "parallax/infer/default_model.h"
#include "parallax/infer/depth_estimator.h"
#include "parallax/infer/scene_cut.h"
#include "parallax/io/image_io.h"
#include "parallax/io/pfm.h"
#include "parallax/io/video_info.h"
#include "parallax/io/video_reader.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

std::string ShortHash(const std::string& text) {
  return Sha256Hex(text).substr(0, 16);
}

std::string TeacherKey(const TeacherOptions& options) {
  std::error_code error;
  const auto bytes = fs::file_size(options.teacher, error);
  return ShortHash(fmt::format("{}|{}|{}", Sha256OfFile(options.teacher),
                               error ? 0 : bytes, options.net_short_side));
}

std::string PairKey(const StereoPairSource& pair) {
  return ShortHash(fmt::format(
      "{}|{}|{}|{}", fs::absolute(pair.left).lexically_normal().string(),
      fs::absolute(pair.right).lexically_normal().string(),
      static_cast<int>(pair.storage), static_cast<int>(pair.packed_layout)));
}

bool ValidMap(const fs::path& path, cv::Size size) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return false;
  try {
    const cv::Mat map = ReadPfm(path);
    return map.size() == size;
  } catch (const Error&) {
    return false;  // torn or foreign: computed again
  }
}

void AddImage(const fs::path& image, StereoDataset* dataset) {
  StereoPairSource pair;
  pair.left = image;
  pair.right = image;
  pair.sequence = static_cast<int>(dataset->pairs.size());
  dataset->pairs.push_back(pair);
}

void SampleVideo(const fs::path& video, const fs::path& cache, int frame_step,
                 StereoDataset* dataset) {
  const fs::path folder =
      cache / "frames" /
      ShortHash(fs::absolute(video).lexically_normal().string() + "|" +
                std::to_string(frame_step));
  fs::create_directories(folder);
  VideoReader reader(video);
  SceneCutDetector cuts;
  VideoFrame frame;
  int64_t since_cut = 0;
  while (reader.Read(&frame)) {
    const bool cut = cuts.Update(frame.image);
    if (cut) since_cut = 0;
    // The first usable frame of a shot, then every frame_step-th.
    const bool take =
        since_cut == 2 || (since_cut > 2 && since_cut % frame_step == 2);
    ++since_cut;
    if (!take) continue;
    const fs::path path = folder / fmt::format("frame_{:07d}.png", frame.index);
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
      cv::Mat eight = frame.image;
      if (eight.depth() != CV_8U) eight.convertTo(eight, CV_8U, 1.0 / 257);
      WriteImage(path, eight);
    }
    AddImage(path, dataset);
  }
}

}  // namespace

bool IsMonoDataset(const StereoDataset& dataset) { return dataset.mono; }

StereoDataset ScanMonoDataset(const fs::path& input, const fs::path& cache,
                              int frame_step) {
  if (frame_step < 1) ThrowError("--frame-step must be at least 1");
  StereoDataset dataset;
  dataset.root = input;
  dataset.mono = true;
  std::error_code error;
  if (fs::is_directory(input, error)) {
    std::vector<fs::path> images;
    for (auto it = fs::recursive_directory_iterator(
             input, fs::directory_options::skip_permission_denied, error);
         it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (error) break;
      if (it->is_regular_file(error) && IsImageFile(it->path())) {
        images.push_back(it->path());
      }
    }
    std::sort(images.begin(), images.end());
    for (const fs::path& image : images) AddImage(image, &dataset);
  } else if (fs::is_regular_file(input, error) && IsVideoFile(input)) {
    SampleVideo(input, cache, frame_step, &dataset);
  } else if (fs::is_regular_file(input, error) && IsImageFile(input)) {
    AddImage(input, &dataset);
  } else if (!fs::exists(input, error)) {
    ThrowError("{}: no such file or folder", input.string());
  }
  if (dataset.pairs.empty()) {
    ThrowError("{}: holds no image to learn from", input.string());
  }
  for (StereoPairSource& pair : dataset.pairs) {
    pair.sequence_length = 1;
  }
  return dataset;
}

int64_t AttachTeacherTargets(std::vector<StereoDataset>& datasets,
                             const TeacherOptions& options) {
  const fs::path teacher_path = ResolveModelPath(options.teacher);
  TeacherOptions resolved = options;
  resolved.teacher = teacher_path;
  const fs::path folder = options.cache / "teacher" / TeacherKey(resolved);
  fs::create_directories(folder);

  struct Job {
    StereoPairSource* pair;
    fs::path left_map, right_map;
    bool mono;
  };
  std::vector<Job> jobs;
  int64_t total_maps = 0;
  for (StereoDataset& dataset : datasets) {
    const bool mono = IsMonoDataset(dataset);
    for (StereoPairSource& pair : dataset.pairs) {
      const std::string key = PairKey(pair);
      Job job{&pair, folder / (key + "_L.pfm"), folder / (key + "_R.pfm"),
              mono};
      total_maps += mono ? 1 : 2;
      jobs.push_back(job);
    }
  }

  std::unique_ptr<Predictor> predictor;  // loaded on the first missing map
  UpsampleOptions upsample;
  int64_t done = 0, computed = 0;
  for (Job& job : jobs) {
    // The view size from the file header where the pair is two files, so
    // a resumed run with every map cached decodes no image.
    cv::Size size;
    if (job.pair->storage == PairStorage::kTwoFiles) {
      const ImageInfo info = ProbeImage(job.pair->left);
      size = cv::Size(info.width, info.height);
    }
    StereoPair views;
    auto load_views = [&] {
      if (!views.left.empty()) return;
      StereoPairSource plain = *job.pair;
      plain.gt_disparity.clear();
      plain.gt_disparity_right.clear();
      views = LoadStereoPair(plain);
      size = views.left.size();
    };
    if (size.empty()) load_views();
    auto ensure = [&](bool right, const fs::path& path) {
      if (!ValidMap(path, size)) {
        load_views();
        if (!predictor) {
          PredictorOptions predictor_options;
          predictor_options.device = options.device;
          predictor_options.net_short_side = options.net_short_side;
          predictor =
              std::make_unique<Predictor>(teacher_path, predictor_options);
        }
        WritePfm(path,
                 EstimateDisparity(*predictor, right ? views.right : views.left,
                                   upsample));
        ++computed;
      }
      ++done;
      if (options.progress && !options.progress(done, total_maps)) {
        throw Cancelled();
      }
    };
    ensure(false, job.left_map);
    if (!job.mono) ensure(true, job.right_map);
    job.pair->gt_disparity = job.left_map;
    job.pair->gt_disparity_right = job.mono ? job.left_map : job.right_map;
    job.pair->gt_scale = 1.0f;
  }
  return computed;
}

}  // namespace parallax
