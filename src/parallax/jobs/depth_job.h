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

namespace parallax {

struct DepthJobOptions {
  // -o: a file, a folder or a video (see ClassifyOutput).
  std::filesystem::path output;
  // Extension of per-image / per-frame files in a folder output.
  std::string folder_format = "png";
  DisparityFileOptions file;
  SequenceDepthOptions sequence;
  // Video outputs.
  VideoEncodeOptions encode;
  // Frame range of video inputs.
  std::optional<VideoPosition> start, end;
  // Let the decoder conceal damaged video data instead of stopping there.
  bool conceal_errors = false;
  // Frame rate of image sequences written as video.
  double sequence_fps = 24.0;
  // Folder outputs: skip images whose output exists, and continue videos
  // and sequences after their last written frame.
  bool resume = false;
  // Replace existing outputs. Without it or --resume, a job whose outputs
  // exist stops before any work (util/existing_outputs.h).
  bool overwrite = false;
  // Frame folders: frames per segment, each with a fresh stabiliser warmed
  // up on the frames before it, so that resumed runs are byte-identical.
  int64_t segment_frames = 240;
  // Send progress to the JobControl.
  bool show_progress = true;
  // Names the model for resume checks of video outputs (ModelFileSettings).
  std::string model_id;
  // Called after each frame of a video output is encoded (tests, GUIs).
  std::function<void(int64_t)> on_frame;
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
};

// Throws parallax::Error for problems with the whole job (e.g. a video
// output for several inputs) and parallax::Cancelled on Ctrl-C; problems
// with single inputs are listed in the report.
DepthJobReport RunDepthJob(const std::vector<MediaInput>& inputs,
                           Predictor& predictor, const DepthJobOptions& options,
                           const JobControl& control = {});

}  // namespace parallax
