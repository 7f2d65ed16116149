// LrScheduler::state and load_state: a schedule through a checkpoint. The state holds the arguments the
// scheduler was built with (--lr-schedule, --lr, --epochs, --warmup) beside the epochs done and
// ReduceLROnPlateau's numbers, so a checkpoint resumed under other options is refused with the
// difference named instead of continuing on a schedule nobody asked for.
#include <charconv>
#include <stdexcept>

#include "ember/lab/train/lr_schedule.hpp"

namespace ember {

namespace {

using nlohmann::json;

std::string shortest(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

[[noreturn]] void malformed(const std::string& why) {
  throw std::runtime_error("the learning-rate schedule's state is malformed: " + why);
}

const json& member(const json& object, const char* key) {
  if (!object.is_object()) malformed("expected a JSON object, got " + object.dump());
  if (!object.contains(key)) malformed(std::string("no \"") + key + "\"");
  return object.at(key);
}

int count(const json& object, const char* key) {
  const json& value = member(object, key);
  if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 1'000'000'000)
    malformed(std::string("\"") + key + "\" must be a whole number >= 0, got " + value.dump());
  return value.get<int>();
}

double positive(const json& object, const char* key) {
  const json& value = member(object, key);
  if (!value.is_number() || !(value.get<double>() > 0))
    malformed(std::string("\"") + key + "\" must be a positive number, got " + value.dump());
  return value.get<double>();
}

// The same schedule: the same kind and values, however the text was written ("0.5" or "0.50").
bool same(const LrScheduleSpec& a, const LrScheduleSpec& b) {
  return a.kind == b.kind && a.step_size == b.step_size && a.milestones == b.milestones && a.gamma == b.gamma &&
         a.t_max == b.t_max && a.eta_min == b.eta_min && a.factor == b.factor && a.patience == b.patience;
}

[[noreturn]] void mismatch(const std::string& what) {
  throw std::runtime_error("the learning-rate schedule's state is for another run: " + what);
}

}  // namespace

json LrScheduler::state() const {
  json state = {{"lr_schedule", spec_.text},
                {"lr", base_lr_},
                {"epochs", epochs_},
                {"warmup", warmup_},
                {"epochs_done", epochs_done_}};
  // +∞ (no loss seen yet) has no JSON form: null.
  if (needs_validation())
    state["plateau"] = {{"lr", plateau_lr_},
                        {"best", std::isfinite(best_) ? json(best_) : json(nullptr)},
                        {"num_bad_epochs", num_bad_epochs_}};
  return state;
}

void LrScheduler::load_state(const json& state) {
  // The arguments first: a state for another run is refused before its numbers are looked at.
  const json& text = member(state, "lr_schedule");
  if (!text.is_string()) malformed("\"lr_schedule\" must be a string, got " + text.dump());
  LrScheduleSpec stored;
  try {
    stored = parse_lr_schedule(text.get<std::string>());
  } catch (const std::invalid_argument& e) {
    malformed(e.what());
  }
  if (!same(stored, spec_)) mismatch("--lr-schedule \"" + stored.text + "\" there, \"" + spec_.text + "\" here");
  const double lr = positive(state, "lr");
  if (lr != base_lr_) mismatch("--lr " + shortest(lr) + " there, " + shortest(base_lr_) + " here");
  const int epochs = count(state, "epochs");
  if (epochs != epochs_)
    mismatch("--epochs " + std::to_string(epochs) + " there, " + std::to_string(epochs_) + " here");
  const int warmup = count(state, "warmup");
  if (warmup != warmup_)
    mismatch("--warmup " + std::to_string(warmup) + " there, " + std::to_string(warmup_) + " here");

  // Then the progress, read whole before any of it is kept.
  const int epochs_done = count(state, "epochs_done");
  double plateau_lr = base_lr_, best = INFINITY;
  int num_bad_epochs = 0;
  if (needs_validation()) {
    const json& plateau = member(state, "plateau");
    plateau_lr = positive(plateau, "lr");
    const json& best_json = member(plateau, "best");
    if (!best_json.is_null() && !best_json.is_number())
      malformed("\"best\" must be a number or null, got " + best_json.dump());
    if (best_json.is_number()) best = best_json.get<double>();
    num_bad_epochs = count(plateau, "num_bad_epochs");
    if (num_bad_epochs > spec_.patience)
      malformed("\"num_bad_epochs\" " + std::to_string(num_bad_epochs) + " is above the patience, " +
                std::to_string(spec_.patience));
  }
  epochs_done_ = epochs_done;
  plateau_lr_ = plateau_lr;
  best_ = best;
  num_bad_epochs_ = num_bad_epochs;
}

}  // namespace ember
