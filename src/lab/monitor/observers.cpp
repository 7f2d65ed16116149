// ObserverList: several observers of fit() as one.
#include "ember/lab/monitor/observers.hpp"

namespace ember {

ObserverList::ObserverList(std::initializer_list<FitObserver*> observers) : observers_(observers) {}

void ObserverList::on_step(const Step& step) {
  for (FitObserver* observer : observers_)
    if (observer) observer->on_step(step);
}

void ObserverList::on_epoch(const EpochStats& stats) {
  for (FitObserver* observer : observers_)
    if (observer) observer->on_epoch(stats);
}

bool ObserverList::should_stop() {
  bool stop = false;
  for (FitObserver* observer : observers_) stop = (observer && observer->should_stop()) || stop;
  return stop;
}

}  // namespace ember
