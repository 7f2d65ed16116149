// Built into ember_f64 only (float64; `ember` here is ember_f64): see activation_gradcheck.hpp.
#include "activation_gradcheck.hpp"

#include <cmath>

#include "ember/lab/check/gradient_check.hpp"
#include "ember/lab/formula/formula.hpp"

namespace ember_f64 {

static_assert(sizeof(Scalar) == 8, "activation_gradcheck.cpp belongs to the float64 build (ember_f64)");

ActivationGradcheck gradcheck_activation(const std::string& spec) {
  const Formula formula = Formula::parse(spec);
  std::vector<double> grid;
  for (int i = 0; i < 400; ++i) grid.push_back(-10 + 20 * (i + 0.5) / 400);
  grid.push_back(-40);
  grid.push_back(40);

  // Corners (relu's 0, a max that ties): the one-sided slopes disagree, and no finite difference
  // can check a derivative that does not exist. Such points are left out and counted.
  gradcheck::Options options;
  auto f_at = [&](const std::vector<double>& xs, double shift) {
    Matrix m(1, static_cast<Index>(xs.size()));
    for (std::size_t i = 0; i < xs.size(); ++i) m(0, static_cast<Index>(i)) = xs[i] + shift;
    NoGradGuard no_grad;
    return Matrix(formula(Tensor::from_matrix(m)).value());
  };
  const Matrix left = f_at(grid, -options.h), middle = f_at(grid, 0), right = f_at(grid, options.h);
  ActivationGradcheck result;
  std::vector<double> smooth;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const Index k = static_cast<Index>(i);
    const double from_left = (middle(0, k) - left(0, k)) / options.h;
    const double from_right = (right(0, k) - middle(0, k)) / options.h;
    if (std::abs(from_left - from_right) > 1e-3 * (1 + std::abs(from_left + from_right) / 2)) {
      ++result.corners;
      continue;
    }
    smooth.push_back(grid[i]);
  }

  Matrix points(1, static_cast<Index>(smooth.size()));
  for (std::size_t i = 0; i < smooth.size(); ++i) points(0, static_cast<Index>(i)) = smooth[i];
  const Tensor x = Tensor::from_matrix(points, true);
  const gradcheck::Result check =
      gradcheck::compute_gradient_check([&](const std::vector<Tensor>& in) { return formula(in[0]); }, {x}, options);
  result.passed = check.passed;
  result.points = static_cast<int>(smooth.size());
  result.worst = check.worst;
  result.h = options.h;
  result.atol = options.atol;
  result.rtol = options.rtol;
  result.report = check.report;
  return result;
}

}  // namespace ember_f64
