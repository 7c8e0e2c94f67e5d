#include "parallax/data/film/film_extract.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <future>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <opencv2/imgproc.hpp>

#include "parallax/data/batch_loader.h"
#include "parallax/data/film/picture_area.h"
#include "parallax/data/film/shot_cuts.h"
#include "parallax/data/row_alignment.h"
#include "parallax/data/stereo_hints.h"
#include "parallax/io/image_io.h"
#include "parallax/io/video_reader.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/thread_pool.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Frames looked at to find a film's layout, spread over its middle 80 %.
constexpr int kDetectFrames = 12;
// Disparities kept per measured sample, and per film in the resume state.
constexpr size_t kDisparitiesPerSample = 2000;
// The film's matched disparities are counted in bins of 1/4 pixel over
// -width/2 .. width/2 (so every measured sample counts, in a state of a few
// KB, and percentiles come out the same after a resume).
constexpr double kBinsPerPixel = 4;
// A damaged stretch is skipped by reopening this far after its start.
constexpr double kDamageSkipS = 1.0;
constexpr int kMaxDamaged = 50;

// ---------------------------------------------------------------- layout

struct ChosenLayout {
  FilmLayout layout;
  std::string source;
  std::string evidence;
};

std::optional<FilmLayout> LayoutOfTag(StereoTag tag, cv::Size frame) {
  const auto of = [&](PackedLayout packing, bool right_first) {
    return FilmLayout{packing, LooksHalf(frame, packing), right_first};
  };
  switch (tag) {
    case StereoTag::kSideBySideLeftFirst:
      return of(PackedLayout::kSideBySide, false);
    case StereoTag::kSideBySideRightFirst:
      return of(PackedLayout::kSideBySide, true);
    case StereoTag::kTopBottomLeftFirst:
      return of(PackedLayout::kTopBottom, false);
    case StereoTag::kTopBottomRightFirst:
      return of(PackedLayout::kTopBottom, true);
    case StereoTag::kNone:
      break;
  }
  return std::nullopt;
}

ChosenLayout ChooseLayout(const fs::path& film,
                          const FilmExtractOptions& options,
                          const VideoInfo& info) {
  const cv::Size frame{info.width, info.height};
  if (options.layout) return {*options.layout, "--layout", ""};
  if (const std::optional<FilmLayout> tagged =
          LayoutOfTag(info.stereo, frame)) {
    return {*tagged, "container tag", "the file's stereo 3D tag"};
  }
  std::vector<cv::Mat> frames;
  for (int i = 0; i < kDetectFrames; ++i) {
    VideoReadOptions read;
    read.start = VideoPosition::Seconds(
        info.duration_s * (0.1 + 0.8 * (i + 0.5) / kDetectFrames));
    read.start_at_keyframe = true;  // any frame near there will do
    try {
      VideoReader reader(film, read);
      VideoFrame picture;
      if (reader.Read(&picture)) frames.push_back(picture.image);
    } catch (const Error&) {
      // A damaged spot: the other positions decide.
    }
  }
  if (frames.empty()) {
    ThrowError("'{}': no frame could be decoded to find its 3D layout",
               film.string());
  }
  const LayoutDetection detection = DetectFilmLayout(frames);
  if (!detection.stereo) {
    ThrowError(
        "'{}' does not look like a 3D film: {}. If it is one, give its layout "
        "with --layout sbs|hsbs|tb|htb",
        film.string(), detection.description);
  }
  return {detection.layout, "detected", detection.description};
}

// -------------------------------------------------------------- geometry

// The part of a stored view that becomes a sample: the picture area cut to
// the sample's aspect (in display pixels) around its centre.
cv::Rect SampleWindow(cv::Rect area, cv::Point2d pixel_aspect, cv::Size size) {
  const double width = area.width * pixel_aspect.x;
  const double height = area.height * pixel_aspect.y;
  const double target = static_cast<double>(size.width) / size.height;
  cv::Rect window = area;
  if (width / height > target) {
    window.width = std::clamp(
        static_cast<int>(std::lround(height * target / pixel_aspect.x)), 2,
        area.width);
    window.x = area.x + (area.width - window.width) / 2;
  } else {
    window.height = std::clamp(
        static_cast<int>(std::lround(width / target / pixel_aspect.y)), 2,
        area.height);
    window.y = area.y + (area.height - window.height) / 2;
  }
  return window;
}

cv::Mat Resized(const cv::Mat& view, cv::Rect window, cv::Size size) {
  cv::Mat out;
  const bool shrinking =
      window.width >= size.width && window.height >= size.height;
  cv::resize(view(window), out, size, 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

// A sparsely sampled luma can have an odd side: the packed split needs it
// even (a column or row less changes no fingerprint).
cv::Mat EvenSides(const cv::Mat& picture) {
  return picture(cv::Rect(0, 0, picture.cols & ~1, picture.rows & ~1));
}

// ---------------------------------------------------------------- checks

// From the fingerprint of the left view, on the decoding thread.
std::optional<std::string> FingerprintRejection(const FrameSignature& s) {
  double mean = 0, squares = 0, dark = 0;
  for (size_t i = 0; i < s.histogram.size(); ++i) {
    const double level = 8.0 * static_cast<double>(i) + 4;
    mean += s.histogram[i] * level;
    squares += s.histogram[i] * level * level;
    if (i < 3) dark += s.histogram[i];  // below 24
  }
  const double deviation = std::sqrt(std::max(0.0, squares - mean * mean));
  if (mean < 20 || deviation < 8) return "dark or flat (black, fades)";
  if (dark > 0.8) return "mostly black (titles, credits)";
  return std::nullopt;
}

bool NearDuplicate(const FrameSignature& a, const FrameSignature& b) {
  return ThumbnailDifference(a, b) < 1.5 && HistogramDistance(a, b) < 0.02;
}

double MeanHorizontalGradient(const cv::Mat& bgr) {
  cv::Mat gray, gradient;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::Sobel(gray, gradient, CV_32F, 1, 0);
  return cv::mean(cv::abs(gradient))[0] / 8.0;
}

// Disparities (pixels, signed) that semi-global matching finds reliable,
// at most kDisparitiesPerSample of them. SGBM searches d >= 0 only, so the
// right view is moved left first, and the move taken off again.
std::vector<float> MatchedDisparities(const cv::Mat& left,
                                      const cv::Mat& right) {
  const int shift = std::max(1, left.cols / 10);
  cv::Mat moved;
  cv::copyMakeBorder(right(cv::Rect(shift, 0, right.cols - shift, right.rows)),
                     moved, 0, 0, 0, shift, cv::BORDER_REPLICATE);
  StereoHintOptions options;
  options.max_disparity_fraction = 0.3;
  options.min_texture = 4;
  const StereoHints hints = ComputeStereoHints(left, moved, options);
  std::vector<float> values;
  const int total = hints.left.rows * hints.left.cols;
  const int stride =
      std::max(1, total / static_cast<int>(kDisparitiesPerSample));
  for (int i = 0; i < total; i += stride) {
    const float d =
        hints.left.at<float>(i / hints.left.cols, i % hints.left.cols);
    if (std::isfinite(d)) values.push_back(d - static_cast<float>(shift));
  }
  return values;
}

// ------------------------------------------------------------- the work

struct Candidate {
  int64_t frame = 0;
  double time_s = 0;
  int shot = 0;
  bool validation = false;
  bool measure = false;             // match densely for the report
  cv::Rect area;                    // picture area in the stored view
  cv::Mat current, previous, next;  // packed frames (the last two: flow)
};

struct CandidateResult {
  int64_t frame = 0;
  int shot = 0;
  bool validation = false;
  std::string rejected;  // empty when written
  std::vector<float> disparities;
};

struct FilmContext {
  const FilmExtractOptions* options;
  FilmLayout layout;
  std::string name;
  fs::path film;
};

fs::path ShotFolder(const FilmContext& film, int shot, bool validation) {
  return film.options->out / (validation ? "val" : "train") / film.name /
         fmt::format("{:05d}", shot);
}

// Flow of `view` to `other`, at the sample's size, to mean |component| 1.
cv::Mat Flow(const cv::Mat& view, const cv::Mat& other, FlowMethod method) {
  cv::Mat flow = ComputeOpticFlow(view, other, method);
  NormalizeFlowMagnitude(flow);
  return flow;
}

// Both flows in one 4-channel half-float EXR. Rounded to 1/64 first (the
// flows are scaled to mean |component| 1, so that is 1.6 % of a typical
// vector): the low bits of each half are then zero and PIZ compresses a
// flow to about a sixth of its raw size instead of a half.
void WriteFlow(const fs::path& path, const cv::Mat& to_previous,
               const cv::Mat& to_next) {
  cv::Mat packed(to_previous.size(), CV_32FC4);
  const cv::Mat inputs[] = {to_previous, to_next};
  const int from_to[] = {0, 0, 1, 1, 2, 2, 3, 3};
  cv::mixChannels(inputs, 2, &packed, 1, from_to, 4);
  packed.forEach<cv::Vec4f>([](cv::Vec4f& v, const int*) {
    for (int c = 0; c < 4; ++c) v[c] = std::round(v[c] * 64) / 64;
  });
  ImageWriteOptions half;
  half.exr_half = true;
  half.exr_compression = ImageWriteOptions::ExrCompression::kPiz;
  WriteImage(path, packed, half);
}

CandidateResult ProcessCandidate(const Candidate& candidate,
                                 const FilmContext& film) {
  const FilmExtractOptions& options = *film.options;
  CandidateResult result;
  result.frame = candidate.frame;
  result.shot = candidate.shot;
  result.validation = candidate.validation;
  const auto [left_view, right_view] =
      SplitFilmFrame(candidate.current, film.layout);
  const cv::Rect window =
      SampleWindow(candidate.area, film.layout.PixelAspect(), options.size);
  const cv::Mat left = Resized(left_view, window, options.size);
  const cv::Mat right = Resized(right_view, window, options.size);

  if (cv::norm(left, right, cv::NORM_L1) /
          static_cast<double>(left.total() * 3) <
      1.0) {
    result.rejected = "2D (views identical)";
    return result;
  }
  if (MeanHorizontalGradient(left) < options.min_texture) {
    result.rejected = "too little texture";
    return result;
  }
  RowAlignmentOptions matching;
  matching.max_features = 600;
  matching.horizontal = HorizontalShift::kKeep;
  matching.min_inliers = options.min_matches;
  // Features are matched at half size from 512 pixels wide (a quarter of
  // the work; rows and disparities are scaled back).
  const double match_scale = options.size.width >= 512 ? 0.5 : 1.0;
  RowAlignment alignment;
  try {
    if (match_scale < 1) {
      cv::Mat small_left, small_right;
      cv::resize(left, small_left, {}, match_scale, match_scale,
                 cv::INTER_AREA);
      cv::resize(right, small_right, {}, match_scale, match_scale,
                 cv::INTER_AREA);
      alignment = EstimateRowAlignment(small_left, small_right, matching);
      alignment.vertical_error_before_px /= match_scale;
      alignment.disparity_low_px /= match_scale;
      alignment.disparity_high_px /= match_scale;
    } else {
      alignment = EstimateRowAlignment(left, right, matching);
    }
  } catch (const Error&) {
    result.rejected = "no reliable feature matches";
    return result;
  }
  if (alignment.vertical_error_before_px > options.max_row_error_px) {
    result.rejected = "rows misaligned";
    return result;
  }
  // Two views of one picture encoded side by side differ by compression
  // noise, and their features line up at disparity 0.
  if (std::abs(alignment.disparity_low_px) < 0.5 &&
      std::abs(alignment.disparity_high_px) < 0.5) {
    result.rejected = "2D (views identical)";
    return result;
  }
  const double limit = options.max_disparity * options.size.width;
  if (std::max(std::abs(alignment.disparity_low_px),
               std::abs(alignment.disparity_high_px)) > limit) {
    result.rejected = "disparity out of range";
    return result;
  }

  const fs::path folder =
      ShotFolder(film, candidate.shot, candidate.validation);
  const std::string stem = fmt::format("{:07d}", candidate.frame);
  for (const char* sub : {"left", "right", "meta"}) {
    fs::create_directories(folder / sub);
  }
  if (options.flow) {
    const auto neighbour = [&](const cv::Mat& packed, bool right_eye) {
      const auto [l, r] = SplitFilmFrame(packed, film.layout);
      return Resized(right_eye ? r : l, window, options.size);
    };
    fs::create_directories(folder / "flow_left");
    fs::create_directories(folder / "flow_right");
    const FlowMethod method = *options.flow;
    WriteFlow(folder / "flow_left" / (stem + ".exr"),
              Flow(left, neighbour(candidate.previous, false), method),
              Flow(left, neighbour(candidate.next, false), method));
    WriteFlow(folder / "flow_right" / (stem + ".exr"),
              Flow(right, neighbour(candidate.previous, true), method),
              Flow(right, neighbour(candidate.next, true), method));
  }
  const std::string extension = options.format == "jpg" ? ".jpg" : ".png";
  // libdeflate's fastest level with the Paeth filter, as synth writes its
  // views: 3x faster than the default level for a few % more bytes.
  ImageWriteOptions views;
  views.png_compression = 1;
  views.png_filter = PngFilter::kPaeth;
  WriteImage(folder / "left" / (stem + extension), left, views);
  WriteImage(folder / "right" / (stem + extension), right, views);
  if (candidate.measure) {
    result.disparities = MatchedDisparities(left, right);
  }
  json meta;
  meta["film"] = film.film.string();
  meta["frame"] = candidate.frame;
  meta["time_s"] = candidate.time_s;
  meta["shot"] = candidate.shot;
  meta["layout"] = film.layout.Name();
  meta["picture_area"] = {candidate.area.x, candidate.area.y,
                          candidate.area.width, candidate.area.height};
  meta["window"] = {window.x, window.y, window.width, window.height};
  meta["row_error_px"] = alignment.vertical_error_before_px;
  meta["feature_disparity_px"] = {alignment.disparity_low_px,
                                  alignment.disparity_high_px};
  meta["split"] = candidate.validation ? "val" : "train";
  // Last: its presence marks a complete sample.
  WriteFileAtomic(folder / "meta" / (stem + ".json"), meta.dump(2) + "\n");
  return result;
}

// A shot goes to validation with probability val_fraction, drawn from the
// film's name (FNV-1a) and the shot's number (the loader's MixSeed).
bool IsValidationShot(const std::string& film, int shot, double fraction) {
  uint64_t name = 1469598103934665603ull;
  for (const char c : film) {
    name = (name ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  }
  const uint64_t draw = MixSeed(name, static_cast<uint64_t>(shot));
  return static_cast<double>(draw >> 11) * 0x1.0p-53 < fraction;
}

// ----------------------------------------------------------- the state

// What decoding has done up to a frame: counters, and the memory of the
// shot being read (cut detector, bars, last frame taken). A copy is taken
// before each candidate, so that a resumed run restarts at the oldest
// candidate not finished with exactly the memory it had there, and writes
// the same samples as a run never stopped.
struct DecodeState {
  int64_t next_frame = 0;  // first frame not decoded
  int shot = -1;
  int shots = 0;
  int64_t frames_decoded = 0;
  int64_t candidates = 0;
  int64_t measured = 0;  // candidates sent to the workers
  std::map<std::string, int64_t> rejected;
  std::optional<FrameSignature> last_accepted;
  ShotCutDetector::State cuts;
  PictureAreaFinder::State area;
  bool previous_in_shot = false;
};

// What the workers' results, applied in frame order, add up to.
struct ResultState {
  int64_t written_train = 0, written_val = 0;
  std::map<std::string, int64_t> rejected;
  std::vector<int64_t> disparity_bins;  // see kBinsPerPixel
};

size_t DisparityBins(const FilmExtractOptions& options) {
  return static_cast<size_t>(kBinsPerPixel * options.size.width) + 1;
}

// The bin of disparity d; bin b covers [(b - c) / k, (b - c + 1) / k) with
// c = width * k / 2, so 0 starts a bin and negative values are whole bins.
size_t BinOf(double d, size_t bins) {
  const double centre = static_cast<double>(bins - 1) / 2;
  const double b = std::floor(d * kBinsPerPixel + centre);
  return static_cast<size_t>(std::clamp(b, 0.0, static_cast<double>(bins - 1)));
}

double BinValue(size_t bin, size_t bins) {
  const double centre = static_cast<double>(bins - 1) / 2;
  return (static_cast<double>(bin) - centre + 0.5) / kBinsPerPixel;
}

struct FilmState {
  // The film and the settings the samples were made with: a resumed run
  // must have the same, or it would mix two datasets.
  json job;
  DecodeState decode;                // as of the frame a resumed run starts at
  ResultState results;               // of every candidate before that frame
  std::vector<int64_t> shot_starts;  // per_shot mode: from the first pass
  bool shots_known = false;
  int64_t frames_counted = 0;  // by the first pass
  std::vector<std::string> damaged;
  bool complete = false;
  double seconds = 0;
};

fs::path StatePath(const FilmExtractOptions& options, const std::string& name) {
  return options.out / ".extract" / (name + ".json");
}

fs::path ReportPath(const FilmExtractOptions& options,
                    const std::string& name) {
  return options.out / "reports" / (name + ".json");
}

json SignatureJson(const FrameSignature& s) {
  std::vector<float> thumbnail;
  if (!s.thumbnail.empty())
    thumbnail.assign(s.thumbnail.begin<float>(), s.thumbnail.end<float>());
  return {{"histogram", s.histogram}, {"thumbnail", thumbnail}};
}

FrameSignature SignatureOf(const json& j) {
  FrameSignature s;
  s.histogram = j.at("histogram").get<std::array<float, 32>>();
  const std::vector<float> thumbnail =
      j.at("thumbnail").get<std::vector<float>>();
  if (!thumbnail.empty()) {
    if (thumbnail.size() != 16 * 9) throw std::runtime_error("thumbnail size");
    s.thumbnail = cv::Mat(9, 16, CV_32F);
    std::copy(thumbnail.begin(), thumbnail.end(), s.thumbnail.begin<float>());
  }
  return s;
}

json DecodeJson(const DecodeState& d) {
  json j;
  j["next_frame"] = d.next_frame;
  j["shot"] = d.shot;
  j["shots"] = d.shots;
  j["frames_decoded"] = d.frames_decoded;
  j["candidates"] = d.candidates;
  j["measured"] = d.measured;
  j["rejected"] = d.rejected;
  j["last_accepted"] =
      d.last_accepted ? SignatureJson(*d.last_accepted) : json(nullptr);
  j["cuts"] = {{"previous", SignatureJson(d.cuts.previous)},
               {"started", d.cuts.started},
               {"mean_histogram", d.cuts.mean_histogram},
               {"mean_thumbnail", d.cuts.mean_thumbnail},
               {"frames_in_shot", d.cuts.frames_in_shot}};
  j["area"] = {{"width", d.area.size.width},
               {"height", d.area.size.height},
               {"rows", d.area.row_bright},
               {"columns", d.area.column_bright}};
  j["previous_in_shot"] = d.previous_in_shot;
  return j;
}

DecodeState DecodeOf(const json& j) {
  DecodeState d;
  d.next_frame = j.at("next_frame").get<int64_t>();
  d.shot = j.at("shot").get<int>();
  d.shots = j.at("shots").get<int>();
  d.frames_decoded = j.at("frames_decoded").get<int64_t>();
  d.candidates = j.at("candidates").get<int64_t>();
  d.measured = j.at("measured").get<int64_t>();
  d.rejected = j.at("rejected").get<std::map<std::string, int64_t>>();
  if (!j.at("last_accepted").is_null()) {
    d.last_accepted = SignatureOf(j.at("last_accepted"));
  }
  const json& cuts = j.at("cuts");
  d.cuts.previous = SignatureOf(cuts.at("previous"));
  d.cuts.started = cuts.at("started").get<bool>();
  d.cuts.mean_histogram = cuts.at("mean_histogram").get<double>();
  d.cuts.mean_thumbnail = cuts.at("mean_thumbnail").get<double>();
  d.cuts.frames_in_shot = cuts.at("frames_in_shot").get<int>();
  const json& area = j.at("area");
  d.area.size = {area.at("width").get<int>(), area.at("height").get<int>()};
  d.area.row_bright = area.at("rows").get<std::vector<float>>();
  d.area.column_bright = area.at("columns").get<std::vector<float>>();
  if (d.area.row_bright.size() != static_cast<size_t>(d.area.size.height) ||
      d.area.column_bright.size() != static_cast<size_t>(d.area.size.width)) {
    throw std::runtime_error("picture area state of the wrong size");
  }
  d.previous_in_shot = j.at("previous_in_shot").get<bool>();
  return d;
}

json JobJson(const FilmExtractOptions& o, const fs::path& film,
             const FilmLayout& layout) {
  std::error_code ec;
  const uintmax_t bytes = fs::file_size(film, ec);
  const char* flow = !o.flow                       ? "none"
                     : *o.flow == FlowMethod::kDis ? "dis"
                                                   : "farneback";
  return {{"file", film.filename().string()},
          {"bytes", ec ? 0 : bytes},
          {"layout", layout.Name()},
          {"size", fmt::format("{}x{}", o.size.width, o.size.height)},
          {"every", o.every},
          {"per_shot", o.per_shot},
          {"flow", flow},
          {"format", o.format},
          {"val_fraction", o.val_fraction},
          {"max_row_error", o.max_row_error_px},
          {"max_disparity", o.max_disparity},
          {"min_texture", o.min_texture},
          {"min_matches", o.min_matches},
          {"measure_every", o.measure_every}};
}

void SaveState(const FilmExtractOptions& options, const std::string& name,
               const FilmState& state) {
  json j;
  j["version"] = 1;
  j["job"] = state.job;
  j["decode"] = DecodeJson(state.decode);
  j["results"] = {{"written_train", state.results.written_train},
                  {"written_val", state.results.written_val},
                  {"rejected", state.results.rejected},
                  {"disparity_bins", state.results.disparity_bins}};
  j["shot_starts"] = state.shot_starts;
  j["shots_known"] = state.shots_known;
  j["frames_counted"] = state.frames_counted;
  j["damaged"] = state.damaged;
  j["complete"] = state.complete;
  j["seconds"] = state.seconds;
  fs::create_directories(options.out / ".extract");
  WriteFileAtomic(StatePath(options, name), j.dump() + "\n");
}

std::optional<FilmState> LoadState(const FilmExtractOptions& options,
                                   const std::string& name) {
  const fs::path path = StatePath(options, name);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  try {
    std::ifstream in(path);
    const json j = json::parse(in);
    if (j.at("version").get<int>() != 1) {
      throw std::runtime_error("written by another version");
    }
    FilmState state;
    state.job = j.at("job");
    state.decode = DecodeOf(j.at("decode"));
    const json& r = j.at("results");
    state.results.written_train = r.at("written_train").get<int64_t>();
    state.results.written_val = r.at("written_val").get<int64_t>();
    state.results.rejected =
        r.at("rejected").get<std::map<std::string, int64_t>>();
    state.results.disparity_bins =
        r.at("disparity_bins").get<std::vector<int64_t>>();
    state.shot_starts = j.at("shot_starts").get<std::vector<int64_t>>();
    state.shots_known = j.at("shots_known").get<bool>();
    state.frames_counted = j.at("frames_counted").get<int64_t>();
    state.damaged = j.at("damaged").get<std::vector<std::string>>();
    state.complete = j.at("complete").get<bool>();
    state.seconds = j.at("seconds").get<double>();
    return state;
  } catch (const std::exception& error) {
    ThrowError(
        "cannot resume from '{}' ({}): remove it to start that film over",
        path.string(), error.what());
  }
}

// The report from the state: counts, and the disparity range with the
// training flags that fit it.
void Summarize(const FilmExtractOptions& options, const FilmState& state,
               FilmExtractReport& report) {
  report.frames_decoded = state.decode.frames_decoded;
  report.shots = state.decode.shots;
  report.candidates = state.decode.candidates;
  report.written_train = state.results.written_train;
  report.written_val = state.results.written_val;
  report.rejected = state.decode.rejected;
  for (const auto& [reason, count] : state.results.rejected) {
    report.rejected[reason] += count;
  }
  report.damaged = state.damaged;
  report.complete = state.complete;
  report.seconds = state.seconds;
  const std::vector<int64_t>& bins = state.results.disparity_bins;
  int64_t total = 0, negative = 0;
  for (size_t b = 0; b < bins.size(); ++b) {
    total += bins[b];
    if (BinValue(b, bins.size()) < 0) negative += bins[b];
  }
  report.disparity_samples = static_cast<int>(total);
  report.recommended_flags.clear();
  if (total == 0) return;
  const auto percentile = [&](double p) {
    const auto target = static_cast<int64_t>(p * static_cast<double>(total));
    int64_t seen = 0;
    for (size_t b = 0; b < bins.size(); ++b) {
      seen += bins[b];
      if (seen > target) return BinValue(b, bins.size());
    }
    return BinValue(bins.size() - 1, bins.size());
  };
  report.disparity_low = percentile(0.01);
  report.disparity_median = percentile(0.5);
  report.disparity_high = percentile(0.99);
  report.negative_share =
      static_cast<double>(negative) / static_cast<double>(total);
  const double reach =
      std::max(std::abs(report.disparity_low), std::abs(report.disparity_high));
  // Round the range up to the next 0.01 of the width, with a 20 % margin.
  const double fraction =
      std::ceil(1.2 * reach / options.size.width * 100) / 100;
  const bool signed_range = report.negative_share > 0.05;
  report.recommended_flags = fmt::format(
      "--size {}x{} --disparity-mode {} --max-disparity {:.2f}",
      options.size.width, options.size.height,
      signed_range ? "signed" : "positive", std::max(0.01, fraction));
}

// ------------------------------------------------------------ one film

// Every frame's luma is only fingerprinted: a few hundred pixels a side do.
int LumaStep(const VideoInfo& info) {
  return std::max(1, std::min(info.width, info.height) / 256);
}

class FilmExtractor {
 public:
  FilmExtractor(const FilmExtractOptions& options, int index, std::string name,
                ChosenLayout layout, ThreadPool& pool,
                const std::function<void(const FilmExtractProgress&)>& progress)
      : options_(options), index_(index), pool_(pool), progress_(progress) {
    film_ = std::make_shared<FilmContext>();
    film_->options = &options;
    film_->film = options.films[static_cast<size_t>(index)];
    film_->name = std::move(name);
    film_->layout = layout.layout;
    layout_ = std::move(layout);
  }

  FilmExtractReport Run();

 private:
  struct Pending {
    Candidate candidate;
    DecodeState before;  // the decoding state just before its frame
  };
  struct InFlight {
    int64_t frame;
    DecodeState before;
    std::future<CandidateResult> result;
  };

  void FindShots();
  void Decode();
  bool Selected(int64_t frame) const;
  void ReadFrame(const VideoFrame& frame);
  void Consider(const VideoFrame& frame, const FrameSignature& signature,
                DecodeState before);
  void Submit(Pending pending);
  void SubmitWaiting(const cv::Mat& next);
  void Collect(bool wait_all);
  void MaybeSave();
  void DrainQuietly();
  void Apply(const CandidateResult& result);
  void Save();
  DecodeState LiveState() const;
  void Progress(int64_t frame, bool first_pass);

  const FilmExtractOptions& options_;
  int index_;
  ThreadPool& pool_;
  const std::function<void(const FilmExtractProgress&)>& progress_;
  std::shared_ptr<FilmContext> film_;
  FilmState state_;  // state_.decode: where a resumed run starts
  ChosenLayout layout_;
  VideoInfo info_;
  int64_t expected_frames_ = 0;
  // The state before the candidate whose work failed: the resume point.
  std::optional<DecodeState> failed_at_;

  // Decoding as it goes (DecodeState's memory, live).
  DecodeState live_;
  ShotCutDetector cuts_;
  PictureAreaFinder area_;
  cv::Mat previous_;                // the packed frame before the current one
  std::optional<Pending> waiting_;  // for its next frame (flow)
  std::deque<InFlight> in_flight_;
  std::chrono::steady_clock::time_point last_save_;
};

void FilmExtractor::Progress(int64_t frame, bool first_pass) {
  if (!progress_) return;
  FilmExtractProgress p;
  p.film = index_;
  p.films = static_cast<int>(options_.films.size());
  p.name = film_->name;
  p.frame = frame;
  p.frames = expected_frames_;
  p.written = state_.results.written_train + state_.results.written_val;
  p.first_pass = first_pass;
  progress_(p);
}

bool FilmExtractor::Selected(int64_t frame) const {
  if (options_.per_shot <= 0) return frame % options_.every == 0;
  // K frames spread over the shot holding `frame`.
  const std::vector<int64_t>& starts = state_.shot_starts;
  const auto it = std::upper_bound(starts.begin(), starts.end(), frame);
  if (it == starts.begin()) return false;
  const int64_t begin = *(it - 1);
  const int64_t end = it == starts.end() ? expected_frames_ : *it;
  const int64_t length = std::max<int64_t>(1, end - begin);
  for (int j = 0; j < options_.per_shot; ++j) {
    if (begin + (2 * j + 1) * length / (2 * options_.per_shot) == frame) {
      return true;
    }
  }
  return false;
}

// per_shot mode: a pass over the whole film, fingerprints only. Damaged
// stretches are skipped as the main pass skips them.
void FilmExtractor::FindShots() {
  ShotCutDetector cuts;
  VideoFrame frame;
  int64_t count = 0;
  double last_time = 0;
  std::optional<VideoPosition> start;
  state_.shot_starts.clear();
  for (int damaged = 0; damaged < kMaxDamaged; ++damaged) {
    VideoReadOptions read;
    read.start = start;
    read.luma = true;
    read.luma_step = LumaStep(info_);
    try {
      VideoReader reader(film_->film, read);
      while (reader.Read(&frame, /*color=*/false)) {
        last_time = frame.time_s;
        const cv::Mat left =
            SplitFilmFrame(EvenSides(frame.luma), film_->layout).first;
        if (cuts.Next(Fingerprint(left))) {
          state_.shot_starts.push_back(frame.index);
        }
        count = std::max(count, frame.index + 1);
        if (count % 16 == 0) Progress(count, /*first_pass=*/true);
      }
      break;
    } catch (const Cancelled&) {
      throw;
    } catch (const Error&) {
      last_time += kDamageSkipS;  // the main pass reports the damage
      if (last_time >= info_.duration_s) break;
      start = VideoPosition::Seconds(last_time);
    }
  }
  expected_frames_ = std::max(expected_frames_, count);
  state_.frames_counted = count;
  state_.shots_known = true;
}

void FilmExtractor::Submit(Pending pending) {
  auto shared = std::make_shared<Candidate>(std::move(pending.candidate));
  // The task owns what it reads, so nothing it uses can go away under it.
  std::shared_ptr<const FilmContext> film = film_;
  const int64_t frame = shared->frame;
  std::future<CandidateResult> result =
      pool_.Submit([shared, film] { return ProcessCandidate(*shared, *film); });
  in_flight_.push_back({frame, std::move(pending.before), std::move(result)});
  Collect(false);
}

// The candidate waiting for its next frame, with it; none (a cut, the
// end, a damaged stretch): flow to the frame itself.
void FilmExtractor::SubmitWaiting(const cv::Mat& next) {
  waiting_->candidate.next = next.empty() ? waiting_->candidate.current : next;
  Pending pending = std::move(*waiting_);
  waiting_.reset();
  Submit(std::move(pending));
}

void FilmExtractor::Apply(const CandidateResult& result) {
  ResultState& results = state_.results;
  if (!result.rejected.empty()) {
    ++results.rejected[result.rejected];
  } else if (result.validation) {
    ++results.written_val;
  } else {
    ++results.written_train;
  }
  results.disparity_bins.resize(DisparityBins(options_), 0);
  for (const float d : result.disparities) {
    ++results.disparity_bins[BinOf(d, results.disparity_bins.size())];
  }
}

DecodeState FilmExtractor::LiveState() const {
  DecodeState state = live_;
  state.cuts = cuts_.state();
  state.area = area_.state();
  return state;
}

// The resume point: the oldest candidate not finished, or where decoding
// has got to.
void FilmExtractor::Save() {
  if (!in_flight_.empty()) {
    state_.decode = in_flight_.front().before;
  } else if (waiting_) {
    state_.decode = waiting_->before;
  } else {
    state_.decode = LiveState();
  }
  SaveState(options_, film_->name, state_);
  last_save_ = std::chrono::steady_clock::now();
}

// Applies finished results in frame order; waits while too many are in
// work (bounded memory) or, with `wait_all`, for all of them. A task's
// error (a full disk) comes out here, its candidate kept as the resume
// point.
void FilmExtractor::Collect(bool wait_all) {
  const size_t limit = static_cast<size_t>(2 * pool_.num_threads() + 2);
  while (!in_flight_.empty()) {
    const bool ready =
        in_flight_.front().result.wait_for(std::chrono::seconds(0)) ==
        std::future_status::ready;
    if (!ready && !wait_all && in_flight_.size() <= limit) break;
    InFlight first = std::move(in_flight_.front());
    in_flight_.pop_front();
    try {
      Apply(first.result.get());
    } catch (...) {
      failed_at_ = std::move(first.before);
      throw;
    }
  }
}

// Between frames, every few seconds (--save-every).
void FilmExtractor::MaybeSave() {
  if (std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                    last_save_)
          .count() >= options_.save_every_s) {
    Save();
  }
}

// After a failure or Ctrl-C: every task in work finishes (they point into
// this object); those that succeeded count, in order, up to the first that
// did not, which is where a resumed run starts.
void FilmExtractor::DrainQuietly() {
  std::optional<DecodeState> stopped_at = failed_at_;
  while (!in_flight_.empty()) {
    InFlight first = std::move(in_flight_.front());
    in_flight_.pop_front();
    try {
      const CandidateResult result = first.result.get();
      if (!stopped_at) Apply(result);
    } catch (...) {
      if (!stopped_at) stopped_at = std::move(first.before);
    }
  }
  if (stopped_at) {
    state_.decode = *stopped_at;
  } else if (waiting_) {
    state_.decode = waiting_->before;
  } else {
    state_.decode = LiveState();
  }
  waiting_.reset();
}

void FilmExtractor::Consider(const VideoFrame& frame,
                             const FrameSignature& signature,
                             DecodeState before) {
  ++live_.candidates;
  if (const auto why = FingerprintRejection(signature)) {
    ++live_.rejected[*why];
    return;
  }
  if (live_.last_accepted && NearDuplicate(*live_.last_accepted, signature)) {
    ++live_.rejected["near duplicate (a still)"];
    return;
  }
  live_.last_accepted = signature;
  // The bars from the full picture (the luma is sampled sparsely).
  area_.Add(SplitFilmFrame(frame.image, film_->layout).first);
  Candidate candidate;
  candidate.frame = frame.index;
  candidate.time_s = frame.time_s;
  candidate.shot = live_.shot;
  candidate.validation =
      IsValidationShot(film_->name, live_.shot, options_.val_fraction);
  candidate.measure = live_.measured++ % options_.measure_every == 0;
  candidate.area = area_.Area();
  candidate.current = frame.image;
  Pending pending{std::move(candidate), std::move(before)};
  if (!options_.flow) {
    Submit(std::move(pending));
    return;
  }
  // Flow to a frame of another shot means nothing: the frame itself then.
  pending.candidate.previous =
      live_.previous_in_shot && !previous_.empty() ? previous_ : frame.image;
  waiting_ = std::move(pending);
}

void FilmExtractor::ReadFrame(const VideoFrame& frame) {
  // The state before this frame, kept if it becomes a candidate.
  std::optional<DecodeState> before;
  if (Selected(frame.index)) before = LiveState();
  live_.next_frame = frame.index + 1;
  ++live_.frames_decoded;
  const cv::Mat left_luma =
      SplitFilmFrame(EvenSides(frame.luma), film_->layout).first;
  const FrameSignature signature = Fingerprint(left_luma);
  bool cut = cuts_.Next(signature);
  int shot = cut ? live_.shot + 1 : live_.shot;
  if (options_.per_shot > 0) {  // the first pass's shots
    const auto& starts = state_.shot_starts;
    shot = static_cast<int>(
               std::upper_bound(starts.begin(), starts.end(), frame.index) -
               starts.begin()) -
           1;
    cut = shot != live_.shot;
  }
  if (cut) {
    live_.shot = shot;
    live_.shots = std::max(live_.shots, shot + 1);
    area_.Reset();
    live_.last_accepted.reset();
    live_.previous_in_shot = false;
  }
  if (waiting_) {
    SubmitWaiting(cut || frame.image.empty() ? cv::Mat() : frame.image);
  }
  if (before) {
    // needs_color in Decode asks for colour for every selected frame.
    THROW_CHECK(!frame.image.empty());
    Consider(frame, signature, std::move(*before));
  }
  if (options_.flow) {
    previous_ = frame.image;
    live_.previous_in_shot = true;
  }
  if (live_.frames_decoded % 8 == 0) Progress(live_.frames_decoded, false);
}

// An error of the film's decoding (a damaged stretch), told apart from
// the job's own errors (a full disk), which end the job.
struct DecodeDamage {
  std::string what;
};

template <typename F>
auto DecodingOrDamage(F&& decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& error) {
    throw DecodeDamage{error.what()};
  }
}

void FilmExtractor::Decode() {
  live_ = state_.decode;
  cuts_.Restore(live_.cuts);
  area_.Restore(live_.area);
  // A resumed run reads the frame before its first one again: the flow of
  // a first candidate needs it, and it gives the time a damaged stretch
  // right after it is reported at (as the first run did).
  std::optional<VideoPosition> start;
  if (live_.next_frame > 0) start = VideoPosition::Frame(live_.next_frame - 1);
  double last_time = 0;
  int damaged = 0;
  int64_t damaged_at = -1;
  while (true) {
    VideoReadOptions read;
    read.start = start;
    read.luma = true;
    read.luma_step = LumaStep(info_);
    bool ended = false;
    try {
      auto reader = DecodingOrDamage(
          [&] { return std::make_unique<VideoReader>(film_->film, read); });
      VideoFrame frame;
      // Colour only for candidates and, for their flow, the frames around
      // them; the rest give their luma for cut detection. Frames come
      // numbered in order, so the next number is known (not after a seek).
      std::optional<int64_t> next;
      const auto needs_color = [&] {
        if (!next) return true;
        const int64_t i = *next;
        return Selected(i) || (options_.flow &&
                               (Selected(i + 1) || (i > 0 && Selected(i - 1))));
      };
      while (DecodingOrDamage(
          [&] { return reader->Read(&frame, needs_color()); })) {
        next = frame.index + 1;
        last_time = frame.time_s;
        if (frame.index < live_.next_frame) {  // the frame before, primed
          previous_ = frame.image;
          continue;
        }
        ReadFrame(frame);
        MaybeSave();
      }
      ended = true;
    } catch (const DecodeDamage& damage) {
      // Reopening lands on the keyframe before the new start: until that
      // is past the damage, the same damage comes back (reported once).
      if (damaged_at != live_.next_frame) {
        damaged_at = live_.next_frame;
        const std::string entry =
            fmt::format("after frame {} ({:.1f} s): {}", live_.next_frame - 1,
                        last_time, damage.what);
        // A resumed run may meet a damage it has reported already.
        if (std::find(state_.damaged.begin(), state_.damaged.end(), entry) ==
            state_.damaged.end()) {
          state_.damaged.push_back(entry);
        }
      }
      if (++damaged >= kMaxDamaged) {
        state_.damaged.push_back("too many damaged stretches: gave up here");
        ended = true;
      }
      // Go on a second later, by time (frame numbers need the packets).
      last_time += kDamageSkipS;
      if (last_time >= info_.duration_s) ended = true;
      start = VideoPosition::Seconds(last_time);
      live_.previous_in_shot = false;
      if (waiting_) SubmitWaiting(cv::Mat());  // its next frame is lost
    }
    if (ended) break;
  }
  if (waiting_) SubmitWaiting(cv::Mat());  // the last frame of the film
}

FilmExtractReport FilmExtractor::Run() {
  const auto started = std::chrono::steady_clock::now();
  info_ = ProbeVideo(film_->film);
  expected_frames_ = info_.frame_count;
  const json job = JobJson(options_, film_->film, film_->layout);
  if (options_.resume) {
    if (std::optional<FilmState> saved = LoadState(options_, film_->name)) {
      if (saved->job != job) {
        std::vector<std::string> differ;
        for (const auto& [key, value] : job.items()) {
          if (!saved->job.contains(key) || saved->job[key] != value) {
            differ.push_back(fmt::format("{} {} (now {})", key,
                                         saved->job.value(key, json()).dump(),
                                         value.dump()));
          }
        }
        ThrowError(
            "'{}': the samples in '{}' were made with other settings: {}. "
            "Resume with those, or give --overwrite to start this film over",
            film_->film.string(), options_.out.string(),
            fmt::join(differ, ", "));
      }
      state_ = std::move(*saved);
    }
  }
  state_.job = job;
  if (state_.shots_known) {
    expected_frames_ = std::max(expected_frames_, state_.frames_counted);
  }
  FilmExtractReport report;
  report.film = film_->film;
  report.name = film_->name;
  report.frame_rate = info_.frame_rate.value();
  report.layout = layout_.layout;
  report.layout_source = layout_.source;
  report.layout_evidence = layout_.evidence;
  if (state_.complete) {
    Summarize(options_, state_, report);
    return report;
  }
  const double seconds_before = state_.seconds;
  const auto elapsed = [&] {
    return seconds_before + std::chrono::duration<double>(
                                std::chrono::steady_clock::now() - started)
                                .count();
  };
  last_save_ = std::chrono::steady_clock::now();
  try {
    if (options_.per_shot > 0 && !state_.shots_known) FindShots();
    Decode();
    Collect(true);
  } catch (...) {
    // Ctrl-C or a failure: what is in work finishes and the state is
    // saved, so --resume goes on from the oldest candidate not finished.
    DrainQuietly();
    state_.seconds = elapsed();
    SaveState(options_, film_->name, state_);
    throw;
  }
  state_.decode = LiveState();
  state_.complete = true;
  state_.seconds = elapsed();
  SaveState(options_, film_->name, state_);
  Summarize(options_, state_, report);
  fs::create_directories(options_.out / "reports");
  WriteFileAtomic(ReportPath(options_, film_->name),
                  report.ToJson().dump(2) + "\n");
  return report;
}

}  // namespace

void FilmExtractOptions::Check() const {
  if (films.empty()) ThrowError("give at least one film to extract");
  if (out.empty()) ThrowError("-o: give an output folder");
  if (size.width < 32 || size.height < 32 || size.width > 8192 ||
      size.height > 8192) {
    ThrowError("--size {}x{} is outside 32..8192", size.width, size.height);
  }
  if (every < 1) ThrowError("--every must be >= 1, got {}", every);
  if (per_shot < 0) {
    ThrowError("--per-shot must be >= 0, got {}", per_shot);
  }
  if (!(val_fraction >= 0 && val_fraction < 1)) {
    ThrowError("--val-fraction must be in [0, 1), got {}", val_fraction);
  }
  if (format != "png" && format != "jpg") {
    ThrowError("--format must be png or jpg, not '{}'", format);
  }
  if (!(max_row_error_px > 0)) {
    ThrowError("--max-row-error must be > 0, got {}", max_row_error_px);
  }
  if (!(max_disparity > 0 && max_disparity <= 1)) {
    ThrowError("--max-disparity must be in (0, 1], got {}", max_disparity);
  }
  if (!(min_texture >= 0)) {
    ThrowError("--min-texture must be >= 0, got {}", min_texture);
  }
  if (min_matches < 4) {
    ThrowError("--min-matches must be >= 4, got {}", min_matches);
  }
  if (measure_every < 1) {
    ThrowError("measure_every must be >= 1, got {}", measure_every);
  }
}

nlohmann::json FilmExtractReport::ToJson() const {
  json j;
  j["film"] = film.string();
  j["name"] = name;
  j["layout"] = layout.Name();
  j["layout_flag"] = layout.Flag();
  j["layout_source"] = layout_source;
  j["layout_evidence"] = layout_evidence;
  j["frame_rate"] = frame_rate;
  j["frames_decoded"] = frames_decoded;
  j["shots"] = shots;
  j["candidates"] = candidates;
  j["written_train"] = written_train;
  j["written_val"] = written_val;
  j["rejected"] = rejected;
  j["damaged"] = damaged;
  j["disparity_px"] = {{"samples", disparity_samples},
                       {"p01", disparity_low},
                       {"median", disparity_median},
                       {"p99", disparity_high},
                       {"negative_share", negative_share}};
  j["recommended_flags"] = recommended_flags;
  j["seconds"] = seconds;
  j["complete"] = complete;
  return j;
}

std::string FilmName(const fs::path& film) {
  std::string name = film.stem().string();
  for (char& c : name) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                      c == '-' || c == '_';
    if (!keep) c = '_';
  }
  // Not hidden, and never "." or "..".
  if (!name.empty() && name[0] == '.') name[0] = '_';
  return name.empty() ? "film" : name;
}

std::vector<std::string> FilmNames(const std::vector<fs::path>& films) {
  std::vector<std::string> names;
  std::set<std::string> taken;
  for (const fs::path& film : films) {
    std::string name = FilmName(film);
    for (int k = 2; taken.contains(name); ++k) {
      name = fmt::format("{}-{}", FilmName(film), k);
    }
    taken.insert(name);
    names.push_back(name);
  }
  return names;
}

std::vector<fs::path> FilmOutputs(const FilmExtractOptions& options,
                                  const std::string& name) {
  return {options.out / "train" / name, options.out / "val" / name,
          ReportPath(options, name), StatePath(options, name)};
}

std::vector<FilmExtractReport> ExtractFilms(
    const FilmExtractOptions& options,
    const std::function<void(const FilmExtractProgress&)>& progress) {
  options.Check();
  // Every input is probed, and the output made, before any work: a typo in
  // the third film's name should not wait for the first two.
  for (const fs::path& film : options.films) {
    ProbeVideo(film);  // throws naming the file
  }
  const std::vector<std::string> names = FilmNames(options.films);
  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec) {
    ThrowError("cannot create the output folder '{}': {}", options.out.string(),
               ec.message());
  }
  WriteFileAtomic(options.out / ".extract-write-check", std::string("ok\n"));
  fs::remove(options.out / ".extract-write-check", ec);

  // Every film's layout before any work: a 2D film third in the list
  // should not wait for the first two.
  std::vector<ChosenLayout> layouts;
  for (const fs::path& film : options.films) {
    layouts.push_back(ChooseLayout(film, options, ProbeVideo(film)));
  }
  if (options.overwrite) {
    for (const std::string& name : names) {
      for (const fs::path& output : FilmOutputs(options, name)) {
        fs::remove_all(output, ec);
        if (ec) {
          ThrowError("cannot remove '{}' to start over: {}", output.string(),
                     ec.message());
        }
      }
    }
  }

  ThreadPool pool(options.threads);
  std::vector<FilmExtractReport> reports;
  for (size_t i = 0; i < options.films.size(); ++i) {
    FilmExtractor extractor(options, static_cast<int>(i), names[i],
                            std::move(layouts[i]), pool, progress);
    reports.push_back(extractor.Run());
  }
  return reports;
}

}  // namespace parallax
