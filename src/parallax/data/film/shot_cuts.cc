#include "parallax/data/film/shot_cuts.h"

#include <algorithm>
#include <cmath>

#include "parallax/util/check.h"

namespace parallax {

FrameSignature Fingerprint(const cv::Mat& view) {
  THROW_CHECK(!view.empty() &&
              (view.type() == CV_8UC3 || view.type() == CV_8UC1));
  FrameSignature signature;
  constexpr int kColumns = 16, kRows = 9;
  // About 200 x 150 samples whatever the size.
  const int step_x = std::max(1, view.cols / 200);
  const int step_y = std::max(1, view.rows / 150);
  cv::Mat sums(kRows, kColumns, CV_32F, cv::Scalar(0));
  cv::Mat counts(kRows, kColumns, CV_32F, cv::Scalar(0));
  int total = 0;
  const bool gray = view.channels() == 1;
  for (int y = 0; y < view.rows; y += step_y) {
    const uint8_t* row = view.ptr<uint8_t>(y);
    float* sum = sums.ptr<float>(y * kRows / view.rows);
    float* count = counts.ptr<float>(y * kRows / view.rows);
    for (int x = 0; x < view.cols; x += step_x) {
      // Colour: luma near enough, (B + 2G + R) / 4.
      const uint8_t* p = row + (gray ? x : 3 * x);
      const int luma = gray ? p[0] : (p[0] + 2 * p[1] + p[2] + 2) >> 2;
      signature.histogram[static_cast<size_t>(luma >> 3)] += 1;
      const int cell = x * kColumns / view.cols;
      sum[cell] += static_cast<float>(luma);
      count[cell] += 1;
      ++total;
    }
  }
  for (float& bin : signature.histogram) bin /= static_cast<float>(total);
  cv::divide(sums, cv::max(counts, 1.0f), signature.thumbnail);
  return signature;
}

double HistogramDistance(const FrameSignature& a, const FrameSignature& b) {
  double sum = 0;
  for (size_t i = 0; i < a.histogram.size(); ++i) {
    sum += std::abs(a.histogram[i] - b.histogram[i]);
  }
  return 0.5 * sum;
}

double ThumbnailDifference(const FrameSignature& a, const FrameSignature& b) {
  THROW_CHECK(!a.thumbnail.empty() && !b.thumbnail.empty());
  return cv::norm(a.thumbnail, b.thumbnail, cv::NORM_L1) /
         static_cast<double>(a.thumbnail.total());
}

bool ShotCutDetector::Next(const FrameSignature& signature) {
  bool cut = !started_;
  if (started_) {
    const double histogram = HistogramDistance(previous_, signature);
    const double thumbnail = ThumbnailDifference(previous_, signature);
    cut = histogram > options_.histogram_distance ||
          (thumbnail > options_.thumbnail_difference &&
           histogram > options_.histogram_distance_with_thumbnail);
    if (!cut && frames_in_shot_ >= 2) {
      cut =
          histogram > std::max(options_.histogram_floor,
                               options_.relative_histogram * mean_histogram_) &&
          thumbnail > std::max(options_.thumbnail_floor,
                               options_.relative_thumbnail * mean_thumbnail_);
    }
    if (!cut) {
      // An average over about the last five frames.
      const double weight = frames_in_shot_ == 0 ? 1.0 : 0.2;
      mean_histogram_ += weight * (histogram - mean_histogram_);
      mean_thumbnail_ += weight * (thumbnail - mean_thumbnail_);
      ++frames_in_shot_;
    }
  }
  if (cut) {
    mean_histogram_ = mean_thumbnail_ = 0;
    frames_in_shot_ = 0;
  }
  previous_ = signature;
  started_ = true;
  return cut;
}

ShotCutDetector::State ShotCutDetector::state() const {
  return {previous_, started_, mean_histogram_, mean_thumbnail_,
          frames_in_shot_};
}

void ShotCutDetector::Restore(const State& state) {
  previous_ = state.previous;
  started_ = state.started;
  mean_histogram_ = state.mean_histogram;
  mean_thumbnail_ = state.mean_thumbnail;
  frames_in_shot_ = state.frames_in_shot;
}

}  // namespace parallax
