// The progress line (its text, then drawing it on stderr) and the interrupt handler.
#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>

#include "ember/core/engine/format.hpp"

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

// ---- the text of the progress line (pure functions) ----

std::string progress_bar(Index done, Index total, int width) {
  const int filled = total > 0 ? static_cast<int>(width * std::min(done, total) / total) : width;
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
  return "[" + bar + "]";
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0)) return "-";
  const long total = std::lround(seconds);
  char text[32];
  if (total >= 3600) std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  else std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  return text;
}

std::string train_progress_line(const TrainProgress& p) {
  // The steps of the whole run: every epoch has the same number of batches.
  const double done = static_cast<double>(p.epoch - 1) * static_cast<double>(p.batches) + static_cast<double>(p.batch);
  const double total = static_cast<double>(p.epochs) * static_cast<double>(p.batches);
  const double rate = p.seconds > 0 && done > 0 ? done / p.seconds : NAN;  // steps per second
  const int epoch_width = static_cast<int>(std::to_string(p.epochs).size());
  const int batch_width = static_cast<int>(std::to_string(p.batches).size());
  char head[96];
  std::snprintf(head, sizeof head, "epoch %*d/%d %s %*ld/%ld", epoch_width, p.epoch, p.epochs,
                progress_bar(p.batch, p.batches, 20).c_str(), batch_width, static_cast<long>(p.batch),
                static_cast<long>(p.batches));
  const std::string rate_text = std::isnan(rate) ? "-" : format_fixed(rate, rate >= 10 ? 0 : 1);
  const std::string loss_text = std::isnan(p.running_loss) ? "-" : format_fixed(p.running_loss, 4);
  return std::string(head) + "  loss " + loss_text + "  " + rate_text + " steps/s  ETA " +
         format_duration((total - done) / rate);
}

std::string compare_progress_line(const CompareProgress& p) {
  const double done = static_cast<double>(p.run - 1) + static_cast<double>(p.epoch) / std::max(1, p.epochs);
  const double left = done > 0 ? p.seconds * (static_cast<double>(p.runs) - done) / done : NAN;
  const int run_width = static_cast<int>(std::to_string(p.runs).size());
  char head[64];
  std::snprintf(head, sizeof head, "run %*d/%d ", run_width, p.run, p.runs);
  return std::string(head) + progress_bar(p.run - 1, p.runs, 20) + " " + p.label + "  epoch " +
         std::to_string(p.epoch) + "/" + std::to_string(p.epochs) + "  ETA " + format_duration(left);
}

// ---- drawing it ----

ProgressBar::ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(const std::string& label, Index done, Index total) {
  show(label + " " + progress_bar(done, total, 30) + " " + std::to_string(done) + "/" + std::to_string(total),
       done >= total);
}

void ProgressBar::show(const std::string& line, bool last) {
  if (!enabled_) return;
  const double now = now_seconds();
  if (!last && now - last_draw_ < 0.05) return;
  last_draw_ = now;
  // A line longer than the terminal would wrap, and "\r" would then redraw only its last row.
  winsize size{};
  const std::size_t columns = ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 ? size.ws_col - 1 : 79;
  std::fprintf(stderr, "\r%s\033[K", line.substr(0, columns).c_str());
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
