#include "parallax/stereo/stereo_quality.h"

#include <cmath>
#include <limits>

#include <opencv2/imgproc.hpp>
#include <opencv2/quality/qualityssim.hpp>

#include "parallax/stereo/view_synthesis.h"
#include "parallax/util/check.h"

namespace parallax {

ViewQuality CompareViews(const cv::Mat& a, const cv::Mat& b,
                         const cv::Mat& mask) {
  THROW_CHECK(a.size() == b.size() && a.type() == b.type());
  THROW_CHECK(mask.size() == a.size() && mask.type() == CV_8UC1);
  ViewQuality quality;
  if (cv::countNonZero(mask) == 0) return quality;
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  diff.convertTo(diff, CV_32F);
  diff = diff.mul(diff);
  const cv::Scalar per_channel = cv::mean(diff, mask);
  double mse = 0;
  for (int c = 0; c < a.channels(); ++c) mse += per_channel[c];
  mse /= a.channels();
  quality.psnr = mse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
  // SSIM map (Gaussian 11x11 window, the usual constants) on luma.
  cv::Mat gray_a = a, gray_b = b;
  if (a.channels() == 3) {
    cv::cvtColor(a, gray_a, cv::COLOR_BGR2GRAY);
    cv::cvtColor(b, gray_b, cv::COLOR_BGR2GRAY);
  }
  cv::Mat map;
  cv::quality::QualitySSIM::compute(gray_a, gray_b, map);
  quality.ssim = cv::mean(map, mask)[0];
  return quality;
}

cv::Mat FillUnknownDisparity(const cv::Mat& disparity) {
  THROW_CHECK(disparity.type() == CV_32FC1);
  cv::Mat filled = disparity.clone();
  for (int y = 0; y < filled.rows; ++y) {
    float* row = filled.ptr<float>(y);
    int x = 0;
    while (x < filled.cols) {
      if (std::isfinite(row[x])) {
        ++x;
        continue;
      }
      const int a = x;
      while (x < filled.cols && !std::isfinite(row[x])) ++x;
      const float left = a > 0 ? row[a - 1] : INFINITY;
      const float right = x < filled.cols ? row[x] : INFINITY;
      float value = std::min(left, right);
      if (!std::isfinite(value)) value = 0;  // a row with no known pixel
      std::fill(row + a, row + x, value);
    }
  }
  return filled;
}

cv::Mat InteriorHoles(const cv::Mat& holes) {
  THROW_CHECK(holes.type() == CV_8UC1);
  cv::Mat interior = holes.clone();
  for (int y = 0; y < interior.rows; ++y) {
    uint8_t* row = interior.ptr<uint8_t>(y);
    for (int x = 0; x < interior.cols && row[x]; ++x) row[x] = 0;
    for (int x = interior.cols - 1; x >= 0 && row[x]; --x) row[x] = 0;
  }
  return interior;
}

ViewQualityScene ScoreRightViewSynthesis(const std::string& name,
                                         const cv::Mat& left,
                                         const cv::Mat& right,
                                         const cv::Mat& gt_disparity) {
  const cv::Mat disparity = FillUnknownDisparity(gt_disparity);
  ViewQualityScene scene;
  scene.name = name;
  const SynthesizedView view = SynthesizeView(left, disparity, 1.0f);
  scene.parallax_view = view.image;
  scene.holes = InteriorHoles(view.holes);
  scene.naive_view = NaiveBackwardWarp(left, disparity, 1.0f);
  scene.disoccluded_pixels = cv::countNonZero(scene.holes);
  const cv::Mat all(left.size(), CV_8U, cv::Scalar(255));
  scene.parallax_all = CompareViews(view.image, right, all);
  scene.naive_all = CompareViews(scene.naive_view, right, all);
  scene.parallax_disoccluded = CompareViews(view.image, right, scene.holes);
  scene.naive_disoccluded = CompareViews(scene.naive_view, right, scene.holes);
  return scene;
}

ViewQualityScene MeanScores(const std::vector<ViewQualityScene>& scenes) {
  ViewQualityScene mean;
  mean.name = "mean";
  if (scenes.empty()) return mean;
  const auto add = [&](ViewQuality& sum, const ViewQuality& value) {
    sum.psnr += value.psnr / scenes.size();
    sum.ssim += value.ssim / scenes.size();
  };
  for (const ViewQualityScene& s : scenes) {
    mean.disoccluded_pixels += s.disoccluded_pixels / int(scenes.size());
    add(mean.parallax_all, s.parallax_all);
    add(mean.parallax_disoccluded, s.parallax_disoccluded);
    add(mean.naive_all, s.naive_all);
    add(mean.naive_disoccluded, s.naive_disoccluded);
  }
  return mean;
}

}  // namespace parallax
