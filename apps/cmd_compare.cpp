// ember compare: trains the same model once per activation, from identical initial weights and
// batch order, and reports how each converged: a table, sentences drawn from the numbers, and
// optionally the long CSV, an SVG plot and a JSON document. Interrupted (Ctrl-C), it reports the
// runs that finished, says so, and exits 130.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "boundary_options.hpp"
#include "cli_options.hpp"
#include "commands.hpp"
#include "compare_output.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/formula/formula.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/monitor/observers.hpp"
#include "ember/lab/study/compare_report.hpp"
#include "ember/lab/study/layer_report.hpp"
#include "ember/lab/study/results_file.hpp"
#include "terminal.hpp"

namespace ember::cli {

namespace {

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
      ("results", "append each finished run to this JSON Lines file, for ember report (see below)",
       cxxopts::value<std::string>())
      ("resume", "continue the --results FILE: skip the runs it holds (the same options), append the rest")
      ("shard", "run only the K-th of N slices of the grid (K/N, e.g. 2/4; merge with ember report)",
       cxxopts::value<std::string>())
      ("layer-health", "measure each hidden layer's figures on a probe (on with --layers-csv or --layers-plot); "
                       "--results then records them for ember report")
      ("h,help", "show this help");
  // clang-format on
  add_comparison_output_options(options, "report");
  add_boundary_options(options);
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help()
              << "\nWithout --dataset or --data, compares on the built-in spiral (3 arms).\n"
                 "examples:\n  ember compare --plot compare.svg\n"
                 "  ember compare --dataset moons --seeds 5 --epochs 50 --csv runs.csv\n"
                 "  ember compare --hidden 32,32,32,32,32,32,32,32 --activations sigmoid,relu --init-scheme he\n"
                 "  ember compare --activations relu,swish,mish,\"x/(1+abs(x))\"\n"
                 "  ember compare --dataset digits --lr-grid 1e-4:1e-1:7 --seeds 5   # each at its best lr\n"
                 "  ember compare --lr 1e-3,1e-2 --optimizer sgd,adam --csv grid.csv\n"
                 "  ember compare --dataset digits --layers-plot layers.svg   # inside each layer: median, 2nd-98th\n"
                 "  ember compare --seeds 5 --report study.html   # one page: tables, plots, decision boundaries\n"
                 "With several learning rates or optimizers, every (activation, optimizer, lr, seed) run starts from\n"
                 "the seed's shared weights and batches; each activation's setting is chosen on a validation split\n"
                 "carved from the training data (--val-split), and only the chosen setting's test figures are shown.\n"
                 "A long grid: --results runs.jsonl writes each run as it finishes; after an interrupt, the same\n"
                 "command with --resume trains only the runs missing. --shard K/N runs a slice, so N machines can\n"
                 "share a grid (a Slurm array: --shard $((SLURM_ARRAY_TASK_ID+1))/$SLURM_ARRAY_TASK_COUNT, each with\n"
                 "its own --results file); 'ember report a.jsonl b.jsonl ...' then prints the whole comparison.\n";
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
  const ComparisonOutputs outputs = read_comparison_outputs(args, "report");
  // The HTML report shows every plot, the layers' among them.
  config.layer_health = args.count("layer-health") > 0 || outputs.layers() || !outputs.html_path.empty();
  const std::string results_path = args.count("results") ? args["results"].as<std::string>() : "";
  if (args.count("resume") && results_path.empty())
    throw UsageError("--resume needs --results FILE: the file to continue");
  if (!results_path.empty() && !args.count("resume") && std::filesystem::exists(results_path) &&
      std::filesystem::file_size(results_path) > 0)
    throw UsageError(results_path + " exists: --resume continues it; remove it to start again");
  if (!results_path.empty()) check_writable_destination(results_path, "--results");
  if (args.count("shard")) {
    try {
      std::tie(config.shard, config.shards) = parse_shard(args["shard"].as<std::string>());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }

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
  // Decision boundaries whenever the data is a plane: cheap (a grid's forward pass at four epochs of the
  // first seed's runs), and recorded with --results for ember report.
  const BoundaryPlan boundary = read_boundary_plan(args, prepared, config.base.epochs);
  if (!outputs.boundary_path.empty() && boundary.frame.empty())
    throw UsageError("--plot-boundary: no decision boundary to draw: " + boundary.why_not);
  config.boundary = boundary.frame;
  config.boundary_epochs = boundary.epochs;
  if (prepared.standardized) config.boundary_standardizer = prepared.standardizer;
  const TrainConfig& b = config.base;
  std::ostringstream setup_text;
  setup_text << "ember compare: " << (data.dataset.empty() ? data.path : data.dataset) << ", " << prepared.train.size()
             << " training samples";
  if (prepared.val.size() > 0) setup_text << ", " << prepared.val.size() << " validation";
  setup_text << ", hidden " << args["hidden"].as<std::string>() << ", init " << nn::to_string(b.init_scheme) << ", ";
  if (grid) setup_text << settings_of(config).size() << " settings (" << describe_grid(config) << ")";
  else setup_text << b.optimizer << " lr " << format_general(b.lr, 6);
  if (b.momentum != 0) setup_text << " momentum " << format_general(b.momentum, 6);
  if (b.weight_decay != 0) setup_text << " weight decay " << format_general(b.weight_decay, 6);
  setup_text << ", " << b.epochs << " epochs, batch " << b.batch_size
             << (config.seeds > 1 ? ", " + std::to_string(config.seeds) + " seeds" : "");
  const std::string setup = setup_text.str();

  // --results / --resume: a run per line as the runs finish; --resume first takes the runs the file holds.
  // The study (everything that decides the figures) goes into every line, so shards' files merge.
  const DataRecord& record = prepared.record;
  nlohmann::json data_identity = {{"dataset", record.dataset},
                                  {"csv", record.path},
                                  {"sha256", record.sha256},
                                  {"samples", record.samples},
                                  {"noise", record.noise},
                                  {"classes", record.classes},
                                  {"rows", record.rows},
                                  {"test_split", prepared.record.test_split},
                                  {"val_split", val_split},
                                  {"standardized", prepared.standardized},
                                  {"train_rows", prepared.train.size()},
                                  {"val_rows", prepared.val.size()},
                                  {"test_rows", prepared.test.size()}};
  nlohmann::json study = study_json(config, data_identity, prepared.test.size() > 0, prepared.val.size() > 0,
                                    chance_accuracy(prepared.train, prepared.test));
  study["description"] = setup;
  if (boundary.frame.empty()) study["boundary_note"] = boundary.why_not;
  CompareRecording recording;
  std::optional<ResultsWriter> writer;
  if (!results_path.empty()) {
    if (args.count("resume")) {
      const Results earlier = read_results({results_path});
      for (const std::string& warning : earlier.warnings) std::cerr << "warning: " << warning << "\n";
      const std::vector<std::string> differences = study_differences(study, earlier.study, results_path);
      if (!differences.empty()) {
        std::string message = results_path + " holds another comparison; the options that differ:";
        for (const std::string& d : differences) message += "\n  " + d;
        throw UsageError(message);
      }
      recording.done = earlier.runs;
      std::cerr << "resuming " << results_path << ": " << earlier.runs.size() << " runs done\n";
    }
    writer.emplace(results_path, study);
    recording.finished = [&writer](const CompareRun& run) { writer->write(run); };
  }

  ProgressBar progress;
  cli::CompareProgress where;
  where.epochs = config.base.epochs;
  const auto started = std::chrono::steady_clock::now();
  Callbacks callbacks;
  callbacks.step = [&](const Step& step) {
    where.epoch = step.epoch - 1;  // whole epochs done in the run under way
    where.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress.show(compare_progress_line(where));
  };
  callbacks.stop = &install_interrupt_handler();
  const CompareResult result = run_comparison(
      prepared.train, prepared.val, prepared.test, config,
      [&](const CompareRun& run, int number, int total) {
        where.run = number;
        where.runs = total;
        where.epoch = 0;
        where.label = run.activation +
                      (grid ? " " + run.setting.optimizer + " lr " + format_general(run.setting.lr, 3) : "") +
                      " seed " + std::to_string(run.seed);
        if (!progress.enabled()) std::cerr << "compare: run " << number << "/" << total << " " << where.label << "\n";
      },
      &callbacks, &recording);
  progress.clear();
  // Ctrl-C: the report of the runs that finished, marked as interrupted, then status 130.
  if (result.interrupted && result.runs.empty()) {
    std::cerr << "ember compare: interrupted before any run finished; nothing written\n";
    return 130;
  }
  if (result.interrupted)
    std::cerr << "ember compare: " << interrupted_note(result) << "; reporting the finished runs\n";
  if (!results_path.empty())
    std::cerr << "the runs are in " << results_path << " (ember report " << results_path << ")\n";
  report_comparison(result, setup, outputs, boundary.why_not);
  return result.interrupted ? 130 : 0;
}

}  // namespace ember::cli
