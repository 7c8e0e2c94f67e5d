// Loading a scene's ground-truth disparity and the pixels to score.
#pragma once

#include <opencv2/core.hpp>

#include "parallax/eval/eval_scene.h"

namespace parallax {

struct GroundTruth {
  cv::Mat disparity;  // CV_32FC1, pixels; 0 where unknown
  cv::Mat valid;      // CV_8UC1, 255 where known and inside the mask
};

// Reads the scene's ground truth and mask. Throws parallax::Error naming the
// file when it is unreadable or its size differs from the left image's.
GroundTruth LoadGroundTruth(const EvalScene& scene);

}  // namespace parallax
