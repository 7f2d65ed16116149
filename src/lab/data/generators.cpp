// The generated datasets: each fills class by class, in the order of the formulas in
// generators.hpp, and then shuffles the rows with the same Generator. Validation errors are
// DataErrors naming the generator and the bad argument.
#include "ember/lab/data/generators.hpp"
#include "ember/lab/data/split.hpp"

#include <cmath>
#include <string>

#include "ember/core/engine/format.hpp"

namespace ember {
namespace {

void require(bool ok, const std::string& generator, const std::string& message) {
  if (!ok) throw DataError(generator + ": " + message);
}

void check_common(const std::string& generator, Index samples, int classes, double noise) {
  require(classes >= 2, generator, "needs at least 2 classes, got " + std::to_string(classes));
  require(samples >= classes, generator,
          "needs at least one sample per class: " + std::to_string(samples) + " samples for " +
              std::to_string(classes) + " classes");
  require(noise >= 0.0 && std::isfinite(noise), generator, "noise must be >= 0, got " + format_fixed(noise, 6));
}

// An empty (N, D) dataset with names x1..xD and classes "0".."C-1".
Dataset make_empty(const std::string& name, Index samples, Index features, int classes) {
  Dataset data;
  data.name = name;
  data.X.resize(samples, features);
  data.y.resize(static_cast<std::size_t>(samples));
  for (Index d = 0; d < features; ++d) data.feature_names.push_back("x" + std::to_string(d + 1));
  for (int c = 0; c < classes; ++c) data.class_names.push_back(std::to_string(c));
  return data;
}

// Samples in class c when N samples are dealt to C classes: N / C each, the remainder to the first.
Index class_size(Index samples, int classes, int c) { return samples / classes + (c < samples % classes ? 1 : 0); }

// numpy.linspace(start, stop, n)[i], endpoint included.
double linspace(double start, double stop, Index n, Index i) {
  return n == 1 ? start : start + (stop - start) * static_cast<double>(i) / static_cast<double>(n - 1);
}

void add_noise(Dataset& data, double noise, Generator& gen) {
  if (noise == 0.0) return;
  for (Index i = 0; i < data.X.rows(); ++i) {
    for (Index d = 0; d < data.X.cols(); ++d) data.X(i, d) += static_cast<Scalar>(gen.normal(0.0, noise));
  }
}

// Rows in a random order, so the classes are mixed in file order (the fill order is class by class).
Dataset shuffled(const Dataset& data, Generator& gen) {
  std::vector<Index> order(static_cast<std::size_t>(data.size()));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Index>(i);
  gen.shuffle(order);
  return subset(data, order);
}

}  // namespace

Dataset moons(Index samples, double noise, Generator& gen) {
  check_common("moons", samples, 2, noise);
  Dataset data = make_empty("moons", samples, 2, 2);
  // sklearn's split: the outer moon gets N/2 rounded down.
  const Index outer = samples / 2, inner = samples - outer;
  for (Index i = 0; i < samples; ++i) {
    const bool is_outer = i < outer;
    const double t = is_outer ? linspace(0.0, M_PI, outer, i) : linspace(0.0, M_PI, inner, i - outer);
    data.X(i, 0) = static_cast<Scalar>(is_outer ? std::cos(t) : 1.0 - std::cos(t));
    data.X(i, 1) = static_cast<Scalar>(is_outer ? std::sin(t) : 0.5 - std::sin(t));
    data.y[static_cast<std::size_t>(i)] = is_outer ? 0 : 1;
  }
  add_noise(data, noise, gen);
  return shuffled(data, gen);
}

Dataset circles(Index samples, double noise, Generator& gen, double factor) {
  check_common("circles", samples, 2, noise);
  require(factor > 0.0 && factor < 1.0, "circles", "factor must be in (0, 1), got " + format_fixed(factor, 6));
  Dataset data = make_empty("circles", samples, 2, 2);
  const Index outer = samples / 2, inner = samples - outer;
  for (Index i = 0; i < samples; ++i) {
    const bool is_outer = i < outer;
    // Angles evenly spaced without the endpoint (2π is 0 again), as in sklearn.
    const double t = is_outer ? 2.0 * M_PI * static_cast<double>(i) / static_cast<double>(outer)
                              : 2.0 * M_PI * static_cast<double>(i - outer) / static_cast<double>(inner);
    const double radius = is_outer ? 1.0 : factor;
    data.X(i, 0) = static_cast<Scalar>(radius * std::cos(t));
    data.X(i, 1) = static_cast<Scalar>(radius * std::sin(t));
    data.y[static_cast<std::size_t>(i)] = is_outer ? 0 : 1;
  }
  add_noise(data, noise, gen);
  return shuffled(data, gen);
}

Dataset spiral(Index samples, int classes, double noise, Generator& gen) {
  check_common("spiral", samples, classes, noise);
  Dataset data = make_empty("spiral", samples, 2, classes);
  Index row = 0;
  for (int arm = 0; arm < classes; ++arm) {
    const Index n = class_size(samples, classes, arm);
    for (Index i = 0; i < n; ++i, ++row) {
      // CS231n: r = linspace(0, 1, N); t = linspace(4j, 4(j + 1), N) + randn * noise.
      const double r = linspace(0.0, 1.0, n, i);
      const double t = linspace(4.0 * arm, 4.0 * (arm + 1), n, i) + gen.normal(0.0, noise);
      data.X(row, 0) = static_cast<Scalar>(r * std::sin(t));
      data.X(row, 1) = static_cast<Scalar>(r * std::cos(t));
      data.y[static_cast<std::size_t>(row)] = arm;
    }
  }
  return shuffled(data, gen);
}

Dataset xor_data(Index samples, double noise, Generator& gen) {
  check_common("xor", samples, 2, noise);
  Dataset data = make_empty("xor", samples, 2, 2);
  const Index positive = samples / 2;  // class 0: x1*x2 > 0
  for (Index i = 0; i < samples; ++i) {
    const int label = i < positive ? 0 : 1;
    // Uniform in the square given the class: a random one of the class's two quadrants.
    const double sign = gen.below(2) == 0 ? 1.0 : -1.0;
    data.X(i, 0) = static_cast<Scalar>(sign * gen.uniform());
    data.X(i, 1) = static_cast<Scalar>((label == 0 ? sign : -sign) * gen.uniform());
    data.y[static_cast<std::size_t>(i)] = label;
  }
  add_noise(data, noise, gen);
  return shuffled(data, gen);
}

Dataset blobs(Index samples, int classes, Index features, double cluster_std, Generator& gen) {
  check_common("blobs", samples, classes, cluster_std);
  require(features >= 1, "blobs", "needs at least 1 feature, got " + std::to_string(features));
  Dataset data = make_empty("blobs", samples, features, classes);
  Matrix centers(classes, features);  // (C, D), drawn first, as in sklearn
  for (Index c = 0; c < classes; ++c) {
    for (Index d = 0; d < features; ++d) centers(c, d) = static_cast<Scalar>(gen.uniform(-10.0, 10.0));
  }
  Index row = 0;
  for (int c = 0; c < classes; ++c) {
    for (Index i = 0; i < class_size(samples, classes, c); ++i, ++row) {
      data.X.row(row) = centers.row(c);
      data.y[static_cast<std::size_t>(row)] = c;
    }
  }
  add_noise(data, cluster_std, gen);
  return shuffled(data, gen);
}

}  // namespace ember
