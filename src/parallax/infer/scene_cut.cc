#include "parallax/infer/scene_cut.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/resample.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

cv::Mat SmallGray(const cv::Mat& frame, int width) {
  THROW_CHECK_MSG(frame.depth() == CV_8U &&
                      (frame.channels() == 1 || frame.channels() == 3) &&
                      !frame.empty(),
                  "scene cut detection takes 8-bit gray or BGR frames, got {}",
                  cv::typeToString(frame.type()));
  const int w = std::min(width, frame.cols);
  const int h =
      std::max(1, int(std::lround(double(frame.rows) * w / frame.cols)));
  cv::Mat small =
      FastAreaDownsample(frame, cv::Size(w, std::min(h, frame.rows)));
  if (small.channels() == 3) cv::cvtColor(small, small, cv::COLOR_BGR2GRAY);
  return small;
}

cv::Mat Histogram(const cv::Mat& gray) {
  cv::Mat histogram;
  const int channels[] = {0};
  const int bins[] = {32};
  const float range[] = {0.f, 256.f};
  const float* ranges[] = {range};
  cv::calcHist(&gray, 1, channels, cv::Mat(), histogram, 1, bins, ranges);
  return histogram;
}

}  // namespace

bool SceneCutOptions::Check() const {
  return analysis_width >= 8 && mad_threshold > 0.0 &&
         histogram_threshold > 0.0;
}

SceneCutDetector::SceneCutDetector(const SceneCutOptions& options)
    : options_(options) {
  THROW_CHECK(options_.Check());
}

void SceneCutDetector::Reset() {
  previous_.release();
  previous_histogram_.release();
  last_mad_ = last_histogram_distance_ = 0.0;
}

bool SceneCutDetector::Update(const cv::Mat& frame) {
  cv::Mat gray = SmallGray(frame, options_.analysis_width);
  cv::Mat histogram = Histogram(gray);
  const bool first = previous_.empty() || previous_.size() != gray.size();
  if (first) {
    last_mad_ = last_histogram_distance_ = 0.0;
  } else {
    last_mad_ =
        cv::norm(gray, previous_, cv::NORM_L1) / (255.0 * double(gray.total()));
    last_histogram_distance_ = cv::compareHist(histogram, previous_histogram_,
                                               cv::HISTCMP_BHATTACHARYYA);
  }
  previous_ = gray;
  previous_histogram_ = histogram;
  return first || last_mad_ > options_.mad_threshold ||
         last_histogram_distance_ > options_.histogram_threshold;
}

}  // namespace parallax
