#include "parallax/io/png_encoder.h"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "parallax/util/check.h"

namespace parallax {
namespace {

constexpr int kFilterCount = 5;

// One compressor per level and thread: allocating one costs more than
// compressing a small mask.
libdeflate_compressor* Compressor(int level) {
  struct Free {
    void operator()(libdeflate_compressor* c) const {
      libdeflate_free_compressor(c);
    }
  };
  thread_local std::array<std::unique_ptr<libdeflate_compressor, Free>, 13>
      cache;
  auto& slot = cache[static_cast<size_t>(level)];
  if (!slot) {
    slot.reset(libdeflate_alloc_compressor(level));
    if (!slot) throw std::bad_alloc();
  }
  return slot.get();
}

// Appends by resize and copy (GCC 12 warns falsely on vector::insert of
// byte ranges here).
void Append(std::vector<uint8_t>& out, const void* data, size_t size) {
  const size_t at = out.size();
  out.resize(at + size);
  if (size > 0) std::memcpy(out.data() + at, data, size);
}

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  const uint8_t bytes[4] = {
      static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
      static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  Append(out, bytes, 4);
}

void PutChunk(std::vector<uint8_t>& out, const char type[4],
              const uint8_t* data, size_t size) {
  PutU32(out, static_cast<uint32_t>(size));
  const size_t start = out.size();
  Append(out, type, 4);
  Append(out, data, size);
  PutU32(out, libdeflate_crc32(0, out.data() + start, size + 4));
}

// One image row in PNG byte order: RGB(A) for BGR(A), 16-bit big-endian.
void ToPngOrder(const cv::Mat& image, int y, uint8_t* out) {
  const int channels = image.channels();
  const int width = image.cols;
  if (image.depth() == CV_8U) {
    const uint8_t* in = image.ptr<uint8_t>(y);
    if (channels == 1) {
      std::memcpy(out, in, static_cast<size_t>(width));
      return;
    }
    for (int x = 0; x < width; ++x, in += channels, out += channels) {
      out[0] = in[2];
      out[1] = in[1];
      out[2] = in[0];
      if (channels == 4) out[3] = in[3];
    }
    return;
  }
  const uint16_t* in = image.ptr<uint16_t>(y);
  static constexpr int kSwap[4] = {2, 1, 0, 3};
  for (int x = 0; x < width; ++x, in += channels) {
    for (int c = 0; c < channels; ++c) {
      const uint16_t v = in[channels == 1 ? 0 : kSwap[c]];
      *out++ = static_cast<uint8_t>(v >> 8);
      *out++ = static_cast<uint8_t>(v);
    }
  }
}

// Filter type `type` of `row` (n bytes, bpp bytes per pixel) against the
// row above, `up` (zeros for the first row). The first bpp bytes have no
// left neighbour; past them the loops carry no dependency, so they
// vectorise.
void FilterRow(int type, const uint8_t* row, const uint8_t* up, size_t n,
               size_t bpp, uint8_t* out) {
  const size_t head = std::min(bpp, n);
  switch (type) {
    case 0:
      std::memcpy(out, row, n);
      return;
    case 1:
      std::memcpy(out, row, head);
      for (size_t i = bpp; i < n; ++i) {
        out[i] = static_cast<uint8_t>(row[i] - row[i - bpp]);
      }
      return;
    case 2:
      for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<uint8_t>(row[i] - up[i]);
      }
      return;
    case 3:
      for (size_t i = 0; i < head; ++i) {
        out[i] = static_cast<uint8_t>(row[i] - (up[i] >> 1));
      }
      for (size_t i = bpp; i < n; ++i) {
        out[i] = static_cast<uint8_t>(row[i] - ((row[i - bpp] + up[i]) >> 1));
      }
      return;
    default:
      // Paeth of (left, up, up-left) = (0, b, 0) is b.
      for (size_t i = 0; i < head; ++i) {
        out[i] = static_cast<uint8_t>(row[i] - up[i]);
      }
      for (size_t i = bpp; i < n; ++i) {
        const int a = row[i - bpp], b = up[i], c = up[i - bpp];
        const int pa = std::abs(b - c), pb = std::abs(a - c);
        const int pc = std::abs(a + b - 2 * c);
        const int predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
        out[i] = static_cast<uint8_t>(row[i] - predictor);
      }
      return;
  }
}

// The adaptive filter's cost: the row's bytes as signed values, summed in
// magnitude (small residuals deflate best).
uint64_t ResidualCost(const uint8_t* filtered, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    sum += static_cast<uint64_t>(std::abs(static_cast<int8_t>(filtered[i])));
  }
  return sum;
}

}  // namespace

std::vector<uint8_t> EncodePng(const cv::Mat& image,
                               const PngEncodeOptions& options) {
  const int depth = image.depth(), channels = image.channels();
  if (image.empty() || (depth != CV_8U && depth != CV_16U) ||
      (channels != 1 && channels != 3 && channels != 4)) {
    ThrowError(
        "PNG takes 8- or 16-bit images with 1, 3 or 4 channels, got {} with "
        "{} channel(s){}",
        cv::depthToString(depth), channels, image.empty() ? " (empty)" : "");
  }
  THROW_CHECK(options.level >= 0 && options.level <= 12);
  THROW_CHECK(options.filter >= PngFilter::kNone &&
              options.filter <= PngFilter::kAdaptive);
  const size_t bytes_per_sample = depth == CV_8U ? 1 : 2;
  const size_t bpp = bytes_per_sample * static_cast<size_t>(channels);
  const size_t row_bytes = bpp * static_cast<size_t>(image.cols);
  const size_t stride = row_bytes + 1;  // filter type byte, then the row

  // Filtered rows, each led by its filter type: the zlib stream's input.
  std::vector<uint8_t> filtered(stride * static_cast<size_t>(image.rows));
  std::vector<uint8_t> rows(2 * row_bytes, 0);  // this row and the one above
  std::vector<uint8_t> candidates(
      options.filter == PngFilter::kAdaptive ? kFilterCount * row_bytes : 0);
  uint8_t* row = rows.data();
  uint8_t* up = rows.data() + row_bytes;
  for (int y = 0; y < image.rows; ++y) {
    ToPngOrder(image, y, row);
    uint8_t* out = filtered.data() + stride * static_cast<size_t>(y);
    int type = static_cast<int>(options.filter);
    if (options.filter == PngFilter::kAdaptive) {
      uint64_t best_cost = UINT64_MAX;
      for (int t = 0; t < kFilterCount; ++t) {
        uint8_t* candidate = candidates.data() + t * row_bytes;
        FilterRow(t, row, up, row_bytes, bpp, candidate);
        const uint64_t cost = ResidualCost(candidate, row_bytes);
        if (cost < best_cost) best_cost = cost, type = t;
      }
      std::memcpy(out + 1, candidates.data() + type * row_bytes, row_bytes);
    } else {
      FilterRow(type, row, up, row_bytes, bpp, out + 1);
    }
    out[0] = static_cast<uint8_t>(type);
    std::swap(row, up);
  }

  libdeflate_compressor* compressor = Compressor(options.level);
  std::vector<uint8_t> zlib(
      libdeflate_zlib_compress_bound(compressor, filtered.size()));
  const size_t zlib_size = libdeflate_zlib_compress(
      compressor, filtered.data(), filtered.size(), zlib.data(), zlib.size());
  THROW_CHECK(zlib_size > 0);  // the bound always suffices

  std::vector<uint8_t> png;
  png.reserve(zlib_size + 64);
  static constexpr uint8_t kSignature[8] = {0x89, 'P',  'N',  'G',
                                            '\r', '\n', 0x1A, '\n'};
  Append(png, kSignature, sizeof(kSignature));
  static constexpr uint8_t kColourType[5] = {0, 0, 0, 2, 6};  // by channels
  uint8_t header[13];
  for (int i = 0; i < 4; ++i) {
    header[i] =
        static_cast<uint8_t>(static_cast<uint32_t>(image.cols) >> (24 - 8 * i));
    header[4 + i] =
        static_cast<uint8_t>(static_cast<uint32_t>(image.rows) >> (24 - 8 * i));
  }
  header[8] = static_cast<uint8_t>(8 * bytes_per_sample);
  header[9] = kColourType[channels];
  header[10] = header[11] = header[12] = 0;  // deflate, adaptive, no interlace
  PutChunk(png, "IHDR", header, sizeof(header));
  // Chunks hold at most 2^31 - 1 bytes; split well below that.
  constexpr size_t kMaxChunk = size_t{1} << 30;
  for (size_t at = 0; at < zlib_size; at += kMaxChunk) {
    PutChunk(png, "IDAT", zlib.data() + at,
             std::min(kMaxChunk, zlib_size - at));
  }
  PutChunk(png, "IEND", nullptr, 0);
  return png;
}

}  // namespace parallax
