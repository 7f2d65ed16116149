// Tests for src/core/engine/tensor.cpp: creation (zeros, ones, full, scalar, vector, matrix, from_matrix,
// seeded uniform and normal), shapes as PyTorch reports them, item(), at() and their errors.
// Not here: the graph (test_autograd.cpp), printing (test_print.cpp), ops (test_ops.cpp).
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "ember/core/engine/tensor.hpp"

using Catch::Contains;
using ember::Shape;
using ember::Tensor;

// ---- shapes ----

TEST_CASE("shapes print as PyTorch's torch.Size and compare by rank and size", "[tensor]") {
  CHECK(Shape::scalar().str() == "[]");
  CHECK(Shape::vector(4).str() == "[4]");
  CHECK(Shape::matrix(2, 3).str() == "[2, 3]");
  CHECK(Shape::scalar().numel() == 1);
  CHECK(Shape::vector(4).numel() == 4);
  CHECK(Shape::matrix(2, 3).numel() == 6);
  // A [4] vector and a [1, 4] matrix are stored alike but are different shapes.
  CHECK(Shape::vector(4) != Shape::matrix(1, 4));
  CHECK(Shape::scalar() != Shape::vector(1));
  CHECK(Shape::matrix(2, 3) == Shape::matrix(2, 3));
}

// ---- creation ----

TEST_CASE("zeros, ones and full fill every element and keep the shape", "[tensor]") {
  const Tensor z = Tensor::zeros(Shape::matrix(2, 3));
  CHECK(z.dim() == 2);
  CHECK(z.rows() == 2);
  CHECK(z.cols() == 3);
  CHECK(z.numel() == 6);
  CHECK(z.value().isZero(0));
  const Tensor o = Tensor::ones(Shape::vector(5));
  CHECK(o.dim() == 1);
  CHECK(o.rows() == 1);  // a vector [n] is stored as one row
  CHECK(o.cols() == 5);
  CHECK((o.value().array() == 1).all());
  const Tensor f = Tensor::full(Shape::scalar(), 2.5f);
  CHECK(f.dim() == 0);
  CHECK(f.item() == 2.5f);
  CHECK_FALSE(z.requires_grad());
  CHECK(z.dtype() == ember::DType::Float32);
  CHECK(std::string(z.op()) == "leaf");
}

TEST_CASE("scalar, vector and matrix hold the given values in row-major order", "[tensor]") {
  const Tensor s = Tensor::scalar(-3.25f, true);
  CHECK(s.dim() == 0);
  CHECK(s.shape() == Shape::scalar());
  CHECK(s.item() == -3.25f);
  CHECK(s.requires_grad());

  const Tensor v = Tensor::vector({1, 2, 3});
  CHECK(v.shape() == Shape::vector(3));
  CHECK(v.at(0) == 1);
  CHECK(v.at(2) == 3);

  const Tensor m = Tensor::matrix({{1, 2, 3}, {4, 5, 6}});
  CHECK(m.shape() == Shape::matrix(2, 3));
  CHECK(m.at(0, 2) == 3);
  CHECK(m.at(1, 0) == 4);
  CHECK(m.value().data()[4] == 5);  // row-major: a row is one sample

  const Tensor empty = Tensor::vector({});
  CHECK(empty.shape() == Shape::vector(0));
  CHECK(empty.numel() == 0);
}

TEST_CASE("a ragged matrix and a value of the wrong size are shape errors", "[tensor]") {
  CHECK_THROWS_AS(Tensor::matrix({{1, 2}, {3}}), ember::ShapeError);
  CHECK_THROWS_WITH(Tensor::matrix({{1, 2}, {3}}), Contains("row 1"));
  CHECK_THROWS_AS(Tensor(ember::Matrix::Zero(2, 2), Shape::vector(4)), ember::ShapeError);
  CHECK_THROWS_WITH(Tensor(ember::Matrix::Zero(2, 3), Shape::matrix(3, 2)), Contains("[3, 2]"));
}

TEST_CASE("from_matrix makes a rank-2 tensor of any matrix", "[tensor]") {
  ember::Matrix m(3, 1);
  m << 1, 2, 3;
  const Tensor t = Tensor::from_matrix(m, true);
  CHECK(t.shape() == Shape::matrix(3, 1));
  CHECK(t.at(2, 0) == 3);
  CHECK(t.requires_grad());
}

TEST_CASE("copying a tensor copies the handle, and detach copies the values", "[tensor]") {
  Tensor a = Tensor::vector({1, 2});
  Tensor b = a;
  b.mutable_value()(0, 1) = 7;
  CHECK(a.at(1) == 7);
  Tensor c = a.detach();
  c.mutable_value()(0, 0) = -1;
  CHECK(a.at(0) == 1);
}

// ---- random creation ----

TEST_CASE("uniform with a seeded generator is reproducible and stays within low <= x < high", "[tensor]") {
  ember::Generator g1(42), g2(42), g3(43);
  const Tensor a = Tensor::uniform(Shape::matrix(100, 50), -2, 3, g1);
  const Tensor b = Tensor::uniform(Shape::matrix(100, 50), -2, 3, g2);
  const Tensor c = Tensor::uniform(Shape::matrix(100, 50), -2, 3, g3);
  CHECK(a.value() == b.value());
  CHECK(a.value() != c.value());
  CHECK(a.value().minCoeff() >= -2);
  CHECK(a.value().maxCoeff() < 3);
  // 5,000 draws of U[-2, 3): mean 0.5 and std 5/√12 ≈ 1.443; the mean's own std is about 0.02.
  const double mean = a.value().mean();
  const double sd = std::sqrt((a.value().array() - mean).square().mean());
  CHECK(mean == Approx(0.5).margin(0.08));
  CHECK(sd == Approx(5 / std::sqrt(12.0)).margin(0.05));
  CHECK(a.value().minCoeff() < -1.9);  // it reaches both ends
  CHECK(a.value().maxCoeff() > 2.9);
}

TEST_CASE("normal with a seeded generator is reproducible with the requested mean and std", "[tensor]") {
  ember::Generator g1(7), g2(7);
  const Tensor a = Tensor::normal(Shape::vector(20000), 1.5f, 0.5f, g1);
  const Tensor b = Tensor::normal(Shape::vector(20000), 1.5f, 0.5f, g2);
  CHECK(a.value() == b.value());
  CHECK(a.shape() == Shape::vector(20000));
  const double mean = a.value().mean();
  const double sd = std::sqrt((a.value().array() - mean).square().mean());
  CHECK(mean == Approx(1.5).margin(0.02));  // the mean's std is 0.5/√20000 ≈ 0.0035
  CHECK(sd == Approx(0.5).margin(0.02));
  // About 95.4% of a normal lies within two standard deviations.
  const double within = ((a.value().array() - 1.5).abs() < 1.0).cast<double>().mean();
  CHECK(within == Approx(0.954).margin(0.01));
}

TEST_CASE("the generator's draws are fixed by the seed on every platform", "[tensor]") {
  // std::mt19937's sequence is fixed by the C++ standard: its 10,000th output for the default seed is
  // 4123659995. Generator(5489) seeds it with 5489, the default.
  ember::Generator gen(5489);
  std::uint32_t draw = 0;
  for (int i = 0; i < 10000; ++i) draw = gen.next_u32();
  CHECK(draw == 4123659995u);
}

// ---- access ----

TEST_CASE("item returns the single value and refuses larger tensors", "[tensor]") {
  CHECK(Tensor::scalar(4).item() == 4);
  CHECK(Tensor::vector({9}).item() == 9);
  CHECK(Tensor::matrix({{8}}).item() == 8);
  CHECK_THROWS_AS(Tensor::vector({1, 2}).item(), ember::ShapeError);
  CHECK_THROWS_WITH(Tensor::vector({1, 2}).item(), Contains("[2]"));
}

TEST_CASE("at checks its indices and says which is out of range", "[tensor]") {
  const Tensor v = Tensor::vector({1, 2, 3});
  CHECK_THROWS_AS(v.at(3), std::out_of_range);
  CHECK_THROWS_AS(v.at(-1), std::out_of_range);
  CHECK_THROWS_WITH(v.at(3), Contains("3") && Contains("[3]"));
  const Tensor m = Tensor::matrix({{1, 2}, {3, 4}});
  CHECK_THROWS_AS(m.at(2, 0), std::out_of_range);
  CHECK_THROWS_AS(m.at(0, 2), std::out_of_range);
  CHECK_THROWS_AS(m.at(-1, 0), std::out_of_range);
  CHECK_THROWS_WITH(m.at(0, 5), Contains("(0, 5)") && Contains("[2, 2]"));
  CHECK_THROWS_AS(m.at(1), ember::ShapeError);  // a matrix needs a row and a column
  CHECK(Tensor::scalar(6).at(0) == 6);
  CHECK(m.at(1, 1) == 4);
}

TEST_CASE("grad_tensor is undefined before backward", "[tensor]") {
  const Tensor x = Tensor::vector({1, 2}, true);
  CHECK_FALSE(x.has_grad());
  CHECK_FALSE(x.grad_tensor().defined());
  CHECK(x.grad().size() == 0);
}
