#include "parallax/data/film/picture_area.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// 8-bit level above which a pixel is not black. Bars decode to 0..20
// (limited-range black 16 plus compression noise).
constexpr int kBright = 32;
constexpr float kPictureFraction = 0.01f;

// The [begin, end) run of picture entries around the centre of `bright`.
std::pair<int, int> PictureSpan(const std::vector<float>& bright) {
  const int n = static_cast<int>(bright.size());
  std::vector<char> dark(static_cast<size_t>(n));
  int dark_count = 0;
  for (int i = 0; i < n; ++i) {
    dark[static_cast<size_t>(i)] =
        bright[static_cast<size_t>(i)] <= kPictureFraction;
    dark_count += dark[static_cast<size_t>(i)];
  }
  if (dark_count == n) return {0, n};
  const int min_run = std::max(2, n / 50);
  const auto is_dark = [&](int i) { return dark[static_cast<size_t>(i)] != 0; };
  // Dark entries in [a, b).
  const auto count_dark = [&](int a, int b) {
    return static_cast<int>(
        std::count(dark.begin() + a, dark.begin() + b, static_cast<char>(1)));
  };
  // A dark run starting at i (towards the edge) is a bar when the edge-most
  // rows are dark too and at least 40 % of the rows out to the edge are:
  // text in a bar leaves both true, a dark band inside the picture (with
  // picture beyond it) does not.
  const auto bar_from = [&](int i, int edge, int step) {
    for (int k = 0; k < min_run; ++k) {
      if (!is_dark(edge - step * k)) return false;
    }
    const int a = std::min(i, edge), b = std::max(i, edge) + 1;
    return count_dark(a, b) >= 0.4 * (b - a);
  };
  const int centre = n / 2;
  int begin = 0, end = n;
  for (int i = centre; i >= 0; --i) {
    if (!is_dark(i)) continue;
    int j = i;
    while (j > 0 && is_dark(j - 1)) --j;
    if (i - j + 1 >= min_run && bar_from(i, 0, -1)) {
      begin = i + 1;
      break;
    }
    i = j;
  }
  for (int i = centre; i < n; ++i) {
    if (!is_dark(i)) continue;
    int j = i;
    while (j + 1 < n && is_dark(j + 1)) ++j;
    if (j - i + 1 >= min_run && bar_from(i, n - 1, 1)) {
      end = i;
      break;
    }
    i = j;
  }
  // A picture under a third of the frame is a dark shot, not bars.
  if (end - begin < n / 3) return {0, n};
  return {begin, end};
}

}  // namespace

void PictureAreaFinder::Add(const cv::Mat& view) {
  THROW_CHECK(!view.empty() && view.depth() == CV_8U);
  if (view.size() != size_) {
    size_ = view.size();
    row_bright_.assign(static_cast<size_t>(size_.height), 0.0f);
    column_bright_.assign(static_cast<size_t>(size_.width), 0.0f);
  }
  cv::Mat gray;
  if (view.channels() == 3) {
    cv::cvtColor(view, gray, cv::COLOR_BGR2GRAY);
  } else {
    gray = view;
  }
  std::vector<int> column_count(static_cast<size_t>(size_.width), 0);
  for (int y = 0; y < gray.rows; ++y) {
    const uint8_t* row = gray.ptr<uint8_t>(y);
    int count = 0;
    for (int x = 0; x < gray.cols; ++x) {
      const int bright = row[x] > kBright;
      count += bright;
      column_count[static_cast<size_t>(x)] += bright;
    }
    float& r = row_bright_[static_cast<size_t>(y)];
    r = std::max(r, static_cast<float>(count) / gray.cols);
  }
  for (int x = 0; x < gray.cols; ++x) {
    float& c = column_bright_[static_cast<size_t>(x)];
    c = std::max(c, static_cast<float>(column_count[static_cast<size_t>(x)]) /
                        gray.rows);
  }
}

void PictureAreaFinder::Reset() {
  std::fill(row_bright_.begin(), row_bright_.end(), 0.0f);
  std::fill(column_bright_.begin(), column_bright_.end(), 0.0f);
}

cv::Rect PictureAreaFinder::Area() const {
  if (size_.empty()) return {};
  const auto [top, bottom] = PictureSpan(row_bright_);
  const auto [left, right] = PictureSpan(column_bright_);
  return {left, top, right - left, bottom - top};
}

cv::Rect FindPictureArea(const cv::Mat& view) {
  PictureAreaFinder finder;
  finder.Add(view);
  return finder.Area();
}

}  // namespace parallax
