#include "parallax/data/synth/stereo_sample.h"

#include <array>
#include <cmath>
#include <map>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/data/synth/random.h"
#include "parallax/data/synth/render_view.h"
#include "parallax/io/image_io.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/fast_round.h"

namespace parallax::synth {
namespace {

namespace fs = std::filesystem;

constexpr float kRadToDeg = 57.2957795f;

// Linear [0, 1] -> 8-bit sRGB, through a table fine enough that the
// rounding is exact to within one level.
const std::array<uint8_t, 8192>& LinearToSrgbTable() {
  static const std::array<uint8_t, 8192> table = [] {
    std::array<uint8_t, 8192> t{};
    for (size_t i = 0; i < t.size(); ++i) {
      const double c = static_cast<double>(i) / (t.size() - 1);
      const double s =
          c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1 / 2.4) - 0.055;
      t[i] = static_cast<uint8_t>(std::lround(std::clamp(s, 0.0, 1.0) * 255));
    }
    return t;
  }();
  return table;
}

// Exposure and vignetting in linear light, then sRGB 8-bit BGR.
cv::Mat Develop(const cv::Mat& linear, const CameraEffects& effects) {
  const std::array<uint8_t, 8192>& lut = LinearToSrgbTable();
  const float scale = static_cast<float>(lut.size() - 1);
  cv::Mat out(linear.size(), CV_8UC3);
  const int n = linear.cols * 3;
  const float half_w = 0.5f * linear.cols, half_h = 0.5f * linear.rows;
  const float falloff = effects.exposure * effects.vignetting /
                        (half_w * half_w + half_h * half_h);
  // gain(x, y) = exposure - falloff (dx^2 + dy^2): the dx part per
  // subpixel once, so each row is one flat loop the compiler vectorises.
  std::vector<float> across(static_cast<size_t>(n));
  for (int x = 0; x < linear.cols; ++x) {
    const float dx = x + 0.5f - half_w;
    for (int c = 0; c < 3; ++c)
      across[3 * static_cast<size_t>(x) + c] = falloff * dx * dx;
  }
  std::vector<int> index(static_cast<size_t>(n));
  for (int y = 0; y < linear.rows; ++y) {
    const float* in = linear.ptr<float>(y);
    const float dy = y + 0.5f - half_h;
    const float row_gain = effects.exposure - falloff * dy * dy;
    for (int i = 0; i < n; ++i) {
      const float v = std::clamp(
          in[i] * (row_gain - across[static_cast<size_t>(i)]), 0.0f, 1.0f);
      index[static_cast<size_t>(i)] = static_cast<int>(v * scale + 0.5f);
    }
    uint8_t* o = out.ptr<uint8_t>(y);
    for (int i = 0; i < n; i += 3) {  // RGB in, BGR out
      o[i] = lut[static_cast<size_t>(index[static_cast<size_t>(i) + 2])];
      o[i + 1] = lut[static_cast<size_t>(index[static_cast<size_t>(i) + 1])];
      o[i + 2] = lut[static_cast<size_t>(index[static_cast<size_t>(i)])];
    }
  }
  return out;
}

// Lens blur, sensor noise and compression, as a camera adds them.
void ApplySensor(cv::Mat& bgr, const CameraEffects& effects, Rng& rng) {
  if (effects.blur_sigma > 0) {
    cv::GaussianBlur(bgr, bgr, {0, 0}, effects.blur_sigma);
  }
  if (effects.noise_sigma > 0) {
    const float sigma = effects.noise_sigma * 255;
    const int n = bgr.cols * 3;
    // A row's noise first (the generator is sequential), then the sums in
    // a loop the compiler vectorises.
    std::vector<float> noise(static_cast<size_t>(n + 1));
    for (int y = 0; y < bgr.rows; ++y) {
      for (int i = 0; i < n; i += 2) {
        const auto [a, b] = rng.QuickNormalPair();
        noise[static_cast<size_t>(i)] = a;
        noise[static_cast<size_t>(i) + 1] = b;
      }
      uint8_t* p = bgr.ptr<uint8_t>(y);
      const float* e = noise.data();
      for (int i = 0; i < n; ++i) {
        // Rounded half up, as lround does for values >= 0.
        const float v = std::clamp(p[i] + sigma * e[i], 0.0f, 255.0f);
        p[i] = static_cast<uint8_t>(v + 0.5f);
      }
    }
  }
  if (effects.jpeg_quality > 0) {
    std::vector<uint8_t> bytes;
    cv::imencode(".jpg", bgr, bytes,
                 {cv::IMWRITE_JPEG_QUALITY, effects.jpeg_quality});
    bgr = cv::imdecode(bytes, cv::IMREAD_COLOR);
  }
}

cv::Mat DisparityOf(const cv::Mat& depth, const Rig& rig) {
  cv::Mat disp(depth.size(), CV_32FC1);
  for (int y = 0; y < depth.rows; ++y) {
    const float* z = depth.ptr<float>(y);
    float* d = disp.ptr<float>(y);
    for (int x = 0; x < depth.cols; ++x) {
      d[x] = std::isfinite(z[x]) ? rig.Disparity(z[x]) : -rig.shift_px;
    }
  }
  return disp;
}

nlohmann::json Describe(const Scene& scene, const TextureBank& textures,
                        const cv::Mat& disp_left) {
  const Rig& rig = scene.rig;
  double lo = 0, hi = 0;
  cv::minMaxLoc(disp_left, &lo, &hi);
  std::map<std::string, int> kinds;
  for (const Object& o : scene.objects) ++kinds[o.kind];
  nlohmann::json meta;
  meta["seed"] = scene.seed;
  meta["world"] = scene.indoor ? "indoor" : "outdoor";
  meta["size"] = {rig.width, rig.height};
  meta["camera"] = {
      {"focal_px", rig.focal_px},           {"cx_left", rig.cx(false)},
      {"cx_right", rig.cx(true)},           {"cy", rig.cy},
      {"hfov_deg", rig.hfov * kRadToDeg},   {"height_m", rig.center.y},
      {"pitch_deg", rig.pitch * kRadToDeg}, {"roll_deg", rig.roll * kRadToDeg}};
  meta["rig"] = {{"type", rig.convergence_m > 0 ? "converging" : "parallel"},
                 {"baseline_m", rig.baseline_m},
                 {"convergence_m", rig.convergence_m},
                 {"shift_px", rig.shift_px}};
  meta["disparity_px"] = {{"min", lo}, {"max", hi}};
  meta["sun"] = {
      {"direction",
       {scene.sun.direction.x, scene.sun.direction.y, scene.sun.direction.z}},
      {"color", {scene.sun.color[0], scene.sun.color[1], scene.sun.color[2]}},
      {"penumbra_m", scene.sun.penumbra_m}};
  meta["haze_density"] = scene.haze.density;
  meta["effects"] = {{"exposure", scene.effects.exposure},
                     {"vignetting", scene.effects.vignetting},
                     {"blur_sigma", scene.effects.blur_sigma},
                     {"noise_sigma", scene.effects.noise_sigma},
                     {"jpeg_quality", scene.effects.jpeg_quality}};
  meta["objects"] = kinds;
  int recolored = scene.ground.hue.is_identity() ? 0 : 1;
  if (!scene.backdrop.hue.is_identity()) ++recolored;
  for (const Object& o : scene.objects) {
    if (!o.material.hue.is_identity()) ++recolored;
  }
  if (recolored > 0) meta["recolored_surfaces"] = recolored;
  meta["textures"] = {
      {"ground", textures.at(static_cast<size_t>(scene.ground.texture)).source},
      {"backdrop",
       textures.at(static_cast<size_t>(scene.backdrop.texture)).source}};
  return meta;
}

}  // namespace

cv::Mat VisibleInOtherView(const cv::Mat& disp, const cv::Mat& other_disp,
                           bool disp_is_left, float tolerance) {
  THROW_CHECK(disp.type() == CV_32FC1 && other_disp.type() == CV_32FC1);
  THROW_CHECK(disp.size() == other_disp.size());
  cv::Mat mask(disp.size(), CV_8UC1);
  const float sign = disp_is_left ? -1.0f : 1.0f;
  for (int y = 0; y < disp.rows; ++y) {
    const float* d = disp.ptr<float>(y);
    const float* o = other_disp.ptr<float>(y);
    uint8_t* m = mask.ptr<uint8_t>(y);
    for (int x = 0; x < disp.cols; ++x) {
      const float target = x + sign * d[x];
      const int x0 = FloorToInt(target);  // |target| < width + disparity
      bool visible = x0 >= 0 && x0 + 1 < disp.cols;
      if (visible) {
        visible = std::abs(o[x0] - d[x]) < tolerance &&
                  std::abs(o[x0 + 1] - d[x]) < tolerance;
      }
      m[x] = visible ? 255 : 0;
    }
  }
  return mask;
}

StereoSample RenderStereoSample(const Scene& scene,
                                const TextureBank& textures) {
  const ShadowMap shadows = BuildShadowMap(scene);
  const ViewRender left = RenderView(scene, false, textures, shadows);
  const ViewRender right = RenderView(scene, true, textures, shadows);
  StereoSample sample;
  sample.disp_left = DisparityOf(left.depth, scene.rig);
  sample.disp_right = DisparityOf(right.depth, scene.rig);
  sample.mask_left =
      VisibleInOtherView(sample.disp_left, sample.disp_right, true);
  sample.mask_right =
      VisibleInOtherView(sample.disp_right, sample.disp_left, false);
  sample.left = Develop(left.rgb, scene.effects);
  sample.right = Develop(right.rgb, scene.effects);
  Rng noise(MixSeed(scene.seed, 0x5E4503));
  ApplySensor(sample.left, scene.effects, noise);
  ApplySensor(sample.right, scene.effects, noise);
  sample.meta = Describe(scene, textures, sample.disp_left);
  sample.render_left = left;
  sample.render_right = right;
  return sample;
}

void WriteStereoSample(const fs::path& folder, const StereoSample& sample) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    ThrowError("cannot create '{}': {}", folder.string(), ec.message());
  }
  // libdeflate's fastest level, which matters at 100 000 samples. The
  // noisy views with the Paeth filter throughout: as small as adaptive
  // filtering, 15 % faster (BM_EncodeView).
  ImageWriteOptions fast;
  fast.png_compression = 1;
  ImageWriteOptions views = fast;
  views.png_filter = PngFilter::kPaeth;
  WriteImage(folder / "left.png", sample.left, views);
  WriteImage(folder / "right.png", sample.right, views);
  WriteImage(folder / "disp_left.pfm", sample.disp_left);
  WriteImage(folder / "disp_right.pfm", sample.disp_right);
  WriteImage(folder / "left_mask.png", sample.mask_left, fast);
  WriteImage(folder / "right_mask.png", sample.mask_right, fast);
  // meta.json last: its presence marks a complete sample (resume).
  WriteFileAtomic(folder / "meta.json", sample.meta.dump(2) + "\n");
}

}  // namespace parallax::synth
