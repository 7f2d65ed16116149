// ember report: the report of a comparison rebuilt from its results files (ember compare --results),
// with no training: the table, the paired comparisons, the grid and the sentences, the CSV, the plot
// or the JSON, as compare printed them. Several files (the shards of a grid, run on other machines)
// merge into one comparison; files of different comparisons are refused, naming what differs.
#include <iostream>

#include "cli_options.hpp"
#include "commands.hpp"
#include "compare_output.hpp"
#include "ember/lab/study/results_file.hpp"

namespace ember::cli {

int cmd_report(int argc, char** argv) {
  cxxopts::Options options("ember report",
                           "Report a comparison from its results files (ember compare --results), merging shards.");
  // clang-format off
  options.add_options()
      ("files", "results files", cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  // clang-format on
  add_comparison_output_options(options, "html");
  options.parse_positional({"files"});
  options.positional_help("RESULTS.jsonl [MORE.jsonl ...]");
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help()
              << "\nThe files may come from several machines: each line holds its whole run and the options of\n"
                 "its comparison, so the shards of a grid (ember compare --shard K/N --results shard-K.jsonl) merge\n"
                 "into the report the whole grid on one machine would print (the seconds aside).\n"
                 "examples:\n  ember report runs.jsonl\n"
                 "  ember report shard-*.jsonl --plot study.svg --csv study.csv\n"
                 "  ember report runs.jsonl --html study.html   # one page with every plot\n";
    return 0;
  }
  if (!args.count("files")) throw UsageError("give one results file or more (from ember compare --results FILE)");
  const Results results = read_results(args["files"].as<std::vector<std::string>>());
  for (const std::string& warning : results.warnings) std::cerr << "warning: " << warning << "\n";
  const CompareResult result = result_from(results);
  if (result.incomplete_results)
    std::cerr << "ember report: " << result.runs.size() << " of the grid's " << result.planned_runs
              << " runs are in these files: the report covers those\n";
  const ComparisonOutputs outputs = read_comparison_outputs(args, "html");
  if (outputs.layers() && !results.study.value("layer_health", false))
    throw UsageError(
        "the results hold no layer figures: run ember compare with --layer-health (or --layers-csv, "
        "--layers-plot) and --results to record them");
  if (!outputs.boundary_path.empty() && result.config.boundary.empty())
    throw UsageError("--plot-boundary: the results hold no decision boundary (" +
                     results.study.value("boundary_note", std::string("recorded by ember compare on data of two "
                                                                      "features")) +
                     ")");
  report_comparison(result, results.study.value("description", std::string("ember report")), outputs,
                    results.study.value("boundary_note", std::string()));
  return 0;
}

}  // namespace ember::cli
