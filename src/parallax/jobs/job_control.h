// How a job talks to its front end: progress that can cancel, and events for
// the files it skips, fails and writes (OIDN's progress monitor, COLMAP's
// controller callbacks). The command line binds it to a progress bar on
// stderr and to Ctrl-C (app/cli/cli_job_control.h); the desktop app to its
// widgets and Cancel button. Jobs never write to a terminal themselves.
#pragma once

#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parallax/util/check.h"
#include "parallax/util/option_error.h"

namespace parallax {

struct JobProgress {
  // The input being worked on; empty for a batch of photos.
  std::filesystem::path file;
  // What a progress bar shows: the file's name, or the job for a batch.
  std::string label;
  int64_t done = 0;
  int64_t total = 0;              // 0 = unknown
  std::string unit = "frames/s";  // what `done` counts, as a rate
  bool finished = false;          // the last report for `file`
};

class JobControl {
 public:
  // Every callback is optional.
  // After each step; returning false cancels the job (parallax::Cancelled).
  std::function<bool(const JobProgress&)> progress;
  // Polled between steps; true cancels. Unset: the process-wide interrupt
  // flag (util/interrupt.h) that Ctrl-C raises.
  std::function<bool()> cancel_requested;
  // An input left alone, and why ("out.mp4 exists (--resume)").
  std::function<void(const std::filesystem::path&, const std::string&)> skipped;
  // An input that failed; the job goes on with the others. The message
  // names the input ("photo.png: not an image").
  std::function<void(const std::string&)> failed;
  // A finished output file.
  std::function<void(const std::filesystem::path&)> written;
  // A line about the job worth showing (the model and device it runs on).
  std::function<void(const std::string&)> noted;
  // How this front end names a job option's field in messages (an
  // OptionError's marked fields, util/option_error.h); unset: the field.
  std::function<std::string(std::string_view field)> option_name;

  // Throws parallax::Cancelled when cancelling was asked for.
  void CheckCancel() const;
  // Sends `report` (then checks for cancelling).
  void Report(const JobProgress& report) const;
  void Skip(const std::filesystem::path& input, const std::string& why) const;
  void Fail(const std::string& message) const;
  void Wrote(const std::filesystem::path& output) const;
  void Note(const std::string& line) const;
  // The message of `e` for an input's failure, options as `option_name`
  // names them.
  std::string Describe(const std::exception& e) const;
};

// The progress of one file (or of a batch) through a JobControl, used as a
// progress bar would be: Update() after each step, Finish() at the end.
class FileProgress {
 public:
  FileProgress(const JobControl& control, std::filesystem::path file,
               std::string label, int64_t total, std::string unit = "frames/s");
  // Reports `done`; throws parallax::Cancelled when asked to stop.
  void Update(int64_t done);
  // The final report (once; Update() after it does nothing).
  void Finish();

 private:
  const JobControl& control_;
  JobProgress report_;
};

// Adds `message` to a job report's failures and sends it to `control`.
void RecordFailure(std::vector<std::string>* failures,
                   const JobControl& control, std::string message);

// Throws parallax::Error for a job none of whose inputs could be used:
// "nothing to do: <the one problem>", or the problems one per line.
[[noreturn]] void ThrowNothingToDo(const std::vector<std::string>& problems);

// "<input>: <message>", unless the message names the input already.
std::string NamedFailure(const std::filesystem::path& input,
                         const std::string& message);

}  // namespace parallax
