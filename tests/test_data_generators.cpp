// The generated datasets (src/lab/data/generators.cpp): determinism per seed, shapes, class balance,
// and the geometry each promises (checked with noise 0, where it is exact).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "ember/lab/data/generators.hpp"
#include "ember/lab/data/split.hpp"

using namespace ember;

namespace {

using Make = std::function<Dataset(Generator&)>;

std::vector<std::pair<std::string, Make>> all_generators() {
  return {{"moons", [](Generator& g) { return moons(200, 0.1, g); }},
          {"circles", [](Generator& g) { return circles(200, 0.1, g); }},
          {"spiral", [](Generator& g) { return spiral(300, 3, 0.2, g); }},
          {"xor", [](Generator& g) { return xor_data(200, 0.1, g); }},
          {"blobs", [](Generator& g) { return blobs(200, 4, 3, 1.0, g); }}};
}

bool same(const Dataset& a, const Dataset& b) { return a.X == b.X && a.y == b.y; }

}  // namespace

TEST_CASE("generators give the same data for a seed and different data for another", "[data][generators]") {
  for (const auto& [name, make] : all_generators()) {
    INFO(name);
    Generator g1(42), g2(42), g3(43);
    const Dataset a = make(g1), b = make(g2), c = make(g3);
    CHECK(same(a, b));
    CHECK_FALSE(same(a, c));
    CHECK(a.name == name);
  }
}

TEST_CASE("generators have the promised shapes, names and class balance", "[data][generators]") {
  Generator gen(0);
  const Dataset m = moons(201, 0.1, gen);
  CHECK(m.size() == 201);
  CHECK(m.num_features() == 2);
  CHECK(m.feature_names == std::vector<std::string>{"x1", "x2"});
  CHECK(m.class_names == std::vector<std::string>{"0", "1"});
  CHECK(class_counts(m) == std::vector<Index>{100, 101});  // sklearn: the outer moon gets N/2 rounded down

  CHECK(class_counts(circles(100, 0.0, gen)) == std::vector<Index>{50, 50});
  CHECK(class_counts(xor_data(101, 0.0, gen)) == std::vector<Index>{50, 51});
  CHECK(class_counts(spiral(301, 3, 0.2, gen)) == std::vector<Index>{101, 100, 100});

  const Dataset b = blobs(1000, 3, 5, 1.0, gen);
  CHECK(b.num_features() == 5);
  CHECK(b.feature_names.back() == "x5");
  CHECK(b.class_names == std::vector<std::string>{"0", "1", "2"});
  CHECK(class_counts(b) == std::vector<Index>{334, 333, 333});
}

TEST_CASE("generated rows are shuffled, so file order mixes the classes", "[data][generators]") {
  Generator gen(1);
  const Dataset m = moons(100, 0.1, gen);
  int first_half_class1 = 0;
  for (int i = 0; i < 50; ++i) first_half_class1 += m.y[static_cast<std::size_t>(i)];
  CHECK(first_half_class1 > 10);
  CHECK(first_half_class1 < 40);
}

TEST_CASE("without noise, moons lie on their two arcs", "[data][generators]") {
  Generator gen(3);
  const Dataset m = moons(100, 0.0, gen);
  for (Index i = 0; i < m.size(); ++i) {
    const double x = m.X(i, 0), y = m.X(i, 1);
    if (m.y[static_cast<std::size_t>(i)] == 0) {
      CHECK(x * x + y * y == Approx(1.0).margin(1e-5));  // upper unit half circle
      CHECK(y >= -1e-6);
    } else {
      CHECK((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5) == Approx(1.0).margin(1e-5));  // lower arc at (1, 0.5)
      CHECK(y <= 0.5 + 1e-6);
    }
  }
}

TEST_CASE("without noise, circles have radius 1 and factor", "[data][generators]") {
  Generator gen(3);
  const Dataset c = circles(100, 0.0, gen, 0.3);
  for (Index i = 0; i < c.size(); ++i) {
    const double r = std::hypot(c.X(i, 0), c.X(i, 1));
    CHECK(r == Approx(c.y[static_cast<std::size_t>(i)] == 0 ? 1.0 : 0.3).margin(1e-5));
  }
}

TEST_CASE("without noise, the xor class follows the signs of x1 and x2 inside the unit square", "[data][generators]") {
  Generator gen(5);
  const Dataset d = xor_data(400, 0.0, gen);
  for (Index i = 0; i < d.size(); ++i) {
    CHECK(std::abs(d.X(i, 0)) <= 1.0f);
    CHECK(std::abs(d.X(i, 1)) <= 1.0f);
    CHECK((d.X(i, 0) * d.X(i, 1) < 0 ? 1 : 0) == d.y[static_cast<std::size_t>(i)]);
  }
}

TEST_CASE("spiral arms stay in the unit disc and turn with their class", "[data][generators]") {
  Generator gen(7);
  const Dataset s = spiral(300, 3, 0.0, gen);
  for (Index i = 0; i < s.size(); ++i) {
    const double r = std::hypot(s.X(i, 0), s.X(i, 1));
    CHECK(r <= 1.0 + 1e-6);
    // Without noise the angle is 4(j + r): atan2(x, y) since x = r sin t, y = r cos t.
    if (r > 0.05) {
      const double t = 4.0 * (s.y[static_cast<std::size_t>(i)] + r);
      CHECK(std::sin(t) * r == Approx(s.X(i, 0)).margin(1e-4));
      CHECK(std::cos(t) * r == Approx(s.X(i, 1)).margin(1e-4));
    }
  }
}

TEST_CASE("blobs cluster around their centres with the asked spread", "[data][generators]") {
  Generator gen(11);
  const Dataset b = blobs(3000, 2, 2, 0.5, gen);
  for (int c = 0; c < 2; ++c) {
    double squares = 0, n = 0;
    Eigen::RowVector2d mean = Eigen::RowVector2d::Zero();
    for (Index i = 0; i < b.size(); ++i) {
      if (b.y[static_cast<std::size_t>(i)] == c) mean += b.X.row(i).cast<double>(), n += 1;
    }
    mean /= n;
    CHECK(std::abs(mean(0)) <= 10.5);  // centres are drawn in [-10, 10]
    for (Index i = 0; i < b.size(); ++i) {
      if (b.y[static_cast<std::size_t>(i)] != c) continue;
      squares += (b.X(i, 0) - mean(0)) * (b.X(i, 0) - mean(0));
    }
    CHECK(std::sqrt(squares / n) == Approx(0.5).margin(0.03));
  }
}

TEST_CASE("generators reject impossible arguments", "[data][generators]") {
  Generator gen(0);
  CHECK_THROWS_WITH(moons(1, 0.1, gen), Catch::Contains("moons: needs at least one sample per class"));
  CHECK_THROWS_WITH(moons(100, -0.1, gen), Catch::Contains("moons: noise must be >= 0"));
  CHECK_THROWS_WITH(spiral(100, 1, 0.1, gen), Catch::Contains("spiral: needs at least 2 classes"));
  CHECK_THROWS_WITH(circles(100, 0.1, gen, 1.5), Catch::Contains("circles: factor must be in (0, 1)"));
  CHECK_THROWS_WITH(blobs(100, 3, 0, 1.0, gen), Catch::Contains("blobs: needs at least 1 feature"));
}
