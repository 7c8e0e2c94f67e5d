// What the depth and stereo jobs share: the options of a job over photos,
// folders, image sequences and videos, and the steps every such job takes
// before and around its work (output checks, the overwrite policy, one
// input failing without stopping the others).
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
#include "parallax/jobs/segmented_video.h"

namespace parallax {

struct MediaJobOptions {
  // -o: a file, a folder or a video (see ClassifyOutput).
  std::filesystem::path output;
  // Extension of per-image / per-frame files in a folder output.
  std::string folder_format = "png";
  // Upsampling of the network's depth and its temporal stabilisation.
  SequenceDepthOptions sequence;
  // Video outputs.
  VideoEncodeOptions encode;
  // Frame range of video inputs.
  std::optional<VideoPosition> start, end;
  // Let the decoder conceal damaged video data instead of stopping there.
  bool conceal_errors = false;
  // Frame rate of image sequences written as video.
  double sequence_fps = 24.0;
  // Skip outputs that exist and continue interrupted videos and frame
  // folders where they stopped.
  bool resume = false;
  // Replace existing outputs. Without it or `resume`, a job whose outputs
  // exist stops before any work (util/existing_outputs.h).
  bool overwrite = false;
  // Videos and frame folders are written in segments of this many frames,
  // each with a fresh stabiliser first fed the `warmup_frames` frames before
  // it, so that a resumed run gives the same bytes (segmented_video.h).
  int64_t segment_frames = 240;
  int64_t warmup_frames = 8;
  // Send progress to the JobControl.
  bool show_progress = true;
  // Names the depth source for resume checks (ModelFileSettings).
  std::string model_id;
  // Called after each frame of a video output is encoded, with the count so
  // far (tests, GUIs).
  std::function<void(int64_t)> on_frame;
};

// A segmented video job (segmented_video.h) with these options: output,
// encoder, depth sequence, frame range, resume, segments, progress. The job
// adds its frame limits and settings.
SegmentedVideoOptions SegmentedVideoFor(const MediaJobOptions& options);

// The kind of `options.output` for these inputs: one file takes one photo,
// a video takes one video or sequence, a folder takes anything. Throws
// parallax::Error naming the output otherwise, or when it is an input.
OutputTarget CheckMediaOutput(const std::vector<MediaInput>& inputs,
                              const std::filesystem::path& output);

// Before any work: refuses `existing` outputs unless overwriting or
// resuming, removes temporaries a killed run left, creates a folder output.
void PrepareMediaOutputs(const MediaJobOptions& options, OutputTarget target,
                         const std::vector<std::filesystem::path>& existing);

// The photos together (batched by the caller), then each video and
// sequence on its own. An Error of one video or sequence is recorded in
// `failures` (and sent to `control`) and the others still run; Cancelled
// ends the job.
void ForEachMediaInput(
    const std::vector<MediaInput>& inputs,
    const std::function<void(const std::vector<const MediaInput*>&)>& photos,
    const std::function<void(const MediaInput&)>& media,
    std::vector<std::string>* failures, const JobControl& control);

}  // namespace parallax
