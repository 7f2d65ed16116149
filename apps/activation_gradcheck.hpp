// `ember activation --gradcheck`: an activation's derivative from autograd against central finite
// differences, both in float64, with the checker the tests use (ember/lab/check/gradient_check.hpp).
// The implementation is compiled only into the float64 build of the engine, whose names live in the
// namespace ember_f64 (CMakeLists.txt, "float64"), so the float32 `ember` program calls it beside
// its own engine. Only standard types cross between the two.
#pragma once

#include <string>

namespace ember_f64 {

struct ActivationGradcheck {
  bool passed = false;
  int points = 0;    // grid points checked
  int corners = 0;   // grid points left out: f's slopes from the left and the right differ there
  double worst = 0;  // the worst |autograd - numeric| / (atol + rtol |numeric|); at most 1 passes
  double h = 0, atol = 0, rtol = 0;
  std::string report;  // the worst point
};

// The grid: 400 points over [-10, 10], each halfway between two multiples of 0.05 (so off the round
// numbers where corners usually sit: 0, ±1, ±3), and ±40. Throws std::invalid_argument for a spec
// that does not read.
ActivationGradcheck gradcheck_activation(const std::string& spec);

}  // namespace ember_f64
