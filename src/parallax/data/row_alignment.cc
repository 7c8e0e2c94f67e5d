#include "parallax/data/row_alignment.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

struct Match {
  cv::Point2d left, right;
};

// Vertical model of the right view: y_left = p x + q y + ty.
struct RowModel {
  double p = 0, q = 1, ty = 0;
  double Residual(const Match& m) const {
    return m.left.y - (p * m.right.x + q * m.right.y + ty);
  }
};

cv::Mat Gray(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat gray;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

// Distinctive (ratio test) and mutual nearest-neighbour SIFT matches.
std::vector<Match> MatchFeatures(const cv::Mat& left, const cv::Mat& right,
                                 const RowAlignmentOptions& options) {
  cv::Ptr<cv::SIFT> sift = cv::SIFT::create(options.max_features);
  std::vector<cv::KeyPoint> keys_left, keys_right;
  cv::Mat desc_left, desc_right;
  sift->detectAndCompute(Gray(left), cv::noArray(), keys_left, desc_left);
  sift->detectAndCompute(Gray(right), cv::noArray(), keys_right, desc_right);
  std::vector<Match> matches;
  if (keys_left.size() < 2 || keys_right.size() < 2) return matches;
  cv::BFMatcher matcher(cv::NORM_L2);
  std::vector<std::vector<cv::DMatch>> forward;
  std::vector<cv::DMatch> backward;
  matcher.knnMatch(desc_left, desc_right, forward, 2);
  matcher.match(desc_right, desc_left, backward);
  for (const auto& pair : forward) {
    if (pair.size() < 2) continue;
    const cv::DMatch& best = pair[0];
    if (best.distance > options.ratio_test * pair[1].distance) continue;
    if (backward[best.trainIdx].trainIdx != best.queryIdx) continue;
    matches.push_back({cv::Point2d(keys_left[best.queryIdx].pt),
                       cv::Point2d(keys_right[best.trainIdx].pt)});
  }
  return matches;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto middle = values.begin() + values.size() / 2;
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

double Percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  const auto index = static_cast<size_t>(
      std::clamp(fraction, 0.0, 1.0) * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + index, values.end());
  return values[index];
}

// Least squares over `matches` (at least 3); false when degenerate.
bool FitRowModel(const std::vector<const Match*>& matches, RowModel* model) {
  cv::Mat a(static_cast<int>(matches.size()), 3, CV_64F);
  cv::Mat b(a.rows, 1, CV_64F);
  for (int i = 0; i < a.rows; ++i) {
    a.at<double>(i, 0) = matches[i]->right.x;
    a.at<double>(i, 1) = matches[i]->right.y;
    a.at<double>(i, 2) = 1;
    b.at<double>(i) = matches[i]->left.y;
  }
  cv::Mat x;
  if (!cv::solve(a, b, x, cv::DECOMP_SVD)) return false;
  model->p = x.at<double>(0);
  model->q = x.at<double>(1);
  model->ty = x.at<double>(2);
  // A camera pair is turned and scaled by a little, never by 10 %.
  return std::abs(model->p) < 0.1 && std::abs(model->q - 1) < 0.1;
}

size_t CountInliers(const std::vector<Match>& matches, const RowModel& model,
                    double threshold) {
  size_t count = 0;
  for (const Match& m : matches) {
    count += std::abs(model.Residual(m)) < threshold;
  }
  return count;
}

std::vector<const Match*> Inliers(const std::vector<Match>& matches,
                                  const RowModel& model, double threshold) {
  std::vector<const Match*> inliers;
  for (const Match& m : matches) {
    if (std::abs(model.Residual(m)) < threshold) inliers.push_back(&m);
  }
  return inliers;
}

RowModel FitRobustly(const std::vector<Match>& matches,
                     const RowAlignmentOptions& options) {
  std::mt19937 random(0);  // fixed: the same images give the same result
  std::uniform_int_distribution<size_t> pick(0, matches.size() - 1);
  RowModel best;
  size_t best_count = 0;
  for (int iteration = 0; iteration < 1000; ++iteration) {
    const size_t i = pick(random), j = pick(random), k = pick(random);
    if (i == j || j == k || i == k) continue;
    RowModel model;
    if (!FitRowModel({&matches[i], &matches[j], &matches[k]}, &model)) {
      continue;
    }
    const size_t count =
        CountInliers(matches, model, options.inlier_threshold_px);
    if (count > best_count) {
      best_count = count;
      best = model;
    }
  }
  // Refit on the inliers; their set settles within a few rounds.
  for (int round = 0; round < 3; ++round) {
    const auto inliers = Inliers(matches, best, options.inlier_threshold_px);
    RowModel refit;
    if (inliers.size() < 3 || !FitRowModel(inliers, &refit)) break;
    best = refit;
  }
  return best;
}

// The largest axis-aligned box of left-view pixels that the warped right
// view covers, one pixel in from its edges (interpolation needs neighbours).
cv::Rect CoveredBox(const cv::Matx23d& m, cv::Size size) {
  const auto map = [&](double x, double y) {
    return cv::Point2d(m(0, 0) * x + m(0, 1) * y + m(0, 2),
                       m(1, 0) * x + m(1, 1) * y + m(1, 2));
  };
  const double w = size.width - 1, h = size.height - 1;
  const cv::Point2d tl = map(0, 0), tr = map(w, 0), bl = map(0, h),
                    br = map(w, h);
  const int x0 = static_cast<int>(std::ceil(std::max({tl.x, bl.x, 0.0}))) + 1;
  const int x1 = static_cast<int>(std::floor(std::min({tr.x, br.x, w}))) - 1;
  const int y0 = static_cast<int>(std::ceil(std::max({tl.y, tr.y, 0.0}))) + 1;
  const int y1 = static_cast<int>(std::floor(std::min({bl.y, br.y, h}))) - 1;
  if (x1 < x0 || y1 < y0) return {};
  return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

}  // namespace

RowAlignment EstimateRowAlignment(const cv::Mat& left, const cv::Mat& right,
                                  const RowAlignmentOptions& options) {
  if (left.empty() || right.empty()) ThrowError("row alignment: empty view");
  if (left.size() != right.size()) {
    ThrowError("row alignment: the views differ in size ({}x{} and {}x{})",
               left.cols, left.rows, right.cols, right.rows);
  }
  std::vector<Match> matches = MatchFeatures(left, right, options);
  // Drop matches whose horizontal offset is far from the others': a real
  // pair's disparities span a fraction of the width.
  std::vector<double> offsets;
  for (const Match& m : matches) offsets.push_back(m.left.x - m.right.x);
  const double median_offset = Median(offsets);
  std::erase_if(matches, [&](const Match& m) {
    return std::abs(m.left.x - m.right.x - median_offset) >
           options.max_disparity_spread * left.cols;
  });
  RowAlignment result;
  result.matches = static_cast<int>(matches.size());
  if (result.matches < options.min_inliers) {
    ThrowError(
        "row alignment: only {} distinctive feature matches between the "
        "views (need {}): are they two views of one textured scene?",
        result.matches, options.min_inliers);
  }
  const RowModel model = FitRobustly(matches, options);
  const auto inliers = Inliers(matches, model, options.inlier_threshold_px);
  result.inliers = static_cast<int>(inliers.size());
  if (result.inliers < options.min_inliers) {
    ThrowError(
        "row alignment: only {} of {} feature matches agree on one row "
        "alignment (need {}): the views may not be a stereo pair",
        result.inliers, result.matches, options.min_inliers);
  }

  // Horizontal part of the similarity: x' = q x - p y + tx.
  std::vector<double> raw;  // x_left - (q x_right - p y_right)
  std::vector<double> before, after;
  for (const Match* m : inliers) {
    raw.push_back(m->left.x - (model.q * m->right.x - model.p * m->right.y));
    before.push_back(std::abs(m->left.y - m->right.y));
    after.push_back(std::abs(model.Residual(*m)));
  }
  double tx = 0;
  if (options.horizontal == HorizontalShift::kFarAtZero) {
    tx = Percentile(raw, options.far_percentile);
  } else {
    // Turn and scale about the image centre, which keeps its column.
    const double cx = (left.cols - 1) / 2.0, cy = (left.rows - 1) / 2.0;
    tx = cx - (model.q * cx - model.p * cy);
  }
  result.right_to_left =
      cv::Matx23d(model.q, -model.p, tx, model.p, model.q, model.ty);
  result.rotation_deg = std::atan2(model.p, model.q) * 180.0 / std::numbers::pi;
  result.scale = std::hypot(model.p, model.q);
  result.vertical_error_before_px = Median(before);
  result.vertical_error_after_px = Median(after);
  for (double& d : raw) d -= tx;
  result.disparity_low_px = Percentile(raw, 0.01);
  result.disparity_high_px = Percentile(raw, 0.99);

  result.crop = CoveredBox(result.right_to_left, left.size());
  if (result.crop.width < options.min_kept_fraction * left.cols ||
      result.crop.height < options.min_kept_fraction * left.rows) {
    ThrowError(
        "row alignment: the aligned views overlap on only {}x{} of {}x{} "
        "pixels",
        result.crop.width, result.crop.height, left.cols, left.rows);
  }
  return result;
}

AlignedPair ApplyRowAlignment(const cv::Mat& left, const cv::Mat& right,
                              const RowAlignment& alignment) {
  cv::Mat warped;
  // Cubic keeps the right view about as sharp as the untouched left one,
  // which the photometric losses compare it with.
  cv::warpAffine(right, warped, cv::Mat(alignment.right_to_left), left.size(),
                 cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  return {left(alignment.crop).clone(), warped(alignment.crop).clone()};
}

std::string DescribeRowAlignment(const RowAlignment& a) {
  return fmt::format(
      "{} of {} matches, row error {:.2f} -> {:.2f} px, turn {:.3f} deg, "
      "scale {:.4f}, shift {:.1f}, {:.1f} px, disparity {:.1f} to {:.1f} "
      "px, kept {}x{}",
      a.inliers, a.matches, a.vertical_error_before_px,
      a.vertical_error_after_px, a.rotation_deg, a.scale, a.right_to_left(0, 2),
      a.right_to_left(1, 2), a.disparity_low_px, a.disparity_high_px,
      a.crop.width, a.crop.height);
}

}  // namespace parallax
