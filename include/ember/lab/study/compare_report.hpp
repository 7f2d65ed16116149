// What `ember compare` shows: the summary table, plain sentences drawn from the numbers (not
// canned: each names the activations and figures that support it), the long CSV (one row per
// activation, seed and epoch) and the SVG figure (loss, test accuracy, every layer's gradient norm
// and dead units per epoch, one curve per activation, the seeds' range shaded).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/lab/plot/svg_plot.hpp"
#include "ember/lab/study/compare.hpp"

namespace ember {

// A table as its cells, the first row the header, with the line that introduces it and the notes under
// it: what the text tables align in columns and the HTML report (html_report.hpp) draws as <table>.
struct ReportTable {
  std::string caption;  // "" or lines ending in "\n"
  std::vector<std::vector<std::string>> rows;
  std::string notes;  // "" or lines ending in "\n"
};
// The caption, the rows padded into columns, the notes.
std::string as_text(const ReportTable& table);
ReportTable summary_cells(const Summary& summary, const CompareResult& result);
ReportTable pairs_cells(const Summary& summary, const CompareResult& result);
ReportTable grid_cells(const Summary& summary, const CompareResult& result);

// One row per activation; in a grid, with its chosen optimizer, learning rate and validation loss.
std::string summary_table(const Summary& summary, const CompareResult& result);
// Every pair of activations compared seed by seed: sooner counts, mean differences with their
// bootstrap intervals, and the verdicts (shown for two seeds or more).
std::string pairs_table(const Summary& summary, const CompareResult& result);
// "relu faster", "within noise", "too few seeds": a verdict of A (first) against B, in words.
std::string verdict_words(Verdict verdict, const std::string& first, const std::string& second,
                          const std::string& better);
// Every cell of the grid: validation loss and accuracy over seeds, diverged seeds, the choice marked.
std::string grid_table(const Summary& summary, const CompareResult& result);
// "interrupted after 5 of 12 runs": the table and the figure say so when result.interrupted.
std::string interrupted_note(const CompareResult& result);
std::vector<std::string> findings(const Summary& summary, const CompareResult& result);
// The long CSV: every run of the grid (activation, optimizer, lr, seed, epoch), with the test figures
// of the chosen settings only. Without `summary`, the one summarize() gives.
std::string comparison_csv(const CompareResult& result, const Summary& summary);
std::string comparison_csv(const CompareResult& result);

// One plot of the comparison: `id` a stable HTML id ("loss", "accuracy", "grad-fc1", ..., "dead", "sensitivity"),
// `how_to_read` a short paragraph for a learner (what the axes are, what the band is, what to look for).
struct FigurePanel {
  std::string id;
  std::string how_to_read;
  plot::Panel panel;  // its title names the plot, its subtitle the dataset and settings
};
// The panels of comparison_svg, in order: training loss, test (else training) accuracy, one gradient-norm
// panel per Linear layer (fc1 ... fcK: every layer, not only the first), dead hidden units, and in a grid the
// sensitivity to the learning rate. The curves are of the chosen settings: a line per activation, the mean
// over seeds, shaded from the lowest to the highest seed when there are several. An activation has the same
// line style (plot::line_style) on every panel: its position in result.config.activations. `settings` is
// the setup text ("spiral, 192 training samples, hidden 64,32, ..."), each panel's subtitle.
std::vector<FigurePanel> comparison_panels(const CompareResult& result, const Summary& summary,
                                           const std::string& settings);
// Those panels in one figure, two columns, titled with the seeds and `settings` (once, under the title, not
// on every panel). Without `settings`, no subtitle; without `summary`, the one summarize() gives.
std::string comparison_svg(const CompareResult& result, const Summary& summary, const std::string& settings);
std::string comparison_svg(const CompareResult& result, const Summary& summary);
std::string comparison_svg(const CompareResult& result);

// The mean over seeds of one figure per epoch, for one activation (NaN where no seed has it).
std::vector<double> mean_curve(const CompareResult& result, const std::string& activation,
                               const std::function<double(const StudyEpoch&)>& figure);

}  // namespace ember
