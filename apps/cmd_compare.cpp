// ember compare: trains the same model once per activation, from identical initial weights and
// batch order, and reports how each converged: a table, sentences drawn from the numbers, and
// optionally the long CSV, an SVG plot and a JSON document. Interrupted (Ctrl-C), it reports the
// runs that finished, says so, and exits 130.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/monitor/observers.hpp"
#include "ember/lab/study/compare_report.hpp"
#include "ember/lab/study/layer_report.hpp"
#include "terminal.hpp"

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

// Runs at once by default: one per core, each with --threads threads for its products.
int default_jobs(int threads) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, cores / std::max(1, threads));
}

}  // namespace

int cmd_compare(int argc, char** argv) {
  cxxopts::Options options(
      "ember compare",
      "Train one model per activation -- same initial weights, same batches, same optimizer -- and compare "
      "how they converge: loss, accuracy, gradient norms per layer, dead and saturated units.");
  add_data_options(options);
  add_model_options(options);
  add_training_options(options);
  // clang-format off
  options.add_options("Compare")
      ("activations", "activations to compare, comma-separated: names or formulas in x (see 'ember activation')",
       cxxopts::value<std::string>()->default_value("sigmoid,tanh,relu,leaky_relu"))
      ("seeds", "repeat for this many seeds (--seed, --seed + 1, ...) and report mean ± std",
       cxxopts::value<int>()->default_value("1"))
      ("jobs", "runs to train at once, each on its own thread (default: one per CPU core, divided by --threads); "
               "the figures do not depend on it", cxxopts::value<int>())
      ("lr-grid", "a grid of learning rates spaced evenly in log, LOW:HIGH:N (1e-4:1e-1:7), instead of --lr",
       cxxopts::value<std::string>())
      ("val-split", "fraction of the training split held out to choose each activation's setting (stratified; "
                    "default 0.2 with a grid, else 0); the test split never chooses", cxxopts::value<double>())
      ("select", "choose each activation's setting by its mean final validation loss, or acc: accuracy",
       cxxopts::value<std::string>()->default_value("loss"))
      ("target-loss", "'epochs to target': first epoch with train loss at or below this", cxxopts::value<double>())
      ("target-accuracy", "'epochs to target': first epoch with test (else train) accuracy at or above this "
                          "(default: 95% of the best final)",
       cxxopts::value<double>())
      ("csv", "write the long table (activation, seed, epoch) here", cxxopts::value<std::string>())
      ("plot", "write an SVG figure here (loss, accuracy, gradient norm, dead units)", cxxopts::value<std::string>())
      ("layers-csv", "write each hidden layer's figures per epoch here (z and f(z) on a probe of the training set)",
       cxxopts::value<std::string>())
      ("layers-plot", "write an SVG of each hidden layer's activations per epoch here", cxxopts::value<std::string>())
      ("json", "print the results as JSON instead of the table")
      ("h,help", "show this help");
  // clang-format on
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help()
              << "\nWithout --dataset or --data, compares on the built-in spiral (3 arms).\n"
                 "examples:\n  ember compare --plot compare.svg\n"
                 "  ember compare --dataset moons --seeds 5 --epochs 50 --csv runs.csv\n"
                 "  ember compare --hidden 32,32,32,32,32,32,32,32 --activations sigmoid,relu --init-scheme he\n"
                 "  ember compare --activations relu,swish,mish,\"x/(1+abs(x))\"\n"
                 "  ember compare --dataset digits --lr-grid 1e-4:1e-1:7 --seeds 3   # each at its best lr\n"
                 "  ember compare --lr 1e-3,1e-2 --optimizer sgd,adam --csv grid.csv\n"
                 "  ember compare --dataset digits --layers-plot layers.svg   # inside each layer: median, 2nd-98th\n"
                 "With several learning rates or optimizers, every (activation, optimizer, lr, seed) run starts from\n"
                 "the seed's shared weights and batches; each activation's setting is chosen on a validation split\n"
                 "carved from the training data (--val-split), and only the chosen setting's test figures are shown.\n";
    return 0;
  }
  DataOptions data = read_data_options(args);
  if (data.dataset.empty() && data.path.empty()) data.dataset = "spiral";
  CompareConfig config;
  config.base = read_train_config(args, true);
  try {
    if (args.count("lr-grid")) {
      if (args.count("lr")) throw UsageError("give --lr or --lr-grid, not both");
      config.lrs = parse_lr_grid(args["lr-grid"].as<std::string>());
    } else {
      config.lrs = parse_lr_list(args["lr"].as<std::string>());
    }
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  config.base.lr = config.lrs.front();
  config.optimizers = split_list(args["optimizer"].as<std::string>());
  config.select = args["select"].as<std::string>();
  config.activations = split_activation_list(args["activations"].as<std::string>());  // max(x,0.1*x) stays whole
  config.seeds = args["seeds"].as<int>();
  config.jobs = args.count("jobs") ? args["jobs"].as<int>() : default_jobs(args["threads"].as<int>());
  try {
    validate(config);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (args.count("target-loss") && args.count("target-accuracy"))
    throw UsageError("give --target-loss or --target-accuracy, not both");
  if (args.count("target-loss")) config.target_loss = args["target-loss"].as<double>();
  if (args.count("target-accuracy")) config.target_accuracy = args["target-accuracy"].as<double>();
  const std::string csv_path = args.count("csv") ? args["csv"].as<std::string>() : "";
  const std::string plot_path = args.count("plot") ? args["plot"].as<std::string>() : "";
  if (!csv_path.empty()) check_writable_destination(csv_path, "--csv");
  if (!plot_path.empty()) check_writable_destination(plot_path, "--plot");
  const std::string layers_csv = args.count("layers-csv") ? args["layers-csv"].as<std::string>() : "";
  const std::string layers_plot = args.count("layers-plot") ? args["layers-plot"].as<std::string>() : "";
  if (!layers_csv.empty()) check_writable_destination(layers_csv, "--layers-csv");
  if (!layers_plot.empty()) check_writable_destination(layers_plot, "--layers-plot");
  config.layer_health = !layers_csv.empty() || !layers_plot.empty();

  const bool grid = settings_of(config).size() > 1;
  const double val_split = args.count("val-split") ? args["val-split"].as<double>() : grid ? 0.2 : 0.0;
  if (!(val_split >= 0 && val_split < 1))
    throw UsageError("--val-split must be in [0, 1), got " + format_general(val_split, 6));
  if (grid && val_split == 0)
    throw UsageError("a grid of " + std::to_string(settings_of(config).size()) +
                     " settings needs a validation set to choose from: --val-split must be above 0");
  PreparedData prepared = prepare_data(data, read_test_split(args), args.count("no-standardize") == 0,
                                       config.base.classes.value_or(-1), nullptr, val_split);
  try {
    output_units(prepared.train.num_classes(), config.base.classes.value_or(-1));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  ProgressBar progress;
  std::string current;
  Callbacks callbacks;
  callbacks.step = [&](const Step& step) { progress.update(current, step.epoch, config.base.epochs); };
  callbacks.stop = &install_interrupt_handler();
  const CompareResult result = run_comparison(
      prepared.train, prepared.val, prepared.test, config,
      [&](const CompareRun& run, int number, int total) {
        current = "run " + std::to_string(number) + "/" + std::to_string(total) + " " + run.activation +
                  (grid ? " " + run.setting.optimizer + " lr " + format_general(run.setting.lr, 3) : "") + " seed " +
                  std::to_string(run.seed);
        if (!progress.enabled()) std::cerr << "compare: " << current << "\n";
      },
      &callbacks);
  progress.clear();
  // Ctrl-C: the report of the runs that finished, marked as interrupted, then status 130.
  if (result.interrupted && result.runs.empty()) {
    std::cerr << "ember compare: interrupted before any run finished; nothing written\n";
    return 130;
  }
  if (result.interrupted)
    std::cerr << "ember compare: " << interrupted_note(result) << "; reporting the finished runs\n";
  const Summary summary = summarize(result);
  const std::vector<std::string> sentences = findings(summary, result);
  if (args.count("json")) {
    std::cout << result_json(summary, result, sentences).dump(2) << "\n";
  } else {
    const TrainConfig& b = config.base;
    std::ostringstream setup;
    setup << "ember compare: " << (data.dataset.empty() ? data.path : data.dataset) << ", " << prepared.train.size()
          << " training samples";
    if (prepared.val.size() > 0) setup << ", " << prepared.val.size() << " validation";
    setup << ", hidden " << args["hidden"].as<std::string>() << ", init " << nn::to_string(b.init_scheme) << ", ";
    if (grid) setup << settings_of(config).size() << " settings (" << describe_grid(config) << ")";
    else setup << b.optimizer << " lr " << format_general(b.lr, 6);
    if (b.momentum != 0) setup << " momentum " << format_general(b.momentum, 6);
    if (b.weight_decay != 0) setup << " weight decay " << format_general(b.weight_decay, 6);
    setup << ", " << b.epochs << " epochs, batch " << b.batch_size
          << (config.seeds > 1 ? ", " + std::to_string(config.seeds) + " seeds" : "");
    std::cout << setup.str() << "\n\n";
    std::cout << summary_table(summary, result) << "\n";
    if (config.seeds > 1 && summary.pairs.size() > 0) std::cout << pairs_table(summary, result) << "\n";
    if (grid) std::cout << grid_table(summary, result) << "\n";
    for (const std::string& sentence : sentences) std::cout << "- " << sentence << "\n";
  }
  if (!csv_path.empty()) {
    write_text_file_atomic(csv_path, comparison_csv(result, summary));
    std::cerr << "wrote " << csv_path << "\n";
  }
  if (!plot_path.empty()) {
    write_text_file_atomic(plot_path, comparison_svg(result, summary));
    std::cerr << "wrote the plot to " << plot_path << " (open it in a browser)\n";
  }
  if (!layers_csv.empty()) {
    write_text_file_atomic(layers_csv, layer_health_csv(result, summary));
    std::cerr << "wrote " << layers_csv << "\n";
  }
  if (!layers_plot.empty()) {
    write_text_file_atomic(layers_plot, layer_health_svg(result, summary));
    std::cerr << "wrote the layer plot to " << layers_plot << " (open it in a browser)\n";
  }
  return result.interrupted ? 130 : 0;
}

}  // namespace ember::cli
