// Learning-rate schedules: `--lr-schedule` and `--warmup`, with PyTorch's torch.optim.lr_scheduler names
// and exact semantics (StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, ReduceLROnPlateau), and a
// linear warm-up before any of them (LinearLR chained by SequentialLR). The loop asks lr() before each
// epoch and calls step() after it, as a PyTorch loop calls scheduler.step(); state() and load_state()
// carry a schedule through a checkpoint. Not here: per-batch schedules (OneCycleLR, CyclicLR) and the
// options themselves (apps/). The numbers are held to PyTorch's by tests/test_lr_schedule.cpp.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ember {

// --lr-schedule's value, parsed. The text forms, and what each means for the main schedule's epoch
// t = 0, 1, 2, ... (the first epoch after any warm-up is t = 0), with lr0 = --lr:
//   constant                    lr0 (the default: no schedule)
//   step:STEP_SIZE:GAMMA        lr0 · GAMMA^⌊t / STEP_SIZE⌋                            (StepLR)
//   multistep:M1,M2,...:GAMMA   lr0 · GAMMA^(milestones ≤ t)                           (MultiStepLR)
//   exponential:GAMMA           lr0 · GAMMA^t                                          (ExponentialLR)
//   cosine[:T_MAX[:ETA_MIN]]    η + (lr0 − η)(1 + cos(π t / T_MAX)) / 2, η = ETA_MIN   (CosineAnnealingLR)
//                               T_MAX defaults to the epochs the schedule runs (--epochs − --warmup); past
//                               T_MAX the cosine goes on, back up to lr0 at 2 T_MAX, as PyTorch's does
//   plateau:FACTOR:PATIENCE     lr · FACTOR after more than PATIENCE epochs without a better validation
//                               loss (ReduceLROnPlateau: mode min, threshold 1e-4 relative, cooldown 0,
//                               min_lr 0, eps 1e-8)
struct LrScheduleSpec {
  enum class Kind { Constant, Step, MultiStep, Exponential, Cosine, Plateau };
  Kind kind = Kind::Constant;
  int step_size = 0;              // step
  std::vector<int> milestones;    // multistep: increasing, each >= 1
  double gamma = 1;               // step, multistep, exponential: > 0
  std::optional<int> t_max;       // cosine; unset: the epochs the schedule runs
  double eta_min = 0;             // cosine: >= 0
  double factor = 0.1;            // plateau: in (0, 1)
  int patience = 10;              // plateau: >= 0
  std::string text = "constant";  // as given, for messages and the checkpoint
};

// Reads --lr-schedule's value. Throws std::invalid_argument naming the option, the text, the part at
// fault and what it must be: `--lr-schedule "step:0:0.5": STEP_SIZE must be a whole number >= 1, got "0"`.
LrScheduleSpec parse_lr_schedule(const std::string& text);

// One run's schedule: the learning rate of each epoch, a linear warm-up first when asked.
// Use, as PyTorch's `for epoch: train(...); scheduler.step()`:
//   LrScheduler schedule(parse_lr_schedule(text), lr, epochs, warmup);
//   for (int epoch = 1; epoch <= epochs; ++epoch) { optimizer.lr = schedule.lr(); train; schedule.step(loss); }
// Warm-up N: epochs 1..N run at lr0 · k / N (k = 1..N; LinearLR(start_factor=1/N, end_factor=1,
// total_iters=N−1)), then the main schedule starts at its own t = 0 (SequentialLR(milestones=[N])), so with
// --warmup 1 the one warm-up epoch runs at lr0 and the schedule starts an epoch later. Plateau after a
// warm-up starts at lr0 and sees only the losses of epochs N+1, N+2, ... All arithmetic is in double.
class LrScheduler {
 public:
  // base_lr: --lr; epochs: --epochs; warmup: --warmup (0: none). Throws std::invalid_argument when they
  // do not fit ("--warmup must be less than --epochs ...", a cosine ETA_MIN above --lr).
  LrScheduler(LrScheduleSpec spec, double base_lr, int epochs, int warmup = 0);

  double lr() const;  // the learning rate of the next epoch to run, epoch epochs_done() + 1
  // After each epoch. Plateau needs the epoch's finite validation loss (std::invalid_argument otherwise:
  // a NaN is the caller's mistake, not a bad epoch); the other kinds ignore it. Stepping past --epochs
  // goes on by the same formulas, as PyTorch's schedulers do.
  void step(double validation_loss = NAN);
  bool needs_validation() const { return spec_.kind == LrScheduleSpec::Kind::Plateau; }
  int epochs_done() const { return epochs_done_; }

  // Everything needed to continue exactly, with the arguments it was built with: load_state() into a
  // scheduler built with other arguments throws std::runtime_error naming the difference, as it does for
  // a malformed state.
  nlohmann::json state() const;
  void load_state(const nlohmann::json& state);

  // "cosine (T_max 20, eta_min 0) after 3 warm-up epochs", "step (step_size 10, gamma 0.5)".
  std::string describe() const;

  const LrScheduleSpec& spec() const { return spec_; }
  int t_max() const { return t_max_; }  // cosine's T_MAX, the default resolved; 0 for the other kinds

 private:
  double main_lr(int t) const;  // the main schedule's lr at its epoch t (0-based), plateau excepted

  LrScheduleSpec spec_;
  double base_lr_;
  int epochs_;
  int warmup_;
  int t_max_ = 0;
  int epochs_done_ = 0;
  // ReduceLROnPlateau's own state: its current lr, the best loss so far (+∞ before the first), and the
  // epochs since then without a better one.
  double plateau_lr_;
  double best_ = INFINITY;
  int num_bad_epochs_ = 0;
};

}  // namespace ember
