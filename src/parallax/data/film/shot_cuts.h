// Scene cuts in a film, from a cheap fingerprint of every frame.
//
// infer/scene_cut.h serves the depth stabiliser and downsamples whole
// frames; this one works from a sparse luma grid (VideoReadOptions::luma,
// so most frames of a film are never converted to colour), compares
// against the shot's own recent motion as well, and can be saved and
// restored (a resumed extraction makes the same decisions).
#pragma once

#include <array>

#include <opencv2/core.hpp>

namespace parallax {

// What cut detection and the near-duplicate check compare: a luminance
// histogram and a 16x9 thumbnail, from a grid of about 30 000 pixels (every
// frame of a film gets one, so it must cost little next to decoding).
struct FrameSignature {
  std::array<float, 32> histogram{};  // sums to 1
  cv::Mat thumbnail;                  // CV_32F 16x9, gray levels 0..255
};

// `view`: 8-bit luma (VideoReadOptions::luma: no colour conversion needed)
// or BGR. A film's frames must all be given the same way.
FrameSignature Fingerprint(const cv::Mat& view);

// Half the L1 distance of the histograms: 0 = the same, 1 = disjoint.
double HistogramDistance(const FrameSignature& a, const FrameSignature& b);
// Mean absolute difference of the thumbnails, in gray levels.
double ThumbnailDifference(const FrameSignature& a, const FrameSignature& b);

struct ShotCutOptions {
  // A cut changes the picture's make-up (histogram) or, between similar
  // shots of one scene, its arrangement (thumbnail) abruptly. Within a
  // shot consecutive frames differ by well under 0.1 and 10 (pans,
  // motion); an explosion's flash may count as a cut, which only splits a
  // shot.
  double histogram_distance = 0.3;
  double thumbnail_difference = 20;
  double histogram_distance_with_thumbnail = 0.1;
  // Or both change several times more than they have been changing in
  // this shot (recent average), above small floors: two similar worlds
  // cut together in a calm film.
  double relative_histogram = 8, histogram_floor = 0.08;
  double relative_thumbnail = 4, thumbnail_floor = 8;
};

class ShotCutDetector {
 public:
  explicit ShotCutDetector(const ShotCutOptions& options = {})
      : options_(options) {}
  // True when the frame with this signature starts a new shot (the first
  // frame does). Frames must come in order.
  bool Next(const FrameSignature& signature);

  // Its memory of the shot so far, to continue a job where it stopped.
  struct State {
    FrameSignature previous;
    bool started = false;
    double mean_histogram = 0, mean_thumbnail = 0;
    int frames_in_shot = 0;
  };
  State state() const;
  void Restore(const State& state);

 private:
  ShotCutOptions options_;
  FrameSignature previous_;
  bool started_ = false;
  // Running averages of the frame-to-frame changes within the shot.
  double mean_histogram_ = 0, mean_thumbnail_ = 0;
  int frames_in_shot_ = 0;
};

}  // namespace parallax
