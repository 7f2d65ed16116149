// Generated 2-D (and n-D) classification datasets, the classic toys for watching an MLP bend a
// decision boundary. Every draw comes from the Generator passed in: the same seed gives the same
// points on every compiler. Rows are shuffled (as sklearn's make_* do), so batches in file order mix
// the classes. Feature names are x1, x2, ...; class names "0", "1", ...; classes differ in size by
// at most one sample. Not here: regression targets. By name with defaults: builtin.hpp.
#pragma once

#include "ember/core/data/dataset.hpp"
#include "ember/core/engine/random.hpp"

namespace ember {

// Two interleaving half circles (sklearn's make_moons geometry): class 0 the upper arc of the unit
// circle, class 1 the lower arc shifted to (1, 0.5). Gaussian noise of std `noise` on each coordinate.
Dataset moons(Index samples, double noise, Generator& gen);

// A circle of radius `factor` (class 1) inside the unit circle (class 0), sklearn's make_circles.
Dataset circles(Index samples, double noise, Generator& gen, double factor = 0.5);

// `classes` spiral arms (CS231n's spiral): arm j has radius r from 0 to 1 and angle 4(j + r) plus
// Gaussian noise of std `noise` radians. The classic setting is 3 arms, noise 0.2.
Dataset spiral(Index samples, int classes, double noise, Generator& gen);

// Points uniform in the square [-1, 1]^2, class = sign of x1*x2 (0 where positive: the XOR of the
// two signs), then Gaussian noise of std `noise` on each coordinate. No linear model separates it.
Dataset xor_data(Index samples, double noise, Generator& gen);

// `classes` Gaussian clusters in `features` dimensions, centres uniform in [-10, 10]^features,
// each coordinate with std `cluster_std` (sklearn's make_blobs).
Dataset blobs(Index samples, int classes, Index features, double cluster_std, Generator& gen);

}  // namespace ember
