// `ember replicate`: the small, decisive experiments of the papers behind the article, re-run here and
// judged by a stated rule. An Experiment names its paper and claim and, given the options, runs (a full
// form, or a scaled-down quick one) and returns a Replication: the setup (and how it differs from the
// paper's), the figures measured per seed, and one Check per claim with its verdict — reproduced, not
// reproduced, or inconclusive (the spread over seeds overlaps). The verdict speaks only of the version
// run here. The experiments themselves: replicate_init.cpp (initialization), replicate_activations.cpp
// (activations); the output: replicate_report.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/paired_stats.hpp"

namespace ember {

enum class Outcome { reproduced, not_reproduced, inconclusive };
std::string outcome_name(Outcome outcome);  // "reproduced", "not reproduced", "inconclusive"

// One measured quantity, one value per seed (or per initialization, or one value in all).
struct Measured {
  std::string label;  // "final training loss, xavier"
  std::vector<double> values;
  int decimals = 4;       // how it is printed
  std::string note = "";  // printed after the figures, e.g. a proportion's count and interval
};

struct Check {
  std::string claim;  // the part of the paper's claim this decides, in one sentence
  std::string rule;   // how the figures decide it
  std::vector<Measured> figures;
  Outcome outcome = Outcome::inconclusive;
  std::string because;  // the numbers that decided it, in words
};

struct Replication {
  std::string name, paper, claim;
  std::string setup;    // what ran here
  std::string differs;  // what differs from the paper's setup, and why
  bool quick = false;
  int seeds = 0;
  std::vector<Check> checks;
  std::vector<plot::Panel> plots;  // the experiment's figure in the paper's manner, for --report
  double seconds = 0;
  Outcome outcome() const;  // reproduced when every check is; not reproduced when any is not; else inconclusive
};

struct ReplicateOptions {
  bool quick = false;
  int seeds = 0;  // 0: the experiment's own count
  int jobs = 1;
  std::uint64_t seed = 0;  // the first seed
  // Told what starts, as it starts ("relu, swish: 25 hidden layers of 64, adam lr 0.003, 10 seeds"): a long
  // experiment shows where it is. Empty: nothing.
  std::function<void(const std::string&)> progress;
};

struct Experiment {
  std::string name, paper, claim;
  std::function<Replication(const ReplicateOptions&)> run;
};

// Every experiment, in the order `ember replicate --list` shows them.
const std::vector<Experiment>& replication_experiments();
// The experiment of that name; throws std::invalid_argument naming the known ones.
const Experiment& find_experiment(const std::string& name);

// ---- the rules, shared by the experiments ----

// The paired rule: d_s = a_s − b_s over seeds; `a_greater` claims d > 0. Reproduced when the 95% bootstrap
// interval of the mean of d lies on the claimed side of 0, not reproduced when it lies on the other side,
// inconclusive when it holds 0 (or fewer than 5 seeds). `because` gets the mean difference and interval.
Outcome paired_rule(const std::vector<double>& a, const std::vector<double>& b, bool a_greater, std::uint64_t seed,
                    std::string& because);

// A proportion k of n with its 95% Wilson score interval.
struct Proportion {
  int hits = 0, trials = 0;
  double value() const { return trials > 0 ? static_cast<double>(hits) / trials : NAN; }
  Interval wilson() const;
};

// ---- the output ----

std::string replication_text(const Replication& replication);
nlohmann::json replication_json(const Replication& replication);
std::string replication_html(const Replication& replication);
// The `--list` table: name, paper, claim.
std::string experiments_list();

}  // namespace ember
