// A terminal progress bar for long jobs (training, batches, video):
//   step 1200/5000 [=====>      ] 24% loss 0.1234 3.9 img/s ETA 16m12s
// On a terminal it redraws one line; otherwise (logs, CI) it prints a plain
// line at most every `log_interval_s` seconds, so logs stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace parallax {

class ProgressBar {
 public:
  // `total` = 0 means unknown (no bar, no ETA). `unit` names what is counted
  // in the rate ("img/s", "frames/s").
  ProgressBar(std::string label, int64_t total, std::string unit = "it/s",
              std::FILE* out = stderr);
  ~ProgressBar();

  // `done` items so far; `items_per_unit` converts done-steps into the unit
  // of the rate (e.g. batch size for img/s); `extra` is printed after the %.
  void Update(int64_t done, const std::string& extra = "",
              double items_per_step = 1.0);
  // Prints the final state and a newline.
  void Finish(const std::string& extra = "");

  void set_log_interval_s(double seconds) { log_interval_s_ = seconds; }
  // The first step the bar saw (for resumed jobs: rate and ETA count only
  // the steps done in this run).
  void set_start(int64_t done) { start_done_ = done; }

  static std::string FormatDuration(double seconds);

 private:
  void Print(int64_t done, const std::string& extra, double items_per_step,
             bool final_line);

  std::string label_;
  int64_t total_;
  std::string unit_;
  std::FILE* out_;
  bool is_tty_;
  bool finished_ = false;
  int64_t start_done_ = 0;
  int64_t last_done_ = 0;
  double items_per_step_ = 1.0;
  double log_interval_s_ = 10.0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

}  // namespace parallax
