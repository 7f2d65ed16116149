// ember activation: an activation (a name or a formula in x) seen as mathematics. f and f' at a few
// points, where f' is largest and where it falls below 1% of that (the saturation zone, where a unit
// stops learning), a plot of f and f' over [-6, 6], and on request a check of autograd's f' against
// finite differences in float64. Without a spec: what a formula may contain.
#include <cmath>
#include <iostream>

#include "activation_gradcheck.hpp"
#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/monitor/diagnostics.hpp"
#include "ember/lab/plot/svg_plot.hpp"

namespace ember::cli {

namespace {

std::string number(double value) { return format_general(value, 6); }

std::string pad_left(const std::string& text, std::size_t width) {
  return std::string(width > text.size() ? width - text.size() : 0, ' ') + text;
}

// x from -30 to 30 in steps of 2^-8, the grid max_derivative_of searches (diagnostics.hpp).
Matrix slope_grid() {
  const Index points = 60 * 256 + 1;
  Matrix grid(1, points);
  for (Index i = 0; i < points; ++i) grid(0, i) = Scalar(-30) + static_cast<Scalar>(i) / Scalar(256);
  return grid;
}

// The runs of the grid where `flagged` holds, as text: "x <= -4.6, x >= 4.6", "-1 <= x <= 1", "none".
std::string zones(const Matrix& grid, const Eigen::Array<bool, 1, Eigen::Dynamic>& flagged) {
  std::string text;
  const Index n = grid.cols();
  for (Index i = 0; i < n;) {
    if (!flagged(i)) {
      ++i;
      continue;
    }
    Index j = i;
    while (j + 1 < n && flagged(j + 1)) ++j;
    const std::string from = format_general(grid(0, i), 4), to = format_general(grid(0, j), 4);
    std::string zone;
    if (i == 0 && j == n - 1) zone = "everywhere on [-30, 30]";
    else if (i == 0) zone = "x <= " + to;
    else if (j == n - 1) zone = "x >= " + from;
    else zone = i == j ? "x = " + from : from + " <= x <= " + to;
    text += (text.empty() ? "" : ", ") + zone;
    i = j + 1;
  }
  return text.empty() ? "none on [-30, 30]" : text;
}

void print_language(std::ostream& out) {
  auto list = [](const auto& names, auto name_of) {
    std::string line;
    for (const auto& item : names) line += (line.empty() ? "" : " ") + std::string(name_of(item));
    return line;
  };
  const auto itself = [](const std::string& name) { return name; };
  out << "An activation is a name or a formula in x.\n\n"
      << "names:     " << list(nn::activation_names(), itself) << "\n"
      << "presets:   " << list(formula_presets(), [](const FormulaPreset& p) { return p.name; }) << "\n"
      << "functions: " << list(formula_functions(), itself) << "\n"
      << "           and every name and preset above, called on anything: elu(x, 0.5), mish(2*x)\n\n"
         "A formula: numbers (1.702, 1e-3), x, + - * /, ^ with a constant exponent, parentheses.\n"
         "-x^2 is -(x^2); 1-x-1 is (1-x)-1; x/2/2 is x/4. Name it with name=formula.\n"
         "At a tie, max(a, b) and min(a, b) give the gradient to b: max(x, 0) has relu's slope 0 at 0.\n\n"
         "the presets' formulas:\n";
  for (const FormulaPreset& preset : formula_presets())
    out << "  " << preset.name << std::string(13 - std::string(preset.name).size(), ' ') << preset.expression << "\n";
}

}  // namespace

int cmd_activation(int argc, char** argv) {
  cxxopts::Options options("ember activation",
                           "An activation as mathematics: f and f' at a few points, where f' is largest, its "
                           "saturation zone, a plot, and a check of autograd's derivative.");
  // clang-format off
  options.add_options()
      ("spec", "a name (relu, mish, leaky_relu:0.05) or a formula in x", cxxopts::value<std::string>())
      ("plot", "write f and f' over [-6, 6] as an SVG chart here", cxxopts::value<std::string>())
      ("gradcheck", "check autograd's f' against central finite differences in float64 (exit 1 if it fails)")
      ("h,help", "show this help");
  // clang-format on
  options.parse_positional({"spec"});
  options.positional_help("[SPEC]");
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\n";
    print_language(std::cout);
    std::cout << "\nexamples:\n  ember activation mish --plot mish.svg\n"
                 "  ember activation \"x/(1+abs(x))\" --gradcheck\n"
                 "  ember train --dataset moons --activation \"swish=x*sigmoid(x)\"\n";
    return 0;
  }
  if (!args.count("spec")) {
    print_language(std::cout);
    return 0;
  }
  const std::string spec = args["spec"].as<std::string>();
  std::unique_ptr<nn::Activation> activation;
  Formula formula;
  try {
    activation = nn::make_activation(spec);
    formula = Formula::parse(spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (args.count("plot")) check_writable_destination(args["plot"].as<std::string>(), "--plot");

  std::cout << formula.label() << (formula.label() == formula.expression() ? "" : " = " + formula.expression())
            << "    (as a PyTorch module: " << activation->repr() << ")\n\n";
  const std::vector<double> xs = {-6, -3, -1, -0.5, 0, 0.5, 1, 3, 6};
  Matrix at(1, static_cast<Index>(xs.size()));
  for (std::size_t i = 0; i < xs.size(); ++i) at(0, static_cast<Index>(i)) = static_cast<Scalar>(xs[i]);
  Matrix f;
  {
    NoGradGuard no_grad;
    f = (*activation)(Tensor::from_matrix(at)).value();
  }
  const Matrix slope = derivative_of(*activation, at);
  std::cout << pad_left("x", 6) << pad_left("f(x)", 14) << pad_left("f'(x)", 14) << "\n";
  for (Index i = 0; i < at.cols(); ++i) {
    std::cout << pad_left(number(at(0, i)), 6) << pad_left(number(f(0, i)), 14) << pad_left(number(slope(0, i)), 14)
              << "\n";
  }

  const Matrix grid = slope_grid();
  const Matrix grid_slope = derivative_of(*activation, grid);
  const Scalar largest = max_derivative_of(*activation);
  Index row = 0, where = 0;
  (grid_slope.array().isNaN().select(Scalar(0), grid_slope.array().abs())).maxCoeff(&row, &where);
  std::cout << "\nlargest |f'(x)| on [-30, 30]: " << number(largest) << " at x = " << number(grid(0, where)) << "\n";
  const auto flat = (grid_slope.array().abs() < Scalar(0.01) * largest).eval();
  std::cout << "saturation zone, |f'(x)| below 1% of that: " << zones(grid, flat) << "\n";
  std::cout << "dead zone, f'(x) = 0 exactly: " << zones(grid, (grid_slope.array() == 0).eval()) << "\n";
  if (grid_slope.array().isNaN().any())
    std::cout << "f'(x) is not a number (nan) at: " << zones(grid, grid_slope.array().isNaN().eval()) << "\n";

  if (args.count("plot")) {
    const std::string path = args["plot"].as<std::string>();
    plot::Series value{"f(x)", {}, {}}, derivative{"f'(x)", {}, {}};
    Matrix x(1, 481);
    for (Index i = 0; i < x.cols(); ++i) x(0, i) = Scalar(-6) + Scalar(0.025) * static_cast<Scalar>(i);
    Matrix fx;
    {
      NoGradGuard no_grad;
      fx = (*activation)(Tensor::from_matrix(x)).value();
    }
    const Matrix dfx = derivative_of(*activation, x);
    for (Index i = 0; i < x.cols(); ++i) {
      value.x.push_back(x(0, i));
      value.y.push_back(fx(0, i));
      derivative.x.push_back(x(0, i));
      derivative.y.push_back(dfx(0, i));
    }
    plot::ChartOptions chart;
    chart.title = formula.label() + ": f(x) = " + formula.expression() + ", and f'(x) from autograd";
    chart.x_label = "x";
    write_text_file_atomic(path, plot::line_chart_svg({value, derivative}, chart));
    std::cerr << "wrote " << path << "\n";
  }

  if (args.count("gradcheck")) {
    const ember_f64::ActivationGradcheck check = ember_f64::gradcheck_activation(spec);
    std::cout << "\ngradient check, float64: autograd's f'(x) against (f(x+h) - f(x-h)) / 2h, h = " << number(check.h)
              << ", on " << check.points << " points over [-10, 10] and at +-40";
    if (check.corners > 0) std::cout << " (" << check.corners << " left out: a corner, no derivative there)";
    std::cout << "\ntolerance |autograd - numeric| <= " << number(check.atol) << " + " << number(check.rtol)
              << " |numeric|; worst: " << format_general(check.worst, 3) << "x the tolerance\n"
              << (check.passed ? "passed" : "FAILED: " + check.report) << "\n";
    if (!check.passed) return 1;
  }
  return 0;
}

}  // namespace ember::cli
