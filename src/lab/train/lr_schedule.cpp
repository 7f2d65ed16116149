// parse_lr_schedule and LrScheduler: --lr-schedule's text read strictly, and each epoch's learning rate
// by PyTorch's formulas. The chainable schedules (step, multistep, exponential, cosine) are computed in
// their closed forms (PyTorch's _get_closed_form_lr), so the lr of an epoch depends on its number alone;
// ReduceLROnPlateau depends on the losses seen, so it keeps PyTorch's three numbers of state.
#include "ember/lab/train/lr_schedule.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "ember/core/engine/format.hpp"

namespace ember {

namespace {

using Kind = LrScheduleSpec::Kind;

const char* const kForms =
    "constant, step:STEP_SIZE:GAMMA, multistep:M1,M2,...:GAMMA, exponential:GAMMA, cosine[:T_MAX[:ETA_MIN]], "
    "plateau:FACTOR:PATIENCE";

// ReduceLROnPlateau's defaults, the ones --lr-schedule does not expose (PyTorch's names).
constexpr double kThreshold = 1e-4;  // threshold_mode 'rel': better means below best · (1 − threshold)
constexpr double kMinLr = 0;         // min_lr
constexpr double kEps = 1e-8;        // eps: a cut smaller than this is not made

constexpr double kPi = 3.14159265358979323846;

// The shortest text that reads back as the same double ("0.1", "1e-05"), whatever the locale.
std::string shortest(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// The parts of `text` between the separators, empty ones kept ("a::b" is "a", "", "b").
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == separator) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

// Reads one --lr-schedule text; every failure names the option, the whole text and the part at fault.
class SpecReader {
 public:
  explicit SpecReader(const std::string& text) : text_(text), parts_(split(text, ':')) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("--lr-schedule \"" + text_ + "\": " + why);
  }
  const std::string& kind() const { return parts_[0]; }

  // The parts after the kind, named as in the form ("STEP_SIZE", "GAMMA"); the last `optional` of them
  // may be missing. Checks the count: "missing GAMMA", "too many parts".
  void expect(const std::vector<std::string>& names, std::size_t optional, const std::string& form) const {
    const std::size_t given = parts_.size() - 1;
    if (given < names.size() - optional) fail("missing " + names[given] + "; the form is " + form);
    if (given > names.size()) {
      const std::string after = names.empty() ? kind() : names.back();
      fail("unexpected \":" + parts_[names.size() + 1] + "\" after " + after + "; the form is " + form);
    }
  }
  bool has(std::size_t k) const { return k < parts_.size(); }
  const std::string& part(std::size_t k) const { return parts_[k]; }

  int whole(const std::string& part, const std::string& name, int minimum) const {
    if (const std::optional<int> value = read_whole(part); value && *value >= minimum) return *value;
    fail(name + " must be a whole number >= " + std::to_string(minimum) + ", got \"" + part + "\"");
  }

  // A finite number, all of `part`, for which `ok` holds; else "NAME must be a number MUST".
  template <typename Check>
  double number(const std::string& part, const std::string& name, const std::string& must, Check ok) const {
    double value = 0;
    const char* end = part.data() + part.size();
    const auto [stop, error] = std::from_chars(part.data(), end, value);
    if (part.empty() || error != std::errc() || stop != end || !std::isfinite(value) || !ok(value))
      fail(name + " must be a number " + must + ", got \"" + part + "\"");
    return value;
  }

  // Digits only, all of `part`, within int; nothing otherwise.
  static std::optional<int> read_whole(const std::string& part) {
    int value = 0;
    const char* end = part.data() + part.size();
    const auto [stop, error] = std::from_chars(part.data(), end, value);
    if (part.empty() || error != std::errc() || stop != end) return std::nullopt;
    return value;
  }

 private:
  const std::string& text_;
  std::vector<std::string> parts_;
};

// "5,12,20": increasing whole numbers >= 1, as MultiStepLR's milestones (PyTorch would also take a
// repeated one, cutting twice there; written as GAMMA² it is clearer, so it is refused).
std::vector<int> read_milestones(const SpecReader& reader, const std::string& part) {
  std::vector<int> milestones;
  for (const std::string& item : split(part, ',')) {
    const std::optional<int> value = SpecReader::read_whole(item);
    if (!value || *value < 1)
      reader.fail("M1,M2,... must be whole numbers >= 1, got \"" + item + "\" in \"" + part + "\"");
    if (!milestones.empty() && *value <= milestones.back())
      reader.fail("M1,M2,... must increase, got " + std::to_string(milestones.back()) + " then " +
                  std::to_string(*value) + " in \"" + part + "\"");
    milestones.push_back(*value);
  }
  return milestones;
}

const auto positive = [](double v) { return v > 0; };

}  // namespace

// ---- the text ----

LrScheduleSpec parse_lr_schedule(const std::string& text) {
  const SpecReader reader(text);
  LrScheduleSpec spec;
  spec.text = text;
  const std::string& kind = reader.kind();
  if (kind == "constant") {
    reader.expect({}, 0, "constant");
    spec.kind = Kind::Constant;
  } else if (kind == "step") {
    reader.expect({"STEP_SIZE", "GAMMA"}, 0, "step:STEP_SIZE:GAMMA");
    spec.kind = Kind::Step;
    spec.step_size = reader.whole(reader.part(1), "STEP_SIZE", 1);
    spec.gamma = reader.number(reader.part(2), "GAMMA", "> 0", positive);
  } else if (kind == "multistep") {
    reader.expect({"M1,M2,...", "GAMMA"}, 0, "multistep:M1,M2,...:GAMMA");
    spec.kind = Kind::MultiStep;
    spec.milestones = read_milestones(reader, reader.part(1));
    spec.gamma = reader.number(reader.part(2), "GAMMA", "> 0", positive);
  } else if (kind == "exponential") {
    reader.expect({"GAMMA"}, 0, "exponential:GAMMA");
    spec.kind = Kind::Exponential;
    spec.gamma = reader.number(reader.part(1), "GAMMA", "> 0", positive);
  } else if (kind == "cosine") {
    reader.expect({"T_MAX", "ETA_MIN"}, 2, "cosine[:T_MAX[:ETA_MIN]]");
    spec.kind = Kind::Cosine;
    if (reader.has(1)) spec.t_max = reader.whole(reader.part(1), "T_MAX", 1);
    if (reader.has(2)) spec.eta_min = reader.number(reader.part(2), "ETA_MIN", ">= 0", [](double v) { return v >= 0; });
  } else if (kind == "plateau") {
    reader.expect({"FACTOR", "PATIENCE"}, 0, "plateau:FACTOR:PATIENCE");
    spec.kind = Kind::Plateau;
    spec.factor = reader.number(reader.part(1), "FACTOR", "between 0 and 1 (both excluded)",
                                [](double v) { return v > 0 && v < 1; });
    spec.patience = reader.whole(reader.part(2), "PATIENCE", 0);
  } else {
    reader.fail("unknown schedule \"" + kind + "\"; the schedules are " + kForms);
  }
  return spec;
}

// ---- the schedule ----

LrScheduler::LrScheduler(LrScheduleSpec spec, double base_lr, int epochs, int warmup)
    : spec_(std::move(spec)), base_lr_(base_lr), epochs_(epochs), warmup_(warmup), plateau_lr_(base_lr) {
  if (!(std::isfinite(base_lr) && base_lr > 0))
    throw std::invalid_argument("--lr must be a positive number, got " + shortest(base_lr));
  if (epochs < 1) throw std::invalid_argument("--epochs must be at least 1, got " + std::to_string(epochs));
  if (warmup < 0) throw std::invalid_argument("--warmup must be 0 or more epochs, got " + std::to_string(warmup));
  if (warmup >= epochs)
    throw std::invalid_argument("--warmup must be less than --epochs (--warmup " + std::to_string(warmup) +
                                ", --epochs " + std::to_string(epochs) +
                                "): the schedule needs at least one epoch after the warm-up");
  if (spec_.kind == Kind::Cosine) {
    t_max_ = spec_.t_max.value_or(epochs - warmup);
    if (spec_.eta_min > base_lr)
      throw std::invalid_argument("--lr-schedule \"" + spec_.text + "\": ETA_MIN (" + shortest(spec_.eta_min) +
                                  ") must not be above --lr (" + shortest(base_lr) + ")");
  }
}

double LrScheduler::lr() const {
  const int epoch = epochs_done_ + 1;                       // 1-based: the epoch about to run
  if (epoch <= warmup_) return base_lr_ * epoch / warmup_;  // warm-up: lr0 · k / N
  if (spec_.kind == Kind::Plateau) return plateau_lr_;
  return main_lr(epoch - warmup_ - 1);
}

double LrScheduler::main_lr(int t) const {
  switch (spec_.kind) {
    case Kind::Step: return base_lr_ * std::pow(spec_.gamma, t / spec_.step_size);  // γ^⌊t / step_size⌋
    case Kind::MultiStep: {
      // γ to the number of milestones already reached (PyTorch: bisect_right(milestones, t))
      const auto reached = std::upper_bound(spec_.milestones.begin(), spec_.milestones.end(), t);
      return base_lr_ * std::pow(spec_.gamma, static_cast<double>(reached - spec_.milestones.begin()));
    }
    case Kind::Exponential: return base_lr_ * std::pow(spec_.gamma, t);
    case Kind::Cosine: {
      // η + (lr0 − η)(1 + cos(π t / T)) / 2: lr0 at t = 0, η at t = T, and past T the cosine goes on
      // (back to lr0 at 2T), which is what PyTorch's recursive form computes too.
      const double eta = spec_.eta_min;
      return eta + (base_lr_ - eta) * (1 + std::cos(kPi * t / t_max_)) / 2;
    }
    case Kind::Constant:
    case Kind::Plateau: break;
  }
  return base_lr_;
}

void LrScheduler::step(double validation_loss) {
  if (needs_validation()) {
    if (!std::isfinite(validation_loss))
      throw std::invalid_argument("--lr-schedule \"" + spec_.text + "\" needs each epoch's validation loss, " +
                                  "a finite number; got " + format_general(validation_loss, 6) + " after epoch " +
                                  std::to_string(epochs_done_ + 1));
    // ReduceLROnPlateau.step(loss), only for the epochs after the warm-up.
    if (epochs_done_ + 1 > warmup_) {
      // Mode min, threshold relative: better is below best · (1 − threshold), strictly (best starts at +∞,
      // so the first loss always is).
      if (validation_loss < best_ * (1.0 - kThreshold)) {
        best_ = validation_loss;
        num_bad_epochs_ = 0;
      } else {
        ++num_bad_epochs_;
      }
      if (num_bad_epochs_ > spec_.patience) {
        const double reduced = std::max(plateau_lr_ * spec_.factor, kMinLr);
        if (plateau_lr_ - reduced > kEps) plateau_lr_ = reduced;
        num_bad_epochs_ = 0;  // (cooldown 0: counting starts again at once)
      }
    }
  }
  ++epochs_done_;
}

std::string LrScheduler::describe() const {
  std::string text;
  switch (spec_.kind) {
    case Kind::Constant: text = "constant"; break;
    case Kind::Step:
      text = "step (step_size " + std::to_string(spec_.step_size) + ", gamma " + shortest(spec_.gamma) + ")";
      break;
    case Kind::MultiStep: {
      std::string milestones;
      for (int m : spec_.milestones) milestones += (milestones.empty() ? "" : ",") + std::to_string(m);
      text = "multistep (milestones " + milestones + ", gamma " + shortest(spec_.gamma) + ")";
      break;
    }
    case Kind::Exponential: text = "exponential (gamma " + shortest(spec_.gamma) + ")"; break;
    case Kind::Cosine:
      text = "cosine (T_max " + std::to_string(t_max_) + ", eta_min " + shortest(spec_.eta_min) + ")";
      break;
    case Kind::Plateau:
      text = "plateau (factor " + shortest(spec_.factor) + ", patience " + std::to_string(spec_.patience) +
             ", on the validation loss)";
      break;
  }
  if (warmup_ > 0) text += " after " + std::to_string(warmup_) + (warmup_ == 1 ? " warm-up epoch" : " warm-up epochs");
  return text;
}

}  // namespace ember
