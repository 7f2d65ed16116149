#!/usr/bin/python3
"""NumPy's answers for the layer figures of `ember compare --layers-csv` (LayerHealth, src/lab/monitor/diagnostics.cpp).

    /usr/bin/python3 tests/reference/make_layer_reference.py   # writes tests/reference/layer_reference.json

Read by tests/test_layer_health.cpp. Sections:
  percentiles  fixed arrays (ties, negatives, a constant, normal draws and their sigmoids) with np.percentile
               at PERCENTS (method "linear", NumPy's default: h = (n-1)q, linear between order statistics)
  probe        a probe of 20 samples x 2 features, rounded to float32 first (Ember's Matrix holds float32, so
               both sides see the same numbers). Fed through an identity first layer, z = x: the figures of
               z and of a = relu(z) = max(z, 0), pooled over samples and units: np.mean, np.std (ddof=0: the
               population's, as Ember's) and np.percentile at 2, 50, 98.
Needs only numpy (1.24 here: Debian's python3-numpy).
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "layer_reference.json")
PERCENTS = [0, 2, 10, 25, 50, 75, 90, 98, 100]


def percentile_case(name, values):
    values = np.asarray(values, dtype=np.float64)
    return {"name": name, "values": [float(v) for v in values], "percents": PERCENTS,
            "percentiles": [float(v) for v in np.percentile(values, PERCENTS)]}


def figures(x):
    p2, p50, p98 = np.percentile(x, [2, 50, 98])
    return {"mean": float(np.mean(x)), "std": float(np.std(x)), "p2": float(p2), "p50": float(p50),
            "p98": float(p98)}


def main():
    rng = np.random.default_rng(20250301)
    percentiles = [
        percentile_case("five, unsorted", [3.0, -1.0, 4.0, 1.5, 9.0]),
        percentile_case("ties and zeros, as relu's outputs", [0, 0, 0, 0, 0.5, 0, 2, 0.5, 0, 1]),
        percentile_case("a constant", [0.25] * 7),
        percentile_case("501 normal draws", rng.normal(0.3, 2.0, 501)),
        percentile_case("1500 sigmoids of normal draws", 1 / (1 + np.exp(-rng.normal(0.0, 3.0, 1500)))),
    ]
    probe = rng.normal(0.0, 1.5, (20, 2)).astype(np.float32).astype(np.float64)
    document = {"generator": "tests/reference/make_layer_reference.py", "numpy": np.__version__,
                "percentiles": percentiles,
                "probe": {"rows": probe.tolist(), "z": figures(probe), "relu": figures(np.maximum(probe, 0))}}
    with open(OUTPUT, "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    print("wrote %s (%d percentile cases, a probe of %d samples)" % (OUTPUT, len(percentiles), len(probe)))


if __name__ == "__main__":
    main()
