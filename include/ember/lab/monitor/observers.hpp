// Putting observers together: fit() takes one FitObserver, and ObserverList is one made of several
// (a divergence check, the study's diagnostics, a progress line); Callbacks is one made of lambdas.
#pragma once

#include <atomic>
#include <functional>
#include <initializer_list>
#include <vector>

#include "ember/core/train/trainer.hpp"

namespace ember {

// Calls each observer in turn, in the order given; stops when any of them asks to.
class ObserverList : public FitObserver {
 public:
  ObserverList(std::initializer_list<FitObserver*> observers);
  void add(FitObserver* observer) { observers_.push_back(observer); }
  void on_step(const Step& step) override;
  void on_epoch(const EpochStats& stats) override;
  bool should_stop() override;

 private:
  std::vector<FitObserver*> observers_;  // not owned; null entries are skipped
};

// An observer of lambdas, any of them empty: `step` after each backward pass, `epoch` after each
// epoch; training stops at the end of a batch once `*stop` is true.
struct Callbacks : FitObserver {
  std::function<void(const Step&)> step;
  std::function<void(const EpochStats&)> epoch;
  const std::atomic<bool>* stop = nullptr;

  void on_step(const Step& s) override {
    if (step) step(s);
  }
  void on_epoch(const EpochStats& stats) override {
    if (epoch) epoch(stats);
  }
  bool should_stop() override { return stop && stop->load(); }
};

}  // namespace ember
