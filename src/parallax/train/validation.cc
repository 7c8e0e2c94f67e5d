#include "parallax/train/validation.h"

#include <torch/torch.h>
#include <opencv2/imgproc.hpp>

#include "parallax/data/augment.h"
#include "parallax/data/optic_flow.h"
#include "parallax/loss/terms.h"
#include "parallax/train/tensor_conversion.h"

namespace parallax {
namespace {

cv::Mat ResizedBgr(const cv::Mat& image, cv::Size size) {
  cv::Mat out;
  cv::resize(image, out, size, 0, 0, cv::INTER_AREA);
  return out;
}

// Flow channels for a 7-channel model: to the previous and next left frame
// of the same sequence (zero at sequence ends and for lone pairs).
torch::Tensor FlowInput(const StereoDataset& dataset, size_t index,
                        const cv::Mat& left, cv::Size size, FlowMethod flow) {
  const StereoPairSource& source = dataset.pairs[index];
  auto neighbour = [&](int delta) {
    const int frame = source.frame + delta;
    if (frame < 0 || frame >= source.sequence_length) return left;
    return ResizedBgr(LoadStereoPair(dataset.pairs[index + delta]).left, size);
  };
  cv::Mat to_previous = ComputeOpticFlow(left, neighbour(-1), flow);
  cv::Mat to_next = ComputeOpticFlow(left, neighbour(+1), flow);
  NormalizeFlowMagnitude(to_previous);
  NormalizeFlowMagnitude(to_next);
  return torch::cat({MatToTensor(to_previous), MatToTensor(to_next)}, 1);
}

}  // namespace

Validator::Validator(const StereoDataset& dataset, const ModelConfig& config,
                     FlowMethod flow) {
  const cv::Size size(config.train_width, config.train_height);
  AugmentOptions plain;
  plain.enabled = false;
  std::mt19937_64 unused_rng(0);
  for (size_t i = 0; i < dataset.pairs.size(); ++i) {
    const StereoPair pair = LoadStereoPair(dataset.pairs[i]);
    const TrainingSample sample =
        MakeTrainingSample(pair, size, plain, unused_rng);
    torch::Tensor left = MatToTensor(sample.left);
    torch::Tensor input = left;
    if (config.input_channels == 7) {
      const torch::Tensor flows =
          FlowInput(dataset, i, ResizedBgr(pair.left, size), size, flow);
      input =
          torch::cat({flows.narrow(1, 0, 2), left, flows.narrow(1, 2, 2)}, 1);
    }
    inputs_.push_back(input);
    lefts_.push_back(left);
    rights_.push_back(MatToTensor(sample.right));
    gts_.push_back(sample.gt_disparity.empty()
                       ? torch::Tensor()
                       : MatToTensor(sample.gt_disparity));
  }
}

std::map<std::string, double> Validator::Run(DepthNet& net,
                                             torch::Device device,
                                             const LossWeights& weights) const {
  torch::NoGradGuard no_grad;
  const bool was_training = net->is_training();
  net->eval();
  LossWeights full_scale = weights;  // photometric error at full size only
  full_scale.num_scales = 1;
  double photometric = 0, abs_error = 0, bad3 = 0, gt_pixels = 0;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const DisparityPyramid prediction = net->forward(inputs_[i].to(device));
    const torch::Tensor left = lefts_[i].to(device);
    const torch::Tensor right = rights_[i].to(device);
    const StereoLoss loss = ComputeStereoLoss(prediction, left, right, {},
                                              net->planes(), full_scale);
    photometric += loss.terms.at("appearance");
    if (gts_[i].defined()) {
      const double width = static_cast<double>(left.size(3));
      const torch::Tensor gt = gts_[i].to(device);
      const torch::Tensor valid = torch::isfinite(gt);
      const torch::Tensor error =
          (prediction.left[0] - torch::nan_to_num(gt)).abs() * width;
      abs_error += torch::where(valid, error, torch::zeros_like(error))
                       .sum()
                       .item<double>();
      bad3 += ((error > 3) & valid).sum().item<double>();
      gt_pixels += valid.sum().item<double>();
    }
  }
  if (was_training) net->train();
  std::map<std::string, double> result;
  result["photometric"] = photometric / std::max<size_t>(1, inputs_.size());
  if (gt_pixels > 0) {
    result["epe_px"] = abs_error / gt_pixels;
    result["bad3_percent"] = 100 * bad3 / gt_pixels;
  }
  return result;
}

}  // namespace parallax
