#include "parallax/data/film/film_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

constexpr int kScoreWidth = 192;
constexpr int kBlock = 16;
constexpr double kMaxShift = 0.12;  // of the width, each way
// Below this standard deviation (gray levels, band-passed) a block has no
// detail to match.
constexpr double kMinBlockStd = 2.0;
constexpr int kMinBlocks = 6;

// The view in gray at kScoreWidth pixels wide, band-passed.
cv::Mat SmallGray(const cv::Mat& view) {
  cv::Mat gray;
  if (view.channels() == 3) {
    cv::cvtColor(view, gray, cv::COLOR_BGR2GRAY);
  } else {
    gray = view;
  }
  const int height = std::max(
      kBlock, static_cast<int>(std::lround(static_cast<double>(view.rows) *
                                           kScoreWidth / view.cols)));
  cv::Mat small;
  cv::resize(gray, small, {kScoreWidth, height}, 0, 0, cv::INTER_AREA);
  small.convertTo(small, CV_32F);
  // Band-pass: a smooth patch (a gradient, a blurred background) correlates
  // well with any other smooth patch, so only detail is compared.
  cv::Mat fine, coarse;
  cv::GaussianBlur(small, fine, {0, 0}, 1.0);
  cv::GaussianBlur(small, coarse, {0, 0}, 4.0);
  return fine - coarse;
}

double Median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto middle = values.begin() + static_cast<long>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

// Median best correlation of a's textured blocks within b (see
// ScoreFilmLayouts).
double MatchScore(const cv::Mat& a_view, const cv::Mat& b_view) {
  const cv::Mat a = SmallGray(a_view), b = SmallGray(b_view);
  const int shift = static_cast<int>(std::lround(kMaxShift * a.cols));
  std::vector<double> best;
  cv::Mat correlation;
  for (int y = 0; y + kBlock <= a.rows; y += kBlock) {
    for (int x = 0; x + kBlock <= a.cols; x += kBlock) {
      const cv::Mat block = a(cv::Rect(x, y, kBlock, kBlock));
      cv::Scalar mean, deviation;
      cv::meanStdDev(block, mean, deviation);
      if (deviation[0] < kMinBlockStd) continue;
      const int x0 = std::max(0, x - shift);
      const int x1 = std::min(b.cols, x + kBlock + shift);
      const int y0 = std::max(0, y - 1), y1 = std::min(b.rows, y + kBlock + 1);
      cv::matchTemplate(b(cv::Range(y0, y1), cv::Range(x0, x1)), block,
                        correlation, cv::TM_CCOEFF_NORMED);
      double high = 0;
      cv::minMaxLoc(correlation, nullptr, &high);
      best.push_back(std::clamp(std::isfinite(high) ? high : -1.0, -1.0, 1.0));
    }
  }
  if (static_cast<int>(best.size()) < kMinBlocks) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return Median(std::move(best));
}

}  // namespace

std::string FilmLayout::Flag() const {
  const char* base = packing == PackedLayout::kSideBySide ? "sbs" : "tb";
  return half ? fmt::format("h{}", base) : base;
}

std::string FilmLayout::Name() const {
  return fmt::format(
      "{} {}{}", half ? "half" : "full",
      packing == PackedLayout::kSideBySide ? "side-by-side" : "top-bottom",
      right_first ? " (right view first)" : "");
}

cv::Point2d FilmLayout::PixelAspect() const {
  if (!half) return {1, 1};
  return packing == PackedLayout::kSideBySide ? cv::Point2d(2, 1)
                                              : cv::Point2d(1, 2);
}

FilmLayout ParseFilmLayout(std::string_view name) {
  const std::string lower = ToLower(name);
  if (lower == "sbs" || lower == "fsbs") return {PackedLayout::kSideBySide};
  if (lower == "hsbs") return {PackedLayout::kSideBySide, true};
  if (lower == "tb" || lower == "ftb" || lower == "ou") {
    return {PackedLayout::kTopBottom};
  }
  if (lower == "htb" || lower == "hou") return {PackedLayout::kTopBottom, true};
  ThrowError(
      "unknown 3D film layout '{}' (expected sbs, hsbs, tb or htb: full or "
      "half side-by-side, full or half top-bottom)",
      name);
}

bool LooksHalf(cv::Size frame, PackedLayout packing) {
  if (frame.width <= 0 || frame.height <= 0) return false;
  if (packing == PackedLayout::kSideBySide) {
    return 0.5 * frame.width / frame.height < 1.3;
  }
  return frame.width / (0.5 * frame.height) > 2.9;
}

std::pair<cv::Mat, cv::Mat> SplitFilmFrame(const cv::Mat& frame,
                                           const FilmLayout& layout) {
  auto views = SplitPackedStereo(frame, layout.packing);
  if (layout.right_first) std::swap(views.first, views.second);
  return views;
}

LayoutScores ScoreFilmLayouts(const cv::Mat& frame) {
  THROW_CHECK(!frame.empty());
  LayoutScores scores;
  const auto score = [&](PackedLayout packing) {
    // An odd side: drop the last column or row, as a player would.
    const cv::Mat even =
        frame(cv::Rect(0, 0, frame.cols & ~1, frame.rows & ~1));
    const auto [a, b] = SplitPackedStereo(even, packing);
    return MatchScore(a, b);
  };
  scores.side_by_side = score(PackedLayout::kSideBySide);
  scores.top_bottom = score(PackedLayout::kTopBottom);
  return scores;
}

LayoutDetection DetectFilmLayout(const std::vector<cv::Mat>& frames) {
  std::vector<double> sbs, tb;
  cv::Size size;
  for (const cv::Mat& frame : frames) {
    const LayoutScores scores = ScoreFilmLayouts(frame);
    if (std::isnan(scores.side_by_side) && std::isnan(scores.top_bottom)) {
      continue;
    }
    // A split that found no texture in one frame counts as no match.
    sbs.push_back(std::isnan(scores.side_by_side) ? 0 : scores.side_by_side);
    tb.push_back(std::isnan(scores.top_bottom) ? 0 : scores.top_bottom);
    size = frame.size();
  }
  LayoutDetection detection;
  detection.frames_used = static_cast<int>(sbs.size());
  if (sbs.empty()) {
    detection.description = fmt::format(
        "none of the {} frames looked at has enough texture to tell the "
        "layout (black, fades, title cards?)",
        frames.size());
    return detection;
  }
  detection.side_by_side_score = Median(sbs);
  detection.top_bottom_score = Median(tb);
  const bool side = detection.side_by_side_score >= detection.top_bottom_score;
  const double best =
      side ? detection.side_by_side_score : detection.top_bottom_score;
  const double other =
      side ? detection.top_bottom_score : detection.side_by_side_score;
  detection.stereo = best >= 0.7 && best - other >= 0.2;
  if (detection.stereo) {
    detection.layout.packing =
        side ? PackedLayout::kSideBySide : PackedLayout::kTopBottom;
    detection.layout.half = LooksHalf(size, detection.layout.packing);
  }
  detection.description = fmt::format(
      "halves match as views of one scene: side by side {:.2f}, top and "
      "bottom {:.2f} (median of {} frames; 3D needs >= 0.70 and a 0.20 "
      "lead) -> {}",
      detection.side_by_side_score, detection.top_bottom_score,
      detection.frames_used,
      detection.stereo
          ? fmt::format("{} ({}x{} frames)", detection.layout.Name(),
                        size.width, size.height)
          : std::string("not a packed 3D film"));
  return detection;
}

}  // namespace parallax
