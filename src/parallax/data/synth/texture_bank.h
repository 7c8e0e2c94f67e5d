// Photographs used as surface textures and far backdrops of the synthetic
// worlds. Each is kept as a mip pyramid in linear light, so a surface far
// away or seen at a grazing angle is sampled from a pre-filtered level and
// the renders do not alias (which the exact-warp test depends on).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace parallax::synth {

struct Texture {
  std::string source;  // the file it came from
  // CV_16UC4 linear R, G, B (in units of 1/65535) and a zero, level 0 =
  // full size. Four 16-bit channels: a third less memory than float RGB,
  // and a texel is one vector load in the sampler.
  std::vector<cv::Mat> levels;
  // Per level: 1 / (2 width), 1 / (2 height), the mirrored periods'
  // reciprocals (the sampler multiplies instead of dividing).
  std::vector<cv::Vec2f> inverse_periods;

  // Bilinear, mirrored-repeat sample at (u, v) in level-0 texels of level
  // `lod` (fractional: blends two levels). Returns linear RGB.
  cv::Vec3f Sample(float u, float v, float lod) const;
  int width() const { return levels.front().cols; }
  int height() const { return levels.front().rows; }
};

struct TextureBankOptions {
  // Longest side kept (pixels); larger photos are reduced on load.
  int max_side = 1024;
  // Photos smaller than this on their shorter side are skipped.
  int min_side = 160;
  // At most this many photos (spread over the folders); 0 = all.
  int max_count = 400;
  // At most this many from one folder (a video's frames, a dataset's
  // pairs); 0 = no limit.
  int max_per_folder = 12;
};

class TextureBank {
 public:
  // Reads every photo (JPEG, PNG, WebP) below `folders`. Photos in the same
  // folder of a wallpaper package (several sizes of one picture) are taken
  // once. Unreadable files are skipped; none at all is an error that names
  // the folders.
  static TextureBank Load(const std::vector<std::filesystem::path>& folders,
                          const TextureBankOptions& options = {});
  // A bank of generated textures (noise, stripes, checks) for tests and for
  // machines without photos.
  static TextureBank Procedural(int count, uint64_t seed);

  size_t size() const { return textures_.size(); }
  const Texture& at(size_t i) const { return textures_[i]; }

  void Add(const cv::Mat& bgr8, std::string source);

 private:
  std::vector<Texture> textures_;
};

// The photo folders `parallax synth` uses when --textures is not given: the
// wallpaper photographs and OpenCV samples that scripts/setup installs, and
// ../shared/data when the source tree sits beside it. Only existing folders.
std::vector<std::filesystem::path> DefaultTextureFolders();

}  // namespace parallax::synth
