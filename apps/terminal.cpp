// The progress bar and the interrupt handler.
#include "terminal.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>

namespace ember::cli {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int signal) {
  if (interrupted.load()) {  // the second Ctrl-C: the user means it
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
  interrupted.store(true);
}

}  // namespace

ProgressBar::ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(const std::string& label, Index done, Index total) {
  if (!enabled_) return;
  const double now = now_seconds();
  if (done < total && now - last_draw_ < 0.05) return;
  last_draw_ = now;
  const int width = 30;
  const int filled = total > 0 ? static_cast<int>(width * done / total) : width;
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
  std::fprintf(stderr, "\r%s [%s] %ld/%ld", label.c_str(), bar.c_str(), static_cast<long>(done), static_cast<long>(total));
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

const std::atomic<bool>& install_interrupt_handler() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  return interrupted;
}

}  // namespace ember::cli
