#include "parallax/jobs/defocus_video.h"

#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "parallax/jobs/job_control.h"
#include "parallax/jobs/memory_needs.h"
#include "parallax/jobs/segmented_video.h"

namespace parallax {

namespace fs = std::filesystem;

namespace {

// Share of a new focus measurement per frame when tracking: the focus
// settles within about half a second at 24 frames/s.
constexpr float kTrackRate = 0.25f;

// Refocused frames. A tracked focus starts over with each segment (it
// settles during the warm-up frames); a fixed one is measured on the first
// frame and carried across segments and resumed runs.
class DefocusFrameRenderer : public FrameRenderer {
 public:
  DefocusFrameRenderer(const DefocusSettings& settings, bool track)
      : settings_(settings), track_(track && !settings.focus_disparity) {}
  void Reset() override {
    if (track_) focus_.reset();
  }
  void Observe(DepthFrame& frame) override {
    if (focus_ && !track_) return;
    const float measured = ResolveFocus(frame.disparity, settings_);
    // A new shot starts from its own measurement.
    focus_ = focus_ && !frame.scene_cut
                 ? *focus_ + kTrackRate * (measured - *focus_)
                 : measured;
  }
  cv::Mat Render(DepthFrame& frame) override {
    return RenderDefocus(frame.image, frame.disparity, *focus_, settings_);
  }
  std::string Carry() const override {
    return !track_ && focus_ ? nlohmann::json(*focus_).dump() : "";
  }
  void Restore(const std::string& carried) override {
    if (!track_ && !carried.empty()) {
      focus_ = nlohmann::json::parse(carried).get<float>();
    }
  }

 private:
  DefocusSettings settings_;
  bool track_;
  std::optional<float> focus_;
};

}  // namespace

std::string DefocusVideoSettings(const DefocusSettings& s, bool track) {
  const LensBlurOptions& lens = s.lens_options;
  const BlurModel& blur = lens.blur;
  const nlohmann::json json = {
      {"lens", s.lens},
      {"graded", {int(s.graded.method), s.graded.levels}},
      {"blur",
       {blur.max_blur, blur.f_number, blur.focal_length_mm,
        blur.focus_distance_m, blur.sensor_width_mm, blur.depth_of_field,
        blur.near_scale, blur.far_scale}},
      {"aperture", {lens.aperture.blades, lens.aperture.rotation}},
      {"highlights",
       {lens.highlights, lens.highlight_threshold, lens.shape_detail}},
      {"focus_point", s.focus_point
                          ? nlohmann::json{s.focus_point->x, s.focus_point->y}
                          : nlohmann::json()},
      {"focus_disparity", s.focus_disparity ? *s.focus_disparity : -1.0f},
      {"track", track},
  };
  return json.dump();
}

std::unique_ptr<FrameRenderer> MakeDefocusFrameRenderer(
    const DefocusSettings& settings, bool track) {
  return std::make_unique<DefocusFrameRenderer>(settings, track);
}

void DefocusVideo(const fs::path& input, const fs::path& output,
                  const DefocusSettings& settings, Predictor& predictor,
                  const DefocusVideoOptions& options,
                  const JobControl& control) {
  const VideoEffect effect{"defocus", kDefocusBytesPerPixel,
                           DefocusVideoSettings(settings, options.track)};
  DefocusFrameRenderer renderer(settings, options.track);
  RunEffectVideo(input, output, effect, renderer, predictor, options, control);
}

}  // namespace parallax
