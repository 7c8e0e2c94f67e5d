#include "parallax/io/yuv_to_bgr.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include <opencv2/core/hal/intrin.hpp>

#include "parallax/util/check.h"

namespace parallax {
namespace {

// R = Y + cr_r Cr; G = Y - cb_g Cb - cr_g Cr; B = Y + cb_b Cb, with Y
// scaled to 0..255 and Cb, Cr centred on 128 and scaled to the same range.
struct Coefficients {
  float y_offset, y_scale, c_scale;
  float cr_r, cb_g, cr_g, cb_b;
};

Coefficients MakeCoefficients(YuvMatrix matrix, bool full_range) {
  const double kr = matrix == YuvMatrix::kBt709 ? 0.2126 : 0.299;
  const double kb = matrix == YuvMatrix::kBt709 ? 0.0722 : 0.114;
  const double kg = 1 - kr - kb;
  Coefficients c;
  c.y_offset = full_range ? 0.0f : 16.0f;
  c.y_scale = full_range ? 1.0f : static_cast<float>(255.0 / 219.0);
  c.c_scale = full_range ? 1.0f : static_cast<float>(255.0 / 224.0);
  c.cr_r = static_cast<float>(2 * (1 - kr));
  c.cb_b = static_cast<float>(2 * (1 - kb));
  c.cb_g = static_cast<float>(2 * kb * (1 - kb) / kg);
  c.cr_g = static_cast<float>(2 * kr * (1 - kr) / kg);
  return c;
}

// One chroma plane's values for luma row y, upsampled to the luma width:
// vertically between the two nearest chroma rows (chroma sits between
// luma rows), horizontally by the siting. Centred on zero and scaled.
// `blend` holds chroma_width + 2 floats (the row with its edges repeated
// once on each side); `out` at least width rounded up to 8.
void ChromaRow(const uint8_t* plane, int stride, int chroma_width,
               int chroma_height, int y, ChromaSiting siting, float scale,
               float* blend, float* out) {
  // Chroma row j covers luma rows 2j and 2j + 1: luma row y lies a quarter
  // of a chroma row above or below its centre.
  const int j = y / 2;
  const int other =
      std::clamp(y % 2 == 0 ? j - 1 : j + 1, 0, chroma_height - 1);
  const uint8_t* near_row = plane + static_cast<ptrdiff_t>(j) * stride;
  const uint8_t* far_row = plane + static_cast<ptrdiff_t>(other) * stride;
  float* row = blend + 1;
  const cv::v_float32x4 w_near = cv::v_setall_f32(0.75f * scale);
  const cv::v_float32x4 w_far = cv::v_setall_f32(0.25f * scale);
  const cv::v_float32x4 offset = cv::v_setall_f32(128.0f * scale);
  int i = 0;
  for (; i + 8 <= chroma_width; i += 8) {
    // 8 bytes a row: v_load_expand reads them unaligned (the 4-byte
    // v_load_expand_q dereferences an int at any address).
    cv::v_uint32x4 n[2], f[2];
    cv::v_expand(cv::v_load_expand(near_row + i), n[0], n[1]);
    cv::v_expand(cv::v_load_expand(far_row + i), f[0], f[1]);
    for (int k = 0; k < 2; ++k) {
      const cv::v_float32x4 nf = cv::v_cvt_f32(cv::v_reinterpret_as_s32(n[k]));
      const cv::v_float32x4 ff = cv::v_cvt_f32(cv::v_reinterpret_as_s32(f[k]));
      cv::v_store(row + i + 4 * k, nf * w_near + ff * w_far - offset);
    }
  }
  // The same arithmetic as the vectors, so no column rounds differently.
  const float near_weight = 0.75f * scale, far_weight = 0.25f * scale;
  const float centre = 128.0f * scale;
  for (; i < chroma_width; ++i) {
    row[i] = near_row[i] * near_weight + far_row[i] * far_weight - centre;
  }
  row[-1] = row[0];
  row[chroma_width] = row[chroma_width - 1];

  // Luma columns 2i and 2i + 1 from chroma samples i - 1, i and i + 1:
  // "left" puts sample i on column 2i (and 2i + 1 halfway to the next),
  // "centre" between them (each a quarter of a sample beside it).
  const bool left = siting == ChromaSiting::kLeft;
  const float even_here = left ? 1.0f : 0.75f, even_before = 1 - even_here;
  const float odd_here = left ? 0.5f : 0.75f, odd_after = 1 - odd_here;
  const cv::v_float32x4 eh = cv::v_setall_f32(even_here);
  const cv::v_float32x4 eb = cv::v_setall_f32(even_before);
  const cv::v_float32x4 oh = cv::v_setall_f32(odd_here);
  const cv::v_float32x4 oa = cv::v_setall_f32(odd_after);
  for (i = 0; i + 4 <= chroma_width; i += 4) {
    const cv::v_float32x4 here = cv::v_load(row + i);
    const cv::v_float32x4 even = here * eh + cv::v_load(row + i - 1) * eb;
    const cv::v_float32x4 odd = here * oh + cv::v_load(row + i + 1) * oa;
    cv::v_float32x4 first, second;
    cv::v_zip(even, odd, first, second);
    cv::v_store(out + 2 * i, first);
    cv::v_store(out + 2 * i + 4, second);
  }
  for (; i < chroma_width; ++i) {
    out[2 * i] = row[i] * even_here + row[i - 1] * even_before;
    out[2 * i + 1] = row[i] * odd_here + row[i + 1] * odd_after;
  }
}

}  // namespace

void Yuv420ToBgr(const Yuv420Planes& planes, YuvMatrix matrix, bool full_range,
                 ChromaSiting siting, cv::Mat& out) {
  THROW_CHECK(planes.width > 0 && planes.height > 0);
  const int width = planes.width, height = planes.height;
  const int chroma_width = (width + 1) / 2, chroma_height = (height + 1) / 2;
  const Coefficients c = MakeCoefficients(matrix, full_range);
  out.create(height, width, CV_8UC3);
  std::vector<float> blend(static_cast<size_t>(chroma_width) + 2);
  // Padded to whole vectors of 16 pixels: the tail is computed, not stored.
  const int padded = (2 * chroma_width + 15) / 16 * 16;
  std::vector<float> cb(static_cast<size_t>(padded), 0.0f);
  std::vector<float> cr(static_cast<size_t>(padded), 0.0f);
  std::vector<uint8_t> luma(static_cast<size_t>(padded), 0);
  std::vector<uint8_t> tail(48);

  const cv::v_float32x4 y_offset = cv::v_setall_f32(c.y_offset);
  const cv::v_float32x4 y_scale = cv::v_setall_f32(c.y_scale);
  const cv::v_float32x4 cr_r = cv::v_setall_f32(c.cr_r);
  const cv::v_float32x4 cb_g = cv::v_setall_f32(c.cb_g);
  const cv::v_float32x4 cr_g = cv::v_setall_f32(c.cr_g);
  const cv::v_float32x4 cb_b = cv::v_setall_f32(c.cb_b);
  for (int y = 0; y < height; ++y) {
    ChromaRow(planes.u, planes.u_stride, chroma_width, chroma_height, y, siting,
              c.c_scale, blend.data(), cb.data());
    ChromaRow(planes.v, planes.v_stride, chroma_width, chroma_height, y, siting,
              c.c_scale, blend.data(), cr.data());
    const uint8_t* y_row =
        planes.y + static_cast<ptrdiff_t>(y) * planes.y_stride;
    std::copy_n(y_row, width, luma.data());
    uint8_t* dst = out.ptr<uint8_t>(y);
    for (int x = 0; x < width; x += 16) {
      cv::v_uint16x8 y_lo, y_hi;
      cv::v_expand(cv::v_load(luma.data() + x), y_lo, y_hi);
      cv::v_uint32x4 y32[4];
      cv::v_expand(y_lo, y32[0], y32[1]);
      cv::v_expand(y_hi, y32[2], y32[3]);
      cv::v_int32x4 b32[4], g32[4], r32[4];
      for (int k = 0; k < 4; ++k) {
        const cv::v_float32x4 yf =
            (cv::v_cvt_f32(cv::v_reinterpret_as_s32(y32[k])) - y_offset) *
            y_scale;
        const cv::v_float32x4 u = cv::v_load(cb.data() + x + 4 * k);
        const cv::v_float32x4 v = cv::v_load(cr.data() + x + 4 * k);
        b32[k] = cv::v_round(yf + u * cb_b);
        g32[k] = cv::v_round(yf - u * cb_g - v * cr_g);
        r32[k] = cv::v_round(yf + v * cr_r);
      }
      // Saturating packs: 32 -> 16 bits, then 16 -> 8 bits unsigned.
      const cv::v_uint8x16 b =
          cv::v_pack_u(cv::v_pack(b32[0], b32[1]), cv::v_pack(b32[2], b32[3]));
      const cv::v_uint8x16 g =
          cv::v_pack_u(cv::v_pack(g32[0], g32[1]), cv::v_pack(g32[2], g32[3]));
      const cv::v_uint8x16 r =
          cv::v_pack_u(cv::v_pack(r32[0], r32[1]), cv::v_pack(r32[2], r32[3]));
      if (x + 16 <= width) {
        cv::v_store_interleave(dst + 3 * x, b, g, r);
      } else {
        cv::v_store_interleave(tail.data(), b, g, r);
        std::copy_n(tail.data(), 3 * (width - x), dst + 3 * x);
      }
    }
  }
}

}  // namespace parallax
