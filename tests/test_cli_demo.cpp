// ember demo, run as a user runs it: the article's snippets printed exactly as PyTorch 1.13 prints
// them (the expected lines below were produced by torch 1.13 and pasted in as data), the article's
// misprinted softmax row named with the true values, the double-softmax run held above its bound
// while the logits run goes toward 0, --help with an example, and usage errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <regex>
#include <string>

#include "cli_runner.hpp"

using ember_test::run_ember;

namespace {

// The number after `label` in `text` ("final loss, ...: 0.9077" -> 0.9077); NaN if absent.
double number_after(const std::string& text, const std::string& label) {
  const std::size_t at = text.find(label);
  if (at == std::string::npos) return std::nan("");
  return std::stod(text.substr(at + label.size()));
}

int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("ember demo prints the article's tensors exactly as PyTorch does", "[cli]") {
  const auto demo = run_ember("demo");
  REQUIRE(demo.status == 0);
  // torch.sigmoid / tanh / relu / LeakyReLU(0.01) of tensor([-1., 0., 1., 2.]), printed by torch 1.13.
  CHECK(has(demo.out, "\ntensor([0.2689, 0.5000, 0.7311, 0.8808])\n"));
  CHECK(has(demo.out, "\ntensor([-0.7616,  0.0000,  0.7616,  0.9640])\n"));
  CHECK(has(demo.out, "\ntensor([0., 0., 1., 2.])\n"));
  CHECK(has(demo.out, "\ntensor([-0.0100,  0.0000,  1.0000,  2.0000])\n"));
  // The softmax snippet under torch.set_printoptions(sci_mode=False): padded to width 10 in 1.13.
  CHECK(has(demo.out, "\ntensor([[    0.0059,     0.1184,     0.0008,     0.8749],\n"
                      "        [    0.0064,     0.0000,     0.0471,     0.9465]])\n"));
  CHECK(has(demo.out, "\ntensor([1., 1.])\n"));
  CHECK(has(demo.out, "\ntensor([3, 3])\n"));
  // The models are printed as modules, and the multiclass probabilities' row sums are 1.
  CHECK(has(demo.out, "(fc3): Linear(in_features=32, out_features=1, bias=True)"));
  CHECK(has(demo.out, "(fc3): Linear(in_features=32, out_features=5, bias=True)"));
  CHECK(has(demo.out, "\ntensor([1., 1., 1.])\n"));
}

TEST_CASE("ember demo names the article's misprinted softmax row with the true values", "[cli]") {
  const auto demo = run_ember("demo");
  REQUIRE(demo.status == 0);
  CHECK(has(demo.out, "row 1: WRONG in the article: the true values are [0.0064, 0.0000, 0.0471, 0.9465]"));
  CHECK(has(demo.out, "the article printed [0.0067, 0.0000, 0.0472, 0.9461]"));
  CHECK(count(demo.out, "WRONG") == 1);  // every other printed line has the right values
  CHECK(has(demo.out, "tensor([0.2689, 0.5000, 0.7311, 0.8808])\n   -> matches the article\n"));
  CHECK(has(demo.out, "tensor([3, 3])\n   -> matches the article\n"));
  // The relu and row-sum lines have the right values but not PyTorch's printing of whole numbers.
  CHECK(count(demo.out, "PyTorch prints whole numbers as `0.`, `1.`") == 2);
  CHECK(has(demo.out, "the article's `tensor([0.0000, 0.0000, 1.0000, 2.0000])` is not what print() shows"));
}

TEST_CASE("ember demo's double softmax stays above -log(e/(e+C-1)) while the logits run goes to 0", "[cli]") {
  const auto demo = run_ember("demo");
  REQUIRE(demo.status == 0);
  const double bound = -std::log(std::exp(1.0) / (std::exp(1.0) + 4));  // C = 5: 0.904832...
  CHECK(number_after(demo.out, "(bound ") == Approx(bound).margin(5e-5));
  const double twice = number_after(demo.out, "final loss, softmax fed to CrossEntropyLoss: ");
  const double once = number_after(demo.out, "final loss, logits fed to CrossEntropyLoss: ");
  CHECK(twice >= bound - 5e-5);  // printed at 4 decimals
  CHECK(twice < 1.0);            // it did train: it plateaus near the bound, not at log 5
  CHECK(once < 0.05);
  // The warning for the softmax-fed loss goes to stderr, once; nothing else does.
  CHECK(count(demo.err, "warning: CrossEntropyLoss was given rows that are already probabilities") == 1);
  CHECK(count(demo.err, "\n") == 1);
  // The NameError of the article's forward is explained.
  CHECK(has(demo.out, "NameError: name 'num_classes' is not defined"));
}

TEST_CASE("ember demo --seed changes the models' numbers but not the article's", "[cli]") {
  const auto seed0 = run_ember("demo"), seed3 = run_ember("demo --seed 3");
  REQUIRE(seed0.status == 0);
  REQUIRE(seed3.status == 0);
  CHECK(seed0.out != seed3.out);
  const auto article_part = [](const std::string& out) { return out.substr(0, out.find("[article section 4]")); };
  CHECK(article_part(seed0.out) == article_part(seed3.out));
  CHECK(number_after(seed3.out, "final loss, softmax fed to CrossEntropyLoss: ") >= 0.9048);
  CHECK(run_ember("demo --seed 0").out == seed0.out);  // the default seed is 0, and runs repeat exactly
}

TEST_CASE("ember demo --help explains the command with an example; bad options are usage errors", "[cli]") {
  const auto help = run_ember("demo --help");
  CHECK(help.status == 0);
  CHECK(has(help.out, "--seed"));
  CHECK(has(help.out, "example:\n  ember demo"));

  const auto unknown = run_ember("demo --bogus");
  CHECK(unknown.status == 2);
  CHECK(has(unknown.err, "bogus"));
  CHECK(unknown.out.empty());
  CHECK(run_ember("demo extra").status == 2);
  CHECK(run_ember("demo --seed minus-one").status == 2);
}
