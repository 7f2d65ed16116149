// Formula activations from the command line, as a user runs them: train, save, eval, predict, info
// and --init reproduce a formula; compare splits and labels a list of formulas; `ember activation`
// prints f and f', plots them and checks autograd's derivative. The parser itself is tested in
// test_formula.cpp.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "cli_runner.hpp"
#include "ember/lab/io/model_file.hpp"
#include "xml_check.hpp"

using ember_test::read_file;
using ember_test::run_ember;
using ember_test::TempDir;

namespace {

// Epoch lines without their timing.
std::string without_seconds(const std::string& out) { return std::regex_replace(out, std::regex("  [0-9.]+ s"), ""); }

}  // namespace

TEST_CASE("A formula trains, saves, and reloads exactly: eval, predict, info and --init", "[cli][formula]") {
  TempDir dir;
  const std::string model = dir.file("mish.safetensors");
  const std::string formula = "x*tanh(softplus(x))";
  const auto trained =
      run_ember("train --dataset moons --epochs 5 --activation '" + formula + "' --json --save " + model);
  REQUIRE(trained.status == 0);
  // The file records the formula as given, so the model is rebuilt with it.
  const ember::LoadedModel loaded = ember::load_model(model);
  CHECK(loaded.model->activation().spec() == formula);
  CHECK(loaded.model->activation().repr() == "Formula(x*tanh(softplus(x)))");
  // eval scores the held-out rows with the formula: the figures train reported.
  const auto evaluated = run_ember("eval --model " + model + " --dataset moons --json");
  REQUIRE(evaluated.status == 0);
  const auto summary = nlohmann::json::parse(trained.out);
  CHECK(nlohmann::json::parse(evaluated.out)["loss"].get<double>() ==
        Approx(summary["final"]["test_loss"].get<double>()).margin(5e-5));
  const auto info = run_ember("info --model " + model);
  CHECK_THAT(info.out, Catch::Contains("activation      x*tanh(softplus(x))"));
  CHECK_THAT(info.out, Catch::Contains("(activation): Formula(x*tanh(softplus(x)))"));
  // --init continues from the file's weights with the file's formula.
  const auto resumed = run_ember("train --dataset moons --epochs 1 --activation '" + formula + "' --init " + model);
  CHECK(resumed.status == 0);
  // A named formula and a preset are recorded as given too.
  const std::string named = dir.file("named.safetensors");
  REQUIRE(run_ember("train --dataset moons --epochs 1 --activation 'softsign=x/(1+abs(x))' --save " + named).status ==
          0);
  CHECK(ember::load_model(named).model->activation().spec() == "softsign=x/(1+abs(x))");
  const std::string preset = dir.file("preset.safetensors");
  REQUIRE(run_ember("train --dataset moons --epochs 1 --activation hardtanh --save " + preset).status == 0);
  CHECK(ember::load_model(preset).model->activation().repr() == "Hardtanh(min_val=-1.0, max_val=1.0)");
}

TEST_CASE("max(x, 0) trains exactly as relu: same ops' values, same corner at 0", "[cli][formula]") {
  const std::string common = "train --dataset moons --epochs 4 --seed 7";
  const auto relu = run_ember(common + " --activation relu");
  const auto formula = run_ember(common + " --activation 'max(x,0)'");
  REQUIRE(relu.status == 0);
  REQUIRE(formula.status == 0);
  CHECK(without_seconds(relu.out) == without_seconds(formula.out));
  // The other order gives 1 to x at the tie, so it is another function at exactly 0 (and ReLU's
  // inputs are exactly 0 only by chance): no claim here beyond that it trains.
  CHECK(run_ember(common + " --activation 'max(0,x)'").status == 0);
}

TEST_CASE("compare takes formulas in its list, commas inside parentheses included", "[cli][formula]") {
  const auto r = run_ember(
      "compare --dataset moons --epochs 2 --activations 'relu,swish,mish,x/(1+abs(x)),leaky=max(x,0.1*x)' --json");
  REQUIRE(r.status == 0);
  const auto result = nlohmann::json::parse(r.out);
  REQUIRE(result["summary"].size() == 5);
  CHECK(result["summary"][3]["activation"] == "x/(1+abs(x))");
  CHECK(result["summary"][4]["activation"] == "leaky=max(x,0.1*x)");
  const auto table = run_ember("compare --dataset moons --epochs 2 --activations 'relu,leaky=max(x,0.1*x)'");
  REQUIRE(table.status == 0);
  CHECK(std::regex_search(table.out, std::regex("\nleaky +[0-9]")));  // the table row is labelled by the name
  const auto duplicate = run_ember("compare --dataset moons --epochs 2 --activations 'mish,x,mish'");
  CHECK(duplicate.status == 2);
  CHECK_THAT(duplicate.err, Catch::Contains("\"mish\" is given twice"));
  const auto bad = run_ember("compare --dataset moons --epochs 2 --activations 'relu,max(x,0'");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("activation \"max(x,0\": missing ')' at column 8"));
}

TEST_CASE("A bad formula is a usage error naming the column, before any work", "[cli][formula]") {
  const auto r = run_ember("train --dataset moons --activation 'x*tanh(softplus(x)'");
  CHECK(r.status == 2);
  CHECK(r.err ==
        "ember train: activation \"x*tanh(softplus(x)\": missing ')' at column 19 (to close the '(' at column 7)\n"
        "(see 'ember train --help')\n");
  const auto no_x = run_ember("train --dataset moons --activation 0.5");
  CHECK(no_x.status == 2);
  CHECK_THAT(no_x.err, Catch::Contains("has no x"));
}

TEST_CASE("ember activation prints f and f', the largest slope and the saturation zone", "[cli][formula]") {
  const auto sigmoid = run_ember("activation sigmoid");
  REQUIRE(sigmoid.status == 0);
  CHECK_THAT(sigmoid.out, Catch::StartsWith("sigmoid = sigmoid(x)    (as a PyTorch module: Sigmoid())"));
  CHECK(std::regex_search(sigmoid.out, std::regex("\n +0 +0\\.5 +0\\.25\n")));  // σ(0) = 0.5, σ'(0) = 0.25
  CHECK_THAT(sigmoid.out, Catch::Contains("largest |f'(x)| on [-30, 30]: 0.25 at x = 0"));
  // σ' = σ(1 − σ) < 0.0025 where |x| > 5.9865: the grid's (steps of 1/256) first points past it.
  CHECK_THAT(sigmoid.out, Catch::Contains("saturation zone, |f'(x)| below 1% of that: x <= -5.988, x >= 5.988"));
  // In float32 σ(x) is exactly 1 once e^-x < 2^-24, x > 16.64: then σ' = σ(1 − σ) is exactly 0, as in
  // PyTorch. Below -16.64 σ is tiny but not 0, and neither is σ'.
  CHECK_THAT(sigmoid.out, Catch::Contains("dead zone, f'(x) = 0 exactly: x >= 16.64\n"));
  const auto relu = run_ember("activation relu");
  CHECK_THAT(relu.out, Catch::Contains("dead zone, f'(x) = 0 exactly: x <= 0\n"));
  const auto named = run_ember("activation 'soft=x/(1+abs(x))'");
  CHECK_THAT(named.out, Catch::StartsWith("soft = x/(1+abs(x))    (as a PyTorch module: Formula(soft=x/(1+abs(x))))"));
  const auto bad = run_ember("activation 'x*tnah(x)'");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("unknown function 'tnah' at column 3"));
  const auto list = run_ember("activation");
  CHECK(list.status == 0);
  CHECK_THAT(list.out, Catch::Contains("\npresets:   swish mish softsign hardtanh hardsigmoid selu gelu_tanh\n"));
  CHECK_THAT(list.out, Catch::Contains("mish         x*tanh(softplus(x))"));
}

TEST_CASE("ember activation --plot draws f and f'; --gradcheck passes mish and fails sqrt", "[cli][formula]") {
  TempDir dir;
  const std::string svg = dir.file("mish.svg");
  const auto plotted = run_ember("activation mish --plot " + svg);
  REQUIRE(plotted.status == 0);
  const std::string doc = read_file(svg);
  CHECK(ember_test::xml_problem(doc).empty());
  CHECK_THAT(doc, Catch::Contains("<title>f&apos;(x)</title>"));
  CHECK_THAT(doc, Catch::Contains("mish: f(x) = x*tanh(softplus(x))"));
  const auto checked = run_ember("activation mish --gradcheck");
  CHECK(checked.status == 0);
  CHECK_THAT(checked.out, Catch::Contains("on 402 points over [-10, 10] and at +-40"));
  CHECK_THAT(checked.out, Catch::EndsWith("passed\n"));
  const auto failed = run_ember("activation 'sqrt(x)' --gradcheck");
  CHECK(failed.status == 1);
  CHECK_THAT(failed.out, Catch::Contains("FAILED"));
}
