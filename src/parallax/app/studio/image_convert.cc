#include "parallax/app/studio/image_convert.h"

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax::studio {

QImage ToQImage(const cv::Mat& image) {
  if (image.empty()) return QImage();
  cv::Mat eight = image;
  if (image.depth() == CV_16U) {
    image.convertTo(eight, CV_8U, 1.0 / 257.0);
  } else if (image.depth() != CV_8U) {
    THROW_CHECK_MSG(false, "ToQImage: unsupported depth {}", image.depth());
  }
  if (eight.channels() == 4) cv::cvtColor(eight, eight, cv::COLOR_BGRA2BGR);
  if (eight.channels() == 1) {
    return QImage(eight.data, eight.cols, eight.rows,
                  static_cast<qsizetype>(eight.step), QImage::Format_Grayscale8)
        .copy();
  }
  THROW_CHECK_EQ(eight.channels(), 3);
  return QImage(eight.data, eight.cols, eight.rows,
                static_cast<qsizetype>(eight.step), QImage::Format_BGR888)
      .copy();
}

cv::Mat LimitWidth(const cv::Mat& image, int max_width) {
  if (image.cols <= max_width) return image;
  const double scale = static_cast<double>(max_width) / image.cols;
  cv::Mat small;
  cv::resize(image, small,
             cv::Size(max_width, std::max(1, cvRound(image.rows * scale))), 0,
             0, cv::INTER_AREA);
  return small;
}

}  // namespace parallax::studio
