#include "parallax/infer/fast_guided_filter.h"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "parallax/infer/resample.h"
#include "parallax/util/check.h"

namespace parallax {
namespace {

constexpr int kMaxRadius = 16;
constexpr int kMaxTaps = 2 * kMaxRadius + 1;

// One output row of BoxMean from the 2r+1 source rows `src`; `padded` holds
// w + 2r floats of scratch.
PARALLAX_SIMD_CLONES void BoxMeanRow(const float* const* src, int w, int r,
                                     float inv_area, float* padded,
                                     float* __restrict dst) {
  float* __restrict sum = padded + r;
  std::copy_n(src[0], w, sum);
  for (int dy = 1; dy <= 2 * r; ++dy) {
    const float* __restrict row = src[dy];
    for (int x = 0; x < w; ++x) sum[x] += row[x];
  }
  for (int i = 1; i <= r; ++i) {
    sum[-i] = sum[cv::borderInterpolate(-i, w, cv::BORDER_REFLECT_101)];
    sum[w - 1 + i] =
        sum[cv::borderInterpolate(w - 1 + i, w, cv::BORDER_REFLECT_101)];
  }
  std::copy_n(padded, w, dst);
  for (int dx = 1; dx < 2 * r; ++dx) {
    const float* __restrict shifted = padded + dx;
    for (int x = 0; x < w; ++x) dst[x] += shifted[x];
  }
  const float* __restrict last = padded + 2 * r;
  for (int x = 0; x < w; ++x) dst[x] = (dst[x] + last[x]) * inv_area;
}

// Replaces every plane (CV_32FC1, one size) by its mean over (2r+1)^2
// windows, reflect-101 border. Written out because cv::boxFilter (double
// accumulation) and cv::sepFilter2D cost 0.5 and 0.1 ms per 512x288 plane,
// which adds up over the ~17 planes of the colour guided filter; these loops
// are contiguous and vectorise.
void BoxMean(std::vector<cv::Mat*> planes, int r) {
  THROW_CHECK_LE(2 * r + 1, kMaxTaps);
  const int w = planes[0]->cols, h = planes[0]->rows;
  std::vector<int> rows(h + 2 * r);
  for (int i = -r; i < h + r; ++i) {
    rows[i + r] = cv::borderInterpolate(i, h, cv::BORDER_REFLECT_101);
  }
  const float inv_area = 1.f / float((2 * r + 1) * (2 * r + 1));
  std::vector<cv::Mat> out(planes.size());
  for (size_t k = 0; k < planes.size(); ++k) out[k].create(h, w, CV_32F);
  cv::parallel_for_(cv::Range(0, h), [&](const cv::Range& range) {
    // Column sums with r reflected entries on either side.
    cv::AutoBuffer<float> padded_buffer(w + 2 * r);
    float* padded = padded_buffer.data();
    for (size_t k = 0; k < planes.size(); ++k) {
      for (int y = range.start; y < range.end; ++y) {
        const float* src[kMaxTaps];
        for (int dy = 0; dy <= 2 * r; ++dy) {
          src[dy] = planes[k]->ptr<float>(rows[y + dy]);
        }
        BoxMeanRow(src, w, r, inv_area, padded, out[k].ptr<float>(y));
      }
    }
  });
  for (size_t k = 0; k < planes.size(); ++k) *planes[k] = out[k];
}

// Guided filter coefficients for a gray guide I in [0, 1]: planes {a, b}.
std::vector<cv::Mat> GrayCoefficients(const cv::Mat& I, const cv::Mat& p, int r,
                                      float eps) {
  cv::Mat mean_I = I.clone(), mean_p = p.clone(), mean_Ip = I.mul(p),
          mean_II = I.mul(I);
  BoxMean({&mean_I, &mean_p, &mean_Ip, &mean_II}, r);
  const cv::Mat cov_Ip = mean_Ip - mean_I.mul(mean_p);
  const cv::Mat var_I = mean_II - mean_I.mul(mean_I);
  cv::Mat a = cov_Ip / (var_I + eps);
  cv::Mat b = mean_p - a.mul(mean_I);
  BoxMean({&a, &b}, r);
  return {a, b};
}

// One row of the colour guided filter's linear solve from the window means
// of I I^T (upper triangle), I, I p and p. Every operand is its own restrict
// pointer so that GCC vectorises the loop.
PARALLAX_SIMD_CLONES void SolveColorRow(
    int width, float eps, const float* __restrict v00,
    const float* __restrict v01, const float* __restrict v02,
    const float* __restrict v11, const float* __restrict v12,
    const float* __restrict v22, const float* __restrict mI0,
    const float* __restrict mI1, const float* __restrict mI2,
    const float* __restrict mIp0, const float* __restrict mIp1,
    const float* __restrict mIp2, const float* __restrict mp,
    float* __restrict a0_out, float* __restrict a1_out,
    float* __restrict a2_out, float* __restrict b_out) {
  for (int x = 0; x < width; ++x) {
    // Covariance of the guide (+ eps) and its covariance with p.
    const float s00 = v00[x] - mI0[x] * mI0[x] + eps;
    const float s01 = v01[x] - mI0[x] * mI1[x];
    const float s02 = v02[x] - mI0[x] * mI2[x];
    const float s11 = v11[x] - mI1[x] * mI1[x] + eps;
    const float s12 = v12[x] - mI1[x] * mI2[x];
    const float s22 = v22[x] - mI2[x] * mI2[x] + eps;
    const float c0 = mIp0[x] - mI0[x] * mp[x];
    const float c1 = mIp1[x] - mI1[x] * mp[x];
    const float c2 = mIp2[x] - mI2[x] * mp[x];
    // a = S^-1 c by cofactors (S is symmetric positive definite).
    const float i00 = s11 * s22 - s12 * s12;
    const float i01 = s02 * s12 - s01 * s22;
    const float i02 = s01 * s12 - s02 * s11;
    const float i11 = s00 * s22 - s02 * s02;
    const float i12 = s01 * s02 - s00 * s12;
    const float i22 = s00 * s11 - s01 * s01;
    const float inv_det = 1.f / (s00 * i00 + s01 * i01 + s02 * i02);
    const float a0 = (i00 * c0 + i01 * c1 + i02 * c2) * inv_det;
    const float a1 = (i01 * c0 + i11 * c1 + i12 * c2) * inv_det;
    const float a2 = (i02 * c0 + i12 * c1 + i22 * c2) * inv_det;
    a0_out[x] = a0;
    a1_out[x] = a1;
    a2_out[x] = a2;
    b_out[x] = mp[x] - a0 * mI0[x] - a1 * mI1[x] - a2 * mI2[x];
  }
}

// Guided filter coefficients for a colour guide in [0, 1] (He et al. 2010,
// eq. 14): planes {a_0, a_1, a_2, b}.
std::vector<cv::Mat> ColorCoefficients(const cv::Mat& guide, const cv::Mat& p,
                                       int r, float eps) {
  std::vector<cv::Mat> I;
  cv::split(guide, I);
  // Window means of I_c, p, I_c p and the upper triangle of I I^T
  // (00 01 02 11 12 22).
  constexpr int kPairs[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};
  cv::Mat m_I[3], m_p = p.clone(), m_Ip[3], m_II[6];
  std::vector<cv::Mat*> all = {&m_p};
  for (int c = 0; c < 3; ++c) {
    m_I[c] = I[c].clone();
    m_Ip[c] = I[c].mul(p);
    all.push_back(&m_I[c]);
    all.push_back(&m_Ip[c]);
  }
  for (int k = 0; k < 6; ++k) {
    m_II[k] = I[kPairs[k][0]].mul(I[kPairs[k][1]]);
    all.push_back(&m_II[k]);
  }
  BoxMean(all, r);

  std::vector<cv::Mat> coef(4);
  for (cv::Mat& m : coef) m.create(p.size(), CV_32F);
  for (int y = 0; y < p.rows; ++y) {
    SolveColorRow(
        p.cols, eps, m_II[0].ptr<float>(y), m_II[1].ptr<float>(y),
        m_II[2].ptr<float>(y), m_II[3].ptr<float>(y), m_II[4].ptr<float>(y),
        m_II[5].ptr<float>(y), m_I[0].ptr<float>(y), m_I[1].ptr<float>(y),
        m_I[2].ptr<float>(y), m_Ip[0].ptr<float>(y), m_Ip[1].ptr<float>(y),
        m_Ip[2].ptr<float>(y), m_p.ptr<float>(y), coef[0].ptr<float>(y),
        coef[1].ptr<float>(y), coef[2].ptr<float>(y), coef[3].ptr<float>(y));
  }
  BoxMean({&coef[0], &coef[1], &coef[2], &coef[3]}, r);
  return coef;
}

// One output row from two horizontally upsampled low-res rows r0, r1 (planes
// {a_0..a_{C-1}, b, lo, hi} of `width` floats each) blended by wy, and the
// guide row g split into C planes. Spelled out per C so that every operand is a
// plain restrict pointer: GCC then vectorises the loop.
template <int C>
inline void BlendRowImpl(const float* r0, const float* r1, float wy,
                         const uchar* g, int width, float* __restrict out) {
  const auto plane = [&](const float* r, int k) {
    return r + size_t(k) * width;
  };
  const float* __restrict b0 = plane(r0, C);
  const float* __restrict b1 = plane(r1, C);
  const float* __restrict lo0 = plane(r0, C + 1);
  const float* __restrict lo1 = plane(r1, C + 1);
  const float* __restrict hi0 = plane(r0, C + 2);
  const float* __restrict hi1 = plane(r1, C + 2);
  const float* __restrict a00 = plane(r0, 0);
  const float* __restrict a01 = plane(r1, 0);
  const uchar* __restrict g0 = g;
  if constexpr (C == 1) {
    for (int x = 0; x < width; ++x) {
      const float q = b0[x] + wy * (b1[x] - b0[x]) +
                      (a00[x] + wy * (a01[x] - a00[x])) * float(g0[x]);
      const float lo = lo0[x] + wy * (lo1[x] - lo0[x]);
      const float hi = hi0[x] + wy * (hi1[x] - hi0[x]);
      out[x] = std::min(std::max(q, lo), hi);
    }
  } else {
    static_assert(C == 3);
    const float* __restrict a10 = plane(r0, 1);
    const float* __restrict a11 = plane(r1, 1);
    const float* __restrict a20 = plane(r0, 2);
    const float* __restrict a21 = plane(r1, 2);
    const uchar* __restrict g1 = g + width;
    const uchar* __restrict g2 = g + 2 * size_t(width);
    for (int x = 0; x < width; ++x) {
      const float q = b0[x] + wy * (b1[x] - b0[x]) +
                      (a00[x] + wy * (a01[x] - a00[x])) * float(g0[x]) +
                      (a10[x] + wy * (a11[x] - a10[x])) * float(g1[x]) +
                      (a20[x] + wy * (a21[x] - a20[x])) * float(g2[x]);
      const float lo = lo0[x] + wy * (lo1[x] - lo0[x]);
      const float hi = hi0[x] + wy * (hi1[x] - hi0[x]);
      out[x] = std::min(std::max(q, lo), hi);
    }
  }
}

PARALLAX_SIMD_CLONES void BlendRow1(const float* r0, const float* r1, float wy,
                                    const uchar* g, int width, float* out) {
  BlendRowImpl<1>(r0, r1, wy, g, width, out);
}
PARALLAX_SIMD_CLONES void BlendRow3(const float* r0, const float* r1, float wy,
                                    const uchar* g, int width, float* out) {
  BlendRowImpl<3>(r0, r1, wy, g, width, out);
}

// q = clamp(a.I + b, lo, hi) over the output from the low-res planes
// {a_0..a_{C-1}, b, lo, hi}, all bilinearly upsampled.
template <int C>
void ApplyCoefficients(const std::vector<cv::Mat>& planes, const cv::Mat& guide,
                       cv::Mat& out) {
  const int width = guide.cols;
  ForEachUpsampledStripe(
      planes, guide.size(),
      [&](const cv::Range& rows, const UpsampledStripe& stripe) {
        // The guide row split into planes (cv::split is SIMD), so that
        // BlendRow reads only contiguous streams and vectorises.
        cv::Mat guide_row(C, width, CV_8U);
        std::vector<cv::Mat> guide_planes(C);
        for (int c = 0; c < C; ++c) guide_planes[c] = guide_row.row(c);
        for (int y = rows.start; y < rows.end; ++y) {
          if constexpr (C == 1) {
            guide.row(y).copyTo(guide_row);
          } else {
            cv::split(guide.row(y), guide_planes);
          }
          (C == 1 ? BlendRow1 : BlendRow3)(
              stripe.row0(y), stripe.row1(y), stripe.weight(y),
              guide_row.ptr<uchar>(), width, out.ptr<float>(y));
        }
      });
}

}  // namespace

cv::Mat FastGuidedUpsample(const cv::Mat& p_low, const cv::Mat& guide,
                           int radius, double eps, const cv::Mat& lo_low,
                           const cv::Mat& hi_low) {
  THROW_CHECK(p_low.type() == CV_32FC1 && !p_low.empty());
  THROW_CHECK(guide.type() == CV_8UC1 || guide.type() == CV_8UC3);
  THROW_CHECK(lo_low.type() == CV_32FC1 && lo_low.size() == p_low.size());
  THROW_CHECK(hi_low.type() == CV_32FC1 && hi_low.size() == p_low.size());
  THROW_CHECK_GE(radius, 1);
  THROW_CHECK_GT(eps, 0.0);
  THROW_CHECK(guide.cols >= p_low.cols && guide.rows >= p_low.rows);

  // Work on p scaled to [0, 1] and the guide in [0, 1], where eps has its
  // documented meaning and float statistics keep ~1e-6 precision, then fold
  // the scaling back into a and b.
  double p_min = 0.0, p_max = 0.0;
  cv::minMaxLoc(p_low, &p_min, &p_max);
  const double p_range = std::max(p_max - p_min, 1e-12);
  cv::Mat p;
  p_low.convertTo(p, CV_32F, 1.0 / p_range, -p_min / p_range);
  cv::Mat guide_low;
  FastAreaDownsample(guide, p_low.size())
      .convertTo(guide_low, CV_32F, 1.0 / 255.0);

  const int channels = guide.channels();
  std::vector<cv::Mat> planes =
      channels == 3 ? ColorCoefficients(guide_low, p, radius, float(eps))
                    : GrayCoefficients(guide_low, p, radius, float(eps));
  // q = p_range * (a.I/255 + b) + p_min with I in 8-bit levels.
  for (int c = 0; c < channels; ++c) planes[c] *= p_range / 255.0;
  planes[channels].convertTo(planes[channels], CV_32F, p_range, p_min);
  planes.push_back(lo_low);
  planes.push_back(hi_low);

  cv::Mat out(guide.size(), CV_32FC1);
  if (channels == 3) {
    ApplyCoefficients<3>(planes, guide, out);
  } else {
    ApplyCoefficients<1>(planes, guide, out);
  }
  return out;
}

}  // namespace parallax
