// "Inside each layer", the report of `ember compare --layers-csv / --layers-plot`: each hidden layer's
// pre-activations and activations on the probe per epoch (LayerHealth, measured by Diagnostics when
// CompareConfig::layer_health is on: lab/monitor/diagnostics.hpp), with its dead and saturated fractions
// and gradient norms, as a long CSV and as an SVG of the activations' percentiles (Glorot & Bengio 2010).
// Not here: the table, sentences and main figure of compare (compare_report.hpp). Next: layer_report.cpp.
#pragma once

#include <string>

#include "ember/lab/study/compare.hpp"

namespace ember {

// One row per (run, epoch, layer, quantity), header
//   activation,optimizer,lr,seed,chosen,epoch,layer,quantity,value
// For each hidden layer fc1..fc(K-1): preact_mean, preact_std, act_mean, act_std, act_p2, act_p50, act_p98
// (only where measured: runs without layer health have none), dead_fraction, saturated_fraction,
// grad_norm; for the output layer fcK: grad_norm. So with layer health, runs × epochs × (10·(K−1) + 1)
// rows. Every run of a grid; chosen is "yes" for its activation's chosen setting. NaN: an empty value.
std::string layer_health_csv(const CompareResult& result, const Summary& summary);

// A panel per hidden layer (rows, fc1 on top) and activation (columns, its chosen setting): f(z)'s median
// per epoch, mean over seeds, shaded from the mean 2nd to the mean 98th percentile. One band per panel,
// since bands drawn over one another hide each other. When the runs measured no layer health, the title
// says so and the panels say "no data". Each activation's line has its colour and dash on compare's figure
// (its place in result.config.activations). `settings`, the setup text, goes under the title.
std::string layer_health_svg(const CompareResult& result, const Summary& summary, const std::string& settings);
std::string layer_health_svg(const CompareResult& result, const Summary& summary);

}  // namespace ember
