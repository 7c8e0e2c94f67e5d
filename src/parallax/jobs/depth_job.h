// The work of `parallax depth` once its flags are parsed: every input
// (images in batches, videos and image sequences frame by frame) through the
// predictor into the asked outputs. One bad input does not stop the rest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "parallax/infer/depth_estimator.h"
#include "parallax/io/video_position.h"
#include "parallax/io/video_writer.h"
#include "parallax/jobs/depth_output.h"
#include "parallax/jobs/job_control.h"
#include "parallax/jobs/media_inputs.h"
#include "parallax/jobs/media_job.h"

namespace parallax {

// How depth videos are encoded unless asked otherwise: the superfast
// preset at CRF 18, tuned for PSNR (for h265 as for h264). A depth map is
// smooth data, not a picture: the slower presets' search and the
// perceptual tuning (psy-rd, adaptive quantisation) buy it nothing. On two
// clips' depth (docs/performance.md, depth video) x264 keeps it better than
// at medium or veryfast (PSNR 51.86 and 51.34 dB against 51.63 and
// 51.03 dB at medium, CRF 18) at a fifth of medium's encoder time and
// 10-18 % more bytes.
VideoEncodeOptions DepthVideoEncodeDefaults();

struct DepthJobOptions : MediaJobOptions {
  DepthJobOptions() { encode = DepthVideoEncodeDefaults(); }
  // How disparity is written: colour map, inversion, a fixed range.
  DisparityFileOptions file;
};

struct DepthJobReport {
  int64_t images = 0;  // images written
  int64_t frames = 0;  // video / sequence frames written
  double seconds = 0;
  // "input: reason" for each input that failed.
  std::vector<std::string> failures;
  // Flicker of the last video or sequence (relative to its mean disparity;
  // < 0 when none was measured): raw network output and stabilised.
  double raw_flicker = -1, stabilized_flicker = -1;
  // Busy seconds of each stage of video-to-video outputs (stages run at
  // once, so these add up to more than `seconds`); frames in `video_frames`.
  double decode_s = 0, depth_s = 0, render_s = 0, encode_s = 0;
  int64_t video_frames = 0;
};

// Throws parallax::Error for problems with the whole job (e.g. a video
// output for several inputs) and parallax::Cancelled on Ctrl-C; problems
// with single inputs are listed in the report.
DepthJobReport RunDepthJob(const std::vector<MediaInput>& inputs,
                           Predictor& predictor, const DepthJobOptions& options,
                           const JobControl& control = {});

}  // namespace parallax
