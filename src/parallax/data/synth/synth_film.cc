#include "parallax/data/synth/synth_film.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "parallax/data/synth/scene_flow.h"
#include "parallax/data/synth/soundtrack.h"
#include "parallax/data/synth/stereo_sample.h"
#include "parallax/data/synth/synth_run.h"
#include "parallax/io/image_io.h"
#include "parallax/io/video_writer.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/thread_pool.h"

namespace parallax::synth {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFolders[] = {
    "left",       "right",        "disp_left",     "disp_right", "mask_left",
    "mask_right", "gt_flow_left", "gt_flow_right", "meta"};

std::string FrameName(int frame) { return fmt::format("{:06d}", frame); }

fs::path FrameMeta(const fs::path& shot_folder, int frame) {
  return shot_folder / "meta" / (FrameName(frame) + ".json");
}

// Flow to the previous frame in channels 0, 1 and to the next in 2, 3, as
// `parallax extract` stores it, but in float and in pixels. Not where the
// scanner looks for input flow (flow_left/): a network must be trained on
// the flow it will be given, computed from the frames.
void WriteFlowPair(const fs::path& path, const cv::Mat& to_previous,
                   const cv::Mat& to_next) {
  cv::Mat packed;
  const cv::Mat parts[] = {to_previous, to_next};
  cv::merge(parts, 2, packed);
  WriteImage(path, packed);  // float EXR, zip: lossless
}

// The flow to a neighbouring frame's scene, or 0 past the shot's ends.
cv::Mat FlowOrZero(const ViewRender& view, const Scene& now,
                   const std::optional<Scene>& then, bool right_view) {
  if (!then) return cv::Mat(view.depth.size(), CV_32FC2, cv::Scalar::all(0));
  return SceneFlow(view, now, *then, right_view);
}

void RenderFrame(const ShotPlan& plan, int64_t shot, int frame,
                 int64_t film_frame, const fs::path& folder,
                 const TextureBank& textures) {
  Scene now = plan.At(plan.Time(frame));
  // Fresh sensor noise each frame, as a camera has.
  now.seed = MixSeed(plan.scene.seed, static_cast<uint64_t>(frame) + 1);
  const StereoSample sample = RenderStereoSample(now, textures);
  const std::string name = FrameName(frame);
  ImageWriteOptions fast;
  fast.png_compression = 1;
  ImageWriteOptions views = fast;
  views.png_filter = PngFilter::kPaeth;
  WriteImage(folder / "left" / (name + ".png"), sample.left, views);
  WriteImage(folder / "right" / (name + ".png"), sample.right, views);
  WriteImage(folder / "disp_left" / (name + ".pfm"), sample.disp_left);
  WriteImage(folder / "disp_right" / (name + ".pfm"), sample.disp_right);
  WriteImage(folder / "mask_left" / (name + ".png"), sample.mask_left, fast);
  WriteImage(folder / "mask_right" / (name + ".png"), sample.mask_right, fast);
  std::optional<Scene> previous, next;
  if (frame > 0) previous = plan.At(plan.Time(frame - 1));
  if (frame + 1 < plan.frames) next = plan.At(plan.Time(frame + 1));
  for (const bool right : {false, true}) {
    const ViewRender& view = right ? sample.render_right : sample.render_left;
    WriteFlowPair(
        folder / (right ? "gt_flow_right" : "gt_flow_left") / (name + ".exr"),
        FlowOrZero(view, now, previous, right),
        FlowOrZero(view, now, next, right));
  }
  const Rig& rig = now.rig;
  nlohmann::json meta;
  meta["shot"] = shot;
  meta["frame"] = frame;
  meta["film_frame"] = film_frame;
  meta["time_s"] = plan.Time(frame);
  meta["camera"] = {{"center", {rig.center.x, rig.center.y, rig.center.z}},
                    {"forward", {rig.axes.r2.x, rig.axes.r2.y, rig.axes.r2.z}},
                    {"focal_px", rig.focal_px},
                    {"cx_left", rig.cx(false)},
                    {"cx_right", rig.cx(true)},
                    {"cy", rig.cy}};
  meta["rig"] = sample.meta["rig"];
  meta["disparity_px"] = sample.meta["disparity_px"];
  WriteFileAtomic(FrameMeta(folder, frame), meta.dump(2) + "\n");
}

// One view's picture on its black frame.
cv::Mat Framed(const cv::Mat& picture, cv::Size size, const cv::Rect& area) {
  cv::Mat frame(size, CV_8UC3, cv::Scalar::all(0));
  picture.copyTo(frame(area));
  return frame;
}

cv::Mat ReadView(const fs::path& path, cv::Size expected) {
  cv::Mat view = ReadImage(path);
  if (view.size() != expected || view.type() != CV_8UC3) {
    ThrowError(
        "'{}' is {}x{}, the film's pictures {}x{}: was it made with "
        "other settings?",
        path.string(), view.cols, view.rows, expected.width, expected.height);
  }
  return view;
}

// Whole rates exactly; the NTSC rates (23.976, 29.97, 59.94) as N/1001,
// which is what they are; anything else to a thousandth.
Rational FrameRateOf(double fps) {
  if (std::abs(fps - std::round(fps)) < 1e-9) {
    return {static_cast<int>(std::round(fps)), 1};
  }
  const double ntsc = fps * 1.001;
  if (std::abs(ntsc - std::round(ntsc)) < 1e-3) {
    return {static_cast<int>(std::round(ntsc)) * 1000, 1001};
  }
  return {static_cast<int>(std::lround(fps * 1000)), 1000};
}

}  // namespace

cv::Rect PictureArea(cv::Size size, float picture_aspect) {
  if (picture_aspect <= 0) return {0, 0, size.width, size.height};
  const auto even = [](double v) {
    return std::max(2, 2 * static_cast<int>(std::lround(v / 2)));
  };
  if (picture_aspect * size.height >= size.width) {  // letterbox
    const int height = std::min(size.height, even(size.width / picture_aspect));
    // Offsets even too: with 4:2:0 chroma a picture starting on an odd row
    // would share its first chroma row with the bar.
    return {0, (size.height - height) / 4 * 2, size.width, height};
  }
  const int width = std::min(size.width, even(size.height * picture_aspect));
  return {(size.width - width) / 4 * 2, 0, width, size.height};
}

void SynthFilmOptions::Check() const {
  if (out.empty()) ThrowError("synth: give an output folder (--out)");
  if (shots <= 0) ThrowError("synth: --count (shots) must be positive");
  if (first < 0) ThrowError("synth: --first must be >= 0, got {}", first);
  if (size.width < 64 || size.height < 64 || size.width > 8192 ||
      size.height > 8192 || size.width % 2 != 0 || size.height % 2 != 0) {
    ThrowError("synth: --size {}x{} must have even sides in 64..8192",
               size.width, size.height);
  }
  if (!(picture_aspect == 0 ||
        (picture_aspect >= 0.5f && picture_aspect <= 4.0f))) {
    ThrowError(
        "synth: --letterbox must be a picture aspect in 0.5..4 (e.g. "
        "2.39), got {}",
        picture_aspect);
  }
  if (shot.frames < 1 || shot.frames > 100000) {
    ThrowError("synth: --shot-frames must be in 1..100000, got {}",
               shot.frames);
  }
  if (!(shot.fps >= 1 && shot.fps <= 240)) {
    ThrowError("synth: --fps must be in 1..240, got {}", shot.fps);
  }
  if (!(shot.handheld_probability >= 0 && shot.handheld_probability <= 1)) {
    ThrowError("synth: --handheld must be in [0, 1], got {}",
               shot.handheld_probability);
  }
  if (!(shot.mover_probability >= 0 && shot.mover_probability <= 1)) {
    ThrowError("synth: --movers must be in [0, 1], got {}",
               shot.mover_probability);
  }
  const cv::Rect picture = PictureArea(size, picture_aspect);
  if (picture.width < 32 || picture.height < 32) {
    ThrowError(
        "synth: a {:g}:1 picture in {}x{} views is only {}x{}; "
        "pictures need 32 pixels a side",
        picture_aspect, size.width, size.height, picture.width, picture.height);
  }
  if (!(shot.scene.max_disparity > 0 && shot.scene.max_disparity <= 0.5f)) {
    ThrowError("synth: --max-disparity must be in (0, 0.5], got {}",
               shot.scene.max_disparity);
  }
  if (!(shot.scene.haze_scale >= 0 && shot.scene.haze_scale <= 10)) {
    ThrowError("synth: --haze must be in [0, 10], got {}",
               shot.scene.haze_scale);
  }
  if (!(shot.scene.recolor_probability >= 0 &&
        shot.scene.recolor_probability <= 1)) {
    ThrowError("synth: --recolor must be in [0, 1], got {}",
               shot.scene.recolor_probability);
  }
  if (!video.empty() && !IsVideoFile(video)) {
    ThrowError(
        "synth: --video '{}' is not a video file name (.mkv, .mp4, "
        ".mov)",
        video.string());
  }
}

fs::path ShotFolder(const fs::path& out, int64_t index) {
  return out / fmt::format("{:05d}", index);
}

SynthFilmReport RunSynthFilm(
    const SynthFilmOptions& options, const TextureBank& textures,
    const std::function<void(const std::string&, int64_t, int64_t)>& progress) {
  options.Check();
  const auto started = std::chrono::steady_clock::now();
  const cv::Rect area = PictureArea(options.size, options.picture_aspect);
  ShotOptions shot_options = options.shot;
  shot_options.scene.size = area.size();
  const int threads = RenderThreadCount(options.threads);
  std::mutex mutex;  // guards the counters and progress calls
  SynthFilmReport report;

  // Plans (each a few small probe renders) on the pool.
  std::vector<ShotPlan> plans(static_cast<size_t>(options.shots));
  int64_t planned = 0;
  if (progress) progress("plan", 0, options.shots);
  ParallelFor(plans.size(), threads, [&](size_t s) {
    plans[s] = PlanShot(options.seed, options.first + static_cast<int64_t>(s),
                        shot_options, textures);
    std::lock_guard lock(mutex);
    if (progress) progress("plan", ++planned, options.shots);
  });

  // Shot folders: a resumed shot must have been planned the same way, or
  // its frames would mix two films; a shot made anew starts empty.
  std::vector<std::pair<size_t, int>> todo;  // shot, frame
  std::error_code ec;
  for (size_t s = 0; s < plans.size(); ++s) {
    const fs::path folder =
        ShotFolder(options.out, options.first + static_cast<int64_t>(s));
    const nlohmann::json plan = plans[s].Describe();
    if (options.resume && fs::exists(folder / "shot.json", ec)) {
      const std::vector<char> bytes = ReadFileBytes(folder / "shot.json");
      const nlohmann::json before =
          nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr,
                                /*allow_exceptions=*/false);
      if (before != plan) {
        ThrowError(
            "'{}' was made with other settings (seed, size, frames, moves "
            "or rig); resume with the settings that made it, or start over "
            "with --overwrite",
            folder.string());
      }
    } else if (!options.resume) {
      fs::remove_all(folder, ec);
      if (ec) {
        ThrowError("cannot clear '{}': {}", folder.string(), ec.message());
      }
    }
    for (const char* sub : kFolders) {
      fs::create_directories(folder / sub, ec);
      if (ec) {
        ThrowError("cannot create '{}': {}", (folder / sub).string(),
                   ec.message());
      }
    }
    WriteFileAtomic(folder / "shot.json", plan.dump(2) + "\n");
    for (int f = 0; f < plans[s].frames; ++f) {
      if (options.resume && fs::exists(FrameMeta(folder, f), ec)) {
        ++report.frames_kept;
      } else {
        todo.emplace_back(s, f);
      }
    }
  }
  const int64_t total_frames =
      static_cast<int64_t>(plans.size()) * shot_options.frames;
  const double fps = shot_options.fps;
  std::vector<double> starts;
  for (size_t s = 0; s < plans.size(); ++s) {
    starts.push_back(static_cast<double>(s) * shot_options.frames / fps);
  }

  // The video writer is opened before the long render, so that a codec,
  // container or tag it cannot write stops the run at once.
  const bool sbs = options.packing == PackedLayout::kSideBySide;
  const cv::Size packed = options.half
                              ? options.size
                              : cv::Size(options.size.width * (sbs ? 2 : 1),
                                         options.size.height * (sbs ? 1 : 2));
  std::unique_ptr<Soundtrack> soundtrack;
  std::unique_ptr<VideoWriter> writer;
  if (!options.video.empty()) {
    VideoOutputSpec spec;
    spec.width = packed.width;
    spec.height = packed.height;
    spec.frame_rate = FrameRateOf(fps);
    if (options.audio) {
      soundtrack = std::make_unique<Soundtrack>(
          options.seed, starts, static_cast<double>(total_frames) / fps);
      spec.audio.sample_rate = soundtrack->sample_rate();
      spec.audio.channels = 2;
      spec.audio.length = soundtrack->length();
      spec.audio.fill = [track = soundtrack.get()](int64_t first, int count,
                                                   float* out) {
        track->Fill(first, count, out);
      };
    }
    VideoEncodeOptions encoding;
    encoding.crf = options.crf;
    encoding.preset = "fast";
    encoding.stereo = options.tag;
    encoding.metadata["comment"] = "parallax synth --sequence";
    writer = std::make_unique<VideoWriter>(options.video, spec, encoding);
  }

  // Frames on the pool, as `parallax synth` renders pairs.
  int64_t done = report.frames_kept;
  if (progress) progress("render", done, total_frames);
  ParallelFor(todo.size(), threads, [&](size_t k) {
    const auto [s, f] = todo[k];
    const int64_t index = options.first + static_cast<int64_t>(s);
    RenderFrame(plans[s], index, f,
                static_cast<int64_t>(s) * shot_options.frames + f,
                ShotFolder(options.out, index), textures);
    std::lock_guard lock(mutex);
    ++done;
    ++report.frames_written;
    if (progress) progress("render", done, total_frames);
  });

  // The film's description, then the video from the frame folders.
  nlohmann::json film;
  film["seed"] = options.seed;
  film["fps"] = fps;
  film["view_size"] = {options.size.width, options.size.height};
  film["picture"] = {area.x, area.y, area.width, area.height};
  film["shots"] = nlohmann::json::array();
  for (size_t s = 0; s < plans.size(); ++s) {
    const ShotPlan& plan = plans[s];
    const int64_t index = options.first + static_cast<int64_t>(s);
    film["shots"].push_back(
        {{"index", index},
         {"folder", ShotFolder("", index).string()},
         {"first_frame", static_cast<int64_t>(s) * shot_options.frames},
         {"frames", plan.frames},
         {"camera", ToString(plan.path.move)},
         {"handheld", plan.path.shake.position_m > 0},
         {"rig", plan.converging ? "converging" : "parallel"},
         {"world", plan.scene.indoor ? "indoor" : "outdoor"}});
  }
  if (writer) {
    film["video"] = {
        {"file", options.video.filename().string()},
        {"layout", std::string(options.half ? "h" : "") + (sbs ? "sbs" : "tb")},
        {"audio", options.audio}};
    int64_t written = 0;
    if (progress) progress("video", 0, total_frames);
    for (size_t s = 0; s < plans.size(); ++s) {
      const fs::path folder =
          ShotFolder(options.out, options.first + static_cast<int64_t>(s));
      for (int f = 0; f < shot_options.frames; ++f) {
        const std::string name = FrameName(f);
        const cv::Mat left =
            Framed(ReadView(folder / "left" / (name + ".png"), area.size()),
                   options.size, area);
        const cv::Mat right =
            Framed(ReadView(folder / "right" / (name + ".png"), area.size()),
                   options.size, area);
        cv::Mat frame;
        if (sbs) {
          cv::hconcat(left, right, frame);
        } else {
          cv::vconcat(left, right, frame);
        }
        if (options.half) {
          cv::resize(frame, frame, packed, 0, 0, cv::INTER_AREA);
        }
        writer->Write(frame, written++);
        if (progress) progress("video", written, total_frames);
      }
    }
    writer->Finish();
    report.video_frames = written;
  }
  WriteFileAtomic(options.out / "film.json", film.dump(2) + "\n");
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  return report;
}

}  // namespace parallax::synth
