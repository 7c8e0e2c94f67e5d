// Decoding the pairs that ScanStereoDataset found.
#include <cmath>
#include <limits>

#include <opencv2/imgcodecs.hpp>

#include "parallax/data/stereo_dataset.h"
#include "parallax/io/image_io.h"
#include "parallax/io/mpo.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// Ground truth in pixels of the left view, NaN where unknown: integer maps
// (PNG) mark unknown pixels with 0, float maps with inf (Middlebury) or NaN.
cv::Mat LoadGroundTruth(const StereoPairSource& source,
                        const std::filesystem::path& path, cv::Size left_size) {
  const ImageInfo info = ProbeImage(path);
  cv::Mat gt = ReadImage(path, ReadMode::kFloat1);
  if (gt.size() != left_size) {
    ThrowError("ground truth '{}' is {}x{} but its left view is {}x{}",
               path.string(), gt.cols, gt.rows, left_size.width,
               left_size.height);
  }
  const bool zero_is_unknown = info.depth == CV_8U || info.depth == CV_16U;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float scale = source.gt_scale;
  gt.forEach<float>([&](float& value, const int*) {
    if (!std::isfinite(value) || (zero_is_unknown && value == 0)) {
      value = nan;
    } else {
      value /= scale;
    }
  });
  return gt;
}

std::pair<cv::Mat, cv::Mat> LoadViews(const StereoPairSource& source) {
  switch (source.storage) {
    case PairStorage::kTwoFiles: {
      cv::Mat left = ReadImage(source.left, ReadMode::kColor8);
      cv::Mat right = ReadImage(source.right, ReadMode::kColor8);
      if (left.size() != right.size()) {
        ThrowError("'{}' is {}x{} but '{}' is {}x{}", source.left.string(),
                   left.cols, left.rows, source.right.string(), right.cols,
                   right.rows);
      }
      return {left, right};
    }
    case PairStorage::kMpo: {
      std::vector<cv::Mat> frames = ReadMpo(source.left);
      if (frames[0].size() != frames[1].size()) {
        ThrowError("'{}': frame 0 is {}x{} but frame 1 is {}x{}",
                   source.left.string(), frames[0].cols, frames[0].rows,
                   frames[1].cols, frames[1].rows);
      }
      return {frames[0], frames[1]};
    }
    case PairStorage::kPacked: {
      const cv::Mat packed = ReadImage(source.left, ReadMode::kColor8);
      try {
        return SplitPackedStereo(packed, source.packed_layout);
      } catch (const Error& error) {
        ThrowError("cannot split '{}': {}", source.left.string(), error.what());
      }
    }
  }
  THROW_CHECK_MSG(false, "unknown pair storage");
}

}  // namespace

StereoPair LoadStereoPair(const StereoPairSource& source) {
  StereoPair pair;
  std::tie(pair.left, pair.right) = LoadViews(source);
  if (!source.gt_disparity.empty()) {
    pair.gt_disparity =
        LoadGroundTruth(source, source.gt_disparity, pair.left.size());
  }
  if (!source.gt_disparity_right.empty()) {
    pair.gt_disparity_right =
        LoadGroundTruth(source, source.gt_disparity_right, pair.left.size());
  }
  return pair;
}

cv::Mat LoadStereoView(const StereoPairSource& source, bool right) {
  if (source.storage == PairStorage::kTwoFiles) {
    return ReadImage(right ? source.right : source.left, ReadMode::kColor8);
  }
  const auto [left_view, right_view] = LoadViews(source);
  return right ? right_view : left_view;
}

std::pair<cv::Mat, cv::Mat> ReadStoredFlow(const std::filesystem::path& path,
                                           cv::Size view_size) {
  if (!ExrSupported()) {
    ThrowError("cannot read the stored flow '{}': this OpenCV build has no EXR",
               path.string());
  }
  cv::Mat flow;
  try {
    flow = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& error) {
    ThrowError("cannot read the stored flow '{}': {}", path.string(),
               error.err);
  }
  if (flow.empty()) {
    ThrowError("cannot read the stored flow '{}' (missing or damaged)",
               path.string());
  }
  if (flow.type() != CV_32FC4 || flow.size() != view_size) {
    ThrowError(
        "stored flow '{}' is {}x{} with {} channels; its views need {}x{} "
        "with 4 (to previous x, y, to next x, y)",
        path.string(), flow.cols, flow.rows, flow.channels(), view_size.width,
        view_size.height);
  }
  cv::Mat to_previous(flow.size(), CV_32FC2), to_next(flow.size(), CV_32FC2);
  const int from_to[] = {0, 0, 1, 1, 2, 2, 3, 3};
  cv::Mat outputs[] = {to_previous, to_next};
  cv::mixChannels(&flow, 1, outputs, 2, from_to, 4);
  return {to_previous, to_next};
}

}  // namespace parallax
