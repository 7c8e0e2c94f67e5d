// Shot-cut detection between consecutive video frames, so that temporal
// filters and metrics do not carry one shot's depth into the next.
#pragma once

#include <opencv2/core.hpp>

namespace parallax {

struct SceneCutOptions {
  // Frames are compared as gray images scaled to this width (aspect kept):
  // small enough that camera motion of a few pixels and noise average out.
  int analysis_width = 128;
  // A cut when the mean absolute gray difference (0..1) exceeds this. A
  // 10 Hz drive (KITTI) stays below ~0.08; unrelated shots are ~0.2-0.4.
  double mad_threshold = 0.15;
  // ...or when the Bhattacharyya distance of the 32-bin gray histograms
  // exceeds this (catches cuts between shots of similar layout).
  double histogram_threshold = 0.35;

  bool Check() const;
};

class SceneCutDetector {
 public:
  explicit SceneCutDetector(const SceneCutOptions& options = {});

  // True when `frame` (8-bit gray or BGR, any size) starts a new shot
  // relative to the frame of the previous call, or is the first frame, or
  // has another aspect ratio than the previous one.
  bool Update(const cv::Mat& frame);
  void Reset();

  // The measures of the last Update (0 for a first frame).
  double last_mad() const { return last_mad_; }
  double last_histogram_distance() const { return last_histogram_distance_; }

 private:
  SceneCutOptions options_;
  cv::Mat previous_;  // CV_8UC1 at analysis size
  cv::Mat previous_histogram_;
  double last_mad_ = 0.0;
  double last_histogram_distance_ = 0.0;
};

}  // namespace parallax
