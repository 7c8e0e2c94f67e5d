#include "parallax/infer/depth_estimator.h"

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

cv::Mat Guide8(const cv::Mat& image) {
  if (image.depth() == CV_8U) return image;
  cv::Mat eight;
  image.convertTo(eight, CV_8U, 1.0 / 257.0);
  return eight;
}

// Relative models (Depth Anything) have no scale or shift of their own from
// frame to frame: each prediction is aligned fully to the stabilised
// history (scale and shift), restarting at scene cuts.
SequenceDepthOptions AdaptToModel(SequenceDepthOptions options,
                                  const PredictorModelInfo& info) {
  options.upsample.align_corners = info.align_corners;
  if (info.relative && options.stabilizer.scale_match_strength > 0) {
    options.stabilizer.scale_match_strength = 1.0;
  }
  return options;
}

}  // namespace

std::vector<cv::Mat> EstimateDisparities(
    Predictor& predictor, const std::vector<cv::Mat>& images,
    const UpsampleOptions& upsample, std::vector<PlaneDistributions>* planes) {
  std::vector<PredictorInput> inputs;
  inputs.reserve(images.size());
  for (const cv::Mat& image : images) inputs.push_back({image, {}, {}});
  return EstimateFrameDisparities(predictor, inputs, upsample, planes);
}

std::vector<cv::Mat> EstimateFrameDisparities(
    Predictor& predictor, const std::vector<PredictorInput>& inputs,
    const UpsampleOptions& upsample, std::vector<PlaneDistributions>* planes) {
  std::vector<DepthPrediction> predictions = predictor.PredictBatch(inputs);
  UpsampleOptions options = upsample;
  options.align_corners = predictor.model_info().align_corners;
  std::vector<cv::Mat> disparities;
  disparities.reserve(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    disparities.push_back(UpsampleDisparity(predictions[i].disparity,
                                            Guide8(inputs[i].image), options));
  }
  if (planes) {
    planes->clear();
    for (DepthPrediction& p : predictions) {
      planes->push_back(std::move(p.planes));
    }
  }
  return disparities;
}

cv::Mat EstimateDisparity(Predictor& predictor, const cv::Mat& image,
                          const UpsampleOptions& upsample,
                          PlaneDistributions* planes) {
  std::vector<PlaneDistributions> all;
  cv::Mat disparity =
      EstimateDisparities(predictor, {image}, upsample, &all).front();
  if (planes) *planes = std::move(all.front());
  return disparity;
}

void UpsampleDepthFrame(DepthFrame& frame) {
  if (!frame.pending_upsample) return;
  frame.disparity = UpsampleDisparity(frame.disparity, Guide8(frame.image),
                                      *frame.pending_upsample);
  frame.pending_upsample.reset();
}

SequenceDepthEstimator::SequenceDepthEstimator(
    Predictor& predictor, const SequenceDepthOptions& options)
    : predictor_(predictor),
      options_(AdaptToModel(options, predictor.model_info())),
      stabilizer_(options_.stabilizer) {}

std::vector<DepthFrame> SequenceDepthEstimator::Push(int64_t index,
                                                     const cv::Mat& image) {
  THROW_CHECK(!image.empty());
  pending_.push_back(DepthFrame{index, image, {}, false, {}, std::nullopt});
  // 7-channel models need the frame after the last one of a batch.
  const size_t lookahead = predictor_.config().input_channels == 7 ? 1 : 0;
  const size_t batch = static_cast<size_t>(predictor_.options().batch);
  if (pending_.size() < batch + lookahead) return {};
  return Run(batch, /*last=*/false);
}

std::vector<DepthFrame> SequenceDepthEstimator::Finish() {
  return Run(pending_.size(), /*last=*/true);
}

std::vector<DepthFrame> SequenceDepthEstimator::Run(size_t count, bool last) {
  if (count == 0) return {};
  const bool with_flow = predictor_.config().input_channels == 7;
  std::vector<PredictorInput> inputs(count);
  for (size_t i = 0; i < count; ++i) {
    inputs[i].image = pending_[i].image;
    if (!with_flow) continue;
    inputs[i].previous = i == 0 ? previous_image_ : pending_[i - 1].image;
    const bool has_next = i + 1 < pending_.size();
    inputs[i].next = has_next ? pending_[i + 1].image : cv::Mat();
    if (!has_next) THROW_CHECK(last);
  }
  std::vector<DepthPrediction> predictions = predictor_.PredictBatch(inputs);

  std::vector<DepthFrame> done;
  done.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    DepthFrame frame = std::move(pending_.front());
    pending_.pop_front();
    DepthPrediction& prediction = predictions[i];
    frame.planes = std::move(prediction.planes);
    // Stabilise at network resolution: the flow there is cheap and the
    // upsampling afterwards restores the image's edges.
    const cv::Mat guide = Guide8(frame.image);
    cv::Mat small;
    cv::resize(guide, small, prediction.geometry.content, 0, 0, cv::INTER_AREA);
    if (options_.measure_flicker) raw_flicker_.Add(small, prediction.disparity);
    const cv::Mat stable = stabilizer_.Process(small, prediction.disparity);
    frame.scene_cut = stabilizer_.last_was_scene_cut();
    if (options_.measure_flicker) stabilized_flicker_.Add(small, stable);
    if (options_.defer_upsampling) {
      frame.disparity = stable;
      frame.pending_upsample = options_.upsample;
    } else {
      frame.disparity = UpsampleDisparity(stable, guide, options_.upsample);
    }
    previous_image_ = frame.image;
    done.push_back(std::move(frame));
  }
  return done;
}

}  // namespace parallax
