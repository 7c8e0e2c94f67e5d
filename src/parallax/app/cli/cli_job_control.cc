#include "parallax/app/cli/cli_job_control.h"

#include "parallax/app/cli/command_runner.h"

#include <fmt/format.h>

namespace parallax {

CliJobControl::CliJobControl(bool show_progress)
    : show_progress_(show_progress) {
  control_.progress = [this](const JobProgress& report) {
    return OnProgress(report);
  };
  control_.skipped = [](const std::filesystem::path& input,
                        const std::string& why) {
    fmt::print(stderr, "{}: {}\n", input.string(), why);
  };
  control_.option_name = [](std::string_view field) {
    return FlagOf(field, {});
  };
  control_.noted = [show_progress](const std::string& line) {
    if (show_progress) fmt::print(stderr, "{}\n", line);
  };
}

CliJobControl::~CliJobControl() {
  if (bar_) bar_->Finish();
}

bool CliJobControl::OnProgress(const JobProgress& report) {
  if (!show_progress_) return true;
  if (bar_ && (report.file != bar_file_ || report.label != bar_label_)) {
    bar_->Finish();
    bar_.reset();
  }
  if (!bar_) {
    bar_ =
        std::make_unique<ProgressBar>(report.label, report.total, report.unit);
    bar_file_ = report.file;
    bar_label_ = report.label;
  }
  bar_->Update(report.done);
  if (report.finished) {
    bar_->Finish();
    bar_.reset();
  }
  return true;
}

}  // namespace parallax
