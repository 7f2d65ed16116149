// "Inside each layer" (LayerHealth, src/lab/monitor/diagnostics.cpp, src/lab/study/layer_report.cpp): the
// percentiles are NumPy's, the figures of hand-set layers are the ones worked out by hand, the probe pass runs
// in eval mode and changes nothing of training (bit for bit), and the CSV, the SVG and the CLI options.
// NumPy's values: tests/reference/make_layer_reference.py.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/data/builtin.hpp"
#include "ember/lab/data/split.hpp"
#include "ember/lab/monitor/observers.hpp"
#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/layer_report.hpp"
#include "ember/lab/train/training_run.hpp"
#include "reference_data.hpp"
#include "xml_check.hpp"

using namespace ember;

namespace {

const nlohmann::json& layer_data() {
  static const nlohmann::json document = reference::load("layer_reference.json", "make_layer_reference.py");
  return document;
}

std::vector<double> numbers(const nlohmann::json& values) {
  std::vector<double> out;
  for (const nlohmann::json& v : values) out.push_back(reference::number(v));
  return out;
}

// NumPy rounds h and sums means pairwise: a few ulps from Ember's figures, far below 1e-12.
Approx close(double want) { return Approx(want).epsilon(1e-12).margin(1e-12); }

std::pair<Dataset, Dataset> moons_split(Index samples) {
  DataOptions options;
  options.dataset = "moons";
  options.samples = samples;
  auto [train, test] = load_train_test(options, 0.2);
  const Standardizer s = Standardizer::fit(train.X);
  s.apply(train.X);
  s.apply(test.X);
  return {train, test};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0);
}

// Every figure of training (all but the clock's seconds), bit for bit; the layer figures are not compared.
bool same_training_figures(const StudyEpoch& a, const StudyEpoch& b) {
  return a.epoch == b.epoch && same_bits(a.train_loss, b.train_loss) && same_bits(a.train_accuracy, b.train_accuracy) &&
         same_bits(a.val_loss, b.val_loss) && same_bits(a.val_accuracy, b.val_accuracy) &&
         same_bits(a.test_loss, b.test_loss) && same_bits(a.test_accuracy, b.test_accuracy) &&
         same_bits(a.grad_norm, b.grad_norm) && same_bits(a.dead_fraction, b.dead_fraction) &&
         same_bits(a.saturated_fraction, b.saturated_fraction);
}

// The layer figures of `model` on `probe` as they stand (the epoch's training figures are not looked at).
std::vector<LayerHealth> health_of(nn::MyModel& model, const Matrix& probe) {
  Diagnostics diagnostics(model, &probe);
  diagnostics.on_epoch(EpochStats{});
  return diagnostics.epochs().front().layers;
}

}  // namespace

// ---- the statistics ----

TEST_CASE("quantiles_linear gives np.percentile's values, one q at a time or several at once", "[compare]") {
  const nlohmann::json& cases = layer_data().at("percentiles");
  REQUIRE(cases.size() >= 5);
  for (const nlohmann::json& c : cases) {
    INFO("case: " << c.at("name").get<std::string>());
    const std::vector<double> values = numbers(c.at("values"));
    const std::vector<double> percents = numbers(c.at("percents"));
    const std::vector<double> want = numbers(c.at("percentiles"));
    std::vector<double> qs;
    for (double p : percents) qs.push_back(p / 100);
    // Out of order on purpose: the answers come back in the order asked.
    std::vector<double> reversed_qs(qs.rbegin(), qs.rend());
    const std::vector<double> reversed = quantiles_linear(values, reversed_qs);
    REQUIRE(reversed.size() == qs.size());
    for (std::size_t k = 0; k < qs.size(); ++k) {
      INFO("percent " << percents[k]);
      CHECK(quantile_linear(values, qs[k]) == close(want[k]));
      CHECK(reversed[qs.size() - 1 - k] == close(want[k]));
    }
  }
}

TEST_CASE("quantiles_linear: NaN in, NaN out; no values, NaN; q outside [0, 1] throws", "[compare]") {
  const std::vector<double> nans = quantiles_linear({1.0, NAN, 3.0}, {0.02, 0.5});
  CHECK((std::isnan(nans[0]) && std::isnan(nans[1])));
  CHECK(std::isnan(quantiles_linear({}, {0.5}).front()));
  CHECK_THROWS_AS(quantiles_linear({1.0, 2.0}, {0.5, 1.5}), std::invalid_argument);
  CHECK(quantiles_linear({2.0, 1.0}, {}).empty());
}

// ---- the figures of layers set by hand ----

TEST_CASE("an identity first layer: the probe's own figures and relu's, as NumPy gives them", "[compare]") {
  const nlohmann::json& probe_case = layer_data().at("probe");
  const nlohmann::json& rows = probe_case.at("rows");
  Matrix probe(static_cast<Index>(rows.size()), 2);
  for (Index i = 0; i < probe.rows(); ++i)
    for (Index j = 0; j < 2; ++j)
      probe(i, j) = static_cast<Scalar>(rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)].get<double>());
  Generator gen(3);
  nn::MyModel model(2, 1, gen, "relu", {2, 4});
  model.layers()[0]->weight().mutable_value() = Matrix::Identity(2, 2);  // z₁ = x Iᵀ + 0 = x, exactly
  model.layers()[0]->bias().mutable_value().setZero();
  const std::vector<LayerHealth> layers = health_of(model, probe);
  REQUIRE(layers.size() == 2);
  const LayerHealth& fc1 = layers[0];
  const nlohmann::json& z = probe_case.at("z");
  const nlohmann::json& a = probe_case.at("relu");
  CHECK(fc1.preact_mean == close(z.at("mean").get<double>()));
  CHECK(fc1.preact_std == close(z.at("std").get<double>()));  // the population's (NumPy's ddof=0)
  CHECK(fc1.act_mean == close(a.at("mean").get<double>()));
  CHECK(fc1.act_std == close(a.at("std").get<double>()));
  CHECK(fc1.act_p2 == close(a.at("p2").get<double>()));
  CHECK(fc1.act_p50 == close(a.at("p50").get<double>()));
  CHECK(fc1.act_p98 == close(a.at("p98").get<double>()));
  CHECK(fc1.act_p98 != fc1.act_p2);  // the case tells the ends apart
}

TEST_CASE("zero weights and a bias b: z = b on every sample, its std 0, every percentile f(b)", "[compare]") {
  const auto [train, test] = moons_split(100);
  const Matrix probe = probe_rows(train.X);
  Generator gen(4);
  nn::MyModel model(2, 3, gen, "tanh", {5, 3});
  model.layers()[0]->weight().mutable_value().setZero();
  model.layers()[0]->bias().mutable_value().setConstant(Scalar(0.7));
  // fc2 sums its 5 inputs: z₂ = 5 tanh(0.7) − 1 on every sample.
  model.layers()[1]->weight().mutable_value().setOnes();
  model.layers()[1]->bias().mutable_value().setConstant(-1);
  const std::vector<LayerHealth> layers = health_of(model, probe);
  REQUIRE(layers.size() == 2);
  const double a1 = std::tanh(0.7f);
  CHECK(layers[0].preact_mean == Approx(0.7).epsilon(1e-6));
  CHECK(layers[0].preact_std == 0);
  CHECK(layers[0].act_mean == Approx(a1).epsilon(1e-6));
  CHECK(layers[0].act_std == 0);
  for (double p : {layers[0].act_p2, layers[0].act_p50, layers[0].act_p98}) CHECK(p == Approx(a1).epsilon(1e-6));
  const double z2 = 5 * a1 - 1;
  CHECK(layers[1].preact_mean == Approx(z2).epsilon(1e-5));
  CHECK(layers[1].preact_std == 0);
  for (double p : {layers[1].act_p2, layers[1].act_p50, layers[1].act_p98})
    CHECK(p == Approx(std::tanh(z2)).epsilon(1e-5));
}

TEST_CASE("a spread of known values: the 2nd and 98th percentiles by hand", "[compare]") {
  // An identity first layer and a probe holding 0, 1, ..., 99 (50 samples x 2 units, pooled): the 2nd
  // percentile has h = 99 · 0.02 = 1.98, so 1 + 0.98 · (2 − 1) = 1.98; the 98th h = 97.02: 97.02.
  Matrix probe(50, 2);
  for (Index i = 0; i < 100; ++i) probe(i / 2, i % 2) = static_cast<Scalar>(i);
  Generator gen(5);
  nn::MyModel model(2, 1, gen, "relu", {2, 2});
  model.layers()[0]->weight().mutable_value() = Matrix::Identity(2, 2);
  model.layers()[0]->bias().mutable_value().setZero();
  const LayerHealth fc1 = health_of(model, probe).front();
  CHECK(fc1.act_p2 == Approx(1.98).epsilon(1e-12));
  CHECK(fc1.act_p50 == Approx(49.5).epsilon(1e-12));
  CHECK(fc1.act_p98 == Approx(97.02).epsilon(1e-12));
  CHECK(fc1.preact_mean == Approx(49.5).epsilon(1e-12));
  CHECK(fc1.preact_std == Approx(std::sqrt((100.0 * 100.0 - 1) / 12)).epsilon(1e-12));  // population: (n²−1)/12
}

TEST_CASE("without a probe no layer figure is measured, and a probe of the wrong width is refused", "[compare]") {
  const auto [train, test] = moons_split(100);
  Generator gen(6);
  nn::MyModel model(2, 1, gen, "relu", {4, 4});
  Diagnostics plain(model);
  plain.on_epoch(EpochStats{});
  CHECK(plain.epochs().front().layers.empty());
  CHECK(plain.epochs().front().probe_samples == 0);
  const Matrix wrong = Matrix::Zero(3, 5);
  CHECK_THROWS_AS(Diagnostics(model, &wrong), std::invalid_argument);
}

TEST_CASE("probe_rows takes at most 512 rows, evenly spaced, and every row of a small set", "[compare]") {
  Matrix X(2000, 1);
  for (Index i = 0; i < X.rows(); ++i) X(i, 0) = static_cast<Scalar>(i);
  const Matrix probe = probe_rows(X);
  REQUIRE(probe.rows() == 512);
  CHECK(probe(0, 0) == 0);
  CHECK(probe(1, 0) == 3);       // ⌊1 · 2000 / 512⌋
  CHECK(probe(511, 0) == 1996);  // ⌊511 · 2000 / 512⌋: the last rows' class is in the probe too
  const Matrix small = X.topRows(100);
  CHECK(probe_rows(small) == small);
}

// ---- the probe pass changes nothing ----

TEST_CASE("the probe pass runs in eval mode: dropout is off, draws nothing, and the mode comes back", "[compare]") {
  const auto [train, test] = moons_split(200);
  const Matrix probe = probe_rows(train.X);
  Generator gen_a(7), gen_b(7);
  nn::MyModel with_dropout(2, 1, gen_a, "relu", {8, 8}, nn::InitScheme::Default, Scalar(0.5));
  nn::MyModel without(2, 1, gen_b, "relu", {8, 8});
  without.load_state_dict(with_dropout.state_dict());
  const Generator masks_before = *with_dropout.dropout_generator();
  with_dropout.train();
  const std::vector<LayerHealth> a = health_of(with_dropout, probe), b = health_of(without, probe);
  CHECK(with_dropout.is_training());
  REQUIRE(a.size() == 2);
  for (std::size_t k = 0; k < a.size(); ++k) {
    INFO("fc" << k + 1);  // fc2's input passed through dropout: in train mode half of it would be zeroed
    CHECK(same_bits(a[k].preact_mean, b[k].preact_mean));
    CHECK(same_bits(a[k].preact_std, b[k].preact_std));
    CHECK(same_bits(a[k].act_p98, b[k].act_p98));
  }
  Generator masks_after = *with_dropout.dropout_generator();
  Generator expected = masks_before;
  CHECK(masks_after.next_u32() == expected.next_u32());
}

TEST_CASE("compare with layer health gives bit-identical figures to compare without, and has the layers", "[compare]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 3;
  config.base.dropout = 0.2;  // the probe must not draw from the masks' generator
  config.activations = {"tanh", "relu"};
  config.seeds = 2;
  const CompareResult off = run_comparison(train, test, config);
  config.layer_health = true;
  const CompareResult on = run_comparison(train, test, config);
  REQUIRE(on.runs.size() == off.runs.size());
  for (std::size_t r = 0; r < on.runs.size(); ++r) {
    REQUIRE(on.runs[r].epochs.size() == off.runs[r].epochs.size());
    for (std::size_t e = 0; e < on.runs[r].epochs.size(); ++e) {
      INFO(on.runs[r].activation << " seed " << on.runs[r].seed << " epoch " << e + 1);
      CHECK(same_training_figures(on.runs[r].epochs[e], off.runs[r].epochs[e]));
      CHECK(on.runs[r].epochs[e].layers.size() == 2);
      CHECK(on.runs[r].epochs[e].probe_samples == train.size());  // 160 rows: all of them
      CHECK(off.runs[r].epochs[e].layers.empty());
    }
  }
}

TEST_CASE("training watched with a probe ends with bit-identical weights to training without", "[compare]") {
  // Named, not a structured binding: a lambda below captures them (C++17 forbids capturing bindings).
  const std::pair<Dataset, Dataset> split = moons_split(200);
  const Dataset& train = split.first;
  const Dataset& test = split.second;
  TrainConfig config;
  config.epochs = 4;
  config.dropout = 0.3;
  config.activation = "sigmoid";
  config.hidden = {8, 6};
  const Matrix probe = probe_rows(train.X);
  const auto train_with = [&](const Matrix* with_probe) {
    auto model = build_model(config, train.num_features(), 1);
    Diagnostics diagnostics(*model, with_probe);
    TrainingRun(*model, train, Dataset{}, test, config, RunOptions{}).run(&diagnostics);
    return model->state_dict();
  };
  const nn::StateDict plain = train_with(nullptr), probed = train_with(&probe);
  REQUIRE(plain.size() == probed.size());
  for (const auto& [name, tensor] : plain) {
    INFO(name);
    const Matrix& a = tensor.value();
    const Matrix& b = probed.at(name).value();
    REQUIRE(a.size() == b.size());
    CHECK(std::memcmp(a.data(), b.data(), sizeof(Scalar) * static_cast<std::size_t>(a.size())) == 0);
  }
}

// ---- the report ----

TEST_CASE("the layer CSV: its header, 10 rows per hidden layer and one for the output layer, per run and epoch",
          "[compare]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 2;
  config.base.hidden = {6, 5, 4};
  config.activations = {"sigmoid", "max(x,0.1*x)"};  // a formula with a comma: quoted
  config.layer_health = true;
  const CompareResult result = run_comparison(train, test, config);
  const std::string csv = layer_health_csv(result, summarize(result));
  const std::string header = "activation,optimizer,lr,seed,chosen,epoch,layer,quantity,value\n";
  REQUIRE(csv.compare(0, header.size(), header) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 2 * 2 * (3 * 10 + 1));
  CHECK(csv.find("sigmoid,adam,0.001,0,yes,1,fc1,preact_mean,") != std::string::npos);
  CHECK(csv.find("sigmoid,adam,0.001,0,yes,2,fc3,act_p98,") != std::string::npos);
  CHECK(csv.find("sigmoid,adam,0.001,0,yes,2,fc4,grad_norm,") != std::string::npos);
  CHECK(csv.find(",fc4,act_p2") == std::string::npos);  // the output layer has no activation
  CHECK(csv.find("\"max(x,0.1*x)\",adam,") != std::string::npos);
  // The value is the figure, in nine significant digits.
  const LayerHealth& first = result.runs.front().epochs.front().layers.front();
  CHECK(csv.find(",1,fc1,act_p50," + format_general(first.act_p50, 9) + "\n") != std::string::npos);
}

TEST_CASE("a NaN figure is an empty value in the layer CSV", "[compare]") {
  CompareResult result;
  result.config.activations = {"relu"};
  CompareRun run;
  run.activation = "relu";
  run.setting = {"adam", 0.001};
  StudyEpoch epoch;
  epoch.epoch = 1;
  epoch.grad_norm = {NAN, 0.5};
  epoch.dead_fraction = {0};
  epoch.saturated_fraction = {0};
  epoch.layers = {LayerHealth{}};  // all NaN
  run.epochs = {epoch};
  result.runs = {run};
  const std::string csv = layer_health_csv(result, Summary{});
  CHECK(csv.find("relu,adam,0.001,0,no,1,fc1,act_p2,\n") != std::string::npos);
  CHECK(csv.find("relu,adam,0.001,0,no,1,fc1,grad_norm,\n") != std::string::npos);
  CHECK(csv.find("relu,adam,0.001,0,no,1,fc2,grad_norm,0.5\n") != std::string::npos);
}

TEST_CASE("the layer SVG is well formed, a panel per hidden layer and activation, naming the probe", "[compare]") {
  const auto [train, test] = moons_split(200);
  CompareConfig config;
  config.base.epochs = 2;
  config.base.hidden = {6, 5, 4};
  config.activations = {"tanh", "relu"};
  config.layer_health = true;
  const CompareResult result = run_comparison(train, test, config);
  const std::string svg = layer_health_svg(result, summarize(result), "moons, 160 training samples & more");
  CHECK(ember_test::xml_problem(svg).empty());
  CHECK(svg.find(">moons, 160 training samples &amp; more</text>") != std::string::npos);
  // Each activation's median in its colour and dash on compare's figure: tanh the first style, relu the second.
  for (int style = 0; style < 2; ++style) {
    const plot::LineStyle line = plot::line_style(static_cast<std::size_t>(style));
    std::size_t count = 0;
    const std::string marker =
        "stroke=\"" + line.colour + "\"" + (line.dash.empty() ? "" : " stroke-dasharray=\"" + line.dash + "\"");
    for (std::size_t at = svg.find(marker); at != std::string::npos; at = svg.find(marker, at + 1)) ++count;
    CHECK(count == 3 * 2);  // a line and a legend sample in each of its three panels
  }
  std::size_t panels = 0, bands = 0;
  for (std::size_t at = svg.find("class=\"chart\""); at != std::string::npos; at = svg.find("class=\"chart\"", at + 1))
    ++panels;
  for (std::size_t at = svg.find("class=\"band "); at != std::string::npos; at = svg.find("class=\"band ", at + 1))
    ++bands;
  CHECK(panels == 3 * 2);
  CHECK(bands == 3 * 2);
  CHECK(svg.find("on 160 training samples") != std::string::npos);
  CHECK(svg.find("relu, fc3 (4 units)") != std::string::npos);
  // Runs without layer health: the figure says so instead of drawing nothing silently.
  config.layer_health = false;
  const CompareResult plain = run_comparison(train, test, config);
  const std::string empty = layer_health_svg(plain, summarize(plain));
  CHECK(ember_test::xml_problem(empty).empty());
  CHECK(empty.find("not measured") != std::string::npos);
  CHECK(empty.find("no data") != std::string::npos);
}

TEST_CASE("ember compare --layers-csv and --layers-plot write the layer figures", "[compare][cli]") {
  ember_test::TempDir dir;
  const auto r =
      ember_test::run_ember("compare --dataset moons --samples 200 --epochs 3 --activations tanh,relu --layers-csv " +
                            dir.file("l.csv") + " --layers-plot " + dir.file("l.svg"));
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string csv = ember_test::read_file(dir.file("l.csv"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 2 * 3 * (2 * 10 + 1));  // default hidden 64,32
  const std::string svg = ember_test::read_file(dir.file("l.svg"));
  CHECK(ember_test::xml_problem(svg).empty());
  CHECK(svg.find("Inside each layer") != std::string::npos);
  CHECK(r.err.find("wrote " + dir.file("l.csv")) != std::string::npos);
  // A destination that cannot be written is refused before any training.
  const auto refused = ember_test::run_ember("compare --dataset moons --epochs 1 --layers-csv /nonexistent/dir/l.csv");
  CHECK(refused.status != 0);
  CHECK(refused.err.find("--layers-csv") != std::string::npos);
}
