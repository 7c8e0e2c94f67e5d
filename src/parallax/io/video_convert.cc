#include "parallax/io/video_convert.h"

#include <cstring>

extern "C" {
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <new>
#include <optional>

#include "parallax/io/yuv_to_bgr.h"
#include "parallax/util/check.h"

namespace parallax::video_internal {
namespace {

// Bilinear chroma with accurate rounding and full-resolution chroma
// interpolation: without the last two, swscale takes fast paths that cost up
// to 2 levels of error and blocky chroma edges.
constexpr int kDecodeFlags =
    SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT;
constexpr int kEncodeFlags =
    SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP;

// The "J" formats are YUV at full range. swscale wants the plain format and
// the range given explicitly (it warns about the J formats otherwise).
AVPixelFormat WithoutJpegRange(AVPixelFormat format, bool* full_range) {
  switch (format) {
    case AV_PIX_FMT_YUVJ420P:
      *full_range = true;
      return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P:
      *full_range = true;
      return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P:
      *full_range = true;
      return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P:
      *full_range = true;
      return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P:
      *full_range = true;
      return AV_PIX_FMT_YUV411P;
    default:
      return format;
  }
}

// Untagged streams: HD is BT.709 and SD is BT.601 by convention (what
// players assume).
int ColorMatrix(const AVFrame& frame) {
  switch (frame.colorspace) {
    case AVCOL_SPC_RGB:
    case AVCOL_SPC_UNSPECIFIED:
    case AVCOL_SPC_RESERVED:
      return frame.height >= 720 ? SWS_CS_ITU709 : SWS_CS_ITU601;
    default:
      return frame.colorspace;
  }
}

// The matrices Yuv420ToBgr knows, by their swscale / AVColorSpace number.
std::optional<YuvMatrix> FastMatrix(int colorspace) {
  switch (colorspace) {
    case SWS_CS_ITU709:  // == AVCOL_SPC_BT709
      return YuvMatrix::kBt709;
    case SWS_CS_ITU601:  // == AVCOL_SPC_BT470BG
    case AVCOL_SPC_SMPTE170M:
      return YuvMatrix::kBt601;
    default:
      return std::nullopt;
  }
}

// Where the stream puts its chroma samples horizontally. Untagged: MPEG-2,
// H.264 and HEVC put them on the even columns ("left"), JPEG (full range)
// between columns.
ChromaSiting Siting(const AVFrame& frame, bool full_range) {
  switch (frame.chroma_location) {
    case AVCHROMA_LOC_CENTER:
    case AVCHROMA_LOC_TOP:
    case AVCHROMA_LOC_BOTTOM:
      return ChromaSiting::kCentre;
    case AVCHROMA_LOC_UNSPECIFIED:
      return full_range ? ChromaSiting::kCentre : ChromaSiting::kLeft;
    default:
      return ChromaSiting::kLeft;
  }
}

const char* PixelFormatName(AVPixelFormat format) {
  const char* name = av_get_pix_fmt_name(format);
  return name ? name : "unknown";
}

}  // namespace

AVPixelFormat PixelFormatOfMat(int cv_type) {
  switch (cv_type) {
    case CV_8UC3:
      return AV_PIX_FMT_BGR24;
    case CV_16UC3:
      return AV_PIX_FMT_BGR48;
    case CV_8UC1:
      return AV_PIX_FMT_GRAY8;
    case CV_16UC1:
      return AV_PIX_FMT_GRAY16;
    default:
      return AV_PIX_FMT_NONE;
  }
}

FrameToMat::~FrameToMat() { sws_freeContext(sws_); }

cv::Mat FrameToMat::Convert(const AVFrame& frame, int bit_depth) {
  THROW_CHECK(bit_depth == 8 || bit_depth == 16);
  bool full_range = frame.color_range == AVCOL_RANGE_JPEG;
  const AVPixelFormat source =
      WithoutJpegRange(static_cast<AVPixelFormat>(frame.format), &full_range);
  // Untagged gray and RGB pictures use the full range (AVI cannot tag it);
  // only YUV defaults to the limited "TV" range.
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(source);
  if (frame.color_range == AVCOL_RANGE_UNSPECIFIED && desc &&
      ((desc->flags & AV_PIX_FMT_FLAG_RGB) || desc->nb_components < 3)) {
    full_range = true;
  }
  const AVPixelFormat target =
      bit_depth == 8 ? AV_PIX_FMT_BGR24 : AV_PIX_FMT_BGR48;
  const int colorspace = ColorMatrix(frame);
  // 8-bit 4:2:0 in BT.709 or BT.601, nearly every video: our own
  // converter, 2.4x faster than swscale's accurate path at the same
  // accuracy, which also places chroma where the stream says
  // (io/yuv_to_bgr.h).
  const std::optional<YuvMatrix> matrix = FastMatrix(colorspace);
  if (source == AV_PIX_FMT_YUV420P && bit_depth == 8 && matrix) {
    const Yuv420Planes planes{
        frame.data[0],     frame.data[1],     frame.data[2], frame.linesize[0],
        frame.linesize[1], frame.linesize[2], frame.width,   frame.height};
    cv::Mat image;
    Yuv420ToBgr(planes, *matrix, full_range, Siting(frame, full_range), image);
    return image;
  }
  const bool changed = frame.width != width_ || frame.height != height_ ||
                       source != format_ || bit_depth != bit_depth_ ||
                       colorspace != colorspace_ || full_range != range_;
  if (changed) {
    sws_freeContext(sws_);
    sws_ = sws_getContext(frame.width, frame.height, source, frame.width,
                          frame.height, target, kDecodeFlags, nullptr, nullptr,
                          nullptr);
    if (!sws_) {
      format_ = -1;
      ThrowError("cannot convert video pixel format {} to BGR",
                 PixelFormatName(source));
    }
    // Fails (harmlessly) for RGB sources, which have no matrix.
    sws_setColorspaceDetails(sws_, sws_getCoefficients(colorspace), full_range,
                             sws_getCoefficients(SWS_CS_DEFAULT),
                             /*dstRange=*/1, /*brightness=*/0,
                             /*contrast=*/1 << 16, /*saturation=*/1 << 16);
    width_ = frame.width;
    height_ = frame.height;
    format_ = source;
    bit_depth_ = bit_depth;
    colorspace_ = colorspace;
    range_ = full_range;
  }
  cv::Mat image(frame.height, frame.width, bit_depth == 8 ? CV_8UC3 : CV_16UC3);
  uint8_t* planes[4] = {image.data, nullptr, nullptr, nullptr};
  int strides[4] = {static_cast<int>(image.step), 0, 0, 0};
  sws_scale(sws_, frame.data, frame.linesize, 0, frame.height, planes, strides);
  return image;
}

MatToFrame::MatToFrame(int width, int height, AVPixelFormat format)
    : width_(width), height_(height), format_(format) {}

MatToFrame::~MatToFrame() { sws_freeContext(sws_); }

FramePtr MatToFrame::Convert(const cv::Mat& image) {
  const AVPixelFormat source = PixelFormatOfMat(image.type());
  THROW_CHECK_MSG(source != AV_PIX_FMT_NONE,
                  "video frames must be CV_8UC3, CV_16UC3, CV_8UC1 or "
                  "CV_16UC1, got type {}",
                  image.type());
  THROW_CHECK_MSG(image.cols == width_ && image.rows == height_,
                  "frame is {}x{}, the video {}x{}", image.cols, image.rows,
                  width_, height_);
  if (image.type() != source_type_) {
    sws_freeContext(sws_);
    sws_ = sws_getContext(width_, height_, source, width_, height_, format_,
                          kEncodeFlags, nullptr, nullptr, nullptr);
    THROW_CHECK_MSG(sws_ != nullptr, "no swscale path {} -> {}",
                    PixelFormatName(source), PixelFormatName(format_));
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format_);
    const bool yuv =
        !(desc->flags & AV_PIX_FMT_FLAG_RGB) && desc->nb_components >= 3;
    sws_setColorspaceDetails(sws_, sws_getCoefficients(SWS_CS_ITU709),
                             /*srcRange=*/1, sws_getCoefficients(SWS_CS_ITU709),
                             /*dstRange=*/yuv ? 0 : 1, 0, 1 << 16, 1 << 16);
    source_type_ = image.type();
  }
  FramePtr frame = NewFrame();
  frame->format = format_;
  frame->width = width_;
  frame->height = height_;
  if (av_frame_get_buffer(frame.get(), 0) < 0) throw std::bad_alloc();
  // Same input, same bytes: padding (the X of bgr0, row ends) would
  // otherwise hold whatever the allocator left there, and lossless encoders
  // store it.
  for (int plane = 0; plane < 4 && frame->buf[plane]; ++plane) {
    std::memset(frame->buf[plane]->data, 0, frame->buf[plane]->size);
  }
  const uint8_t* planes[4] = {image.data, nullptr, nullptr, nullptr};
  const int strides[4] = {static_cast<int>(image.step), 0, 0, 0};
  sws_scale(sws_, planes, strides, 0, height_, frame->data, frame->linesize);
  return frame;
}

}  // namespace parallax::video_internal
