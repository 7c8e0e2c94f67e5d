// How a 3D film packs its two views into one frame, and finding out from
// the pictures themselves.
//
// 3D Blu-ray rips and downloads come as full side-by-side (3840x1080: each
// view 1920x1080), half side-by-side (1920x1080: each view squeezed to
// 960x1080), full or half top-bottom. Containers rarely say which (Matroska
// StereoMode and the MP4 'st3d' box are read when present: VideoInfo's
// `stereo`), so DetectFilmLayout looks: in a packed frame the two halves
// are views of one scene, a few percent apart horizontally; in a 2D frame
// (or split the wrong way) they are unrelated pictures.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/io/stereo_layout.h"

namespace parallax {

struct FilmLayout {
  PackedLayout packing = PackedLayout::kSideBySide;
  // Each view stored at half width (side by side) or half height (top-
  // bottom): shown stretched back to the frame's aspect.
  bool half = false;
  // The right view in the left (top) half: cross-eyed order, which only a
  // container tag says.
  bool right_first = false;

  // "sbs", "hsbs", "tb", "htb" (what ParseFilmLayout reads).
  std::string Flag() const;
  // "half side-by-side", "full top-bottom", ...
  std::string Name() const;
  // Width / height of a view as displayed, per stored view pixel: 2 along
  // the squeezed axis of a half layout, else 1.
  cv::Point2d PixelAspect() const;
  bool operator==(const FilmLayout&) const = default;
};

// "sbs" / "fsbs" (full side-by-side), "hsbs", "tb" / "ftb", "htb" ("ou" and
// "hou" for over-under too). Throws parallax::Error otherwise.
FilmLayout ParseFilmLayout(std::string_view name);

// The half/full guess from the frame's shape alone: a side-by-side view
// narrower than 1.3:1 or a top-bottom view wider than 2.9:1 is squeezed.
// Films are 1.33:1 to 2.76:1, but encodes crop them (a half side-by-side
// scope film cropped to 1920x800 has 1.2:1 views), and 4:3 full
// side-by-side views are 1.33:1.
bool LooksHalf(cv::Size frame, PackedLayout packing);

// The (left, right) views of a packed frame, as stored (half views still
// squeezed; they share memory with `frame`). Throws parallax::Error when
// the packed side is odd.
std::pair<cv::Mat, cv::Mat> SplitFilmFrame(const cv::Mat& frame,
                                           const FilmLayout& layout);

// How well the two halves of a frame match as views of one scene, for each
// way of splitting it: the median, over textured 16x16 blocks of one half
// at 192 pixels wide, of the best normalized cross-correlation with the
// other half within +-12% horizontally and +-1 row. 1 = the same picture
// shifted; unrelated pictures score about 0.2 to 0.5. NaN when the frame
// has too little texture to tell (black, a fade, a title card).
struct LayoutScores {
  double side_by_side = 0;
  double top_bottom = 0;
};
LayoutScores ScoreFilmLayouts(const cv::Mat& frame);

struct LayoutDetection {
  bool stereo = false;  // a packed 3D frame was recognised
  FilmLayout layout;    // when stereo
  // Medians over the frames that had texture.
  double side_by_side_score = 0;
  double top_bottom_score = 0;
  int frames_used = 0;
  // One line for reports and errors: what was measured and decided.
  std::string description;
};

// Decides from several frames of a film (spread over it: single frames can
// be black or ambiguous). Stereo when the better split scores at least 0.7
// and beats the other by 0.2.
LayoutDetection DetectFilmLayout(const std::vector<cv::Mat>& frames);

}  // namespace parallax
