// Shared by the studio's tests: isolated settings, constructed scenes with
// known depth, and a sharpness measure.
#pragma once

#include <QString>
#include <opencv2/core.hpp>

namespace parallax::studio::testing {

// QSettings in a fresh temporary folder (INI), so that tests neither read
// nor change the user's settings; sets the organisation and app names.
void IsolateSettings();

// A temporary folder that lives until the process exits.
QString TempDir();

// Random blocky texture (8-bit BGR), rich in edges so that blur shows.
cv::Mat TexturedImage(cv::Size size, uint64_t seed = 7);

// Two fronto-parallel planes: the left half at `near_value`, the right half
// at `far_value` (CV_32F disparity, larger = nearer).
cv::Mat TwoPlaneDisparity(cv::Size size, float near_value = 20,
                          float far_value = 2);

// Variance of the Laplacian of the gray image inside `roi`: high when
// sharp, low when blurred.
double Sharpness(const cv::Mat& bgr, cv::Rect roi);

}  // namespace parallax::studio::testing
