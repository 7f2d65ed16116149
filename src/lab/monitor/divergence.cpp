// DivergenceCheck, first_non_finite_op and first_non_finite_gradient: stopping a diverged run and
// naming its cause.
#include "ember/lab/monitor/divergence.hpp"

#include <cmath>
#include <unordered_set>
#include <vector>

#include "ember/core/engine/format.hpp"

namespace ember {

namespace {
// x · 0 is 0 for every finite x and NaN for ±∞ and NaN, so the sum is finite exactly when every
// element is: one vectorized pass, where Eigen's allFinite() is a scalar loop (it ran every step).
bool all_finite(const Matrix& m) { return std::isfinite((m.array() * Scalar(0)).sum()); }

// The learning rate to suggest after a divergence: a tenth of the one that failed, written plainly.
std::string lower_lr(double lr) { return format_general(lr / 10, 6); }

}  // namespace

void DivergenceCheck::on_step(const Step& step) {
  const double loss = step.loss.item();
  const std::string where = " at epoch " + std::to_string(step.epoch) + ", batch " + std::to_string(step.batch);
  const std::string advice = ": training diverged; try a lower learning rate (--lr " + lower_lr(lr_) + ")";
  if (!std::isfinite(loss)) {
    const std::string op = first_non_finite_op(step.loss);
    throw TrainingDiverged("the loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + where +
                               (op.empty() ? "" : ", first produced by " + op) + advice,
                           step.epoch, step.batch);
  }
  const std::string bad_gradient = first_non_finite_gradient(model_);
  if (!bad_gradient.empty()) {
    throw TrainingDiverged("the gradient of " + bad_gradient + " became NaN or infinite" + where + " (the loss was " +
                               format_fixed(loss, 6) + ")" + advice,
                           step.epoch, step.batch);
  }
}

std::string first_non_finite_op(const Tensor& output) {
  // Visit the graph from the output towards the inputs (explicit stack: graphs can be deep) and keep
  // the nodes that turned finite inputs into a non-finite output. Of those, the one farthest from the
  // output — the last found in this walk — is where it started.
  std::vector<Node*> stack{&output.node()};
  std::unordered_set<Node*> seen{&output.node()};
  std::string culprit;
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    bool inputs_finite = true;
    for (const NodePtr& parent : node->parents) {
      inputs_finite = inputs_finite && all_finite(parent->value);
      if (seen.insert(parent.get()).second) stack.push_back(parent.get());
    }
    if (!node->is_leaf() && inputs_finite && !all_finite(node->value)) {
      std::string shapes;
      for (const NodePtr& parent : node->parents) shapes += (shapes.empty() ? "" : ", ") + parent->shape.str();
      culprit = std::string(node->op) + " (inputs " + shapes + ")";
    }
  }
  return culprit;
}

std::string first_non_finite_gradient(const nn::Module& model) {
  for (const auto& [name, tensor] : model.named_parameters())
    if (!all_finite(tensor.grad())) return name;
  return "";
}

}  // namespace ember
