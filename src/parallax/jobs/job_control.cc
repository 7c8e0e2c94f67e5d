#include "parallax/jobs/job_control.h"

#include <fmt/format.h>

#include "parallax/util/check.h"
#include "parallax/util/interrupt.h"

namespace parallax {

void JobControl::CheckCancel() const {
  const bool cancel =
      cancel_requested ? cancel_requested() : InterruptRequested();
  if (cancel) throw Cancelled();
}

void JobControl::Report(const JobProgress& report) const {
  if (progress && !progress(report)) throw Cancelled();
  CheckCancel();
}

void JobControl::Skip(const std::filesystem::path& input,
                      const std::string& why) const {
  if (skipped) skipped(input, why);
}

void JobControl::Fail(const std::string& message) const {
  if (failed) failed(message);
}

void JobControl::Wrote(const std::filesystem::path& output) const {
  if (written) written(output);
}

void JobControl::Note(const std::string& line) const {
  if (noted) noted(line);
}

std::string JobControl::Describe(const std::exception& e) const {
  const auto* option = dynamic_cast<const OptionError*>(&e);
  if (option == nullptr || !option_name) return e.what();
  return option->Render(option_name);
}

FileProgress::FileProgress(const JobControl& control,
                           std::filesystem::path file, std::string label,
                           int64_t total, std::string unit)
    : control_(control) {
  report_.file = std::move(file);
  report_.label = std::move(label);
  report_.total = total;
  report_.unit = std::move(unit);
}

void FileProgress::Update(int64_t done) {
  if (report_.finished) return;
  report_.done = done;
  control_.Report(report_);
}

void FileProgress::Finish() {
  if (report_.finished) return;
  report_.finished = true;
  if (control_.progress) control_.progress(report_);
}

void RecordFailure(std::vector<std::string>* failures,
                   const JobControl& control, std::string message) {
  control.Fail(message);
  failures->push_back(std::move(message));
}

std::string NamedFailure(const std::filesystem::path& input,
                         const std::string& message) {
  if (message.find(input.string()) != std::string::npos) return message;
  return fmt::format("{}: {}", input.string(), message);
}

void ThrowNothingToDo(const std::vector<std::string>& problems) {
  if (problems.size() == 1) ThrowError("{}", problems.front());
  std::string lines;
  for (const std::string& line : problems) lines += "\n  " + line;
  ThrowError("nothing to do:{}", lines);
}

}  // namespace parallax
