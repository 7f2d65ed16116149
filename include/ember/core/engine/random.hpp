// Generator: the one source of randomness, always passed in explicitly and seeded by the caller
// (`--seed`). Ember has no global random state.
// std::mt19937's output sequence is fixed by the C++ standard, but std::uniform_real_distribution
// and std::normal_distribution are not (they differ between standard libraries). So the draws below
// are written out by hand: the same seed gives the same numbers on every compiler.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ember {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) : engine_(static_cast<std::uint32_t>(seed ^ (seed >> 32))) {}

  std::uint32_t next_u32() { return engine_(); }

  // Uniform in [0, 1) with 24 random bits: every float32 in the grid k / 2^24 is equally likely.
  double uniform() { return (next_u32() >> 8) * (1.0 / 16777216.0); }

  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  // Standard normal by Box-Muller; 1 - uniform() lies in (0, 1], so the log is finite.
  double normal() {
    const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
    const double angle = 2.0 * M_PI * uniform();
    return radius * std::cos(angle);
  }

  double normal(double mean, double stddev) { return mean + stddev * normal(); }

  // Uniform integer in [0, n) without modulo bias (Lemire's rejection would be faster; this is clearer).
  std::uint32_t below(std::uint32_t n) {
    const std::uint32_t limit = UINT32_MAX - UINT32_MAX % n;
    std::uint32_t draw;
    do {
      draw = next_u32();
    } while (draw >= limit);
    return draw % n;
  }

  // The engine's whole state as text (the standard fixes its format), so a checkpoint can continue
  // the very stream of numbers a run was drawing.
  std::string state() const {
    std::ostringstream out;
    out << engine_;
    return out.str();
  }
  void set_state(const std::string& text) {
    std::istringstream in(text);
    std::mt19937 engine;
    if (!(in >> engine)) throw std::runtime_error("Generator: not a generator state");
    engine_ = engine;
  }

  // Fisher-Yates shuffle of any random-access container.
  template <typename Container>
  void shuffle(Container& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const std::size_t j = below(static_cast<std::uint32_t>(i));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  std::mt19937 engine_;
};

}  // namespace ember
