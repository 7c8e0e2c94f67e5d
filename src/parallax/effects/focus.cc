#include "parallax/effects/focus.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "parallax/util/check.h"

namespace parallax {

void CheckDisparityMap(const cv::Mat& disparity, cv::Size size) {
  if (disparity.empty() || disparity.type() != CV_32FC1) {
    ThrowError("depth map must be a one-channel float map");
  }
  if (disparity.size() != size) {
    ThrowError("depth map is {}x{} but the image {}x{}", disparity.cols,
               disparity.rows, size.width, size.height);
  }
  if (!cv::checkRange(disparity)) {
    ThrowError("depth map has NaN or infinite values");
  }
}

float FocusDisparityAt(const cv::Mat& disparity, cv::Point point, int radius) {
  if (disparity.empty() || disparity.type() != CV_32FC1) {
    ThrowError("focus: the depth map must be a one-channel float map");
  }
  if (!cv::Rect(0, 0, disparity.cols, disparity.rows).contains(point)) {
    ThrowError("focus point {},{} is outside the {}x{} image", point.x, point.y,
               disparity.cols, disparity.rows);
  }
  if (radius <= 0) {
    radius = std::max(4, std::max(disparity.cols, disparity.rows) / 100);
  }
  const cv::Rect window = cv::Rect(point.x - radius, point.y - radius,
                                   2 * radius + 1, 2 * radius + 1) &
                          cv::Rect(0, 0, disparity.cols, disparity.rows);
  std::vector<float> values;
  for (int y = window.y; y < window.br().y; ++y) {
    for (int x = window.x; x < window.br().x; ++x) {
      const float v = disparity.at<float>(y, x);
      if (std::isfinite(v)) values.push_back(v);
    }
  }
  const float clicked = disparity.at<float>(point);
  if (!std::isfinite(clicked) || values.empty()) {
    ThrowError("focus point {},{} has no valid depth", point.x, point.y);
  }
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) {
    return values[static_cast<size_t>(q * (values.size() - 1) + 0.5)];
  };
  double map_low = 0, map_high = 0;
  cv::minMaxLoc(disparity, &map_low, &map_high);
  const float lo = at(0.1), hi = at(0.9);
  // One surface: its median. A depth edge in the window (a step, or a
  // network's ramp): the plateau on the clicked side, not the mix.
  if (hi - lo <= 0.08 * (map_high - map_low)) return at(0.5);
  const float middle = 0.5f * (lo + hi);
  const auto split = std::lower_bound(values.begin(), values.end(), middle);
  if (clicked >= middle) {
    return *(split +
             static_cast<ptrdiff_t>(0.75 * (values.end() - split - 1) + 0.5));
  }
  return *(values.begin() +
           static_cast<ptrdiff_t>(0.25 * (split - values.begin() - 1) + 0.5));
}

void BlurModel::Check() const {
  if (!(max_blur >= 0 && max_blur <= 500)) {
    ThrowError("--max-blur must be in 0..500 pixels, got {}", max_blur);
  }
  if (f_number < 0 || !std::isfinite(f_number)) {
    ThrowError("--aperture must be a positive f-number, got {}", f_number);
  }
  if (f_number > 0) {
    if (!(focal_length_mm > 0 && focal_length_mm < 5000)) {
      ThrowError("--focal-length must be in mm, got {}", focal_length_mm);
    }
    if (!(focus_distance_m * 1000 > focal_length_mm)) {
      ThrowError("--focus-distance {} m is inside the focal length",
                 focus_distance_m);
    }
    if (!(sensor_width_mm > 0)) ThrowError("--sensor-width must be > 0");
  }
  if (!(depth_of_field >= 0 && depth_of_field <= 1)) {
    ThrowError("--depth-of-field must be in 0..1 (of the depth range), got {}",
               depth_of_field);
  }
  if (!(near_scale >= 0 && far_scale >= 0 && std::isfinite(near_scale) &&
        std::isfinite(far_scale))) {
    ThrowError("--near-blur-scale and --far-blur-scale must be >= 0");
  }
}

cv::Mat SignedBlurRadius(const cv::Mat& disparity, float focus_disparity,
                         const BlurModel& model) {
  model.Check();
  CheckDisparityMap(disparity, disparity.size());
  if (!std::isfinite(focus_disparity)) ThrowError("focus depth is not finite");
  double low = 0, high = 0;
  cv::minMaxLoc(disparity, &low, &high);
  const double band = model.depth_of_field * (high - low);
  // Pixels of radius per unit of |d - focus| beyond the band.
  double gain = 0;
  if (model.f_number > 0) {
    if (!(focus_disparity > 0)) {
      ThrowError(
          "--aperture needs a focus in front of infinity (disparity > 0); "
          "use --max-blur for signed or zero disparity");
    }
    // Thin lens: blur circle diameter on the sensor
    //   c = f^2 / (N (z_f - f)) * |1 - z_f / z|, and z_f / z = d / d_f.
    const double f = model.focal_length_mm;
    const double diameter_mm =
        f * f / (model.f_number * (model.focus_distance_m * 1000 - f));
    const double width_px = disparity.cols;
    gain =
        0.5 * diameter_mm / model.sensor_width_mm * width_px / focus_disparity;
  } else {
    const double reach =
        std::max(high - focus_disparity, focus_disparity - low) - band;
    gain = reach > 0 ? model.max_blur / reach : 0;
  }
  cv::Mat radius(disparity.size(), CV_32F);
  const float near_gain = static_cast<float>(gain * model.near_scale);
  const float far_gain = static_cast<float>(gain * model.far_scale);
  const float half_band = static_cast<float>(band);
  cv::parallel_for_(cv::Range(0, disparity.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const float* d = disparity.ptr<float>(y);
      float* r = radius.ptr<float>(y);
      for (int x = 0; x < disparity.cols; ++x) {
        const float delta = d[x] - focus_disparity;
        if (delta > half_band) {
          r[x] = near_gain * (delta - half_band);
        } else if (delta < -half_band) {
          r[x] = far_gain * (delta + half_band);
        } else {
          r[x] = 0;
        }
      }
    }
  });
  return radius;
}

}  // namespace parallax
