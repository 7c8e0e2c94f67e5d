// Internal to src/parallax/io: pixel conversion between FFmpeg frames and
// cv::Mat with libswscale, honouring the stream's colour matrix and range.
#pragma once

#include <opencv2/core.hpp>

#include "parallax/io/video_ffmpeg.h"

struct SwsContext;

namespace parallax::video_internal {

// Decoded YUV/RGB/gray frames of any bit depth -> BGR cv::Mat.
class FrameToMat {
 public:
  FrameToMat() = default;
  ~FrameToMat();
  FrameToMat(const FrameToMat&) = delete;
  FrameToMat& operator=(const FrameToMat&) = delete;

  // bit_depth 8 -> CV_8UC3, 16 -> CV_16UC3 (full 0..65535 range, so 10-bit
  // sources keep their precision). Returns a new Mat each call: callers may
  // keep frames.
  cv::Mat Convert(const AVFrame& frame, int bit_depth);

 private:
  SwsContext* sws_ = nullptr;
  // What sws_ was set up for; the colour details are re-applied on change.
  int width_ = 0, height_ = 0, format_ = -1, bit_depth_ = 0;
  int colorspace_ = -1, range_ = -1;
};

// cv::Mat (CV_8UC3/CV_16UC3 BGR, CV_8UC1/CV_16UC1 gray) -> frames in an
// encoder's pixel format, YUV as BT.709 limited range.
class MatToFrame {
 public:
  MatToFrame(int width, int height, AVPixelFormat format);
  ~MatToFrame();
  MatToFrame(const MatToFrame&) = delete;
  MatToFrame& operator=(const MatToFrame&) = delete;

  FramePtr Convert(const cv::Mat& image);

 private:
  int width_, height_;
  AVPixelFormat format_;
  SwsContext* sws_ = nullptr;
  int source_type_ = -1;
};

// The pixel format libswscale reads for a Mat of this type.
AVPixelFormat PixelFormatOfMat(int cv_type);

}  // namespace parallax::video_internal
