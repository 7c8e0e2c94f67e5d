#include "parallax/data/augment.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "parallax/io/channel_order.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

// A double in [0, 1) from the top 53 bits: unlike the std distributions,
// the same on every standard library, so a seed means the same sample
// everywhere.
double Uniform(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

double Uniform(std::mt19937_64& rng, double low, double high) {
  return low + (high - low) * Uniform(rng);
}

// 8-bit BGR -> float RGB in [0, 1].
cv::Mat ToFloatRgb(const cv::Mat& bgr) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  rgb.convertTo(rgb, CV_32F, 1.0 / 255.0);
  return rgb;
}

// Godard et al. 2017: x^gamma * brightness * colour, clamped to [0, 1].
void Jitter(cv::Mat& rgb, const AugmentParams& params) {
  if (params.gamma != 1.0) cv::pow(rgb, params.gamma, rgb);
  const cv::Vec3d& c = params.color_scale;
  const double b = params.brightness;
  cv::multiply(rgb, cv::Scalar(b * c[0], b * c[1], b * c[2]), rgb);
  cv::min(rgb, 1.0, rgb);
  cv::max(rgb, 0.0, rgb);
}

}  // namespace

cv::Mat CropAndResize(const cv::Mat& image, const cv::Rect& crop,
                      cv::Size size) {
  THROW_CHECK_MSG((crop & cv::Rect(0, 0, image.cols, image.rows)) == crop,
                  "crop {}x{}+{}+{} outside {}x{}", crop.width, crop.height,
                  crop.x, crop.y, image.cols, image.rows);
  const cv::Mat window = image(crop);
  if (window.size() == size) return window.clone();
  // Area averaging avoids aliasing when shrinking; it degenerates to
  // nearest-neighbour when enlarging, where bilinear is the better choice.
  const bool shrinking = crop.width >= size.width && crop.height >= size.height;
  cv::Mat resized;
  cv::resize(window, resized, size, 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return resized;
}

AugmentParams DrawAugmentParams(cv::Size source_size, cv::Size size,
                                const AugmentOptions& options,
                                std::mt19937_64& rng) {
  THROW_CHECK(source_size.width > 0 && source_size.height > 0);
  THROW_CHECK(size.width > 0 && size.height > 0);
  AugmentParams params;
  params.crop = cv::Rect(cv::Point(0, 0), source_size);
  if (!options.enabled) return params;
  // Every value is drawn whatever the options, so that changing one option
  // does not reshuffle the others.
  const double zoom_u = Uniform(rng), x_u = Uniform(rng), y_u = Uniform(rng);
  params.flip = Uniform(rng) < options.flip_probability;
  params.color = Uniform(rng) < options.color_probability;
  const double gamma = Uniform(rng, options.gamma_min, options.gamma_max);
  const double brightness =
      Uniform(rng, options.brightness_min, options.brightness_max);
  cv::Vec3d color_scale;
  for (int c = 0; c < 3; ++c) {
    color_scale[c] = Uniform(rng, options.color_min, options.color_max);
  }
  if (params.color) {
    params.gamma = gamma;
    params.brightness = brightness;
    params.color_scale = color_scale;
  }
  if (options.resize == ResizeMode::kRandomCrop) {
    // The largest window of the training aspect ratio, shrunk by the zoom.
    const double aspect = double(size.width) / size.height;
    double width = source_size.width, height = source_size.height;
    if (width / height > aspect) {
      width = height * aspect;
    } else {
      height = width / aspect;
    }
    const double zoom = 1.0 + zoom_u * std::max(0.0, options.max_crop_zoom - 1);
    const int crop_width =
        std::clamp(int(std::lround(width / zoom)), 1, source_size.width);
    const int crop_height =
        std::clamp(int(std::lround(height / zoom)), 1, source_size.height);
    const int x = std::min(source_size.width - crop_width,
                           int(x_u * (source_size.width - crop_width + 1)));
    const int y = std::min(source_size.height - crop_height,
                           int(y_u * (source_size.height - crop_height + 1)));
    params.crop = cv::Rect(x, y, crop_width, crop_height);
  }
  if (options.channel_shuffle_probability > 0) {
    const bool shuffle = Uniform(rng) < options.channel_shuffle_probability;
    const int pick = std::min(4, static_cast<int>(Uniform(rng) * 5));
    if (shuffle) {
      static constexpr int kOrders[5][3] = {
          {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
      params.channel_order = {kOrders[pick][0], kOrders[pick][1],
                              kOrders[pick][2]};
    }
  }
  return params;
}

TrainingSample ApplyAugmentation(const StereoPair& pair, cv::Size size,
                                 const AugmentParams& params) {
  THROW_CHECK(!pair.left.empty() && pair.left.size() == pair.right.size());
  TrainingSample sample;
  sample.left = ToFloatRgb(CropAndResize(pair.left, params.crop, size));
  sample.right = ToFloatRgb(CropAndResize(pair.right, params.crop, size));
  if (params.flip) {
    // Mirrored, the right view becomes a left view (and vice versa) with
    // the same disparities. The left GT belongs to the old left view; the
    // right view's GT, mirrored, is the new left view's.
    cv::Mat mirrored_left, mirrored_right;
    cv::flip(sample.right, mirrored_left, 1);
    cv::flip(sample.left, mirrored_right, 1);
    sample.left = mirrored_left;
    sample.right = mirrored_right;
    sample.flipped = true;
    if (!pair.gt_disparity_right.empty()) {
      THROW_CHECK(pair.gt_disparity_right.size() == pair.left.size());
      cv::Mat mirrored_crop;
      cv::flip(pair.gt_disparity_right(params.crop), mirrored_crop, 1);
      cv::resize(mirrored_crop, sample.gt_disparity, size, 0, 0,
                 cv::INTER_NEAREST);
      sample.gt_disparity /= double(params.crop.width);
    }
  } else if (!pair.gt_disparity.empty()) {
    THROW_CHECK(pair.gt_disparity.size() == pair.left.size());
    // Nearest neighbour: averaging would mix depths across object edges
    // and spread NaN. Pixels of the source become a fraction of the width.
    cv::resize(pair.gt_disparity(params.crop), sample.gt_disparity, size, 0, 0,
               cv::INTER_NEAREST);
    sample.gt_disparity /= double(params.crop.width);
  }
  if (params.color) {
    Jitter(sample.left, params);
    Jitter(sample.right, params);
  }
  if (params.channel_order != cv::Vec3i(0, 1, 2)) {
    // The samples are RGB, so storage order is colour order.
    sample.left = ReorderChannels(sample.left, params.channel_order);
    sample.right = ReorderChannels(sample.right, params.channel_order);
  }
  return sample;
}

TrainingSample MakeTrainingSample(const StereoPair& pair, cv::Size size,
                                  const AugmentOptions& options,
                                  std::mt19937_64& rng) {
  return ApplyAugmentation(
      pair, size, DrawAugmentParams(pair.left.size(), size, options, rng));
}

}  // namespace parallax
