// A tour of the library in small steps, one function per chapter of docs/: tensors, backward, ops,
// losses, modules, optimizers. The C++ samples in those chapters are quoted from this file (the docs
// test checks they still match), and every step checks its own result: exits 1 if any is wrong.
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/ops.hpp"
#include "ember/core/nn/activation_modules.hpp"
#include "ember/core/nn/linear.hpp"
#include "ember/core/nn/loss.hpp"
#include "ember/core/nn/optim.hpp"
#include "ember/core/nn/sequential.hpp"
#include "ember/lab/text/tensor_print.hpp"

using namespace ember;

namespace {

int failures = 0;

// Checks that `t` prints exactly as `expected` (PyTorch's format).
void expect(const Tensor& t, const std::string& expected) {
  const std::string printed = to_string(t, printoptions());
  if (printed != expected) {
    std::cout << "MISMATCH: got " << printed << "\n      expected " << expected << "\n";
    ++failures;
  }
}

void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::cout << "FAILED: " << what << "\n";
    ++failures;
  }
}

// ---- docs/01-tensors.md ----
// clang-format off
void tensors() {
  const Tensor s = Tensor::scalar(3);                       // shape []
  const Tensor v = Tensor::vector({1, 2, 3});               // shape [3], stored as a 1 x 3 row
  const Tensor m = Tensor::matrix({{1, 2, 3}, {4, 5, 6}});  // shape [2, 3]: 2 samples, 3 features
  std::cout << s.shape().str() << " " << v.shape().str() << " " << m.shape().str() << "\n";  // [] [3] [2, 3]
  std::cout << m << "\n";  // tensor([[1., 2., 3.],
                           //         [4., 5., 6.]])
  expect(m, "tensor([[1., 2., 3.],\n        [4., 5., 6.]])");

  Tensor alias = m;                  // copies the handle: both name one node
  alias.mutable_value()(0, 0) = 10;  // so m(0, 0) is 10 now
  Tensor copy = m.detach();          // copies the values, and leaves the graph
  copy.mutable_value()(0, 0) = -1;   // m is unchanged
  expect(m.at(0, 0) == 10 && copy.at(0, 0) == -1, "a Tensor is a handle; detach() copies");
}
// clang-format on

// ---- docs/02-backward.md ----
void backward() {
  Tensor x = Tensor::vector({1, 2, 3}, /*requires_grad=*/true);
  Tensor y = sum(x * x + x);             // y = Σ (x² + x): x is used twice, so its gradient has two shares
  y.backward();                          // dy/dx = 2x + 1
  std::cout << x.grad_tensor() << "\n";  // tensor([3., 5., 7.])
  expect(x.grad_tensor(), "tensor([3., 5., 7.])");

  sum(x * x + x).backward();             // a second pass adds to the first: gradients accumulate
  std::cout << x.grad_tensor() << "\n";  // tensor([ 6., 10., 14.])
  expect(x.grad_tensor(), "tensor([ 6., 10., 14.])");
  x.zero_grad();  // resetting is explicit, as in PyTorch

  {
    NoGradGuard no_grad;  // with torch.no_grad(): no graph is recorded
    const Tensor z = x * 2;
    expect(!z.requires_grad(), "no graph under NoGradGuard");
  }
}

// ---- docs/03-ops.md ----
// clang-format off
void ops() {
  const Tensor X = Tensor::matrix({{1, 2}, {3, 4}, {5, 6}});  // [3, 2]: 3 samples
  Tensor b = Tensor::vector({10, 20}, true);                   // [2], added to every row
  sum(X + b).backward();
  std::cout << b.grad_tensor() << "\n";  // tensor([3., 3.]): b was copied to 3 rows, each copy adds 1
  expect(b.grad_tensor(), "tensor([3., 3.])");

  std::cout << sum(X, 0) << " " << sum(X, 1) << "\n";  // tensor([ 9., 12.]) tensor([ 3.,  7., 11.])
  expect(sum(X, 0), "tensor([ 9., 12.])");
  expect(sum(X, 1), "tensor([ 3.,  7., 11.])");

  // linear(x, W, bias) = x Wᵀ + bias as one op: no transposed copy of W, no broadcast copy of bias.
  const Tensor W = Tensor::matrix({{1, 0}, {0, 1}, {1, 1}});  // [out = 3, in = 2]
  const Tensor bias = Tensor::vector({0, 0, 100});            // [out = 3]
  const Tensor Y = linear(X, W, bias);                        // [3, 3]
  std::cout << Y << "\n";  // tensor([[  1.,   2., 103.],
                           //         [  3.,   4., 107.],
                           //         [  5.,   6., 111.]])
  expect(Y, "tensor([[  1.,   2., 103.],\n        [  3.,   4., 107.],\n        [  5.,   6., 111.]])");
  expect(Y.value() == (matmul(X, transpose(W)) + bias).value(), "linear(x, W, b) equals x Wᵀ + b");
}
// clang-format on

// ---- docs/05-losses.md ----
void losses() {
  Tensor z = Tensor::matrix({{2, 1, 0}, {0, 0, 3}}, true);  // logits [N = 2, C = 3]
  const std::vector<int> y = {0, 2};                        // the true class of each row
  const Tensor loss = nn::cross_entropy(z, y);              // mean of −log softmax(z)[i, y_i]
  loss.backward();
  const Tensor onehot = Tensor::matrix({{1, 0, 0}, {0, 0, 1}});
  const Tensor expected = (softmax(z.detach(), 1) - onehot) / 2;  // dL/dz = (softmax(z) − onehot(y)) / N
  expect(z.grad().isApprox(expected.value()), "the cross-entropy gradient is (softmax - onehot) / N");
  // The same loss, unfused: log_softmax, then the negative log-likelihood of the true class.
  expect(std::abs(nn::nll_loss(log_softmax(z, 1), y).item() - loss.item()) < 1e-6f, "CE(z) = NLL(log_softmax(z))");

  // BCE with logits never forms σ(z): at z = 1000 it is still exact.
  const Tensor big = Tensor::matrix({{1000}, {-1000}});
  const Tensor targets = Tensor::matrix({{0}, {1}});
  std::cout << nn::binary_cross_entropy_with_logits(big, targets).item() << "\n";  // 1000
  expect(nn::binary_cross_entropy_with_logits(big, targets).item() == 1000, "BCE with logits is exact at |z| = 1000");
  // BCE on probabilities clamps each log at −100: p = σ(−1000) = 0 with target 1 costs 100, not inf.
  expect(nn::binary_cross_entropy(sigmoid(big), targets).item() == 100, "BCE clamps log(0) at -100");
}

// ---- docs/06-modules.md ----
void modules() {
  Generator gen(0);
  nn::Sequential net;  // nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
  net.push_back(std::make_unique<nn::Linear>(4, 8, gen));
  net.push_back(std::make_unique<nn::ReLU>());
  net.push_back(std::make_unique<nn::Linear>(8, 3, gen));
  std::cout << net << "\n";
  for (const auto& [name, p] : net.named_parameters()) std::cout << name << " " << p.shape().str() << "\n";
  // 0.weight [8, 4]   0.bias [8]   2.weight [3, 8]   2.bias [3]
  expect(net.named_parameters().size() == 4 && net.named_parameters()[2].first == "2.weight", "PyTorch's names");

  const nn::StateDict saved = net.state_dict();  // copies of the values, by name
  Generator other(1);
  nn::Sequential twin;
  twin.push_back(std::make_unique<nn::Linear>(4, 8, other));
  twin.push_back(std::make_unique<nn::ReLU>());
  twin.push_back(std::make_unique<nn::Linear>(8, 3, other));
  twin.load_state_dict(saved);  // strict: same names, same shapes
  const Tensor x = Tensor::normal(Shape::matrix(5, 4), 0, 1, gen);
  expect(net(x).value() == twin(x).value(), "a state dict moves the weights from one model to another");
}

// ---- docs/07-optimizers.md ----
void optimizers() {
  Tensor w = Tensor::scalar(0, true);
  nn::SGD sgd({w}, 0.1f);  // torch.optim.SGD([w], lr=0.1)
  for (int step = 0; step < 50; ++step) {
    const Tensor loss = pow(w - 3, 2);  // L = (w − 3)²,  dL/dw = 2(w − 3)
    sgd.zero_grad();
    loss.backward();
    sgd.step();  // w ← w − 0.1 · 2(w − 3): the distance to 3 shrinks by 0.8 a step
  }
  std::cout << w.item() << "\n";  // 2.99996 (3 − 3 · 0.8⁵⁰)
  expect(std::abs(w.item() - 3) < 1e-3f && sgd.steps() == 50, "SGD walks w to the minimum at 3");
}

}  // namespace

int main() {
  tensors();
  backward();
  ops();
  losses();
  modules();
  optimizers();
  std::cout << (failures == 0 ? "every step checks out\n" : "some steps failed\n");
  return failures == 0 ? 0 : 1;
}
