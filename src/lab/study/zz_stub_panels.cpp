// TEMPORARY stub until branch fig lands.
#include "ember/lab/study/compare_report.hpp"
namespace ember {
std::vector<FigurePanel> comparison_panels(const CompareResult& result, const Summary& summary,
                                           const std::string& settings) {
  std::vector<FigurePanel> out;
  plot::Panel p;
  p.options.title = "Training loss";
  p.options.subtitle = settings;
  for (const std::string& a : result.config.activations) {
    plot::Series s;
    s.label = a;
    s.y = mean_curve(result, a, [](const StudyEpoch& e) { return e.train_loss; });
    for (std::size_t i = 0; i < s.y.size(); ++i) s.x.push_back(double(i + 1));
    p.series.push_back(s);
  }
  (void)summary;
  out.push_back({"loss", "stub", p});
  return out;
}
}  // namespace ember
