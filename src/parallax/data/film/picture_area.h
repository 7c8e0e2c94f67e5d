// Letterbox and pillarbox bars: the black bands around a film's picture.
//
// Films change aspect between shots (IMAX sequences, flashbacks), so the
// picture area is found per shot from the frames of that shot seen so far:
// a row (column) is picture when, in any of them, more than 1% of its
// pixels are brighter than black. Going out from the centre, the first run
// of dark rows that reaches a dark edge is a bar: a subtitle burned into the
// lower bar, separated from the picture by black, is not picture, and a
// dark band inside the picture (a night horizon) with picture beyond it is
// not a bar.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace parallax {

class PictureAreaFinder {
 public:
  // Adds a view (8-bit BGR or gray) of the current shot. All views of a
  // shot have one size; a view of another size starts over.
  void Add(const cv::Mat& view);
  // Forgets the shot (at a cut).
  void Reset();
  // The picture area over the views added since the last Reset; the whole
  // view when the bars cannot be told (all dark) or none was added.
  cv::Rect Area() const;

  // What it has seen of the shot, to continue a job where it stopped.
  struct State {
    cv::Size size;
    std::vector<float> row_bright, column_bright;
  };
  State state() const { return {size_, row_bright_, column_bright_}; }
  void Restore(const State& state) {
    size_ = state.size;
    row_bright_ = state.row_bright;
    column_bright_ = state.column_bright;
  }

 private:
  cv::Size size_;
  // Per row and column: the largest fraction of bright pixels seen.
  std::vector<float> row_bright_, column_bright_;
};

// The picture area of a single view.
cv::Rect FindPictureArea(const cv::Mat& view);

}  // namespace parallax
