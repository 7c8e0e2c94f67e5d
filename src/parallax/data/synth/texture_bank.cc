#include "parallax/data/synth/texture_bank.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "parallax/io/image_io.h"
#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax::synth {
namespace {

namespace fs = std::filesystem;

const std::array<float, 256>& SrgbToLinearTable() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t{};
    for (int i = 0; i < 256; ++i) {
      const float c = i / 255.0f;
      t[i] = c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
    }
    return t;
  }();
  return table;
}

// BGR 8-bit -> linear RGB float.
cv::Mat ToLinearRgb(const cv::Mat& bgr8) {
  const std::array<float, 256>& lut = SrgbToLinearTable();
  cv::Mat out(bgr8.size(), CV_32FC3);
  for (int y = 0; y < bgr8.rows; ++y) {
    const cv::Vec3b* in = bgr8.ptr<cv::Vec3b>(y);
    cv::Vec3f* o = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < bgr8.cols; ++x) {
      o[x] = {lut[in[x][2]], lut[in[x][1]], lut[in[x][0]]};
    }
  }
  return out;
}

// Linear RGB texels stored as 16-bit integers (see Texture::levels).
constexpr float kTexelScale = 1.0f / 65535.0f;

inline cv::v_float32x4 LoadTexel(const uint16_t* texel) {
  return cv::v_cvt_f32(cv::v_reinterpret_as_s32(cv::v_load_expand(texel)));
}

// Mirrored repeat of indices in [-1, 2n], four at a time:
// ... 1 0 | 0 1 ... n-1 | n-1 ... 0 | 0 ...
inline cv::v_int32x4 MirrorNear(cv::v_int32x4 i, cv::v_int32x4 n) {
  const cv::v_int32x4 zero = cv::v_setzero_s32(), one = cv::v_setall_s32(1);
  i = i ^ (i < zero);                  // -1 -> 0 (-1 - i is ~i)
  const cv::v_int32x4 period = n + n;  // 2n -> 0
  i = i - ((i > period - one) & period);
  return cv::v_select(i > n - one, period - one - i, i);
}

// Bilinear sample of a CV_16UC4 level at columns xa, xb and rows ya, yb
// with weights ax, ay of the second ones, in stored units.
inline cv::v_float32x4 Bilinear(const cv::Mat& level, int xa, int xb, int ya,
                                int yb, float ax, float ay) {
  const uint16_t* ra = level.ptr<uint16_t>(ya);
  const uint16_t* rb = level.ptr<uint16_t>(yb);
  const cv::v_float32x4 wx = cv::v_setall_f32(ax);
  const cv::v_float32x4 top =
      cv::v_fma(LoadTexel(ra + 4 * xb) - LoadTexel(ra + 4 * xa), wx,
                LoadTexel(ra + 4 * xa));
  const cv::v_float32x4 bottom =
      cv::v_fma(LoadTexel(rb + 4 * xb) - LoadTexel(rb + 4 * xa), wx,
                LoadTexel(rb + 4 * xa));
  return cv::v_fma(bottom - top, cv::v_setall_f32(ay), top);
}

// Float linear RGB -> the stored CV_16UC4 form.
cv::Mat ToTexels(const cv::Mat& rgb) {
  cv::Mat texels(rgb.size(), CV_16UC4);
  for (int y = 0; y < rgb.rows; ++y) {
    const cv::Vec3f* in = rgb.ptr<cv::Vec3f>(y);
    cv::Vec4w* out = texels.ptr<cv::Vec4w>(y);
    for (int x = 0; x < rgb.cols; ++x) {
      for (int c = 0; c < 3; ++c) {
        out[x][c] = cv::saturate_cast<uint16_t>(in[x][c] * 65535.0f);
      }
      out[x][3] = 0;
    }
  }
  return texels;
}

bool IsPhotoFile(const fs::path& path) {
  const std::string ext = ToLower(path.extension().string());
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".webp";
}

// Files that are maps, not pictures (depth, masks, thumbnails).
bool IsNotAPicture(const fs::path& path) {
  const std::string stem = ToLower(path.stem().string());
  for (const char* word : {"disp", "mask", "groundtruth", "_gt", "occ",
                           "screenshot", "thumb", "depth"}) {
    if (stem.find(word) != std::string::npos) return true;
  }
  if (stem == "all" || stem == "disc" || stem == "nonocc") return true;
  // The second view of a stereo pair repeats the first.
  const std::string folder = ToLower(path.parent_path().filename().string());
  for (const char* right :
       {"image_3", "image_03", "image_1", "image_01", "right", "colored_1"}) {
    if (folder == right) return true;
  }
  return stem == "im1" || stem == "imr" || stem == "right" ||
         EndsWith(stem, "_r") || EndsWith(stem, "_right");
}

// Length of a trailing "WxH" size (3-5 digits each) with its "_" or "-",
// or 0.
size_t SizeSuffixLength(std::string_view stem) {
  size_t i = stem.size();
  const auto digits = [&](size_t* at) {
    size_t n = 0;
    while (*at > 0 && std::isdigit(static_cast<unsigned char>(stem[*at - 1]))) {
      --*at;
      ++n;
    }
    return n >= 3 && n <= 5;
  };
  if (!digits(&i) || i == 0 || stem[i - 1] != 'x') return 0;
  --i;
  if (!digits(&i)) return 0;
  if (i > 0 && (stem[i - 1] == '_' || stem[i - 1] == '-')) --i;
  return stem.size() - i;
}

// The same picture in several sizes ("Elephants_3840x2160.jpg",
// "images/5120x2880.jpg") shares one key.
std::string PictureKey(const fs::path& path) {
  std::string stem = ToLower(path.stem().string());
  stem.resize(stem.size() - SizeSuffixLength(stem));
  return path.parent_path().string() + "/" + stem;
}

}  // namespace

cv::Vec3f Texture::Sample(float u, float v, float lod) const {
  const int last = static_cast<int>(levels.size()) - 1;
  lod = std::clamp(lod, 0.0f, static_cast<float>(last));
  const int l0 = static_cast<int>(lod);
  const int l1 = std::min(l0 + 1, last);
  // The coarser level's share; none below 1e-3 (one level's taps only).
  const float fraction = lod - static_cast<float>(l0);
  const float t = fraction >= 1e-3f && l1 > l0 ? fraction : 0.0f;
  const cv::Mat& a = levels[static_cast<size_t>(l0)];
  const cv::Mat& b = levels[static_cast<size_t>(l1)];
  // Texel positions in both levels at once: x and y of level l0, then of
  // l1 (the address arithmetic was a long chain of scalar float/int
  // conversions, most of the sampler's time). 2^-l0, exactly:
  const float s0 = std::bit_cast<float>(static_cast<uint32_t>(127 - l0) << 23);
  const float s1 = l1 > l0 ? 0.5f * s0 : s0;
  // Rays grazing the horizon reach absurd texel positions; past 2^22 the
  // position has no fractional bits left anyway.
  constexpr float kFar = 4194304.0f;
  // (min/max rather than clamp: a NaN becomes -kFar, never an index.)
  u = std::min(kFar, std::max(-kFar, u));
  v = std::min(kFar, std::max(-kFar, v));
  const cv::v_float32x4 position(u * s0, v * s0, u * s1, v * s1);
  const cv::v_int32x4 size(a.cols, a.rows, b.cols, b.rows);
  const cv::v_float32x4 period = cv::v_cvt_f32(size + size);
  const cv::Vec2f ia = inverse_periods[static_cast<size_t>(l0)];
  const cv::Vec2f ib = inverse_periods[static_cast<size_t>(l1)];
  const cv::v_float32x4 inverse(ia[0], ia[1], ib[0], ib[1]);
  // Into [0, 2n), the mirrored period; texel centres at half-integers.
  const cv::v_float32x4 wrapped =
      position - cv::v_cvt_f32(cv::v_floor(position * inverse)) * period -
      cv::v_setall_f32(0.5f);
  const cv::v_int32x4 first = cv::v_floor(wrapped);
  int lo[4], hi[4];
  float weight[4];
  cv::v_store(lo, MirrorNear(first, size));
  cv::v_store(hi, MirrorNear(first + cv::v_setall_s32(1), size));
  cv::v_store(weight, wrapped - cv::v_cvt_f32(first));
  cv::v_float32x4 texel =
      Bilinear(a, lo[0], hi[0], lo[1], hi[1], weight[0], weight[1]);
  if (t > 0) {
    const cv::v_float32x4 coarse =
        Bilinear(b, lo[2], hi[2], lo[3], hi[3], weight[2], weight[3]);
    texel = cv::v_fma(coarse - texel, cv::v_setall_f32(t), texel);
  }
  float rgbx[4];
  cv::v_store(rgbx, texel * cv::v_setall_f32(kTexelScale));
  return {rgbx[0], rgbx[1], rgbx[2]};
}

namespace {

Texture MakeTexture(const cv::Mat& bgr8, std::string source) {
  THROW_CHECK(bgr8.type() == CV_8UC3 && !bgr8.empty());
  Texture texture;
  texture.source = std::move(source);
  // The pyramid is built in float, each level then stored as texels.
  cv::Mat level = ToLinearRgb(bgr8);
  texture.levels.push_back(ToTexels(level));
  while (std::min(level.cols, level.rows) >= 16) {
    cv::Mat next;
    cv::pyrDown(level, next);
    level = next;
    texture.levels.push_back(ToTexels(level));
  }
  for (const cv::Mat& l : texture.levels) {
    texture.inverse_periods.push_back(
        {1.0f / (2.0f * static_cast<float>(l.cols)),
         1.0f / (2.0f * static_cast<float>(l.rows))});
  }
  return texture;
}

}  // namespace

void TextureBank::Add(const cv::Mat& bgr8, std::string source) {
  textures_.push_back(MakeTexture(bgr8, std::move(source)));
}

namespace {

// One photo as a texture, reduced to options.max_side; none when it does
// not decode to 8-bit colour.
std::optional<Texture> LoadTexture(const fs::path& path,
                                   const TextureBankOptions& options) {
  ImageInfo info;
  try {
    info = ProbeImage(path);
  } catch (const Error&) {
    return std::nullopt;  // removed or damaged since the scan
  }
  const int longest = std::max(info.width, info.height);
  // Decode big JPEGs at a reduced size: far faster than full + resize.
  int flags = cv::IMREAD_COLOR;
  if (longest >= 8 * options.max_side) {
    flags = cv::IMREAD_REDUCED_COLOR_8;
  } else if (longest >= 4 * options.max_side) {
    flags = cv::IMREAD_REDUCED_COLOR_4;
  } else if (longest >= 2 * options.max_side) {
    flags = cv::IMREAD_REDUCED_COLOR_2;
  }
  try {
    cv::Mat image = cv::imread(path.string(), flags);
    if (image.empty() || image.type() != CV_8UC3) return std::nullopt;
    const int side = std::max(image.cols, image.rows);
    if (side > options.max_side) {
      const double scale = static_cast<double>(options.max_side) / side;
      cv::resize(image, image, {}, scale, scale, cv::INTER_AREA);
    }
    return MakeTexture(image, path.string());
  } catch (const cv::Exception&) {
    return std::nullopt;  // unreadable photos are skipped, as documented
  }
}

}  // namespace

TextureBank TextureBank::Load(const std::vector<fs::path>& folders,
                              const TextureBankOptions& options) {
  std::map<std::string, fs::path> by_picture;  // key -> largest file
  std::map<std::string, int64_t> area;
  for (const fs::path& folder : folders) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
      ThrowError("texture folder '{}' does not exist", folder.string());
    }
    for (fs::recursive_directory_iterator it(
             folder, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& path = it->path();
      if (!it->is_regular_file(ec) || !IsPhotoFile(path) ||
          IsNotAPicture(path)) {
        continue;
      }
      ImageInfo info;
      try {
        info = ProbeImage(path);
      } catch (const Error&) {
        continue;
      }
      if (std::min(info.width, info.height) < options.min_side) continue;
      // Prefer the size nearest max_side: largest up to 2x, else smallest.
      const int64_t pixels = int64_t{info.width} * info.height;
      const std::string key = PictureKey(path);
      const int64_t wanted = int64_t{4} * options.max_side * options.max_side;
      const auto score = [&](int64_t p) {
        return p <= wanted ? wanted - p : (p - wanted) * 4;
      };
      if (!area.contains(key) || score(pixels) < score(area[key])) {
        area[key] = pixels;
        by_picture[key] = path;
      }
    }
  }
  std::vector<fs::path> all;
  for (const auto& [key, path] : by_picture) all.push_back(path);
  std::sort(all.begin(), all.end());
  // A video's frames or a dataset's pairs are one scene many times over.
  std::vector<fs::path> files;
  std::map<fs::path, int> per_folder;
  for (const fs::path& path : all) {
    int& taken = per_folder[path.parent_path()];
    if (options.max_per_folder > 0 && taken >= options.max_per_folder) {
      continue;
    }
    ++taken;
    files.push_back(path);
  }
  if (options.max_count > 0 &&
      files.size() > static_cast<size_t>(options.max_count)) {
    // Evenly spread, so every folder keeps its share.
    std::vector<fs::path> spread;
    for (int i = 0; i < options.max_count; ++i) {
      spread.push_back(files[files.size() * i / options.max_count]);
    }
    files = std::move(spread);
  }
  // Decoding and building the pyramids is most of a synth run's start;
  // photos are independent, so all cores share them. The bank keeps the
  // files' order whatever the thread count.
  std::vector<std::optional<Texture>> loaded(files.size());
  cv::parallel_for_(cv::Range(0, static_cast<int>(files.size())),
                    [&](const cv::Range& range) {
                      for (int i = range.start; i < range.end; ++i) {
                        loaded[static_cast<size_t>(i)] =
                            LoadTexture(files[static_cast<size_t>(i)], options);
                      }
                    });
  TextureBank bank;
  for (std::optional<Texture>& texture : loaded) {
    if (texture) bank.textures_.push_back(std::move(*texture));
  }
  if (bank.size() == 0) {
    std::string names;
    for (const fs::path& folder : folders) {
      names += ' ';
      names += folder.string();
    }
    ThrowError("no usable photographs (JPEG/PNG/WebP, at least {} px) in:{}",
               options.min_side, names);
  }
  return bank;
}

TextureBank TextureBank::Procedural(int count, uint64_t seed) {
  TextureBank bank;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> unit(0, 1);
  for (int i = 0; i < count; ++i) {
    // Band-limited colour noise over a few octaves, with stripes or checks
    // on every third texture so surfaces show structure to match.
    cv::Mat image(256, 256, CV_32FC3, cv::Scalar(0));
    for (int octave = 0; octave < 4; ++octave) {
      const int cells = 4 << octave;
      cv::Mat noise(cells, cells, CV_32FC3);
      cv::randu(noise, 0, 1);
      cv::Mat up;
      cv::resize(noise, up, image.size(), 0, 0, cv::INTER_CUBIC);
      image += up * (0.5 / (1 << octave));
    }
    if (i % 3 == 1) {
      for (int y = 0; y < image.rows; ++y) {
        for (int x = 0; x < image.cols; ++x) {
          if (((x / 32) + (y / 32)) % 2) image.at<cv::Vec3f>(y, x) *= 0.5f;
        }
      }
    }
    const cv::Scalar tint(0.4 + 0.6 * unit(rng), 0.4 + 0.6 * unit(rng),
                          0.4 + 0.6 * unit(rng));
    cv::multiply(image, tint, image);
    cv::Mat bgr8;
    image.convertTo(bgr8, CV_8UC3, 255.0 / 1.2);
    cv::GaussianBlur(bgr8, bgr8, {0, 0}, 0.7);
    bank.Add(bgr8, fmt::format("procedural-{}", i));
  }
  return bank;
}

std::vector<fs::path> DefaultTextureFolders() {
  std::vector<fs::path> candidates = {
      "/usr/share/backgrounds/mate/nature",
      "/usr/share/wallpapers",
      "/usr/share/doc/opencv-doc/examples/data",
  };
#ifdef PARALLAX_SOURCE_DIR
  // The unlabeled training pairs only: eval/ must never leak into training.
  candidates.push_back(fs::path(PARALLAX_SOURCE_DIR) /
                       "../shared/data/stereo/train");
#endif
  std::vector<fs::path> folders;
  for (const fs::path& candidate : candidates) {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) {
      folders.push_back(candidate.lexically_normal());
    }
  }
  return folders;
}

}  // namespace parallax::synth
