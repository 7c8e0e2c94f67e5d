// Turning a decoded stereo pair into one training sample (Godard et al. 2017,
// section 4.1): resize or random crop to the training size, horizontal flip
// with left/right swap, and photometric jitter (and optionally a colour
// channel reorder) applied equally to both views.
#pragma once

#include <random>

#include <opencv2/core.hpp>

#include "parallax/data/stereo_dataset.h"

namespace parallax {

enum class ResizeMode {
  kResize,      // the whole frame scaled to the training size (Godard)
  kRandomCrop,  // a random window of the training aspect ratio, at a
                // random scale in [1, max_crop_zoom], scaled to the size
};

struct AugmentOptions {
  bool enabled = true;
  double flip_probability = 0.5;
  double color_probability = 0.5;
  double gamma_min = 0.8, gamma_max = 1.2;
  double brightness_min = 0.5, brightness_max = 2.0;
  double color_min = 0.8, color_max = 1.2;
  ResizeMode resize = ResizeMode::kResize;
  double max_crop_zoom = 1.5;
  // Probability of reordering the colour channels of both views (one of the
  // five non-identity orders, uniformly). Synthetic worlds texture surfaces
  // with photographs whose hues are not spread evenly over depth (foliage
  // backdrops at infinity); a network trained on them learns "green is
  // far". Shuffled channels keep every shape, edge and the sum R + G + B,
  // and leave hue (and the channels' luminance weights) without a depth
  // meaning. 0 = off, and then nothing is drawn for it.
  double channel_shuffle_probability = 0.0;
};

// Training sample: float RGB in [0, 1] (channel order R, G, B unless the
// channel shuffle reordered them), size WxH.
struct TrainingSample {
  cv::Mat left;   // CV_32FC3
  cv::Mat right;  // CV_32FC3
  // Left-view GT disparity as a fraction of the sample width (NaN where
  // unknown), or empty. Dropped when a flip swaps the views.
  cv::Mat gt_disparity;
  bool flipped = false;
};

// `rng` drives every random choice, so one seed gives one sample.
// Equivalent to ApplyAugmentation(pair, size, DrawAugmentParams(...)).
TrainingSample MakeTrainingSample(const StereoPair& pair, cv::Size size,
                                  const AugmentOptions& options,
                                  std::mt19937_64& rng);

// The random choices behind one sample, drawn apart from applying them so
// that the batch loader can give neighbouring video frames (for optic flow)
// the same crop and flip.
struct AugmentParams {
  cv::Rect crop;       // window of the source frame, in source pixels
  bool flip = false;   // mirror both views and swap them
  bool color = false;  // apply the photometric jitter below
  double gamma = 1.0;
  double brightness = 1.0;
  cv::Vec3d color_scale{1.0, 1.0, 1.0};  // R, G, B
  // Output channel c of both views is input channel channel_order[c]
  // (R, G, B = 0, 1, 2); applied after the jitter with ReorderChannels
  // (io/channel_order.h).
  cv::Vec3i channel_order{0, 1, 2};
};
// Draws a fixed number of values from `rng` whatever the options, except
// when augmentation is disabled (then the crop is the whole frame and
// nothing is drawn), plus two more, last, when channel shuffling is on (so
// runs without it draw what they always drew).
AugmentParams DrawAugmentParams(cv::Size source_size, cv::Size size,
                                const AugmentOptions& options,
                                std::mt19937_64& rng);
TrainingSample ApplyAugmentation(const StereoPair& pair, cv::Size size,
                                 const AugmentParams& params);

// The geometric step alone: `crop` of `image` scaled to `size` (area
// averaging when shrinking, bilinear when enlarging), no flip.
cv::Mat CropAndResize(const cv::Mat& image, const cv::Rect& crop,
                      cv::Size size);

}  // namespace parallax
