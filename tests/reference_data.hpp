// PyTorch's reference answers (tests/reference/engine_reference.json, written by
// tests/reference/make_reference.py) and the helpers that hold Ember to them: reading a JSON tensor,
// comparing a Matrix against a JSON array element by element (the failure names the case and the
// index), and run_reference_case(), which replays one case: forward, shapes, and the input gradients
// of L = sum(out * upstream). Used by test_ops.cpp, test_activations.cpp and test_print.cpp.
// Header-only on purpose: only the float32 test program includes it (it needs nlohmann-json).
#pragma once

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ember/core/engine/tensor.hpp"

namespace reference {

using nlohmann::json;

// A reference file of tests/reference/, parsed on first use; `script` is named if it is missing.
inline json load(const std::string& file, const std::string& script) {
  const std::string path = std::string(EMBER_TEST_DATA_DIR) + "/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path + " (run tests/reference/" + script + ")");
  return json::parse(in);
}

// The engine's reference values (ops, activations, printing), parsed once per test run.
inline const json& data() {
  static const json document = load("engine_reference.json", "make_reference.py");
  return document;
}

// nn's reference values (Linear, losses, optimizers, module printing, model files).
inline const json& nn_data() {
  static const json document = load("nn_reference.json", "make_nn_reference.py");
  return document;
}

// The cases of one section ("ops", "activations") whose "op" is `op`.
inline std::vector<json> cases(const std::string& section, const std::string& op) {
  std::vector<json> found;
  for (const json& c : data().at(section))
    if (c.at("op") == op) found.push_back(c);
  return found;
}

// A JSON number, or one of the strings "nan", "inf", "-inf" that the script writes for non-finite values.
inline double number(const json& v) {
  if (v.is_number()) return v.get<double>();
  const std::string s = v.get<std::string>();
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  throw std::runtime_error("reference: not a number: " + s);
}

// PyTorch's shape list ([], [n], [r, c]) as Ember's Shape.
inline ember::Shape shape_of(const json& shape) {
  switch (shape.size()) {
    case 0: return ember::Shape::scalar();
    case 1: return ember::Shape::vector(shape[0].get<ember::Index>());
    case 2: return ember::Shape::matrix(shape[0].get<ember::Index>(), shape[1].get<ember::Index>());
    default: throw std::runtime_error("reference: rank above 2: " + shape.dump());
  }
}

// {"shape": [...], "values": [...]} as a tensor. The values are float32 numbers written exactly, so
// the conversion double -> float below is exact.
inline ember::Tensor tensor_of(const json& t, bool requires_grad = false) {
  const ember::Shape shape = shape_of(t.at("shape"));
  const json& values = t.at("values");
  ember::Matrix m(shape.rows, shape.cols);
  REQUIRE(static_cast<ember::Index>(values.size()) == m.size());
  for (ember::Index i = 0; i < m.size(); ++i)
    m.data()[i] = static_cast<ember::Scalar>(number(values[static_cast<std::size_t>(i)]));
  return ember::Tensor(std::move(m), shape, requires_grad);
}

// Tolerance of a comparison: |ember - torch| <= margin + epsilon * |torch| (Catch's Approx).
struct Tolerance {
  double epsilon = 1e-5;
  double margin = 1e-6;
};

// Ember's shape against PyTorch's list: rank, and rows/cols as Ember stores them ([n] is 1 x n).
inline void check_shape(const ember::Shape& actual, const json& expected, const std::string& what) {
  const ember::Shape want = shape_of(expected);
  INFO(what << ": shape " << actual.str() << ", PyTorch " << want.str());
  CHECK(actual.rank == want.rank);
  CHECK(actual.rows == want.rows);
  CHECK(actual.cols == want.cols);
}

// Every element of `actual` (row-major) against the JSON array, naming the case and the index of
// the first mismatches. Non-finite values must match exactly (nan with nan, inf with inf).
inline void check_values(const ember::Matrix& actual, const json& expected, const std::string& what,
                         Tolerance tol = {}) {
  INFO(what);
  REQUIRE(static_cast<std::size_t>(actual.size()) == expected.size());
  for (ember::Index i = 0; i < actual.size(); ++i) {
    const double want = number(expected[static_cast<std::size_t>(i)]);
    const double got = actual.data()[i];
    INFO("element " << i << " (row " << i / std::max<ember::Index>(actual.cols(), 1) << ", col "
                    << i % std::max<ember::Index>(actual.cols(), 1) << "): Ember " << got << ", PyTorch " << want);
    if (std::isnan(want)) {
      CHECK(std::isnan(got));
    } else if (std::isinf(want)) {
      CHECK(got == want);
    } else {
      CHECK(got == Approx(want).epsilon(tol.epsilon).margin(tol.margin));
    }
  }
}

// The Ember side of one case: the op applied to the inputs, with the case's "params".
using OpFn = std::function<ember::Tensor(const std::vector<ember::Tensor>& inputs, const json& params)>;

// Replays one reference case: inputs as requires_grad leaves, forward value and shape, then
// out.backward(upstream), which is the gradient of sum(out * upstream), and each input's gradient.
inline void run_reference_case(const json& c, const OpFn& fn, Tolerance tol = {}) {
  const std::string name = c.at("name");
  INFO("case: " << name);
  const bool differentiable = c.contains("grads");
  std::vector<ember::Tensor> inputs;
  for (const json& input : c.at("inputs")) inputs.push_back(tensor_of(input, differentiable));

  const ember::Tensor out = fn(inputs, c.at("params"));
  check_shape(out.shape(), c.at("output").at("shape"), name + " forward");
  check_values(out.value(), c.at("output").at("values"), name + " forward", tol);
  if (!differentiable) return;

  REQUIRE(out.requires_grad());
  out.backward(tensor_of(c.at("upstream")));
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const std::string what = name + ": gradient of input " + std::to_string(k);
    INFO(what);
    REQUIRE(inputs[k].has_grad());
    const json& grad = c.at("grads")[k];
    REQUIRE(inputs[k].grad().rows() == inputs[k].rows());
    REQUIRE(inputs[k].grad().cols() == inputs[k].cols());
    check_shape(inputs[k].shape(), grad.at("shape"), what);
    check_values(inputs[k].grad(), grad.at("values"), what, tol);
  }
}

// Runs every case of `op` in `section`; returns how many ran, so a test can insist on its coverage.
inline std::size_t run_reference_cases(const std::string& section, const std::string& op, const OpFn& fn,
                                       Tolerance tol = {}) {
  const std::vector<json> found = cases(section, op);
  for (const json& c : found) run_reference_case(c, fn, tol);
  return found.size();
}

}  // namespace reference
