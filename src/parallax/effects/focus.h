// Where the focal plane is, and how much each pixel is blurred by its
// distance in depth from it.
#pragma once

#include <optional>

#include <opencv2/core.hpp>

namespace parallax {

// The disparity under a clicked pixel, robust to a click on a depth edge:
// when a small window around the point spans more than 8 % of the map's
// range, its values are split into a near and a far group and the plateau
// of the clicked pixel's group is returned (a step's exact side, a soft
// edge's end); otherwise the window's median. `radius` 0 = about 1 % of the
// image's larger side (at least 4 px). Throws
// parallax::Error when the point is outside the map or the map is bad.
float FocusDisparityAt(const cv::Mat& disparity, cv::Point point,
                       int radius = 0);

// How blur grows with depth distance from the focal plane.
struct BlurModel {
  // The largest blur radius in pixels, reached by the pixel farthest in
  // disparity from the focus (the whole map's largest |d - focus|).
  double max_blur = 12;
  // Thin lens instead, when f_number > 0: radius from the f-number, the
  // focal length and the focus distance, treating disparity as inverse
  // depth (d = k / z). Sensor width in mm of the same camera (36 = full
  // frame), so focal lengths are the usual 35 mm equivalents.
  double f_number = 0;
  double focal_length_mm = 50;
  double focus_distance_m = 2;
  double sensor_width_mm = 36;
  // A band around the focus kept sharp: |d - focus| below this fraction of
  // the map's disparity range is in focus; blur grows beyond it.
  double depth_of_field = 0;
  // Factors on the blur in front of the focus (nearer) and behind it.
  double near_scale = 1, far_scale = 1;

  void Check() const;
};

// Signed blur radius in pixels per pixel (CV_32F): positive in front of the
// focal plane (nearer), negative behind it, 0 within the depth of field.
// `disparity` CV_32F, larger = nearer, finite.
cv::Mat SignedBlurRadius(const cv::Mat& disparity, float focus_disparity,
                         const BlurModel& model);

// Throws parallax::Error when `disparity` is not a finite CV_32FC1 map of
// `size` (what the depth-given commands check first).
void CheckDisparityMap(const cv::Mat& disparity, cv::Size size);

}  // namespace parallax
