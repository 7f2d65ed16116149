// libFuzzer target for formula activations (src/lab/formula/): the bytes as a spec to Formula::parse,
// and on success the formula applied to fixed inputs holding 0, ±1, ±40, ±1e30 and the like, forward
// and backward (sum().backward()); then the same spec through nn::make_activation, as --activation reads
// it. nan and inf in the results are fine (a formula may overflow); a FormulaError or another
// std::invalid_argument from parsing is the expected answer to a bad spec. Anything else escaping (an
// evaluation never throws, so nothing is caught there), a sanitizer report, a hang, or a broken invariant
// (shapes, the spec reading back) is a bug. Seeds: tests/fuzz/corpus/formula/; formula.dict has the words.
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "ember/core/engine/ops.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/formula/formula_activation.hpp"
#include "fuzz_common.hpp"

namespace {

using ember::Tensor;

// (2, 7): every corner the functions have (0, ±0, ±1), the saturation zones (±40), beyond float's exp
// (±1e30), and the small and the ordinary.
ember::Matrix inputs() {
  ember::Matrix x(2, 7);
  x << 0, 1, -1, 40, -40, 1e30f, -1e30f,  //
      -0.0f, 0.5f, -3, 1e-30f, 88.5f, -104, 2.5f;
  return x;
}

// Equal, or both nan: the same ops on the same values give the same bits.
bool same(const ember::Matrix& a, const ember::Matrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (ember::Index i = 0; i < a.size(); ++i) {
    const ember::Scalar u = a.data()[i], v = b.data()[i];
    if (!(u == v || (std::isnan(u) && std::isnan(v)))) return false;
  }
  return true;
}

// f(x) with and without the graph, then dL/dx for L = Σ f(x): shapes follow x, and backward reaches x.
using Function = std::function<Tensor(const Tensor&)>;

void check_on(const Function& f, const Tensor& input) {
  Tensor x = Tensor(input.value(), input.shape(), /*requires_grad=*/true);
  const Tensor y = f(x);
  EMBER_FUZZ_CHECK(y.shape() == x.shape());
  ember::sum(y).backward();
  EMBER_FUZZ_CHECK(x.has_grad());
  EMBER_FUZZ_CHECK(x.grad().rows() == x.value().rows() && x.grad().cols() == x.value().cols());
  ember::NoGradGuard no_grad;
  EMBER_FUZZ_CHECK(same(f(input).value(), y.value()));
}

// A batch, a vector, and a batch of one sample in a layer of one unit (1 x 1: as many elements as a
// formula's constants, which must not decide the output's shape).
void check(const Function& f) {
  check_on(f, Tensor::from_matrix(inputs()));
  check_on(f, Tensor::vector({-2, 0, 3}));
  check_on(f, Tensor::matrix({{0.5f}}));
}

void through_formula(const std::string& spec) {
  ember::Formula formula;
  try {
    formula = ember::Formula::parse(spec);
  } catch (const std::invalid_argument&) {  // FormulaError, or the core's message for "elu:abc"
    return;
  }
  EMBER_FUZZ_CHECK(!formula.expression().empty() && !formula.label().empty());
  // What a model file records reads back as the same formula.
  const ember::Formula again = ember::Formula::parse(formula.spec());
  EMBER_FUZZ_CHECK(again.spec() == formula.spec() && again.expression() == formula.expression());
  check([&formula](const Tensor& x) { return formula(x); });
  (void)ember::activation_label(formula.spec());
}

void through_make_activation(const std::string& spec) {
  std::unique_ptr<ember::nn::Activation> activation;
  try {
    activation = ember::nn::make_activation(spec);
  } catch (const std::invalid_argument&) {
    return;
  }
  EMBER_FUZZ_CHECK(activation != nullptr);
  std::ostringstream printed;
  printed << *activation;
  EMBER_FUZZ_CHECK(!printed.str().empty());
  (void)ember::nn::make_activation(activation->spec());  // what a model file records loads again
  check([&activation](const Tensor& x) { return activation->forward(x); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ember::register_formula_activations();
  const std::string spec(reinterpret_cast<const char*>(data), size);
  through_formula(spec);
  through_make_activation(spec);
  (void)ember::split_activation_list(spec);
  return 0;
}
