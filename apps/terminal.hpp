// What long commands show while they run: a progress line on stderr (only when stderr is a
// terminal, so logs and pipes stay clean), and Ctrl-C handling that asks the training loop to stop
// at the end of the current batch instead of killing the process mid-write. The text of the
// progress line is made by pure functions (progress_bar, train_progress_line), tested on their own.
#pragma once

#include <atomic>
#include <cmath>
#include <string>

#include "ember/core/engine/scalar.hpp"

namespace ember::cli {

// "[=====>     ]": `width` characters between the brackets, filled in proportion to done/total.
std::string progress_bar(Index done, Index total, int width);

// "0:05", "1:05", "1:02:05" (rounded to the second); "-" for a negative or NaN time.
std::string format_duration(double seconds);

// Where a training run is, for its progress line.
struct TrainProgress {
  int epoch = 1, epochs = 1;     // the epoch under way (1-based), of `epochs`
  Index batch = 0, batches = 1;  // batches done in this epoch, of `batches` (the same every epoch)
  double running_loss = NAN;     // mean train loss of this epoch's samples so far
  double seconds = 0;            // since the run started
};

// "epoch   3/100 [=====>              ] 10/40  loss 0.4321  45 steps/s  ETA 1:27": steps per second
// over the whole run so far, and the time left for the whole run at that rate.
std::string train_progress_line(const TrainProgress& progress);

// Where a comparison is, for its progress line.
struct CompareProgress {
  int run = 1, runs = 1;      // the run started last (1-based), of `runs`
  std::string label;          // "relu adam lr 0.01 seed 3"
  int epoch = 0, epochs = 1;  // epochs done in that run, of `epochs`
  double seconds = 0;         // since the comparison started
};

// "run 12/40 [=====>        ] relu seed 3  epoch 40/100  ETA 0:12": the runs started before this one
// count as done (with --jobs N a few are still in flight, so the ETA errs a little low), this one by its
// epochs; the time left is the time so far scaled to what remains.
std::string compare_progress_line(const CompareProgress& progress);

class ProgressBar {
 public:
  ProgressBar();
  // Redraws "label [=====>     ] batch/batches" at most ~20 times a second.
  void update(const std::string& label, Index done, Index total);
  // Redraws `line` (cut to the terminal's width) at most ~20 times a second, and always when `last`.
  void show(const std::string& line, bool last = false);
  void clear();  // erases the bar before a normal line is printed
  bool enabled() const { return enabled_; }
  void disable() { enabled_ = false; }  // for --quiet

 private:
  bool enabled_;
  bool drawn_ = false;
  double last_draw_ = 0;
};

// Installs SIGINT and SIGTERM handlers that set the returned flag; a second Ctrl-C kills at once.
const std::atomic<bool>& install_interrupt_handler();

}  // namespace ember::cli
