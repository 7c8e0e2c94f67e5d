#include "parallax/jobs/media_inputs.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <system_error>

#include <fmt/format.h>

#include "parallax/io/image_io.h"
#include "parallax/io/video_info.h"
#include "parallax/util/path_kind.h"
#include "parallax/util/strings.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

// "%04d" / "%d" / "####" and what precedes and follows it in a file name.
struct Pattern {
  std::string prefix, suffix;
  int width = 0;  // 0 = any number of digits
};

bool ParsePattern(const std::string& name, Pattern* pattern) {
  static const std::regex printf_style(R"((.*)%(0?(\d+))?d(.*))");
  static const std::regex hash_style(R"(([^#]*)(#+)([^#]*))");
  std::smatch match;
  if (std::regex_match(name, match, printf_style)) {
    pattern->prefix = match[1];
    pattern->width = match[3].matched ? std::stoi(match[3]) : 0;
    pattern->suffix = match[4];
    return true;
  }
  if (std::regex_match(name, match, hash_style)) {
    pattern->prefix = match[1];
    pattern->width = static_cast<int>(match[2].length());
    pattern->suffix = match[3];
    return true;
  }
  return false;
}

bool IsOutputFile(const fs::path& path, const MediaInputOptions& options) {
  return !options.output_suffix.empty() &&
         EndsWith(path.stem().string(), options.output_suffix);
}

bool IsUnder(const fs::path& path, const fs::path& folder) {
  if (folder.empty()) return false;
  std::error_code error;
  const fs::path a = fs::weakly_canonical(path, error);
  const fs::path b = fs::weakly_canonical(folder, error);
  const auto [end, unused] =
      std::mismatch(b.begin(), b.end(), a.begin(), a.end());
  return end == b.end();
}

// Sorts by the digits in the name as numbers ("f2" before "f10").
bool NaturalLess(const fs::path& a, const fs::path& b) {
  const std::string x = a.string(), y = b.string();
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    if (std::isdigit(static_cast<unsigned char>(x[i])) &&
        std::isdigit(static_cast<unsigned char>(y[j]))) {
      size_t i2 = i, j2 = j;
      while (i2 < x.size() && std::isdigit(static_cast<unsigned char>(x[i2])))
        ++i2;
      while (j2 < y.size() && std::isdigit(static_cast<unsigned char>(y[j2])))
        ++j2;
      const std::string nx = x.substr(i, i2 - i), ny = y.substr(j, j2 - j);
      const std::string px(std::max(nx.size(), ny.size()) - nx.size(), '0');
      const std::string py(std::max(nx.size(), ny.size()) - ny.size(), '0');
      if (px + nx != py + ny) return px + nx < py + ny;
      i = i2;
      j = j2;
    } else {
      if (x[i] != y[j]) return x[i] < y[j];
      ++i;
      ++j;
    }
  }
  return x.size() - i < y.size() - j;
}

void AddSequencePattern(const std::string& argument, MediaScan* scan) {
  const fs::path path(argument);
  const fs::path folder =
      path.has_parent_path() ? path.parent_path() : fs::path(".");
  Pattern pattern;
  ParsePattern(path.filename().string(), &pattern);
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    scan->problems.push_back(fmt::format("{}: no such folder", argument));
    return;
  }
  const std::string digits =
      pattern.width > 0 ? fmt::format("(\\d{{{}}})", pattern.width) : "(\\d+)";
  const auto escape = [](const std::string& text) {
    static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
    return std::regex_replace(text, special, R"(\$&)");
  };
  const std::regex file_regex(escape(pattern.prefix) + digits +
                              escape(pattern.suffix));
  std::map<int64_t, fs::path> frames;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(folder, error)) {
    std::smatch match;
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && std::regex_match(name, match, file_regex)) {
      frames[std::stoll(match[1])] = entry.path();
    }
  }
  if (frames.empty()) {
    scan->problems.push_back(
        fmt::format("{}: no files match this sequence pattern", argument));
    return;
  }
  MediaInput input;
  input.kind = MediaKind::kImageSequence;
  for (const auto& [number, frame] : frames) {
    input.frame_numbers.push_back(number);
    input.frames.push_back(frame);
  }
  input.path = input.frames.front();
  std::string stem = pattern.prefix;
  while (!stem.empty() &&
         (stem.back() == '_' || stem.back() == '.' || stem.back() == '-')) {
    stem.pop_back();
  }
  input.output_stem = stem.empty() ? "sequence" : stem;
  scan->inputs.push_back(std::move(input));
}

void AddFolder(const fs::path& folder, const MediaInputOptions& options,
               MediaScan* scan) {
  // Everything under the output folder is skipped (earlier outputs are not
  // inputs), so an input folder inside it would look empty.
  if (IsUnder(folder, options.exclude)) {
    scan->problems.push_back(fmt::format(
        "{}: is the output folder too (-o {}): write the outputs to another "
        "folder",
        folder.string(), options.exclude.string()));
    return;
  }
  std::vector<fs::path> files;
  std::error_code error;
  const auto consider = [&](const fs::directory_entry& entry) {
    if (!entry.is_regular_file()) return;
    const fs::path& p = entry.path();
    if (IsOutputFile(p, options) || IsUnder(p, options.exclude)) return;
    if (IsPhotoInput(p) || HasVideoExtension(p)) files.push_back(p);
  };
  if (options.recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(
             folder, fs::directory_options::skip_permission_denied, error)) {
      consider(entry);
    }
  } else {
    for (const auto& entry : fs::directory_iterator(folder, error)) {
      consider(entry);
    }
  }
  if (error) {
    scan->problems.push_back(
        fmt::format("{}: cannot list: {}", folder.string(), error.message()));
  }
  std::sort(files.begin(), files.end(), NaturalLess);
  if (options.folders_as_sequences) {
    MediaInput input;
    input.kind = MediaKind::kImageSequence;
    for (const fs::path& file : files) {
      if (!IsImageFile(file)) continue;
      input.frames.push_back(file);
      input.frame_numbers.push_back(
          static_cast<int64_t>(input.frame_numbers.size()));
    }
    if (input.frames.empty()) {
      scan->problems.push_back(
          fmt::format("{}: no images in this folder", folder.string()));
      return;
    }
    input.path = input.frames.front();
    fs::path name = fs::absolute(folder).lexically_normal();
    if (name.filename().empty()) name = name.parent_path();
    input.output_stem = name.filename();
    scan->inputs.push_back(std::move(input));
    return;
  }
  if (files.empty()) {
    scan->problems.push_back(fmt::format(
        "{}: no images or videos in this folder{}", folder.string(),
        options.recursive ? "" : " (its sub-folders were not searched)"));
  }
  for (const fs::path& file : files) {
    MediaInput input;
    input.kind =
        HasVideoExtension(file) ? MediaKind::kVideo : MediaKind::kImage;
    input.path = file;
    input.output_stem = file.lexically_relative(folder).replace_extension();
    scan->inputs.push_back(std::move(input));
  }
}

}  // namespace

bool HasVideoExtension(const fs::path& path) { return IsVideoFile(path); }

bool IsPhotoInput(const fs::path& path) {
  // A 3D camera's MPO holds its left view first: that view is the photo.
  return IsImageFile(path) || ImageExtension(path) == "mpo";
}

bool IsSequencePattern(const std::string& argument) {
  Pattern pattern;
  const std::string name = fs::path(argument).filename().string();
  std::error_code error;
  // A real file whose name happens to contain '#' is a file.
  return !fs::exists(argument, error) && ParsePattern(name, &pattern);
}

namespace {

// Inputs whose outputs would have one name (a.jpg beside a.png, or
// IMG_0001.JPG in two folders given side by side): the first keeps it, the
// later ones become problems, so that no output silently replaces another.
void SetAsideOutputClashes(MediaScan* scan) {
  std::map<std::string, fs::path> first_of;
  std::vector<MediaInput> kept;
  for (MediaInput& input : scan->inputs) {
    // Case-insensitive file systems (and users) treat A.png as a.png.
    const std::string key = ToLower(input.output_stem.generic_string());
    const auto [it, fresh] = first_of.try_emplace(key, input.path);
    if (fresh) {
      kept.push_back(std::move(input));
    } else {
      scan->problems.push_back(fmt::format(
          "{}: its output would have the name of {}'s ({}); give it in a "
          "run of its own or rename it",
          input.path.string(), it->second.string(),
          input.output_stem.string()));
    }
  }
  scan->inputs = std::move(kept);
}

}  // namespace

MediaScan ExpandMediaInputs(const std::vector<std::string>& arguments,
                            const MediaInputOptions& options) {
  MediaScan scan;
  for (const std::string& argument : arguments) {
    std::error_code error;
    const fs::path path(argument);
    if (fs::is_directory(path, error)) {
      AddFolder(path, options, &scan);
    } else if (fs::is_regular_file(path, error)) {
      MediaInput input;
      input.path = path;
      input.output_stem = path.stem();
      if (HasVideoExtension(path)) {
        input.kind = MediaKind::kVideo;
      } else if (IsPhotoInput(path)) {
        input.kind = MediaKind::kImage;
      } else {
        scan.problems.push_back(fmt::format(
            "{}: not an image or video Parallax reads (by its extension)",
            argument));
        continue;
      }
      scan.inputs.push_back(std::move(input));
    } else if (IsSequencePattern(argument)) {
      AddSequencePattern(argument, &scan);
    } else {
      scan.problems.push_back(fmt::format(
          "{}: {}", argument, DescribePathKind(path, ClassifyPath(path))));
    }
  }
  SetAsideOutputClashes(&scan);
  return scan;
}

}  // namespace parallax
