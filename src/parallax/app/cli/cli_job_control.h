// The terminal's JobControl: a progress bar on stderr per input (none when
// quiet), Ctrl-C cancels (the process-wide interrupt flag), and each
// skipped input is one line on stderr. Failures stay in the job's report,
// which the command prints at the end (ReportInputFailures).
#pragma once

#include <filesystem>
#include <memory>

#include "parallax/jobs/job_control.h"
#include "parallax/util/progress.h"

namespace parallax {

class CliJobControl {
 public:
  explicit CliJobControl(bool show_progress);
  ~CliJobControl();
  CliJobControl(const CliJobControl&) = delete;
  CliJobControl& operator=(const CliJobControl&) = delete;

  const JobControl& control() const { return control_; }
  operator const JobControl&() const { return control_; }

 private:
  bool OnProgress(const JobProgress& report);

  bool show_progress_;
  std::unique_ptr<ProgressBar> bar_;
  std::filesystem::path bar_file_;
  std::string bar_label_;
  JobControl control_;
};

}  // namespace parallax
