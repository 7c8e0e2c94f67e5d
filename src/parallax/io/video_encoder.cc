#include "parallax/io/video_encoder.h"

extern "C" {
#include <libavutil/cpu.h>
#include <libavutil/pixdesc.h>
#include <libavutil/stereo3d.h>
}

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <opencv2/core.hpp>

#include "parallax/util/check.h"
#include "parallax/util/strings.h"

namespace parallax::video_internal {
namespace fs = std::filesystem;
namespace {

struct CodecEntry {
  std::string_view name;
  std::string_view encoder;
  int default_crf;  // visually lossless for film; -1 = lossless codec
};
constexpr std::array<CodecEntry, 3> kCodecs = {{
    {"h264", "libx264", 18},
    {"h265", "libx265", 20},
    {"ffv1", "ffv1", -1},
}};

constexpr std::array<std::string_view, 10> kPresets = {
    "ultrafast", "superfast", "veryfast", "faster",   "fast",
    "medium",    "slow",      "slower",   "veryslow", "placebo"};

const CodecEntry& FindCodec(const std::string& name, const fs::path& path) {
  std::string key = ToLower(name);
  if (key == "libx264" || key == "avc") key = "h264";
  if (key == "libx265" || key == "hevc") key = "h265";
  for (const CodecEntry& entry : kCodecs) {
    if (entry.name == key) return entry;
  }
  ThrowError("{}: unknown video codec '{}': choose h264, h265 or ffv1",
             path.string(), name);
}

bool IsX26x(const EncoderChoice& choice) { return choice.name != "ffv1"; }

std::string SupportedPixelFormats(const AVCodec& codec) {
  std::string list;
  for (const AVPixelFormat* f = codec.pix_fmts; f && *f != AV_PIX_FMT_NONE;
       ++f) {
    if (!list.empty()) list += ", ";
    list += av_get_pix_fmt_name(*f);
  }
  return list;
}

void CheckSubsampling(AVPixelFormat format, const VideoOutputSpec& spec,
                      const fs::path& path) {
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
  const int step_x = 1 << desc->log2_chroma_w;
  const int step_y = 1 << desc->log2_chroma_h;
  if (spec.width % step_x != 0 || spec.height % step_y != 0) {
    ThrowError(
        "{}: pixel format {} needs the width to be a multiple of {} and the "
        "height of {}, got {}x{}: crop or pad the frames, or use yuv444p",
        path.string(), desc->name, step_x, step_y, spec.width, spec.height);
  }
}

// x264's instruction sets for this CPU, without AVX-512. Its AVX-512
// macroblock-tree code reads memory it never wrote when the width is not a
// multiple of 128 px (measured: 320, 352, 576, 960 px wide; 640, 1280, 1920
// are not affected), so the same frames gave different files from run to
// run. Without AVX-512 the output is fixed for a machine, and a 1080p
// encode was faster, not slower (8.1 s against 9.1 s for 240 frames).
// Names, not bit masks: x264 parses them and each implies the sets below it.
std::string X264InstructionSets() {
#if defined(__x86_64__) || defined(__i386__)
  const int cpu = av_get_cpu_flags();
  struct Set {
    int flag;
    const char* name;
  };
  constexpr Set kSets[] = {
      {AV_CPU_FLAG_MMXEXT, "MMX2"},  {AV_CPU_FLAG_SSE, "SSE"},
      {AV_CPU_FLAG_SSE2, "SSE2"},    {AV_CPU_FLAG_SSE3, "SSE3"},
      {AV_CPU_FLAG_SSSE3, "SSSE3"},  {AV_CPU_FLAG_SSE4, "SSE4.1"},
      {AV_CPU_FLAG_SSE42, "SSE4.2"}, {AV_CPU_FLAG_AVX, "AVX"},
      {AV_CPU_FLAG_XOP, "XOP"},      {AV_CPU_FLAG_FMA4, "FMA4"},
      {AV_CPU_FLAG_FMA3, "FMA3"},    {AV_CPU_FLAG_BMI1, "BMI1"},
      {AV_CPU_FLAG_BMI2, "BMI2"},    {AV_CPU_FLAG_AVX2, "AVX2"},
  };
  if (!(cpu & AV_CPU_FLAG_AVX512)) return {};  // x264's own choice is fine
  std::string names;
  for (const Set& set : kSets) {
    if (!(cpu & set.flag)) continue;
    if (!names.empty()) names += ',';
    names += set.name;
  }
  // Speed hints x264 would have detected itself on such a CPU.
  if ((cpu & AV_CPU_FLAG_SSSE3) && !(cpu & AV_CPU_FLAG_SSE2SLOW)) {
    names += ",SSE2Fast";
  }
  return names;
#else
  return {};
#endif
}

}  // namespace

EncoderChoice ChooseEncoder(const VideoEncodeOptions& options,
                            const VideoOutputSpec& spec,
                            const AVOutputFormat& container,
                            const fs::path& path) {
  const CodecEntry& entry = FindCodec(options.codec, path);
  EncoderChoice choice;
  choice.name = std::string(entry.name);
  choice.codec =
      avcodec_find_encoder_by_name(std::string(entry.encoder).c_str());
  if (!choice.codec) {
    ThrowError("{}: this FFmpeg build has no {} encoder for {}", path.string(),
               entry.encoder, entry.name);
  }
  if (IsX26x(choice)) {
    if (std::find(kPresets.begin(), kPresets.end(), options.preset) ==
        kPresets.end()) {
      ThrowError(
          "{}: unknown preset '{}': choose ultrafast, superfast, veryfast, "
          "faster, fast, medium, slow, slower, veryslow or placebo",
          path.string(), options.preset);
    }
    const std::vector<std::string> tunes =
        choice.name == "h264"
            ? std::vector<std::string>{"",      "film",       "animation",
                                       "grain", "stillimage", "psnr",
                                       "ssim",  "fastdecode", "zerolatency"}
            : std::vector<std::string>{"",         "psnr",       "ssim",
                                       "grain",    "fastdecode", "zerolatency",
                                       "animation"};
    if (std::find(tunes.begin(), tunes.end(), options.tune) == tunes.end()) {
      ThrowError("{}: unknown {} tune '{}': choose one of {}", path.string(),
                 choice.name, options.tune,
                 fmt::join(tunes.begin() + 1, tunes.end(), ", "));
    }
    if (options.crf != -1 && (options.crf < 0 || options.crf > 51)) {
      ThrowError("{}: crf must be in 0..51 (or -1 for the default), got {}",
                 path.string(), options.crf);
    }
  }
  if (avformat_query_codec(&container, choice.codec->id,
                           FF_COMPLIANCE_NORMAL) == 0) {
    ThrowError("{}: {} files cannot hold {} video; write a .mkv file instead",
               path.string(), ToLower(path.extension().string()), choice.name);
  }
  if (!options.pix_fmt.empty()) {
    choice.pix_fmt = av_get_pix_fmt(options.pix_fmt.c_str());
    const AVPixelFormat* formats = choice.codec->pix_fmts;
    bool supported = false;
    for (const AVPixelFormat* f = formats; f && *f != AV_PIX_FMT_NONE; ++f) {
      supported |= choice.pix_fmt != AV_PIX_FMT_NONE && *f == choice.pix_fmt;
    }
    if (!supported) {
      ThrowError("{}: {} cannot encode pixel format '{}'; it takes {}",
                 path.string(), choice.name, options.pix_fmt,
                 SupportedPixelFormats(*choice.codec));
    }
  } else if (IsX26x(choice)) {
    choice.pix_fmt = AV_PIX_FMT_YUV420P;
  }
  if (choice.pix_fmt != AV_PIX_FMT_NONE) {
    CheckSubsampling(choice.pix_fmt, spec, path);
  }
  return choice;
}

AVPixelFormat EncoderPixelFormat(const EncoderChoice& choice, int cv_type) {
  if (choice.pix_fmt != AV_PIX_FMT_NONE) return choice.pix_fmt;
  // ffv1 stores these exactly: RGB with a reversible colour transform.
  switch (cv_type) {
    case CV_8UC3:
      return AV_PIX_FMT_BGR0;
    case CV_16UC3:
      return AV_PIX_FMT_GBRP16LE;
    case CV_8UC1:
      return AV_PIX_FMT_GRAY8;
    default:
      return AV_PIX_FMT_GRAY16LE;
  }
}

CodecContextPtr OpenEncoder(const EncoderChoice& choice,
                            const VideoEncodeOptions& options,
                            const VideoOutputSpec& spec, AVPixelFormat pix_fmt,
                            bool global_header, const fs::path& path) {
  CodecContextPtr encoder(avcodec_alloc_context3(choice.codec));
  if (!encoder) throw std::bad_alloc();
  encoder->width = spec.width;
  encoder->height = spec.height;
  encoder->pix_fmt = pix_fmt;
  encoder->time_base = {spec.time_base.num, spec.time_base.den};
  encoder->framerate = {spec.frame_rate.num, spec.frame_rate.den};
  encoder->sample_aspect_ratio = {1, 1};
  encoder->thread_count = options.threads;
  if (options.keyframe_interval > 0) {
    encoder->gop_size = options.keyframe_interval;
  }
  // No version strings or other run-dependent bytes: the same input and
  // flags give the same file, so a resumed run can be checked.
  encoder->flags |= AV_CODEC_FLAG_BITEXACT;
  if (global_header) encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  // Tag what MatToFrame produces, so players convert back the same way.
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(pix_fmt);
  if (desc->flags & AV_PIX_FMT_FLAG_RGB) {
    encoder->colorspace = AVCOL_SPC_RGB;
    encoder->color_range = AVCOL_RANGE_JPEG;
  } else if (desc->nb_components < 3) {
    encoder->color_range = AVCOL_RANGE_JPEG;
  } else {
    encoder->colorspace = AVCOL_SPC_BT709;
    encoder->color_primaries = AVCOL_PRI_BT709;
    encoder->color_trc = AVCOL_TRC_BT709;
    encoder->color_range = AVCOL_RANGE_MPEG;
  }

  AVDictionary* settings = nullptr;
  if (IsX26x(choice)) {
    const int crf = options.crf >= 0        ? options.crf
                    : choice.name == "h264" ? 18
                                            : 20;
    av_dict_set(&settings, "crf", std::to_string(crf).c_str(), 0);
    av_dict_set(&settings, "preset", options.preset.c_str(), 0);
    if (!options.tune.empty()) {
      av_dict_set(&settings, "tune", options.tune.c_str(), 0);
    }
    if (choice.name == "h264") {
      if (const std::string sets = X264InstructionSets(); !sets.empty()) {
        av_dict_set(&settings, "x264-params", ("asm=" + sets).c_str(), 0);
      }
    }
    // libx265 prints its banner and statistics straight to stderr.
    if (choice.name == "h265" && !std::getenv("PARALLAX_FFMPEG_LOG")) {
      av_dict_set(&settings, "x265-params", "log-level=error", 0);
    }
  } else {
    // FFV1 version 3: slices (so threads help) and per-slice CRCs.
    encoder->level = 3;
  }
  ClearLoggedError();
  const int ret = avcodec_open2(encoder.get(), choice.codec, &settings);
  av_dict_free(&settings);
  if (ret < 0) {
    ThrowError("{}: cannot open the {} encoder ({} {}x{}): {}", path.string(),
               choice.codec->name, av_get_pix_fmt_name(pix_fmt), spec.width,
               spec.height, AvErrorText(ret));
  }
  return encoder;
}

void PrepareStereoTag(StereoTag tag, AVFormatContext* output,
                      const fs::path& path) {
  if (tag == StereoTag::kNone) return;
  const std::string format = output->oformat->name;
  const bool right_first = tag == StereoTag::kSideBySideRightFirst ||
                           tag == StereoTag::kTopBottomRightFirst;
  if (format == "mp4") {
    if (right_first) {
      ThrowError(
          "{}: MP4's stereo tag cannot put the right view first; write a "
          ".mkv file or swap the views",
          path.string());
    }
    output->strict_std_compliance = FF_COMPLIANCE_UNOFFICIAL;
  } else if (format.find("matroska") == std::string::npos && format != "webm") {
    ThrowError(
        "{}: {} files cannot carry a stereo 3D tag; write .mp4, .mkv "
        "or .webm",
        path.string(), ToLower(path.extension().string()));
  }
}

void AddStereoTag(StereoTag tag, AVStream* stream) {
  if (tag == StereoTag::kNone) return;
  AVStereo3D* stereo = av_stereo3d_alloc();
  if (!stereo) throw std::bad_alloc();
  const bool side_by_side = tag == StereoTag::kSideBySideLeftFirst ||
                            tag == StereoTag::kSideBySideRightFirst;
  stereo->type = side_by_side ? AV_STEREO3D_SIDEBYSIDE : AV_STEREO3D_TOPBOTTOM;
  if (tag == StereoTag::kSideBySideRightFirst ||
      tag == StereoTag::kTopBottomRightFirst) {
    stereo->flags = AV_STEREO3D_FLAG_INVERT;
  }
  if (av_stream_add_side_data(stream, AV_PKT_DATA_STEREO3D,
                              reinterpret_cast<uint8_t*>(stereo),
                              sizeof(*stereo)) < 0) {
    av_free(stereo);
    throw std::bad_alloc();
  }
}

}  // namespace parallax::video_internal
