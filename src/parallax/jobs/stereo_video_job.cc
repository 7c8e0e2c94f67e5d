#include "parallax/jobs/stereo_video_job.h"

#include <memory>

#include <nlohmann/json.hpp>

#include "parallax/jobs/memory_needs.h"
#include "parallax/jobs/segmented_video.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

// Both views from each frame's depth, with the disparity range tracked over
// the segment.
class StereoFrameRenderer : public FrameRenderer {
 public:
  explicit StereoFrameRenderer(const StereoRenderOptions& options)
      : options_(options) {}
  cv::Size OutputSize(cv::Size input) const override {
    return ComposedSize(input, options_.layout);
  }
  void Reset() override { tracker_ = RangeTracker(); }
  void Observe(DepthFrame& frame) override {
    range_ = tracker_.Update(frame.disparity, frame.scene_cut);
  }
  cv::Mat Render(DepthFrame& frame) override {
    return ComposeStereoFrame(
        RenderStereoViews(frame.image, frame.disparity, range_, options_,
                          &frame.planes),
        options_);
  }

 private:
  const StereoRenderOptions& options_;
  RangeTracker tracker_;
  DisparityRange range_;
};

std::string RenderSettings(const StereoJobOptions& o) {
  const StereoRenderOptions& r = o.render;
  const nlohmann::json json = {
      {"model", o.model_id},
      {"layout", StereoLayoutName(r.layout)},
      {"anaglyph", int(r.anaglyph)},
      {"unit", int(r.unit)},
      {"divergence", r.parallax.divergence_percent},
      {"convergence", r.parallax.convergence ? *r.parallax.convergence : -1},
      {"foreground_scale", r.parallax.foreground_scale},
      {"synthetic", int(r.synthetic)},
      {"renderer", int(r.renderer)},
      {"edge_sharpen", r.edge_sharpen_radius},
  };
  return json.dump();
}

}  // namespace

fs::path StereoPartsFolder(const fs::path& output) {
  return VideoPartsFolder(output);
}

void ConvertVideoToStereoVideo(const MediaInput& input, Predictor& predictor,
                               const StereoJobOptions& options,
                               StereoJobReport* report,
                               const JobControl& control) {
  SegmentedVideoOptions video = SegmentedVideoFor(options);
  video.encode.stereo = ContainerStereoTag(options.render.layout);
  video.frame_limits = CommandImageLimits("stereo", kStereoBytesPerPixel);
  video.settings =
      RenderSettings(options) + PredictorSettings(predictor.options());
  StereoFrameRenderer renderer(options.render);
  const SegmentedVideoReport done =
      RunSegmentedVideo(input.path, predictor, renderer, video, control);
  report->frames += done.frames;
  report->decode_s += done.decode_s;
  report->depth_s += done.depth_s;
  report->synthesis_s += done.render_s;
  report->encode_s += done.encode_s;
}

}  // namespace parallax
