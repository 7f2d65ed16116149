#!/usr/bin/python3
"""NumPy's answers for the paired statistics of `ember compare` (src/lab/study/paired_stats.cpp).

    /usr/bin/python3 tests/reference/make_stats_reference.py   # writes tests/reference/stats_reference.json

Read by tests/test_paired_stats.cpp. Sections:
  quantiles   fixed arrays (unsorted, with ties, one and two values, normal draws) with np.quantile at QS
              (method "linear", NumPy's default), np.mean and np.median
  bootstrap   the whole percentile bootstrap written again here, independently of the C++: Ember's
              Generator(seed) is std::mt19937 seeded with uint32(seed ^ (seed >> 32)), whose stream NumPy's
              MT19937 reproduces with _legacy_seeding (both are init_genrand, fixed by the C++ standard);
              Generator::below(n) rejects draws >= 2^32-1 - (2^32-1) % n and returns draw % n. Resample r
              takes the next n draws as indices; its mean is summed left to right (as the C++ does, so the
              bits agree), its median is np.median; the interval is np.quantile of the R statistics at
              (1-c)/2 and (1+c)/2. NaN entries are dropped before resampling; NaN is written as "nan".
Needs only numpy (1.24 here: Debian's python3-numpy).
"""
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "stats_reference.json")
QS = [0.0, 0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975, 1.0]
UINT32_MAX = 2**32 - 1


class Generator:
    """Ember's Generator (include/ember/core/engine/random.hpp): only below(n), the one draw the bootstrap uses."""

    def __init__(self, seed):
        self.bits = np.random.MT19937()
        self.bits._legacy_seeding((seed ^ (seed >> 32)) & UINT32_MAX)
        self.buffer, self.next = [], 0

    def next_u32(self):
        if self.next == len(self.buffer):
            self.buffer, self.next = [int(v) for v in self.bits.random_raw(4096)], 0
        self.next += 1
        return self.buffer[self.next - 1]

    def below(self, n):
        limit = UINT32_MAX - UINT32_MAX % n
        while True:
            draw = self.next_u32()
            if draw < limit:
                return draw % n


def number(v):
    return "nan" if math.isnan(v) else float(v)


def quantile_case(name, values):
    values = [float(v) for v in values]
    return {"name": name, "values": values, "qs": QS,
            "quantiles": [float(v) for v in np.quantile(values, QS)],
            "mean": float(np.mean(values)), "median": float(np.median(values))}


def bootstrap_case(name, values, seed, resamples, confidence):
    kept = [float(v) for v in values if not math.isnan(v)]
    n = len(kept)
    generator = Generator(seed)
    means, medians = [], []
    for _ in range(resamples):
        resample = [kept[generator.below(n)] for _ in range(n)]
        total = 0.0
        for v in resample:
            total += v
        means.append(total / n)
        medians.append(float(np.median(resample)))
    qs = [(1 - confidence) / 2, (1 + confidence) / 2]
    return {"name": name, "values": [number(v) for v in values], "seed": seed, "resamples": resamples,
            "confidence": confidence, "count": n,
            "mean": float(np.mean(kept)), "mean_ci": [float(v) for v in np.quantile(means, qs)],
            "median": float(np.median(kept)), "median_ci": [float(v) for v in np.quantile(medians, qs)]}


def main():
    rng = np.random.default_rng(20240611)
    quantiles = [
        quantile_case("three, unsorted", [3.0, 1.0, 2.0]),
        quantile_case("one value", [4.5]),
        quantile_case("two values", [1.0, 3.0]),
        quantile_case("ten seeds' epochs to target, with ties", [12, 15, 11, 12, 30, 14, 13, 12, 16, 11]),
        quantile_case("all equal", [2.5, 2.5, 2.5, 2.5]),
        quantile_case("eight, negative and positive", [-0.75, 2.0, 0.125, -3.5, 1.0, 0.0, 4.25, -1.0]),
        quantile_case("37 normal draws", rng.normal(0.5, 1.0, 37)),
        quantile_case("400 normal draws", rng.normal(-2.0, 3.0, 400)),
    ]
    bootstrap = [
        bootstrap_case("ten differences", rng.normal(0.5, 1.0, 10), 7, 2000, 0.95),
        bootstrap_case("five epochs, ties, 90%", [10.0, 11.0, 12.0, 10.0, 11.0], 1, 1000, 0.9),
        bootstrap_case("eight with two NaN", [1.5, float("nan"), -0.5, 2.0, 0.25, float("nan"), 3.0, 1.0], 42,
                       1500, 0.95),
        bootstrap_case("even count, 80%, a 64-bit seed", rng.normal(0.0, 2.0, 6), 2**40 + 7, 999, 0.8),
    ]
    document = {"generator": "tests/reference/make_stats_reference.py", "numpy": np.__version__,
                "quantiles": quantiles, "bootstrap": bootstrap}
    with open(OUTPUT, "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    print("wrote %s (%d quantile cases, %d bootstrap cases)" % (OUTPUT, len(quantiles), len(bootstrap)))


if __name__ == "__main__":
    main()
