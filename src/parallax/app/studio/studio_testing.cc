#include "parallax/app/studio/studio_testing.h"

#include <QCoreApplication>
#include <QSettings>
#include <QTemporaryDir>
#include <opencv2/imgproc.hpp>

namespace parallax::studio::testing {

QString TempDir() {
  static QTemporaryDir dir;
  return dir.path();
}

void IsolateSettings() {
  QCoreApplication::setOrganizationName(QStringLiteral("ParallaxTest"));
  QCoreApplication::setApplicationName(QStringLiteral("StudioTest"));
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                     TempDir() + QStringLiteral("/settings"));
}

cv::Mat TexturedImage(cv::Size size, uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat small(size.height / 4 + 1, size.width / 4 + 1, CV_8UC3);
  rng.fill(small, cv::RNG::UNIFORM, 0, 256);
  cv::Mat image;
  cv::resize(small, image, cv::Size(small.cols * 4, small.rows * 4), 0, 0,
             cv::INTER_NEAREST);
  return image(cv::Rect(0, 0, size.width, size.height)).clone();
}

cv::Mat TwoPlaneDisparity(cv::Size size, float near_value, float far_value) {
  cv::Mat disparity(size, CV_32F, cv::Scalar(far_value));
  disparity(cv::Rect(0, 0, size.width / 2, size.height)).setTo(near_value);
  return disparity;
}

double Sharpness(const cv::Mat& bgr, cv::Rect roi) {
  cv::Mat gray, laplacian;
  cv::cvtColor(bgr(roi), gray, cv::COLOR_BGR2GRAY);
  cv::Laplacian(gray, laplacian, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(laplacian, mean, stddev);
  return stddev[0] * stddev[0];
}

}  // namespace parallax::studio::testing
