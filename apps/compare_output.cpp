// report_comparison(): the output of `ember compare` and `ember report` (compare_output.hpp).
#include "compare_output.hpp"

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_options.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/study/boundary_report.hpp"
#include "ember/lab/study/compare_report.hpp"
#include "ember/lab/study/html_report.hpp"
#include "ember/lab/study/layer_report.hpp"

namespace ember::cli {

namespace {

nlohmann::json stat_json(const Stat& s) {
  if (std::isnan(s.mean)) return nullptr;
  return {{"mean", s.mean}, {"std", s.std}};
}

nlohmann::json result_json(const Summary& summary, const CompareResult& result,
                           const std::vector<std::string>& sentences) {
  auto number = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  nlohmann::json out;
  out["interrupted"] = result.interrupted;  // then "runs" holds the finished ones only
  out["runs_planned"] = result.planned_runs;
  out["target"] = summary.target_description;
  out["findings"] = sentences;
  for (const ActivationSummary& r : summary.rows) {
    out["summary"].push_back(
        {{"activation", r.activation},
         {"optimizer", r.setting.optimizer},
         {"lr", r.setting.lr},
         {"final_val_loss", stat_json(r.final_val_loss)},
         {"final_val_accuracy", stat_json(r.final_val_accuracy)},
         {"final_train_loss", stat_json(r.final_train_loss)},
         {"final_train_accuracy", stat_json(r.final_train_accuracy)},
         {"final_test_accuracy", stat_json(r.final_test_accuracy)},
         {"epochs_to_target", stat_json(r.epochs_to_target)},
         {"epochs_to_target_median",
          {{"median", number(r.epochs_to_target_median.median)},
           {"ci95", {number(r.epochs_to_target_median.ci.low), number(r.epochs_to_target_median.ci.high)}}}},
         {"seeds_reached", r.seeds_reached},
         {"first_layer_grad_norm", stat_json(r.first_layer_grad_norm)},
         {"grad_ratio_first_to_last", stat_json(r.grad_ratio)},
         {"dead_fraction", stat_json(r.dead_fraction)},
         {"saturated_fraction", stat_json(r.saturated_fraction)},
         {"seconds", stat_json(r.seconds)}});
  }
  // The paired comparisons: A − B per seed, the bootstrap interval of its mean, and the verdict.
  out["pairs"] = nlohmann::json::array();
  auto paired_json = [&number](const PairedComparison& c) {
    return nlohmann::json{{"pairs", c.pairs},
                          {"mean_difference", number(c.mean_difference)},
                          {"ci95", {number(c.ci.low), number(c.ci.high)}},
                          {"verdict", verdict_name(c.verdict)}};
  };
  for (const PairSummary& p : summary.pairs) {
    out["pairs"].push_back({{"a", p.first},
                            {"b", p.second},
                            {"a_sooner", p.first_sooner},
                            {"b_sooner", p.second_sooner},
                            {"same_epoch", p.same_epoch},
                            {"epochs_to_target_a_minus_b", paired_json(p.epochs)},
                            {"final_accuracy_a_minus_b", paired_json(p.accuracy)}});
  }
  out["grid"] = nlohmann::json::array();
  for (const GridCell& cell : summary.grid) {
    out["grid"].push_back({{"activation", cell.activation},
                           {"optimizer", cell.setting.optimizer},
                           {"lr", cell.setting.lr},
                           {"seeds", cell.seeds},
                           {"diverged", cell.diverged},
                           {"final_val_loss", stat_json(cell.final_val_loss)},
                           {"final_val_accuracy", stat_json(cell.final_val_accuracy)},
                           {"chosen", cell.chosen}});
  }
  for (const CompareRun& run : result.runs) {
    // The test split is shown for the chosen settings only: it never takes part in the choice.
    const bool chosen = is_chosen(summary, run);
    nlohmann::json epochs = nlohmann::json::array();
    for (const StudyEpoch& e : run.epochs) {
      epochs.push_back({{"epoch", e.epoch},
                        {"train_loss", e.train_loss},
                        {"train_accuracy", e.train_accuracy},
                        {"val_loss", number(e.val_loss)},
                        {"val_accuracy", number(e.val_accuracy)},
                        {"test_loss", chosen ? number(e.test_loss) : nullptr},
                        {"test_accuracy", chosen ? number(e.test_accuracy) : nullptr},
                        {"grad_norm", e.grad_norm},
                        {"dead_fraction", e.dead_fraction},
                        {"saturated_fraction", e.saturated_fraction},
                        {"seconds", e.seconds}});
    }
    out["runs"].push_back({{"activation", run.activation},
                           {"optimizer", run.setting.optimizer},
                           {"lr", run.setting.lr},
                           {"seed", run.seed},
                           {"chosen", chosen},
                           {"diverged", run.diverged ? nlohmann::json(run.divergence) : nlohmann::json(false)},
                           {"seconds", run.seconds},
                           {"epochs", epochs}});
  }
  return out;
}

}  // namespace

void add_comparison_output_options(cxxopts::Options& options, const std::string& html_option) {
  // clang-format off
  options.add_options("Output")
      ("csv", "write the long table (activation, optimizer, lr, seed, epoch) here", cxxopts::value<std::string>())
      ("plot", "write an SVG figure here (loss, accuracy, gradient norm, dead units; in a grid, the sensitivity)",
       cxxopts::value<std::string>())
      ("layers-csv", "write each hidden layer's figures per epoch here (z and f(z) on a probe of the training set)",
       cxxopts::value<std::string>())
      ("layers-plot", "write an SVG of each hidden layer's activations per epoch here", cxxopts::value<std::string>())
      ("plot-boundary", "write an SVG of each activation's decision boundary at a few epochs here (two features)",
       cxxopts::value<std::string>())
      (html_option, "write the whole report here as one HTML page (tables, sentences, every plot, the decision "
                    "boundaries with a slider), self-contained: open it in a browser, offline",
       cxxopts::value<std::string>())
      ("json", "print the results as JSON instead of the tables");
  // clang-format on
}

ComparisonOutputs read_comparison_outputs(const cxxopts::ParseResult& args, const std::string& html_option) {
  ComparisonOutputs outputs;
  outputs.json = args.count("json") > 0;
  const auto path = [&args](const std::string& option, std::string& to) {
    if (!args.count(option)) return;
    to = args[option].as<std::string>();
    check_writable_destination(to, ("--" + option).c_str());
  };
  path("csv", outputs.csv_path);
  path("plot", outputs.plot_path);
  path("layers-csv", outputs.layers_csv_path);
  path("layers-plot", outputs.layers_plot_path);
  path("plot-boundary", outputs.boundary_path);
  path(html_option, outputs.html_path);
  return outputs;
}

void report_comparison(const CompareResult& result, const std::string& setup, const ComparisonOutputs& outputs,
                       const std::string& no_boundary) {
  const Summary summary = summarize(result);
  const std::vector<std::string> sentences = findings(summary, result);
  const bool grid = settings_of(result.config).size() > 1;
  // The figures' subtitle: the setup without the command's name.
  const std::string prefix = "ember compare: ";
  const std::string settings = setup.rfind(prefix, 0) == 0 ? setup.substr(prefix.size()) : setup;
  if (outputs.json) {
    std::cout << result_json(summary, result, sentences).dump(2) << "\n";
  } else {
    std::cout << setup << "\n\n";
    std::cout << summary_table(summary, result) << "\n";
    if (result.config.seeds > 1 && !summary.pairs.empty()) std::cout << pairs_table(summary, result) << "\n";
    if (grid) std::cout << grid_table(summary, result) << "\n";
    for (const std::string& sentence : sentences) std::cout << "- " << sentence << "\n";
  }
  if (!outputs.csv_path.empty()) {
    write_text_file_atomic(outputs.csv_path, comparison_csv(result, summary));
    std::cerr << "wrote " << outputs.csv_path << "\n";
  }
  if (!outputs.plot_path.empty()) {
    write_text_file_atomic(outputs.plot_path, comparison_svg(result, summary, settings));
    std::cerr << "wrote the plot to " << outputs.plot_path << " (open it in a browser)\n";
  }
  if (!outputs.layers_csv_path.empty()) {
    write_text_file_atomic(outputs.layers_csv_path, layer_health_csv(result, summary));
    std::cerr << "wrote " << outputs.layers_csv_path << "\n";
  }
  if (!outputs.layers_plot_path.empty()) {
    write_text_file_atomic(outputs.layers_plot_path, layer_health_svg(result, summary, settings));
    std::cerr << "wrote the layer plot to " << outputs.layers_plot_path << " (open it in a browser)\n";
  }
  if (!outputs.boundary_path.empty()) {
    write_text_file_atomic(outputs.boundary_path, comparison_boundary_svg(result, summary, settings));
    std::cerr << "wrote the decision boundaries to " << outputs.boundary_path << " (open it in a browser)\n";
  }
  if (!outputs.html_path.empty()) {
    write_text_file_atomic(outputs.html_path, comparison_html(result, summary, sentences, {setup, no_boundary}));
    std::cerr << "wrote the report to " << outputs.html_path << " (open it in a browser)\n";
  }
}

}  // namespace ember::cli
