// What the INPUT arguments of `parallax depth` / `parallax stereo` name:
// image files, folders of them, video files, and numbered image sequences
// (`shot_%04d.png`, `shot_####.png`, or a folder with --sequence).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace parallax {

enum class MediaKind { kImage, kVideo, kImageSequence };

struct MediaInput {
  MediaKind kind = MediaKind::kImage;
  // The image or video file; for a sequence, its first frame.
  std::filesystem::path path;
  // Where outputs go relative to the output folder, without extension:
  // "photo" for photo.jpg, "trip/day1/photo" for a file found recursively
  // under a folder argument, "shot" for shot_%04d.png.
  std::filesystem::path output_stem;
  // Sequences only: the frames in order, and their numbers.
  std::vector<std::filesystem::path> frames;
  std::vector<int64_t> frame_numbers;
};

struct MediaInputOptions {
  // Descend into sub-folders of folder arguments.
  bool recursive = false;
  // Treat each folder argument as one numbered image sequence (a shot)
  // rather than independent photos.
  bool folders_as_sequences = false;
  // Files whose name ends with this (before the extension) are earlier
  // outputs and are skipped when scanning folders.
  std::string output_suffix = "_disp";
  // Skipped when scanning folders (the output folder may sit inside an input
  // folder).
  std::filesystem::path exclude;
};

struct MediaScan {
  std::vector<MediaInput> inputs;
  // Arguments that name nothing usable, one line each ("x: no such file").
  std::vector<std::string> problems;
};

// Expands the arguments in order; never throws for a bad argument (it goes
// into `problems`) so a batch can process the rest.
MediaScan ExpandMediaInputs(const std::vector<std::string>& arguments,
                            const MediaInputOptions& options);

// True for the container extensions Parallax decodes as video.
// Images Parallax reads as photos, MPO (3D camera: its left view) included.
bool IsPhotoInput(const std::filesystem::path& path);

bool HasVideoExtension(const std::filesystem::path& path);

// "shot_%04d.png" / "shot_####.png": a numbered sequence pattern.
bool IsSequencePattern(const std::string& argument);

}  // namespace parallax
