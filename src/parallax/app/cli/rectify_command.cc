// parallax rectify: row-aligned copies of stereo pairs that a consumer 3D
// camera left unrectified (Nintendo 3DS and Fujifilm W3 MPOs, phone rigs),
// so that `train`, `match` and the viewers can use them.
// Every pair is written as OUT/<name>_L.png + OUT/<name>_R.png, a layout
// `parallax train` and `parallax scan` read.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "parallax/app/cli/command_runner.h"
#include "parallax/app/cli/commands.h"
#include "parallax/data/row_alignment.h"
#include "parallax/data/stereo_dataset.h"
#include "parallax/io/image_io.h"
#include "parallax/util/atomic_file.h"
#include "parallax/util/check.h"
#include "parallax/util/existing_outputs.h"
#include "parallax/util/interrupt.h"
#include "parallax/util/progress.h"

namespace parallax {
namespace {

namespace fs = std::filesystem;

struct Job {
  StereoPairSource source;
  std::string name;  // output stem
};

// "scene/im0.png" under the scanned root -> "scene_im0", "a/b_L.png" ->
// "a_b".
std::string OutputName(const fs::path& root, const fs::path& left) {
  fs::path relative =
      fs::is_directory(root) ? left.lexically_relative(root) : left.filename();
  relative.replace_extension();
  std::string name = relative.generic_string();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  // "shot_L" -> "shot", so that the outputs are shot_L and shot_R again.
  for (const std::string suffix : {"_L", "_left"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.resize(name.size() - suffix.size());
      break;
    }
  }
  return name;
}

// Inputs that cannot be scanned are reported in `failures`; the good ones
// are still aligned.
std::vector<Job> CollectJobs(const std::vector<fs::path>& inputs,
                             const ScanOptions& scan,
                             std::vector<std::string>* failures) {
  std::vector<Job> jobs;
  if (inputs.size() == 2 && !scan.packed && IsImageFile(inputs[0]) &&
      IsImageFile(inputs[1])) {
    StereoPairSource source;
    source.left = inputs[0];
    source.right = inputs[1];
    jobs.push_back({source, inputs[0].stem().string()});
    return jobs;
  }
  for (const fs::path& input : inputs) {
    try {
      const StereoDataset dataset = ScanStereoDataset(input, scan);
      for (const StereoPairSource& source : dataset.pairs) {
        jobs.push_back({source, OutputName(input, source.left)});
      }
    } catch (const Error& e) {
      failures->push_back(fmt::format("{}: {}", input.string(), e.what()));
    }
  }
  std::map<std::string, fs::path> seen;
  for (const Job& job : jobs) {
    const auto [it, fresh] = seen.emplace(job.name, job.source.left);
    if (!fresh) {
      ThrowError("'{}' and '{}' would both be written as '{}_L.png'",
                 it->second.string(), job.source.left.string(), job.name);
    }
  }
  return jobs;
}

std::vector<fs::path> InputFiles(const std::vector<Job>& jobs) {
  std::vector<fs::path> files;
  for (const Job& job : jobs) {
    files.push_back(job.source.left);
    if (!job.source.right.empty()) files.push_back(job.source.right);
  }
  return files;
}

}  // namespace

int RunRectify(int argc, char** argv) {
  CLI::App app(
      "Row-align stereo pairs that the camera left unrectified (consumer 3D "
      "cameras such as the Nintendo 3DS, phone rigs). SIFT matches fix "
      "the right view's turn, scale and vertical shift so that every point "
      "lies on its left row; the horizontal shift puts the farthest "
      "matched features at disparity 0 (a parallel rig), or is kept with "
      "--keep-offset. Both views are cropped to what the aligned right view "
      "covers. Each pair becomes OUT/<name>_L.png + OUT/<name>_R.png, which "
      "`parallax train` and `scan` read. Ground truth is not carried over.\n"
      "\nInputs: two image files (LEFT RIGHT), or MPO files and folders in "
      "any layout `parallax scan` knows.\n\nExamples:\n"
      "  parallax rectify photo.mpo -o aligned/\n"
      "  parallax rectify left.jpg right.jpg -o aligned/\n"
      "  parallax rectify my_3ds_photos/ -o aligned/ && parallax train "
      "--data aligned ...",
      "parallax rectify");
  std::vector<fs::path> inputs;
  fs::path out_dir;
  std::string layout;
  bool keep_offset = false;
  RowAlignmentOptions options;
  app.add_option("inputs", inputs, "LEFT RIGHT, or MPO files and folders")
      ->required()
      ->check(CLI::ExistingPath);
  app.add_option("-o,--out", out_dir, "Folder for the aligned pairs")
      ->required();
  app.add_option("--layout", layout,
                 "Read lone images as packed stereo frames: sbs or tb");
  app.add_flag("--keep-offset", keep_offset,
               "Keep the camera's horizontal offset (signed disparity, as "
               "a converging rig) instead of putting far points at 0");
  app.add_option("--max-features", options.max_features,
                 "SIFT keypoints per view")
      ->capture_default_str()
      ->check(CLI::Range(100, 100000));
  app.add_option("--max-row-error", options.inlier_threshold_px,
                 "Vertical residual (px) up to which a match counts as on "
                 "its row")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 10.0));
  app.add_option("--min-inliers", options.min_inliers,
                 "Fail a pair with fewer matches on their rows")
      ->capture_default_str()
      ->check(CLI::Range(3, 100000));

  bool overwrite = false;
  AddOverwriteFlag(app, &overwrite);
  return RunCli(app, argc, argv, [&]() -> int {
    if (keep_offset) options.horizontal = HorizontalShift::kKeep;
    ScanOptions scan;
    if (!layout.empty()) scan.packed = ParsePackedLayout(layout);
    std::vector<std::string> failures;
    const std::vector<Job> jobs = CollectJobs(inputs, scan, &failures);
    const std::vector<fs::path> files = InputFiles(jobs);
    // Every output is checked before anything is written: a clash with an
    // input, or an existing file without --overwrite, stops the job with
    // nothing lost.
    const auto output = [&](const Job& job, const char* side) {
      return out_dir / (job.name + side + ".png");
    };
    std::vector<fs::path> existing;
    std::error_code error;
    for (const Job& job : jobs) {
      for (const char* side : {"_L", "_R"}) {
        CheckNotAnInput(output(job, side), files);
        if (fs::exists(output(job, side), error)) {
          existing.push_back(output(job, side));
        }
      }
    }
    RefuseExistingOutputs(existing, ExistingOutputsFromFlags(overwrite, false),
                          /*resumable=*/false);
    // The folder is made when the first pair is ready, so a job that aligns
    // nothing leaves nothing behind.
    const auto make_out_dir = [&] {
      fs::create_directories(out_dir, error);
      if (error) {
        ThrowError("cannot create '{}': {}", out_dir.string(), error.message());
      }
    };
    const size_t failed_pairs = failures.size();  // inputs not scanned
    InstallInterruptHandler();
    ProgressBar progress("rectify", static_cast<int64_t>(jobs.size()),
                         "pairs/s");
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (InterruptRequested()) {
        fmt::print(stderr, "interrupted: finished pairs are kept\n");
        return kExitInterrupted;
      }
      const Job& job = jobs[i];
      try {
        const StereoPair pair = LoadStereoPair(job.source);
        const RowAlignment alignment =
            EstimateRowAlignment(pair.left, pair.right, options);
        const AlignedPair aligned =
            ApplyRowAlignment(pair.left, pair.right, alignment);
        // Right first: a pair whose _L exists is then complete.
        make_out_dir();
        WriteImage(output(job, "_R"), aligned.right);
        WriteImage(output(job, "_L"), aligned.left);
        fmt::print("{}: {}\n", job.name, DescribeRowAlignment(alignment));
        if (alignment.disparity_high_px - alignment.disparity_low_px < 0.5) {
          // Aligned, but there is no depth in it for training or viewing.
          fmt::print(stderr,
                     "warning: {}: the views show no parallax (the same "
                     "picture twice?)\n",
                     job.source.left.string());
        }
      } catch (const Error& e) {
        failures.push_back(
            fmt::format("{}: {}", job.source.left.string(), e.what()));
      }
      progress.Update(static_cast<int64_t>(i + 1));
    }
    progress.Finish();
    for (const std::string& failure : failures) {
      fmt::print(stderr, "error: {}\n", failure);
    }
    const size_t total = jobs.size() + failed_pairs;
    fmt::print("{} of {} pairs aligned into {}\n", total - failures.size(),
               total, out_dir.string());
    return failures.empty() ? kExitOk : kExitError;
  });
}

}  // namespace parallax
