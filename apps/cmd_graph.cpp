// ember graph: the autograd graph of one forward pass and loss of the model `ember train` would
// build, on the first --batch-size rows of the training set, as Graphviz DOT (stdout or --output),
// optionally with each node's gradient norm after backward (--grads) and rendered to SVG by
// Graphviz's `dot` (--svg). The walk and the DOT are the lab's (ember/lab/plot/autograd_graph.hpp).
#include <algorithm>
#include <iostream>

#include "cli_options.hpp"
#include "commands.hpp"
#include "ember/core/engine/format.hpp"
#include "ember/lab/io/atomic_file.hpp"
#include "ember/lab/io/model_file.hpp"
#include "ember/lab/plot/autograd_graph.hpp"

namespace ember::cli {

namespace {

const char* graph_example =
    "examples:\n"
    "  ember graph --dataset moons > graph.dot\n"
    "  ember graph --dataset moons --grads --svg graph.svg\n"
    "  ember graph --dataset iris --activation tanh --hidden 16 --batch-size 8 --output graph.dot --svg graph.svg\n";

// The model options of `ember train` (and --batch-size), read and checked as train reads them.
TrainConfig read_model_config(const cxxopts::ParseResult& args) {
  TrainConfig config;
  config.activation = args["activation"].as<std::string>();
  config.hidden = parse_hidden(args["hidden"].as<std::string>());
  if (args.count("classes")) config.classes = args["classes"].as<int>();
  config.batch_size = args["batch-size"].as<long>();
  config.seed = args["seed"].as<std::uint64_t>();
  config.dropout = args["dropout"].as<double>();
  try {
    config.init_scheme = nn::parse_init_scheme(args["init-scheme"].as<std::string>());
    validate(config);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return config;
}

// The batch the graph is drawn for: the first `rows` rows of the training set, in order.
struct Batch {
  Tensor x;
  std::vector<int> y;
};
Batch first_rows(const Dataset& train, Index batch_size) {
  const Index rows = std::min(batch_size, train.size());
  if (rows == 0) throw std::runtime_error("the training set is empty");
  return {Tensor::from_matrix(train.X.topRows(rows)), std::vector<int>(train.y.begin(), train.y.begin() + rows)};
}

}  // namespace

int cmd_graph(int argc, char** argv) {
  cxxopts::Options options(
      "ember graph",
      "Write the autograd graph of one forward pass and loss of the model (as 'ember train' builds it) as "
      "Graphviz DOT: one node per op that ran, with its output shape; the parameters, the input batch and "
      "the targets as leaves; an edge from each input to the op it feeds.");
  add_data_options(options);
  add_model_options(options);
  // clang-format off
  options.add_options("Graph")
      ("batch-size", "rows in the batch: the first N of the training set, in order",
       cxxopts::value<long>()->default_value("32"))
      ("init", "start from the weights in this model file", cxxopts::value<std::string>())
      ("grads", "run backward and show each node's gradient norm, |grad| (Frobenius)")
      ("output", "write the DOT here (default: stdout, unless --svg is given)", cxxopts::value<std::string>())
      ("svg", "render the graph to this SVG file with Graphviz's dot (apt-get install graphviz)",
       cxxopts::value<std::string>())
      ("h,help", "show this help");
  // clang-format on
  const auto args = parse_or_usage(options, argc, argv);
  if (args.count("help")) {
    std::cout << options.help() << "\n" << graph_example;
    return 0;
  }
  const DataOptions data = read_data_options(args);
  const TrainConfig config = read_model_config(args);
  const bool grads = args.count("grads") > 0;
  const std::string dot_path = args.count("output") ? args["output"].as<std::string>() : "";
  const std::string svg_path = args.count("svg") ? args["svg"].as<std::string>() : "";
  if (!dot_path.empty() && dot_path == svg_path) throw UsageError("--output and --svg name the same file");
  if (!dot_path.empty()) check_writable_destination(dot_path, "--output");
  if (!svg_path.empty()) check_writable_destination(svg_path, "--svg");

  const PreparedData prepared =
      prepare_data(data, read_test_split(args), args.count("no-standardize") == 0, config.classes.value_or(-1));
  auto model = build_model_for(prepared, config, args);
  const Batch batch = first_rows(prepared.train, config.batch_size);
  const Tensor logits = model->logits(batch.x);
  const Tensor loss = classification_loss(logits, batch.y);

  plot::NodeNames names;
  for (const auto& [name, parameter] : model->named_parameters()) names[&parameter.node()] = name;
  names[&batch.x.node()] = "input";
  // BCEWithLogits reads the targets as a tensor, its second input; cross-entropy reads class indices.
  if (loss.node().parents.size() == 2) names[loss.node().parents[1].get()] = "target";
  if (grads) {
    plot::retain_graph_grads(loss);
    loss.backward();
  }
  const plot::GraphDot graph = plot::autograd_graph_dot(loss, names, grads);
  if (!dot_path.empty()) write_text_file_atomic(dot_path, graph.dot);
  else if (svg_path.empty()) std::cout << graph.dot << std::flush;
  std::cerr << "graph of " << loss.op() << " on " << batch.x.rows() << " rows: " << graph.op_nodes << " ops, "
            << graph.leaf_nodes << " leaves, " << graph.edges << " edges; loss " << format_fixed(loss.item(), 4)
            << (dot_path.empty() ? "" : "; wrote " + dot_path) << "\n";
  if (svg_path.empty()) return 0;
  std::string svg;
  try {
    svg = plot::render_svg(graph.dot);
  } catch (const plot::GraphvizMissing&) {
    throw std::runtime_error(
        "--svg " + svg_path +
        ": Graphviz is not installed (no 'dot' on PATH); install it with "
        "'sudo apt-get install graphviz'" +
        (dot_path.empty() ? "; --output FILE.dot writes the DOT text without it" : "; the DOT text is in " + dot_path));
  }
  write_text_file_atomic(svg_path, svg);
  std::cerr << "wrote " << svg_path << "\n";
  return 0;
}

}  // namespace ember::cli
