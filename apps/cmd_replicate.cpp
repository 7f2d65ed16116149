// ember replicate: the small, decisive experiments of the papers behind the article, re-run here, each
// judged by its stated rule (lab/study/replicate.hpp). --list names them; NAME runs one (--quick: the
// scaled-down form CI asserts), printing the paper, the claim, the setup, the figures over seeds and the
// verdict; --json the same as data, --report FILE.html as a page.
#include <chrono>
#include <iostream>
#include <thread>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/replicate.hpp"

namespace ember::cli {

int cmd_replicate(int argc, char** argv) {
  cxxopts::Options options("ember replicate",
                           "Re-run a classic experiment on activations or initialization, scaled down to a CPU, and "
                           "say whether its claim holds here: reproduced, not reproduced, or inconclusive.");
  // clang-format off
  options.add_options()
      ("experiment", "the experiment's name (see --list)", cxxopts::value<std::string>())
      ("list", "name the experiments, each with its paper and claim")
      ("quick", "the scaled-down form (seconds; the one the test suite asserts)")
      ("seeds", "seeds (or initializations) to run, instead of the experiment's own count", cxxopts::value<int>())
      ("seed", "the first seed", cxxopts::value<std::uint64_t>()->default_value("0"))
      ("jobs", "runs to train at once (default: one per CPU core); the figures do not depend on it",
       cxxopts::value<int>())
      ("json", "print the replication as JSON instead of text")
      ("report", "also write it as a self-contained HTML page here", cxxopts::value<std::string>())
      ("plot", "also write the experiment's figure here as SVG (the paper's kind of plot)",
       cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
  options.parse_positional({"experiment"});
  options.positional_help("NAME");
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\nexperiments:\n"
              << experiments_list()
              << "\nexamples:\n  ember replicate --list\n  ember replicate he2015 --quick\n"
                 "  ember replicate glorot2010 --report glorot.html\n"
                 "Each verdict speaks only of the scaled-down version run here; 'differs:' says how it differs "
                 "from the paper's.\n";
    return 0;
  }
  if (args.count("list")) {
    std::cout << experiments_list();
    return 0;
  }
  if (!args.count("experiment")) throw UsageError("name an experiment (ember replicate --list shows them)");
  const Experiment* experiment = nullptr;
  try {
    experiment = &find_experiment(args["experiment"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  ReplicateOptions run;
  run.quick = args.count("quick") > 0;
  run.seed = args["seed"].as<std::uint64_t>();
  if (args.count("seeds")) {
    run.seeds = args["seeds"].as<int>();
    if (run.seeds < 1) throw UsageError("--seeds must be at least 1, got " + std::to_string(run.seeds));
  }
  run.jobs =
      args.count("jobs") ? args["jobs"].as<int>() : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (run.jobs < 1) throw UsageError("--jobs must be at least 1, got " + std::to_string(run.jobs));
  const std::string report = args.count("report") ? args["report"].as<std::string>() : "";
  if (!report.empty()) check_writable_destination(report, "--report");
  const std::string plot_path = args.count("plot") ? args["plot"].as<std::string>() : "";
  if (!plot_path.empty()) check_writable_destination(plot_path, "--plot");

  run.progress = [](const std::string& what) { std::cerr << "replicate: " << what << std::endl; };
  std::cerr << "replicate: " << experiment->name << (run.quick ? " (quick)" : "") << ": " << experiment->claim << "\n";
  const auto started = std::chrono::steady_clock::now();
  Replication replication = experiment->run(run);
  replication.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (args.count("json")) std::cout << replication_json(replication).dump(2) << "\n";
  else std::cout << replication_text(replication);
  if (!report.empty()) {
    write_text_file_atomic(report, replication_html(replication));
    std::cerr << "wrote the report to " << report << " (open it in a browser)\n";
  }
  if (!plot_path.empty()) {
    write_text_file_atomic(plot_path,
                           plot::figure_svg("ember replicate " + replication.name, replication.plots, 1, 760, 440));
    std::cerr << "wrote the figure to " << plot_path << " (open it in a browser)\n";
  }
  return 0;
}

}  // namespace ember::cli
