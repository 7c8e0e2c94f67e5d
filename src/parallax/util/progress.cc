#include "parallax/util/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace parallax {

ProgressBar::ProgressBar(std::string label, int64_t total, std::string unit,
                         std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      out_(out),
      is_tty_(::isatty(::fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_ - std::chrono::hours(1)) {}

ProgressBar::~ProgressBar() {
  if (!finished_ && is_tty_ && last_done_ > start_done_) std::fputc('\n', out_);
}

std::string ProgressBar::FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--";
  const int64_t s = static_cast<int64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

void ProgressBar::Update(int64_t done, const std::string& extra,
                         double items_per_step) {
  last_done_ = done;
  items_per_step_ = items_per_step;
  const auto now = std::chrono::steady_clock::now();
  const double since_print =
      std::chrono::duration<double>(now - last_print_).count();
  const double min_interval = is_tty_ ? 0.1 : log_interval_s_;
  if (since_print < min_interval && done != total_) return;
  last_print_ = now;
  Print(done, extra, items_per_step, /*final_line=*/false);
}

void ProgressBar::Finish(const std::string& extra) {
  if (finished_) return;
  Print(last_done_, extra, items_per_step_, /*final_line=*/true);
  finished_ = true;
}

void ProgressBar::Print(int64_t done, const std::string& extra,
                        double items_per_step, bool final_line) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  const int64_t done_here = done - start_done_;
  const double steps_per_s = elapsed > 0 ? done_here / elapsed : 0.0;
  std::string line = label_;
  if (total_ > 0) {
    const double fraction =
        std::clamp(static_cast<double>(done) / total_, 0.0, 1.0);
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(kWidth, ' ');
    std::fill_n(bar.begin(), filled, '=');
    if (filled < kWidth) bar[filled] = '>';
    line +=
        fmt::format(" {}/{} [{}] {:3.0f}%", done, total_, bar, fraction * 100);
  } else {
    line += fmt::format(" {}", done);
  }
  if (!extra.empty()) line += " " + extra;
  if (done_here > 0) {
    line += fmt::format(" {:.2f} {}", steps_per_s * items_per_step, unit_);
    if (total_ > 0 && !final_line) {
      line += " ETA " + FormatDuration((total_ - done) / steps_per_s);
    } else {
      line += " in " + FormatDuration(elapsed);
    }
  }
  if (is_tty_) {
    fmt::print(out_, "\r{:<100}", line);
    if (final_line) std::fputc('\n', out_);
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
}

}  // namespace parallax
