// ember train: trains the article's model on a dataset, prints one line per epoch (or every Nth, or
// only a summary with --quiet; on a terminal, a progress line with the loss and the time left), and
// optionally saves the model file (atomically), a per-epoch CSV log and a JSON summary.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "boundary_options.hpp"
#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/core/train/metrics.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/monitor/divergence.hpp"
#include "ember/lab/monitor/observers.hpp"
#include "ember/lab/plot/training_plot.hpp"
#include "ember/lab/study/class_report.hpp"
#include "ember/lab/train/training_run.hpp"
#include "terminal.hpp"

namespace ember::cli {

namespace {

const char* train_example =
    "examples:\n"
    "  ember train --dataset iris --epochs 200 --save iris.safetensors\n"
    "  ember train --data my.csv --target label --activation tanh --hidden 32,16 --log run.csv\n"
    "  ember train --dataset fashion_mnist --epochs 10 --batch-size 128 --json\n"
    "  ember train --dataset digits --val-split 0.1 --patience 5 --dropout 0.2 --lr-schedule cosine --plot run.svg\n"
    "  ember train --dataset spiral --optimizer sgd --lr 0.1 --lr-schedule step:30:0.5 --warmup 5\n"
    "  ember train --dataset fashion_mnist --epochs 20 --checkpoint run.ckpt      # interrupted? then:\n"
    "  ember train --dataset fashion_mnist --epochs 20 --resume run.ckpt --save model.safetensors\n"
    "\n"
    "--lr-schedule, with PyTorch's semantics (torch.optim.lr_scheduler), stepped once per epoch:\n"
    "  step:STEP_SIZE:GAMMA        StepLR: lr * GAMMA every STEP_SIZE epochs\n"
    "  multistep:M1,M2,...:GAMMA   MultiStepLR: lr * GAMMA at each milestone epoch\n"
    "  exponential:GAMMA           ExponentialLR: lr * GAMMA every epoch\n"
    "  cosine[:T_MAX[:ETA_MIN]]    CosineAnnealingLR (T_MAX: the epochs after the warm-up)\n"
    "  plateau:FACTOR:PATIENCE     ReduceLROnPlateau on the validation loss (needs --val-split)\n"
    "--warmup N: epochs 1..N at lr*k/N, then the schedule starts.\n";

// Four decimals; "-" for NaN.
std::string four(double v) { return std::isnan(v) ? "-" : format_fixed(v, 4); }

// "train loss 0.0198 acc 1.0000  val loss ...  test loss 0.1839 acc 0.9333" (only the splits there are).
std::string figures(const EpochStats& s) {
  std::string text = "train loss " + four(s.train_loss) + " acc " + four(s.train_accuracy);
  if (!std::isnan(s.val_loss)) text += "  val loss " + four(s.val_loss) + " acc " + four(s.val_accuracy);
  if (!std::isnan(s.test_loss)) text += "  test loss " + four(s.test_loss) + " acc " + four(s.test_accuracy);
  return text;
}

// The epoch line; `show_lr` when a schedule or warm-up changes the learning rate.
std::string epoch_line(const EpochStats& s, int epochs, bool show_lr) {
  const std::string width = std::to_string(std::to_string(epochs).size());
  char head[64];
  std::snprintf(head, sizeof head, ("epoch %" + width + "d/%d").c_str(), s.epoch, epochs);
  return std::string(head) + "  " + figures(s) + (show_lr ? "  lr " + format_general(s.lr, 4) : "") + "  " +
         format_fixed(s.seconds, 3) + " s";
}

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

// The epoch lines: all of them, every Nth and the last (--every N), or none (--quiet). A run that
// ends early (interrupted, diverged, early stopping) still shows its last complete epoch.
struct EpochLines {
  std::ostream& out;
  int epochs;
  bool quiet;
  int every;
  bool show_lr;
  EpochStats latest;
  bool latest_shown = true;

  void epoch(const EpochStats& s) {
    latest = s;
    latest_shown = !quiet && (s.epoch % every == 0 || s.epoch == epochs);
    if (latest_shown) out << epoch_line(s, epochs, show_lr) << std::endl;
  }
  void last() {
    if (!quiet && !latest_shown) out << epoch_line(latest, epochs, show_lr) << std::endl;
    latest_shown = true;
  }
};

// --quiet's one line: "trained 200 epochs in 0.41 s: train loss 0.0198 acc 1.0000  test loss ...".
std::string ending_line(const RunResult& result);
std::string summary_line(const RunResult& result) {
  return "trained " + std::to_string(result.epochs.size()) + " epochs in " + format_fixed(result.train_seconds, 2) +
         " s: " + figures(result.epochs.back()) + (result.best_epoch > 0 ? "; " + ending_line(result) : "");
}

// How the run ended and which epoch was best, for a run with a validation set: "early stopping at
// epoch 12: ...; best epoch 7 (val loss 0.2345), its weights restored".
std::string ending_line(const RunResult& result) {
  std::string line = result.stop_reason;
  if (result.best_epoch > 0) {
    line += "; best epoch " + std::to_string(result.best_epoch) + " (val loss " + four(result.best_val_loss) + ")";
    if (result.restored_best) line += ", its weights restored";
  }
  return line;
}

std::string log_csv(const std::vector<EpochStats>& epochs) {
  std::ostringstream csv;
  csv << "epoch,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr,seconds\n";
  const auto number = [](double v) { return std::isnan(v) ? std::string() : format_general(v, 9); };
  for (const EpochStats& s : epochs) {
    csv << s.epoch << ',' << number(s.train_loss) << ',' << number(s.train_accuracy) << ',' << number(s.val_loss) << ','
        << number(s.val_accuracy) << ',' << number(s.test_loss) << ',' << number(s.test_accuracy) << ',' << number(s.lr)
        << ',' << number(s.seconds) << '\n';
  }
  return csv.str();
}

nlohmann::json summary_json(const RunResult& result, const cxxopts::ParseResult& args, const std::string& model_path) {
  nlohmann::json summary;
  auto number = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  summary["final"] = epoch_json(result.epochs.back());
  summary["epochs"] = result.epochs.size();
  summary["history"] = nlohmann::json::array();
  for (const EpochStats& s : result.epochs) summary["history"].push_back(epoch_json(s));
  summary["stop_reason"] = result.stop_reason;
  summary["best_epoch"] = result.best_epoch > 0 ? nlohmann::json(result.best_epoch) : nlohmann::json(nullptr);
  summary["best_val_loss"] = number(result.best_val_loss);
  summary["restored_best"] = result.restored_best;
  summary["resumed_from_epoch"] = result.resumed_from;
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

// The saved model scored on the test split, with the figures `ember eval` prints: after restore-best
// these are the best epoch's weights, which "final" (the last epoch trained) is not. Null without a
// test split.
nlohmann::json test_metrics_json(nn::MyModel& model, const PreparedData& prepared, const RunResult& result) {
  const Dataset& test = prepared.test;
  if (test.size() == 0) return nullptr;
  const Evaluation e = evaluate(model, test.X, test.y);
  const int classes = model.num_classes() == 1 ? 2 : model.num_classes();
  std::vector<std::string> names = prepared.train.class_names;
  while (static_cast<int>(names.size()) < classes) names.push_back(std::to_string(names.size()));
  nlohmann::json metrics = class_report_json(evaluation_report(e, test.y, classes), names);
  metrics["loss"] = e.loss;
  metrics["weights_of_epoch"] = result.restored_best ? result.best_epoch : static_cast<int>(result.epochs.size());
  return metrics;
}

// The options a resumed run must share with the checkpoint's, as resolved values ("--lr" -> "0.001"):
// the data as recorded (a CSV file by its SHA-256), the model and every training option but --epochs.
std::vector<std::pair<std::string, std::string>> run_identity(const PreparedData& prepared, const TrainConfig& config,
                                                              const RunOptions& run, const cxxopts::ParseResult& args) {
  const DataRecord& data = prepared.record;
  const auto number = [](double v) { return format_general(v, 17); };
  std::string hidden;
  for (Index h : config.hidden) hidden += (hidden.empty() ? "" : ",") + std::to_string(h);
  std::vector<std::pair<std::string, std::string>> identity = {
      {"data", data.dataset.empty() ? data.path + " (SHA-256 " + data.sha256 + ")" : data.dataset},
      {"--samples", std::to_string(data.samples)},
      {"--noise", number(data.noise)},
      {"--seed", std::to_string(config.seed)},
      {"--test-split", number(data.test_split)},
      {"--val-split", number(args["val-split"].as<double>())},
      {"--standardize", prepared.standardized ? "yes" : "no"},
      {"--activation", config.activation},
      {"--hidden", hidden},
      {"--classes", config.classes ? std::to_string(*config.classes) : "inferred"},
      {"--init-scheme", args["init-scheme"].as<std::string>()},
      {"--dropout", number(config.dropout)},
      {"--batch-size", std::to_string(config.batch_size)},
      {"--optimizer", config.optimizer},
      {"--lr", number(config.lr)},
      {"--momentum", number(config.momentum)},
      {"--weight-decay", number(config.weight_decay)},
      {"--shuffle", config.shuffle ? "yes" : "no (--no-shuffle)"},
      {"--lr-schedule", run.lr_schedule},
      {"--warmup", std::to_string(run.warmup)},
      {"--patience", std::to_string(run.patience)},
      {"--min-delta", number(run.min_delta)},
      {"--restore-best", run.restore_best ? "yes" : "no"}};
  // The CSV reading options, as typed: they decide the columns.
  for (const char* option : {"target", "sep", "features", "ignore", "categorical"})
    identity.emplace_back(std::string("--") + option, args.count(option) ? args[option].as<std::string>() : "");
  for (const char* option : {"missing", "unknown"})  // these two have defaults
    identity.emplace_back(std::string("--") + option, args[option].as<std::string>());
  return identity;
}

// The trained model's figures on the test split, as `ember eval --json` gives them (per-class precision,
// recall, F1, support, their averages; ROC AUC and log loss for one sigmoid output).
// --val-split, --patience, --lr-schedule ... into RunOptions; usage errors name the option.
RunOptions read_run_options(const cxxopts::ParseResult& args) {
  RunOptions run;
  run.lr_schedule = args["lr-schedule"].as<std::string>();
  run.warmup = args["warmup"].as<int>();
  run.patience = args["patience"].as<int>();
  run.min_delta = args["min-delta"].as<double>();
  if (args.count("restore-best") && args.count("no-restore-best"))
    throw UsageError("give --restore-best or --no-restore-best, not both");
  run.restore_best = args.count("restore-best") > 0 || (run.patience > 0 && args.count("no-restore-best") == 0);
  if (args.count("checkpoint")) run.checkpoint = args["checkpoint"].as<std::string>();
  else if (args.count("resume")) run.checkpoint = args["resume"].as<std::string>();  // a resumed run stays resumable
  run.checkpoint_every = args["checkpoint-every"].as<int>();
  if (args.count("checkpoint-every") && run.checkpoint.empty())
    throw UsageError("--checkpoint-every needs --checkpoint FILE");
  return run;
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
  options.add_options("Validation and schedule")
      ("val-split", "carve this fraction of the training split out as a validation set (stratified, from --seed), "
                    "measured every epoch; the test split is only scored",
       cxxopts::value<double>()->default_value("0"))
      ("patience", "early stopping: stop after N epochs without a lower validation loss (0: never)",
       cxxopts::value<int>()->default_value("0"))
      ("min-delta", "early stopping: an epoch improves when its validation loss is lower by more than this",
       cxxopts::value<double>()->default_value("0"))
      ("restore-best", "end with the weights of the epoch of lowest validation loss (default with --patience)")
      ("no-restore-best", "with --patience, keep the last epoch's weights")
      ("lr-schedule", "learning-rate schedule: constant, step:STEP:GAMMA, multistep:M1,M2:GAMMA, exponential:GAMMA, "
                      "cosine[:T_MAX[:ETA_MIN]], plateau:FACTOR:PATIENCE (see below)",
       cxxopts::value<std::string>()->default_value("constant"))
      ("warmup", "linear learning-rate warm-up over the first N epochs", cxxopts::value<int>()->default_value("0"));
  options.add_options("Checkpoints")
      ("checkpoint", "write the whole training state here at the end of every epoch (atomically), to --resume from",
       cxxopts::value<std::string>())
      ("checkpoint-every", "write the checkpoint every N epochs (and after the last)",
       cxxopts::value<int>()->default_value("1"))
      ("resume", "continue the run saved in this checkpoint (give the same options; --epochs is the total)",
       cxxopts::value<std::string>());
  options.add_options("Output")
      ("init", "start from the weights in this model file", cxxopts::value<std::string>())
      ("save", "write the trained model here (safetensors, PyTorch names)", cxxopts::value<std::string>())
      ("log", "write one CSV row per epoch here", cxxopts::value<std::string>())
      ("plot", "draw loss and accuracy per epoch (train, validation, test) into this SVG file",
       cxxopts::value<std::string>())
      ("plot-boundary", "draw the decision boundary at a few epochs into this SVG file (data of two features)",
       cxxopts::value<std::string>())
      ("json", "print a JSON summary on stdout (epoch lines go to stderr)")
      ("quiet", "print no epoch lines, only a summary line at the end (stderr still has errors and where it saved)")
      ("every", "print an epoch line every N epochs, and always the last", cxxopts::value<int>()->default_value("1"))
      ("h,help", "show this help");
  // clang-format on
  add_boundary_options(options);
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\n" << train_example;
    return 0;
  }
  const DataOptions data = read_data_options(args);
  const TrainConfig config = read_train_config(args);
  const RunOptions run_options = read_run_options(args);
  const double val_split = args["val-split"].as<double>();
  if (!(val_split >= 0 && val_split < 1)) throw UsageError("--val-split must be in [0, 1), got " + four(val_split));
  const bool json = args.count("json") > 0;
  const int every = args["every"].as<int>();
  if (every < 1) throw UsageError("--every must be at least 1, got " + std::to_string(every));
  if (args.count("quiet") && args.count("every")) throw UsageError("give --quiet or --every, not both");
  if (args.count("resume") && args.count("init")) throw UsageError("give --init or --resume, not both");
  const std::string save_path = args.count("save") ? args["save"].as<std::string>() : "";
  const std::string log_path = args.count("log") ? args["log"].as<std::string>() : "";
  const std::string plot_path = args.count("plot") ? args["plot"].as<std::string>() : "";
  if (!save_path.empty()) check_writable_destination(save_path, "--save");
  if (!log_path.empty()) check_writable_destination(log_path, "--log");
  if (!plot_path.empty()) check_writable_destination(plot_path, "--plot");
  const std::string boundary_path = args.count("plot-boundary") ? args["plot-boundary"].as<std::string>() : "";
  if (!boundary_path.empty()) check_writable_destination(boundary_path, "--plot-boundary");
  for (const char* option : {"boundary-grid", "boundary-epochs"})
    if (args.count(option) && boundary_path.empty())
      throw UsageError("--" + std::string(option) + " shapes the picture of --plot-boundary FILE.svg: give that too");
  if (!run_options.checkpoint.empty()) check_writable_destination(run_options.checkpoint, "--checkpoint");

  PreparedData prepared = prepare_data(data, read_test_split(args), args.count("no-standardize") == 0,
                                       config.classes.value_or(-1), nullptr, val_split);
  auto model = build_model_for(prepared, config, args);
  const BoundaryPlan boundary =
      boundary_path.empty() ? BoundaryPlan{} : read_boundary_plan(args, prepared, config.epochs);
  if (!boundary_path.empty() && boundary.frame.empty())
    throw UsageError("--plot-boundary: no decision boundary to draw: " + boundary.why_not);
  const Standardizer no_scaling;
  BoundaryRecorder pictures(*model, boundary.frame, prepared.standardized ? prepared.standardizer : no_scaling,
                            boundary.epochs);
  RunOptions with_identity = run_options;
  with_identity.identity = run_identity(prepared, config, run_options, args);
  std::optional<TrainingRun> run;
  try {
    run.emplace(*model, prepared.train, prepared.val, prepared.test, config, with_identity);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (args.count("resume")) run->resume(args["resume"].as<std::string>());
  const bool show_lr = run_options.lr_schedule != "constant" || run_options.warmup > 0;
  EpochLines lines{json ? std::cerr : std::cout, config.epochs, args.count("quiet") > 0, every, show_lr, {}, true};
  if (!lines.quiet) std::cerr << describe_data(prepared, data) << std::endl;
  if (!lines.quiet && args.count("resume")) {
    std::cerr << "resuming " << args["resume"].as<std::string>() << " after epoch " << run->epochs_done() << " of "
              << config.epochs << std::endl;
  }
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
  ObserverList observers{&divergence, &pictures, &callbacks};

  RunResult result;
  try {
    result = run->run(&observers);
  } catch (const TrainingDiverged&) {
    progress.clear();
    lines.last();
    if (!save_path.empty()) std::cerr << "ember train: nothing saved; " << save_path << " is unchanged\n";
    throw;
  }
  progress.clear();
  if (!result.epochs.empty()) lines.last();
  if (lines.quiet && !result.epochs.empty()) lines.out << summary_line(result) << std::endl;
  if (!lines.quiet && !result.stopped_early && (result.best_epoch > 0 || result.resumed_from > 0))
    lines.out << ending_line(result) << std::endl;
  if (!log_path.empty()) write_text_file_atomic(log_path, log_csv(result.epochs));
  if (!plot_path.empty() && !result.epochs.empty()) {
    const std::string title = "ember train: " + (data.path.empty() ? data.dataset : data.path) + ", " +
                              config.activation + ", " + config.optimizer + " lr " + format_general(config.lr, 4) +
                              (show_lr ? " (" + run_options.lr_schedule + ")" : "") + ", seed " +
                              std::to_string(config.seed);
    write_text_file_atomic(
        plot_path, plot::training_curves_svg(result.epochs, title, result.restored_best ? result.best_epoch : 0));
  }
  if (!boundary_path.empty() && !pictures.snapshots().empty()) {
    BoundaryRow row{config.activation, pictures.snapshots(), {}};
    for (const BoundarySnapshot& s : row.snapshots)
      for (const EpochStats& e : result.epochs)
        if (e.epoch == s.epoch) row.captions.push_back(boundary_caption(e));
    const std::string subtitle = (data.path.empty() ? data.dataset : data.path) + ", " + config.optimizer + " lr " +
                                 format_general(config.lr, 4) + ", seed " + std::to_string(config.seed);
    write_text_file_atomic(boundary_path,
                           boundary_figure_svg(boundary.frame, {row}, "Decision boundary as training goes", subtitle));
    if (!lines.quiet) std::cerr << "wrote the decision boundary to " << boundary_path << " (open it in a browser)\n";
  }
  if (result.stopped_early) {
    const std::size_t complete = result.epochs.size() - static_cast<std::size_t>(result.resumed_from);
    std::cerr << "ember train: interrupted: stopped at the end of a batch, after " << complete << " complete epoch(s)";
    if (save_path.empty()) std::cerr << "; nothing saved\n";
    else if (complete == 0) std::cerr << "; nothing saved, " << save_path << " is unchanged\n";
    else std::cerr << "; saving the model as it was at the end of epoch " << result.epochs.size() << "\n";
    if (complete > 0 && !save_path.empty()) model->load_state_dict(last_complete_epoch);
  }
  const bool trained = !result.epochs.empty() && !(result.stopped_early && last_complete_epoch.empty());
  if (!save_path.empty() && trained) {
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
  if (json && !result.epochs.empty()) {
    nlohmann::json summary = summary_json(result, args, save_path);
    summary["test_metrics"] = test_metrics_json(*model, prepared, result);
    std::cout << summary.dump(2) << "\n";
  }
  return result.stopped_early ? 130 : 0;
}

}  // namespace ember::cli
