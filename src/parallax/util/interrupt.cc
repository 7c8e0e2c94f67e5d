#include "parallax/util/interrupt.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace parallax {
namespace {

std::atomic<int> g_interrupts{0};

extern "C" void OnInterrupt(int signal_number) {
  if (g_interrupts.fetch_add(1) >= 1) {
    // Second Ctrl-C: the user insists. Only async-signal-safe calls here.
    constexpr char kMessage[] = "\ninterrupted twice: exiting now\n";
    [[maybe_unused]] auto n = ::write(2, kMessage, sizeof(kMessage) - 1);
    ::_exit(128 + signal_number);
  }
}

}  // namespace

void InstallInterruptHandler() {
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool InterruptRequested() { return g_interrupts.load() > 0; }
void ClearInterrupt() { g_interrupts.store(0); }
void RequestInterrupt() { g_interrupts.fetch_add(1); }

}  // namespace parallax
