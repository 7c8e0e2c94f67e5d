#include "parallax/jobs/fog_job.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "parallax/jobs/memory_needs.h"
#include "parallax/util/strings.h"

namespace parallax {

namespace fs = std::filesystem;

namespace {

// Share of a new measurement of the near end per frame: the fog's scale
// settles within about half a second at 24 frames/s instead of pulsing
// with every frame's estimate.
constexpr double kReferenceRate = 0.25;

// Fogged frames. The network's depth is relative, so fog depth is scaled
// by the robust near end of the disparity, smoothed over frames and
// started over at scene cuts and segment starts (it settles in the
// segment's warm-up frames, so resumed runs give the same bytes).
class FogFrameRenderer : public FrameRenderer {
 public:
  explicit FogFrameRenderer(const FogOptions& fog) : fog_(fog) {}
  void Reset() override { reference_.reset(); }
  void Observe(DepthFrame& frame) override {
    double measured = 0;
    try {
      measured = FogReferenceDisparity(frame.disparity);
    } catch (const Error&) {
      // A frame with nothing near (black, a fade): the scale holds. Only
      // a shot that starts so has none to hold.
      if (reference_ && !frame.scene_cut) return;
      throw;
    }
    reference_ = reference_ && !frame.scene_cut
                     ? *reference_ + kReferenceRate * (measured - *reference_)
                     : measured;
  }
  cv::Mat Render(DepthFrame& frame) override {
    return ApplyFog(frame.image,
                    FogDepthFromDisparity(frame.disparity, *reference_), fog_);
  }

 private:
  FogOptions fog_;
  std::optional<double> reference_;
};

std::string FogSettings(const FogOptions& fog) {
  return nlohmann::json{
      {"fog",
       {static_cast<int>(fog.mode), fog.near, fog.far, fog.density,
        fog.color[0], fog.color[1], fog.color[2], fog.height_falloff}}}
      .dump();
}

}  // namespace

EffectJobReport RunFogJob(const std::vector<std::string>& inputs,
                          const FogJobOptions& options,
                          const JobControl& control) {
  options.fog.Check();
  const bool metric =
      !options.depth_file.empty() && ToLower(options.depth.kind) == "depth";
  EffectSteps steps;
  steps.video = {"fog", kFogBytesPerPixel, FogSettings(options.fog)};
  steps.photo = [&](const cv::Mat& image, const fs::path&, EffectDepth& depth) {
    // Given Z keeps its units; estimated depth is relative.
    if (metric) {
      return ApplyFog(image, LoadMetricDepth(options.depth_file, image.size()),
                      options.fog);
    }
    return ApplyFog(image,
                    FogDepthFromDisparity(depth.For(image, options.depth_file)),
                    options.fog);
  };
  steps.frame_renderer = [&] {
    return std::make_unique<FogFrameRenderer>(options.fog);
  };
  return RunEffectJob(inputs, options, steps, control);
}

}  // namespace parallax
