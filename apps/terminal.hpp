// What long commands show while they run: a progress bar on stderr (only when stderr is a
// terminal, so logs and pipes stay clean), and Ctrl-C handling that asks the training loop to stop
// at the end of the current batch instead of killing the process mid-write.
#pragma once

#include <atomic>
#include <string>

#include "ember/scalar.hpp"

namespace ember::cli {

class ProgressBar {
 public:
  ProgressBar();
  // Redraws "label [=====>     ] batch/batches" at most ~20 times a second.
  void update(const std::string& label, Index done, Index total);
  void clear();  // erases the bar before a normal line is printed
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  bool drawn_ = false;
  double last_draw_ = 0;
};

// Installs SIGINT and SIGTERM handlers that set the returned flag; a second Ctrl-C kills at once.
const std::atomic<bool>& install_interrupt_handler();

}  // namespace ember::cli
