// Ctrl-C handling for long jobs. The first SIGINT/SIGTERM sets a flag that
// jobs poll at safe points (after a training step, after a video frame) so
// they can save their state and stop cleanly; a second one exits at once.
#pragma once

namespace parallax {

void InstallInterruptHandler();
bool InterruptRequested();
// For tests, and for programs that handle an interrupt and go on.
void ClearInterrupt();
void RequestInterrupt();

}  // namespace parallax
