// The decision boundaries of a comparison (boundary_report.hpp).
#include "ember/lab/study/boundary_report.hpp"

#include "ember/core/engine/format.hpp"
#include "ember/lab/formula/formula.hpp"

namespace ember {

std::vector<BoundaryRow> boundary_rows(const CompareResult& result, const Summary& summary) {
  std::vector<BoundaryRow> rows;
  const bool grid = settings_of(result.config).size() > 1;
  for (const ActivationSummary& chosen : summary.rows) {
    for (const CompareRun& run : result.runs) {
      // The first seed's run: the one every activation starts from the same weights in, and the one recorded.
      if (run.activation != chosen.activation || !same_setting(run.setting, chosen.setting) ||
          run.seed != result.config.base.seed || run.boundaries.empty())
        continue;
      BoundaryRow row;
      row.label = activation_label(run.activation) + (grid ? " (lr " + format_general(run.setting.lr, 3) + ")" : "");
      row.snapshots = run.boundaries;
      for (const BoundarySnapshot& s : run.boundaries) {
        const bool measured = s.epoch >= 1 && static_cast<std::size_t>(s.epoch) <= run.epochs.size();
        row.captions.push_back(measured ? boundary_caption(run.epochs[static_cast<std::size_t>(s.epoch - 1)])
                                        : "epoch " + std::to_string(s.epoch));
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::string comparison_boundary_svg(const CompareResult& result, const Summary& summary, const std::string& settings) {
  return boundary_figure_svg(result.config.boundary, boundary_rows(result, summary),
                             "Decision boundaries as training goes (seed " + std::to_string(result.config.base.seed) +
                                 ", the same start for every activation)",
                             settings);
}

}  // namespace ember
