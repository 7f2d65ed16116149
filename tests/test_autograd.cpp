// Tests for src/core/engine/autograd.cpp and the graph parts of tensor.cpp: the rules every op relies on.
// Gradients of a tensor used twice add up; backward passes accumulate until zero_grad; retain_grad
// keeps an intermediate gradient; NoGradGuard records nothing; backward's errors; a 100,000-op chain
// neither overflows the stack in backward nor in its destructor; graphs (and each backward closure)
// never keep themselves alive; shape errors name the op and both shapes. Op values are tested in
// test_ops.cpp and test_activations.cpp.
#include <pthread.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "ember/core/engine/activation_ops.hpp"
#include "ember/core/engine/autograd.hpp"
#include "ember/core/engine/ops.hpp"

using Catch::Contains;
using ember::Shape;
using ember::Tensor;

// ---- accumulation ----

TEST_CASE("a tensor used twice gets the sum of both gradients", "[autograd]") {
  SECTION("x * x") {
    const Tensor x = Tensor::vector({1.5f, -2.0f, 3.0f}, true);
    ember::sum(x * x).backward();
    CHECK(x.grad()(0, 0) == Approx(3.0));  // d(x²)/dx = 2x
    CHECK(x.grad()(0, 1) == Approx(-4.0));
    CHECK(x.grad()(0, 2) == Approx(6.0));
  }
  SECTION("x + x") {
    const Tensor x = Tensor::vector({1.5f, -2.0f}, true);
    ember::sum(x + x).backward();
    CHECK(x.grad()(0, 0) == 2);
    CHECK(x.grad()(0, 1) == 2);
  }
  SECTION("a diamond: y = 2x feeds two branches that meet again") {
    const Tensor x = Tensor::scalar(3, true);
    const Tensor y = x * 2;
    const Tensor z = ember::exp(y * 0.1f) + y * y;  // dz/dx = 2 (0.1 e^(0.2x) + 2y)
    z.backward();
    CHECK(x.grad()(0, 0) == Approx(2 * (0.1 * std::exp(0.6) + 12.0)).epsilon(1e-6));
  }
}

TEST_CASE("two backward passes accumulate and zero_grad resets", "[autograd]") {
  Tensor x = Tensor::vector({1, 2}, true);
  ember::sum(x * 3).backward();
  ember::sum(x * 3).backward();
  CHECK(x.grad()(0, 0) == 6);
  CHECK(x.grad()(0, 1) == 6);
  x.zero_grad();
  CHECK_FALSE(x.has_grad());
  ember::sum(x * x).backward();
  CHECK(x.grad()(0, 0) == 2);
  CHECK(x.grad()(0, 1) == 4);
}

TEST_CASE("backward keeps the gradients of leaves and drops those of intermediate results", "[autograd]") {
  const Tensor x = Tensor::vector({1, 2}, true);
  const Tensor y = x * 2;
  ember::sum(y).backward();
  CHECK(x.has_grad());
  CHECK_FALSE(y.has_grad());  // like PyTorch, where a non-leaf's .grad is None
  CHECK(x.grad_tensor().shape() == x.shape());
}

TEST_CASE("retain_grad keeps an intermediate gradient, as PyTorch's does", "[autograd]") {
  // y = 2x, z = Σ y²:  dz/dy = 2y = 4x,  dz/dx = 2 dz/dy = 8x
  const Tensor x = Tensor::vector({1, -2, 3}, true);
  Tensor y = x * 2;
  SECTION("without it, the intermediate's gradient is gone after backward") {
    ember::sum(y * y).backward();
    CHECK_FALSE(y.has_grad());
  }
  SECTION("with it, the intermediate holds dz/dy and the leaf's gradient is unchanged") {
    y.retain_grad();
    ember::sum(y * y).backward();
    REQUIRE(y.has_grad());
    CHECK(y.grad()(0, 0) == Approx(4.0).margin(1e-6));
    CHECK(y.grad()(0, 1) == Approx(-8.0).margin(1e-6));
    CHECK(y.grad()(0, 2) == Approx(12.0).margin(1e-6));
    CHECK(x.grad()(0, 2) == Approx(24.0).margin(1e-6));
  }
  SECTION("a second pass adds to the kept gradient and does not send the first one on again") {
    y.retain_grad();
    ember::sum(y * y).backward();
    ember::sum(y * y).backward();
    CHECK(y.grad()(0, 1) == Approx(-16.0).margin(1e-6));  // 4x + 4x
    CHECK(x.grad()(0, 1) == Approx(-32.0).margin(1e-6));  // 8x + 8x, not 8x + 16x
  }
  SECTION("the root keeps its seed, dz/dz = 1") {
    Tensor z = ember::sum(y * y);
    z.retain_grad();
    z.backward();
    REQUIRE(z.has_grad());
    CHECK(z.grad()(0, 0) == 1);
  }
  SECTION("a tensor that needs no gradient cannot retain one") {
    Tensor constant = Tensor::vector({1, 2});
    CHECK_THROWS_WITH(constant.retain_grad(), Contains("does not require grad"));
  }
}

TEST_CASE("a leaf that requires grad can call backward on itself", "[autograd]") {
  const Tensor x = Tensor::scalar(5, true);
  x.backward();
  CHECK(x.grad()(0, 0) == 1);
}

// ---- no-grad mode and requires_grad ----

TEST_CASE("no graph is recorded under NoGradGuard, and the mode is restored after it", "[autograd]") {
  const Tensor x = Tensor::vector({1, 2}, true);
  {
    ember::NoGradGuard no_grad;
    CHECK_FALSE(ember::is_grad_enabled());
    const Tensor y = ember::sigmoid(x * x + 1);
    CHECK_FALSE(y.requires_grad());
    CHECK(y.node().parents.empty());
    CHECK(y.node().is_leaf());
    {
      ember::NoGradGuard nested;
      CHECK_FALSE(ember::is_grad_enabled());
    }
    CHECK_FALSE(ember::is_grad_enabled());  // leaving the inner guard keeps the outer one's mode
    CHECK_THROWS_AS(y.backward(ember::Tensor::ones(y.shape())), std::logic_error);
  }
  CHECK(ember::is_grad_enabled());
  CHECK(ember::sigmoid(x).requires_grad());
}

TEST_CASE("requires_grad propagates from any input and only from inputs", "[autograd]") {
  const Tensor a = Tensor::vector({1, 2}, true);
  const Tensor b = Tensor::vector({3, 4});
  CHECK((a + b).requires_grad());
  CHECK((b * a).requires_grad());
  CHECK_FALSE((b * b).requires_grad());
  CHECK((b * b).node().parents.empty());
  CHECK(ember::linear(b, Tensor::ones(Shape::matrix(3, 2)), Tensor::vector({0, 0, 1}, true)).requires_grad());

  SECTION("an input without requires_grad gets no gradient") {
    ember::sum(a * b).backward();
    CHECK(a.has_grad());
    CHECK_FALSE(b.has_grad());
  }
  SECTION("requires_grad_ switches a leaf, and refuses a computed tensor") {
    Tensor c = Tensor::vector({1, 2});
    c.requires_grad_();
    CHECK((c * b).requires_grad());
    Tensor d = a * 2;
    CHECK_THROWS_WITH(d.requires_grad_(false), Contains("leaf") && Contains("mul"));
  }
}

TEST_CASE("detach cuts the graph", "[autograd]") {
  const Tensor x = Tensor::vector({1, 2}, true);
  const Tensor y = x * 3;
  const Tensor d = y.detach();
  CHECK_FALSE(d.requires_grad());
  CHECK(d.node().parents.empty());
  CHECK(d.value() == y.value());
  CHECK(d.shape() == y.shape());
  // Gradient flows only through the attached branch: d(3x·d + 3x)/dx = 3d + 3 with d held constant.
  ember::sum(y * d + y).backward();
  CHECK(x.grad()(0, 0) == Approx(3 * 3 + 3));
  CHECK(x.grad()(0, 1) == Approx(3 * 6 + 3));
}

// ---- backward's errors ----

TEST_CASE("backward on a non-scalar needs a gradient of its shape", "[autograd]") {
  const Tensor x = Tensor::vector({1, 2, 3}, true);
  const Tensor y = x * 2;
  CHECK_THROWS_WITH(y.backward(), Contains("[3]") && Contains("scalar"));
  CHECK_THROWS_AS(y.backward(Tensor::ones(Shape::vector(2))), ember::ShapeError);
  CHECK_THROWS_AS(y.backward(Tensor::ones(Shape::matrix(1, 3))), ember::ShapeError);
  y.backward(Tensor::vector({1, 10, 100}));
  CHECK(x.grad()(0, 0) == 2);
  CHECK(x.grad()(0, 1) == 20);
  CHECK(x.grad()(0, 2) == 200);
}

TEST_CASE("backward on a one-element non-scalar works without a gradient, as in PyTorch", "[autograd]") {
  const Tensor x = Tensor::matrix({{2}}, true);
  (x * x).backward();
  CHECK(x.grad()(0, 0) == 4);
}

TEST_CASE("backward on a tensor that does not require grad throws", "[autograd]") {
  const Tensor x = Tensor::scalar(2);
  CHECK_THROWS_AS(x.backward(), std::logic_error);
  CHECK_THROWS_WITH((x * x).backward(), Contains("does not require grad"));
}

TEST_CASE("an undefined tensor is an error, not a crash", "[autograd]") {
  const Tensor undefined;
  CHECK_FALSE(undefined.defined());
  CHECK_THROWS_AS(undefined.shape(), std::logic_error);
}

// ---- deep graphs ----

namespace {

// Runs `work` on a thread with a 1 MiB stack instead of the main thread's 8 MiB, so that anything
// recursing once per node of a 100,000-node graph (at least ~60 bytes a level) overflows for sure and
// crashes the test, instead of passing by luck on a large stack. No Catch assertions inside: Catch
// is not thread-safe; `work` records what it found and the test checks it after the join.
void run_on_small_stack(const std::function<void()>& work) {
  pthread_attr_t attributes;
  REQUIRE(pthread_attr_init(&attributes) == 0);
  REQUIRE(pthread_attr_setstacksize(&attributes, 1 << 20) == 0);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attributes, trampoline, const_cast<std::function<void()>*>(&work)) == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attributes);
}

}  // namespace

TEST_CASE("a chain of 100,000 ops backpropagates and is destroyed without stack overflow", "[autograd]") {
  const int depth = 100000;
  const Tensor x = Tensor::scalar(1, true);
  bool alive_while_held = false, freed_after = false;
  run_on_small_stack([&] {
    std::weak_ptr<ember::Node> first_op;
    {
      Tensor y = x;
      for (int i = 0; i < depth; ++i) {
        y = i % 2 == 0 ? y * 1.0001f : y + 0.0f;
        if (i == 0) first_op = y.node_ptr();
      }
      y.backward();
      alive_while_held = !first_op.expired();
    }  // the whole chain goes here, from its head
    freed_after = first_op.expired();
  });
  CHECK(alive_while_held);
  CHECK(freed_after);
  // dy/dx = c^50000 with c = float(1.0001), about 148.5; float32 rounding over 50,000 products
  // drifts by a few parts in 10^4 at most, hence the looser tolerance.
  CHECK(x.grad()(0, 0) == Approx(std::pow(static_cast<double>(1.0001f), 50000)).epsilon(1e-3));
}

TEST_CASE("a wide graph: one tensor feeding 10,000 ops", "[autograd]") {
  const Tensor x = Tensor::scalar(2, true);
  Tensor total = Tensor::scalar(0);
  for (int i = 0; i < 10000; ++i) total = total + x * x;
  total.backward();
  CHECK(x.grad()(0, 0) == Approx(10000 * 4.0));
}

// ---- ownership ----

TEST_CASE("the graph is freed when the last handle goes", "[autograd]") {
  const Tensor x = Tensor::vector({1, 2}, true);
  std::weak_ptr<ember::Node> hidden, output;
  {
    const Tensor h = ember::tanh(x * 2);
    const Tensor y = ember::sum(h * h);
    hidden = h.node_ptr();
    output = y.node_ptr();
    y.backward();
  }
  CHECK(hidden.expired());
  CHECK(output.expired());
  CHECK(x.has_grad());  // the leaf is still held by `x`, with its gradient
}

TEST_CASE("no op's backward closure keeps its own node alive", "[autograd]") {
  // Each op's output, and the intermediate node feeding it, must die with their last handle,
  // before and after a backward pass. A closure capturing its own output (a Tensor or a shared_ptr
  // to the node) would form a cycle and keep both alive forever.
  const Tensor a = Tensor::matrix({{0.5f, -1.0f}, {2.0f, 0.25f}}, true);
  const Tensor b = Tensor::matrix({{1.5f, 0.75f}, {-0.5f, 1.0f}}, true);
  const Tensor bias = Tensor::vector({0.1f, -0.2f}, true);
  using Op = std::function<Tensor(const Tensor&)>;
  const std::vector<std::pair<std::string, Op>> ops = {
      {"add", [&](const Tensor& t) { return t + b; }},
      {"sub", [&](const Tensor& t) { return t - b; }},
      {"mul", [&](const Tensor& t) { return t * b; }},
      {"div", [&](const Tensor& t) { return t / b; }},
      {"neg", [](const Tensor& t) { return -t; }},
      {"pow", [](const Tensor& t) { return ember::pow(t, 2); }},
      {"exp", [](const Tensor& t) { return ember::exp(t); }},
      {"log", [](const Tensor& t) { return ember::log(ember::exp(t)); }},
      {"clamp", [](const Tensor& t) { return ember::clamp(t, -1, 1); }},
      {"matmul", [&](const Tensor& t) { return ember::matmul(t, b); }},
      {"transpose", [](const Tensor& t) { return ember::transpose(t); }},
      {"linear", [&](const Tensor& t) { return ember::linear(t, b, bias); }},
      {"sum", [](const Tensor& t) { return ember::sum(t); }},
      {"sum dim", [](const Tensor& t) { return ember::sum(t, 1); }},
      {"mean", [](const Tensor& t) { return ember::mean(t); }},
      {"mean dim", [](const Tensor& t) { return ember::mean(t, 0, true); }},
      {"max", [](const Tensor& t) { return ember::max(t, 1); }},
      {"sigmoid", [](const Tensor& t) { return ember::sigmoid(t); }},
      {"tanh", [](const Tensor& t) { return ember::tanh(t); }},
      {"relu", [](const Tensor& t) { return ember::relu(t); }},
      {"leaky_relu", [](const Tensor& t) { return ember::leaky_relu(t); }},
      {"gelu", [](const Tensor& t) { return ember::gelu(t); }},
      {"silu", [](const Tensor& t) { return ember::silu(t); }},
      {"elu", [](const Tensor& t) { return ember::elu(t); }},
      {"softplus", [](const Tensor& t) { return ember::softplus(t); }},
      {"softmax", [](const Tensor& t) { return ember::softmax(t, 1); }},
      {"log_softmax", [](const Tensor& t) { return ember::log_softmax(t, 0); }},
  };
  for (const auto& [name, op] : ops) {
    for (const bool run_backward : {false, true}) {
      INFO(name << (run_backward ? ", after backward" : ", without backward"));
      std::weak_ptr<ember::Node> intermediate, output;
      {
        const Tensor t = a * 1.0f;
        const Tensor y = op(t);
        REQUIRE(y.requires_grad());
        intermediate = t.node_ptr();
        output = y.node_ptr();
        if (run_backward) ember::sum(y).backward();
      }
      CHECK(output.expired());
      CHECK(intermediate.expired());
    }
  }
}

// ---- shape errors ----

TEST_CASE("shape errors name the op and both shapes", "[autograd]") {
  const Tensor a = Tensor::zeros(Shape::matrix(2, 3));
  SECTION("add") {
    CHECK_THROWS_AS(a + Tensor::zeros(Shape::vector(4)), ember::ShapeError);
    CHECK_THROWS_WITH(a + Tensor::zeros(Shape::vector(4)), Contains("add") && Contains("[2, 3]") && Contains("[4]"));
  }
  SECTION("sub, mul, div") {
    const Tensor b = Tensor::zeros(Shape::matrix(3, 2));
    CHECK_THROWS_WITH(a - b, Contains("sub") && Contains("[2, 3]") && Contains("[3, 2]"));
    CHECK_THROWS_WITH(a * b, Contains("mul") && Contains("[2, 3]") && Contains("[3, 2]"));
    CHECK_THROWS_WITH(a / b, Contains("div") && Contains("[2, 3]") && Contains("[3, 2]"));
  }
  SECTION("matmul") {
    const Tensor b = Tensor::zeros(Shape::matrix(4, 5));
    CHECK_THROWS_AS(ember::matmul(a, b), ember::ShapeError);
    CHECK_THROWS_WITH(ember::matmul(a, b), Contains("matmul") && Contains("[2, 3]") && Contains("[4, 5]"));
    CHECK_THROWS_WITH(ember::matmul(a, Tensor::zeros(Shape::vector(3))), Contains("matmul") && Contains("[3]"));
  }
  SECTION("linear") {
    const Tensor w = Tensor::zeros(Shape::matrix(4, 5));
    CHECK_THROWS_AS(ember::linear(a, w), ember::ShapeError);
    CHECK_THROWS_WITH(ember::linear(a, w), Contains("linear") && Contains("[2, 3]") && Contains("[4, 5]"));
    const Tensor w_ok = Tensor::zeros(Shape::matrix(4, 3));
    CHECK_THROWS_WITH(ember::linear(a, w_ok, Tensor::zeros(Shape::vector(5))),
                      Contains("linear") && Contains("[4, 3]") && Contains("[5]"));
    CHECK_NOTHROW(ember::linear(a, w_ok, Tensor::zeros(Shape::vector(4))));
  }
  SECTION("item of a tensor with more than one element") {
    CHECK_THROWS_WITH(a.item(), Contains("item") && Contains("[2, 3]"));
  }
}
