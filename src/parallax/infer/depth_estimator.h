// Full-resolution depth from the predictor: network-resolution prediction,
// temporal stabilisation for frames of a shot, and edge-aware upsampling.
// Shared by `parallax depth`, `parallax stereo` and `parallax eval`.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/infer/edge_aware_upsample.h"
#include "parallax/infer/flicker.h"
#include "parallax/infer/predictor.h"
#include "parallax/infer/temporal_stabilizer.h"

namespace parallax {

// Disparity (CV_32FC1, pixels of the image) for independent images, batched
// through the network. `planes`, when given, receives each image's plane
// distributions (empty unless the predictor is asked for them).
std::vector<cv::Mat> EstimateDisparities(
    Predictor& predictor, const std::vector<cv::Mat>& images,
    const UpsampleOptions& upsample,
    std::vector<PlaneDistributions>* planes = nullptr);
// The same for frames given with their neighbours in a sequence, which
// 7-channel (optic-flow) models take; `previous` and `next` may be empty.
std::vector<cv::Mat> EstimateFrameDisparities(
    Predictor& predictor, const std::vector<PredictorInput>& inputs,
    const UpsampleOptions& upsample,
    std::vector<PlaneDistributions>* planes = nullptr);
cv::Mat EstimateDisparity(Predictor& predictor, const cv::Mat& image,
                          const UpsampleOptions& upsample,
                          PlaneDistributions* planes = nullptr);

struct SequenceDepthOptions {
  UpsampleOptions upsample;
  TemporalStabilizerOptions stabilizer;
  // Measure the raw and stabilised flicker (raw_flicker() and
  // stabilized_flicker()): two more passes over every frame pair, so only
  // when asked for (`parallax depth --flicker`).
  bool measure_flicker = false;
  // Leave the upsampling to full resolution to the caller
  // (UpsampleDepthFrame), so that a pipeline can run it on another stage's
  // thread; the frames' disparity is at network resolution until then.
  bool defer_upsampling = false;
};

struct DepthFrame {
  int64_t index = 0;       // as given to Push()
  cv::Mat image;           // the frame as given
  cv::Mat disparity;       // CV_32FC1 at the frame's size (see below)
  bool scene_cut = false;  // the stabiliser started over at this frame
  // The network's plane distributions when the predictor gives them (not
  // stabilised: they belong to the raw prediction of this frame).
  PlaneDistributions planes;
  // Set while `disparity` waits at network resolution (defer_upsampling).
  std::optional<UpsampleOptions> pending_upsample;
};

// Upsamples the disparity of a frame that waits for it (defer_upsampling)
// to the frame's size, exactly as the estimator would have; does nothing to
// other frames.
void UpsampleDepthFrame(DepthFrame& frame);

// Depth for the frames of one shot or film, in order. Frames are queued until
// a batch is full (and, for 7-channel models, until the next frame is known),
// so results come back a few frames late; Finish() returns the rest.
class SequenceDepthEstimator {
 public:
  SequenceDepthEstimator(Predictor& predictor,
                         const SequenceDepthOptions& options);

  std::vector<DepthFrame> Push(int64_t index, const cv::Mat& image);
  std::vector<DepthFrame> Finish();

  // Mean frame-to-frame change on static pixels, of the network's raw output
  // and of the stabilised output (measured at network resolution, when
  // `measure_flicker`; otherwise nothing is measured).
  const FlickerMeter& raw_flicker() const { return raw_flicker_; }
  const FlickerMeter& stabilized_flicker() const { return stabilized_flicker_; }

 private:
  std::vector<DepthFrame> Run(size_t count, bool last);

  Predictor& predictor_;
  SequenceDepthOptions options_;
  TemporalStabilizer stabilizer_;
  FlickerMeter raw_flicker_, stabilized_flicker_;
  std::deque<DepthFrame> pending_;
  cv::Mat previous_image_;  // the frame before pending_.front()
};

}  // namespace parallax
