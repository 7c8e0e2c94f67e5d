// An effect over photos (`parallax defocus`, `fog`, `composite`): inputs
// expanded, outputs checked before any work (the overwrite policy), each
// image read within the memory budget, rendered and written atomically;
// one bad image is reported and the rest still run.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "parallax/jobs/job_control.h"
#include "parallax/util/existing_outputs.h"

namespace parallax {

// How RunImageEffect runs.
struct ImageEffectRun {
  // Folder outputs are `<stem><suffix>.<ext of the input or png>`.
  std::string suffix;
  bool show_progress = true;
  // Non-empty = the field of an option that needs exactly one image (a
  // given depth map, a saved one); more is an OptionError naming it.
  std::string single_image;
  // Outputs that exist: refused (before any work), replaced, or kept and
  // skipped (files are written atomically, so one that exists is complete).
  ExistingOutputs existing = ExistingOutputs::kRefuse;
  // Other files the job writes (--save-depth), checked with the outputs.
  std::vector<std::filesystem::path> side_outputs;
  // Memory the effect needs per image pixel (checked from the header).
  double bytes_per_pixel = 64;
};

// Runs `render` on every image input into `output`: one file for one
// input, else a folder. Inputs are never overwritten; each file is written
// atomically; a failing image is reported and the rest still run. `render`
// gets 3-channel BGR (8- or 16-bit); an alpha channel is set aside and put
// back on outputs that hold one (PNG, WebP, TIFF). Returns the failures.
std::vector<std::string> RunImageEffect(
    const std::vector<std::string>& inputs, const std::filesystem::path& output,
    const ImageEffectRun& run,
    const std::function<cv::Mat(const cv::Mat& image,
                                const std::filesystem::path& input)>& render,
    const JobControl& control = {});

}  // namespace parallax
