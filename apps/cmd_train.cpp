// ember train: trains the article's model on a dataset, prints one line per epoch (or every Nth, or
// only a summary with --quiet; on a terminal, a progress line with the loss and the time left), and
// optionally saves the model file (atomically), a per-epoch CSV log and a JSON summary.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/monitor/divergence.hpp"
#include "ember/lab/monitor/observers.hpp"
#include "terminal.hpp"

namespace ember::cli {

namespace {

const char* train_example =
    "examples:\n"
    "  ember train --dataset iris --epochs 200 --save iris.safetensors\n"
    "  ember train --data my.csv --target label --activation tanh --hidden 32,16 --log run.csv\n"
    "  ember train --dataset fashion_mnist --epochs 10 --batch-size 128 --json\n";

// Four decimals; "-" for NaN.
std::string four(double v) { return std::isnan(v) ? "-" : format_fixed(v, 4); }

// "train loss 0.0198 acc 1.0000  test loss 0.1839 acc 0.9333" (no test figures without a test set).
std::string figures(const EpochStats& s) {
  std::string text = "train loss " + four(s.train_loss) + " acc " + four(s.train_accuracy);
  if (!std::isnan(s.test_loss)) text += "  test loss " + four(s.test_loss) + " acc " + four(s.test_accuracy);
  return text;
}

std::string epoch_line(const EpochStats& s, int epochs) {
  const std::string width = std::to_string(std::to_string(epochs).size());
  char head[64];
  std::snprintf(head, sizeof head, ("epoch %" + width + "d/%d").c_str(), s.epoch, epochs);
  return std::string(head) + "  " + figures(s) + "  " + format_fixed(s.seconds, 3) + " s";
}

// The epoch lines: all of them, every Nth and the last (--every N), or none (--quiet). A run that
// ends early (interrupted, diverged) still shows its last complete epoch.
// The mean train loss of the epoch's samples so far: what the progress line shows.
struct RunningLoss {
  int epoch = 0;
  double sum = 0;
  Index samples = 0;

  double add(const Step& step) {
    if (step.epoch != epoch) *this = RunningLoss{step.epoch, 0, 0};
    sum += step.loss.item() * static_cast<double>(step.rows);
    samples += step.rows;
    return sum / static_cast<double>(samples);
  }
};

struct EpochLines {
  std::ostream& out;
  int epochs;
  bool quiet;
  int every;
  EpochStats latest;
  bool latest_shown = true;

  void epoch(const EpochStats& s) {
    latest = s;
    latest_shown = !quiet && (s.epoch % every == 0 || s.epoch == epochs);
    if (latest_shown) out << epoch_line(s, epochs) << std::endl;
  }
  void last() {
    if (!quiet && !latest_shown) out << epoch_line(latest, epochs) << std::endl;
    latest_shown = true;
  }
};

// --quiet's one line: "trained 200 epochs in 0.41 s: train loss 0.0198 acc 1.0000  test loss ...".
std::string summary_line(const FitResult& result) {
  return "trained " + std::to_string(result.epochs.size()) + " epochs in " + format_fixed(result.train_seconds, 2) +
         " s: " + figures(result.epochs.back());
}

std::string log_csv(const std::vector<EpochStats>& epochs) {
  std::ostringstream csv;
  csv << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n";
  const auto number = [](double v) { return format_general(v, 9); };  // nine significant digits
  for (const EpochStats& s : epochs) {
    csv << s.epoch << ',' << number(s.train_loss) << ',' << number(s.train_accuracy) << ',';
    if (!std::isnan(s.test_loss)) csv << number(s.test_loss) << ',' << number(s.test_accuracy);
    else csv << ',';
    csv << ',' << number(s.seconds) << '\n';
  }
  return csv.str();
}

nlohmann::json summary_json(const FitResult& result, const cxxopts::ParseResult& args, const std::string& model_path) {
  nlohmann::json summary;
  const EpochStats& last = result.epochs.back();
  auto number = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  summary["final"] = {{"epoch", last.epoch},
                      {"train_loss", last.train_loss},
                      {"train_accuracy", last.train_accuracy},
                      {"test_loss", number(last.test_loss)},
                      {"test_accuracy", number(last.test_accuracy)}};
  summary["epochs"] = result.epochs.size();
  summary["train_seconds"] = result.train_seconds;
  summary["samples_per_second"] =
      result.train_seconds > 0 ? static_cast<double>(result.samples_seen) / result.train_seconds : 0.0;
  summary["stopped_early"] = result.stopped_early;
  if (!model_path.empty()) summary["model"] = model_path;
  nlohmann::json options;
  for (const auto& kv : args.arguments()) options[kv.key()] = kv.value();
  summary["options"] = options;
  return summary;
}

}  // namespace

int cmd_train(int argc, char** argv) {
  cxxopts::Options options(
      "ember train",
      "Train the article's model (Linear -> act -> ... -> Linear, sigmoid or softmax head) on a dataset.");
  add_data_options(options);
  add_model_options(options);
  add_training_options(options);
  // clang-format off
  options.add_options("Output")
      ("init", "start from the weights in this model file", cxxopts::value<std::string>())
      ("save", "write the trained model here (safetensors, PyTorch names)", cxxopts::value<std::string>())
      ("log", "write one CSV row per epoch here", cxxopts::value<std::string>())
      ("json", "print a JSON summary on stdout (epoch lines go to stderr)")
      ("quiet", "print no epoch lines, only a summary line at the end (stderr still has errors and where it saved)")
      ("every", "print an epoch line every N epochs, and always the last", cxxopts::value<int>()->default_value("1"))
      ("h,help", "show this help");
  // clang-format on
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\n" << train_example;
    return 0;
  }
  const DataOptions data = read_data_options(args);
  const TrainConfig config = read_train_config(args);
  const bool json = args.count("json") > 0;
  const int every = args["every"].as<int>();
  if (every < 1) throw UsageError("--every must be at least 1, got " + std::to_string(every));
  if (args.count("quiet") && args.count("every")) throw UsageError("give --quiet or --every, not both");
  const std::string save_path = args.count("save") ? args["save"].as<std::string>() : "";
  const std::string log_path = args.count("log") ? args["log"].as<std::string>() : "";
  if (!save_path.empty()) check_writable_destination(save_path, "--save");
  if (!log_path.empty()) check_writable_destination(log_path, "--log");

  PreparedData prepared =
      prepare_data(data, read_test_split(args), args.count("no-standardize") == 0, config.classes.value_or(-1));
  auto model = build_model_for(prepared, config, args);
  EpochLines lines{json ? std::cerr : std::cout, config.epochs, args.count("quiet") > 0, every, {}, true};
  if (!lines.quiet) std::cerr << describe_data(prepared, data) << std::endl;
  ProgressBar progress;
  if (lines.quiet) progress.disable();
  // An interrupt stops at the end of a batch, mid-epoch. --save then writes the model as it was at the
  // end of the last complete epoch: the one the epoch lines and the log describe.
  nn::StateDict last_complete_epoch;
  RunningLoss running;
  const auto run_start = std::chrono::steady_clock::now();
  Callbacks callbacks;
  callbacks.step = [&](const Step& step) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
    progress.show(
        train_progress_line({step.epoch, config.epochs, step.batch, step.batches, running.add(step), seconds}));
  };
  callbacks.epoch = [&](const EpochStats& s) {
    if (!save_path.empty()) last_complete_epoch = model->state_dict();
    progress.clear();
    lines.epoch(s);
  };
  callbacks.stop = &install_interrupt_handler();
  DivergenceCheck divergence(*model, config.lr);
  ObserverList observers{&divergence, &callbacks};

  FitResult result;
  try {
    result = fit(*model, prepared.train, prepared.test, config, &observers);
  } catch (const TrainingDiverged&) {
    progress.clear();
    lines.last();
    if (!save_path.empty()) std::cerr << "ember train: nothing saved; " << save_path << " is unchanged\n";
    throw;
  }
  progress.clear();
  lines.last();
  if (lines.quiet && !result.epochs.empty()) lines.out << summary_line(result) << std::endl;
  if (!log_path.empty()) write_text_file_atomic(log_path, log_csv(result.epochs));
  if (result.stopped_early) {
    std::cerr << "ember train: interrupted: stopped at the end of a batch, after " << result.epochs.size()
              << " complete epoch(s)";
    if (save_path.empty()) std::cerr << "; nothing saved\n";
    else if (result.epochs.empty()) std::cerr << "; nothing saved, " << save_path << " is unchanged\n";
    else std::cerr << "; saving the model as it was at the end of epoch " << result.epochs.size() << "\n";
    if (!result.epochs.empty() && !save_path.empty()) model->load_state_dict(last_complete_epoch);
  }
  if (!save_path.empty() && !(result.stopped_early && result.epochs.empty())) {
    ModelInfo info;
    info.class_names = prepared.train.class_names;
    info.feature_names = prepared.train.feature_names;
    info.target_name = prepared.target_name;
    info.data_recorded = true;
    info.data = prepared.record;
    info.encoding = prepared.encoding;
    if (prepared.standardized) {
      info.mean = prepared.standardizer.mean;
      info.stddev = prepared.standardizer.stddev;
    }
    save_model(save_path, *model, info);
    if (!lines.quiet) std::cerr << "saved model to " << save_path << "\n";
  }
  if (json && !result.epochs.empty()) std::cout << summary_json(result, args, save_path).dump(2) << "\n";
  return result.stopped_early ? 130 : 0;
}

}  // namespace ember::cli
