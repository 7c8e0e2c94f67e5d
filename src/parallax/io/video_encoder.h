// Internal to src/parallax/io: choosing and configuring the video encoder
// for VideoWriter, and checking the choices against the container, with
// errors that say what to pick instead.
#pragma once

#include <filesystem>
#include <string>

#include "parallax/io/video_ffmpeg.h"
#include "parallax/io/video_writer.h"

namespace parallax::video_internal {

struct EncoderChoice {
  const AVCodec* codec = nullptr;
  std::string name;  // Parallax's name: "h264", "h265" or "ffv1"
  // Pixel format given by the user; AV_PIX_FMT_NONE = decide from the
  // first frame (ffv1 matches the frames losslessly).
  AVPixelFormat pix_fmt = AV_PIX_FMT_NONE;
};

// Validates codec, preset, crf and pixel format (against the encoder's list
// and the frame size) and that `container` can hold the codec. Throws
// parallax::Error naming `path` and listing the valid choices.
EncoderChoice ChooseEncoder(const VideoEncodeOptions& options,
                            const VideoOutputSpec& spec,
                            const AVOutputFormat& container,
                            const std::filesystem::path& path);

// The pixel format for frames of OpenCV type `cv_type`.
AVPixelFormat EncoderPixelFormat(const EncoderChoice& choice, int cv_type);

// Opens the encoder for `spec` in `pix_fmt`. Throws parallax::Error.
CodecContextPtr OpenEncoder(const EncoderChoice& choice,
                            const VideoEncodeOptions& options,
                            const VideoOutputSpec& spec, AVPixelFormat pix_fmt,
                            bool global_header,
                            const std::filesystem::path& path);

// Throws parallax::Error when `container` cannot carry `tag`; else sets the
// muxer up to write it (MP4 writes 'st3d' only when told non-standard
// boxes are welcome).
void PrepareStereoTag(StereoTag tag, AVFormatContext* output,
                      const std::filesystem::path& path);
// Attaches the tag to the stream as AV_PKT_DATA_STEREO3D side data.
void AddStereoTag(StereoTag tag, AVStream* stream);

}  // namespace parallax::video_internal
