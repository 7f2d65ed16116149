// The bound for Ember's design: the same training step written directly in Eigen, with no graph,
// no tensors and every buffer allocated once. Same storage (row-major float32), same products,
// same loss and optimizers; what Ember costs above this is the price of autograd.
#include <cmath>
#include <memory>
#include <string>

#include <Eigen/Core>

#include "ember/core/engine/random.hpp"
#include "ember/core/engine/scalar.hpp"
#include "workloads.hpp"

namespace {

using ember::Matrix;
using Row = Eigen::Matrix<float, 1, Eigen::Dynamic>;

struct Layer {
  Matrix W, dW, mW, vW;  // [out, in]
  Row b, db, mb, vb;     // [out]
  Layer(long in, long out, ember::Generator& gen) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(in));
    W.resize(out, in);
    b.resize(out);
    for (long i = 0; i < W.size(); ++i) W.data()[i] = static_cast<float>(gen.uniform(-bound, bound));
    for (long i = 0; i < b.size(); ++i) b.data()[i] = static_cast<float>(gen.uniform(-bound, bound));
    dW = mW = vW = Matrix::Zero(out, in);
    db = mb = vb = Row::Zero(out);
  }
};

struct PlainMlp {
  Layer fc1, fc2, fc3;
  Matrix Z1, A1, Z2, A2, Z3, dZ3, dA2, dZ2, dA1, dZ1;
  long t = 0;

  PlainMlp(const Workload& w, ember::Generator& gen)
      : fc1(w.inputs, w.hidden1, gen), fc2(w.hidden1, w.hidden2, gen), fc3(w.hidden2, w.classes, gen) {}

  // Y = X Wᵀ + b
  static void forward(const Matrix& X, const Layer& l, Matrix& Y) {
    Y.resize(X.rows(), l.W.rows());
    Y.noalias() = X * l.W.transpose();
    Y.rowwise() += l.b;
  }

  float step(const Matrix& X, const std::vector<int>& y) {
    const long n = X.rows();
    forward(X, fc1, Z1);
    A1 = Z1.cwiseMax(0.0f);
    forward(A1, fc2, Z2);
    A2 = Z2.cwiseMax(0.0f);
    forward(A2, fc3, Z3);
    // cross-entropy: log-softmax with the row max subtracted; dZ3 = (softmax − onehot) / N
    dZ3 = Z3.colwise() - Z3.rowwise().maxCoeff();
    const Eigen::VectorXf log_sum = dZ3.array().exp().rowwise().sum().log();
    float loss = 0;
    for (long i = 0; i < n; ++i) loss -= dZ3(i, y[static_cast<std::size_t>(i)]) - log_sum(i);
    dZ3 = (dZ3.colwise() - log_sum).array().exp();
    for (long i = 0; i < n; ++i) dZ3(i, y[static_cast<std::size_t>(i)]) -= 1;
    dZ3 /= static_cast<float>(n);
    // backward: dW = dZᵀ A, db = Σ_rows dZ, dA = dZ W, dZ = dA ⊙ [Z > 0]
    fc3.dW.noalias() = dZ3.transpose() * A2;
    fc3.db = dZ3.colwise().sum();
    dA2.resize(n, fc3.W.cols());
    dA2.noalias() = dZ3 * fc3.W;
    dZ2 = (Z2.array() > 0).select(dA2, 0.0f);
    fc2.dW.noalias() = dZ2.transpose() * A1;
    fc2.db = dZ2.colwise().sum();
    dA1.resize(n, fc2.W.cols());
    dA1.noalias() = dZ2 * fc2.W;
    dZ1 = (Z1.array() > 0).select(dA1, 0.0f);
    fc1.dW.noalias() = dZ1.transpose() * X;
    fc1.db = dZ1.colwise().sum();
    return loss / static_cast<float>(n);
  }

  template <typename P, typename G>
  static void sgd(P& p, const G& g, float lr) {
    p -= lr * g;
  }

  template <typename P, typename G>
  void adam(P& p, const G& g, P& m, P& v, float lr) {
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    const float bc1 = 1 - std::pow(b1, static_cast<float>(t)), bc2 = 1 - std::pow(b2, static_cast<float>(t));
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseProduct(g);
    p.array() -= (lr / bc1) * m.array() / (v.array().sqrt() / std::sqrt(bc2) + eps);
  }

  void update(bool use_adam) {
    ++t;
    for (Layer* l : {&fc1, &fc2, &fc3}) {
      if (use_adam) {
        adam(l->W, l->dW, l->mW, l->vW, 1e-3f);
        adam(l->b, l->db, l->mb, l->vb, 1e-3f);
      } else {
        sgd(l->W, l->dW, 0.01f);
        sgd(l->b, l->db, 0.01f);
      }
    }
  }
};

}  // namespace

TimedStep make_eigen_step(const Workload& w, const std::string& optimizer) {
  ember::Generator gen(1);
  struct Setup {
    PlainMlp model;
    Matrix X;
    std::vector<int> y;
  };
  auto s = std::make_shared<Setup>(Setup{PlainMlp(w, gen), Matrix(w.batch, w.inputs), {}});
  for (long i = 0; i < s->X.size(); ++i) s->X.data()[i] = static_cast<float>(gen.normal(0, 1));
  s->y.resize(static_cast<std::size_t>(w.batch));
  for (int& label : s->y) label = static_cast<int>(gen.below(static_cast<std::uint32_t>(w.classes)));
  const bool use_adam = optimizer == "adam";
  return [s, use_adam] {
    s->model.step(s->X, s->y);
    s->model.update(use_adam);
  };
}
