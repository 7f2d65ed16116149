#!/usr/bin/python3
"""What a formula activation costs against the built-in op of the same function: seconds per epoch of
training the article's MyModel (as `ember train` trains it: Adam lr 1e-3, batch 32, standardized features,
1 thread) with relu, silu, the formula x*sigmoid(x) (silu's function), the preset mish and the same formula
spelled out, x*tanh(softplus(x)) (there is no built-in mish op: it is compared with relu and silu).

    bench/activations.py               # build build-bench/, then the four workloads (3-4 minutes)
    bench/activations.py --repeats 3 --workloads spiral,digits

Each workload is one ember_bench_activations process (bench_activations.cpp): every repeat trains each
activation once, from the same initial weights, in an order rotated from repeat to repeat, so all of them
share the load of the same minutes. A ratio is taken within each repeat (formula / built-in, same minutes)
and given as the median (min-max) over the repeats; times are medians (min-max) over the repeats.
"""
import argparse
import datetime
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACTIVATIONS = ["relu", "silu", "x*sigmoid(x)", "mish", "x*tanh(softplus(x))"]
# name -> ember_bench_activations options (batch 32 throughout): epochs chosen so that one timed fit() is
# 1,000 steps or more
WORKLOADS = {
    "spiral": ["--dataset", "spiral", "--hidden", "64,32", "--epochs", "200"],
    "moons": ["--dataset", "moons", "--hidden", "64,32", "--epochs", "50"],
    "digits": ["--dataset", "digits", "--hidden", "256,128", "--epochs", "30"],
    "fashion_mnist": ["--dataset", "fashion_mnist", "--hidden", "256,128", "--epochs", "1"],
}
# (numerator, denominator): the ratios of the table
RATIOS = [("x*sigmoid(x)", "silu"), ("mish", "relu"), ("mish", "silu"), ("x*tanh(softplus(x))", "mish"),
          ("silu", "relu")]


def log(message):
    print(message, file=sys.stderr, flush=True)


def build(build_dir):
    subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DEMBER_BUILD_BENCH=ON"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j2", "--target", "ember_bench_activations"], check=True,
                   stdout=subprocess.DEVNULL)


def measure(bench, options, repeats):
    """{activation: [s per epoch, one per repeat]}, {activation: [final loss]}, and the workload's description."""
    out = subprocess.run([bench] + options + ["--repeats", str(repeats), "--activations", ",".join(ACTIVATIONS)],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    seconds, losses, about = {}, {}, ""
    for line in out.splitlines():
        if not line or line.startswith("#"):
            continue
        dataset, rows, hidden, batch, epochs, _, activation, s, loss = line.split("\t")
        seconds.setdefault(activation, []).append(float(s))
        losses.setdefault(activation, []).append(float(loss))
        about = f"{dataset}, {rows} training rows, hidden {hidden}, batch {batch}, {epochs} epoch(s) per fit"
    return seconds, losses, about


def spread(values, digits=2, scale=1.0):
    """median (min-max)"""
    v = [x * scale for x in values]
    return f"{statistics.median(v):.{digits}f} ({min(v):.{digits}f}-{max(v):.{digits}f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    args = parser.parse_args()
    if not args.no_build:
        log("building " + args.build_dir)
        build(args.build_dir)
    bench = os.path.join(args.build_dir, "bench", "ember_bench_activations")

    load_before = os.getloadavg()[0]
    results = {}
    for name in args.workloads.split(","):
        log(f"{name}: {len(ACTIVATIONS)} activations x {args.repeats} repeats (+1 warm-up)")
        results[name] = measure(bench, WORKLOADS[name], args.repeats)
    load_after = os.getloadavg()[0]

    print(f"Measured {datetime.date.today()}, {args.repeats} repeats, load average {load_before:.2f} at the start, "
          f"{load_after:.2f} at the end.\n")
    print("Milliseconds per epoch, median (min-max) over the repeats:\n")
    print("| workload | " + " | ".join(f"`{a}`" for a in ACTIVATIONS) + " |")
    print("|---|" + "---|" * len(ACTIVATIONS))
    for name, (seconds, _, about) in results.items():
        print(f"| {about} | " + " | ".join(spread(seconds[a], 2 if seconds[a][0] < 0.1 else 0, 1000)
                                          for a in ACTIVATIONS) + " |")
    print("\nRatios of times per epoch, each taken within one repeat, median (min-max) over the repeats:\n")
    print("| workload | " + " | ".join(f"`{a}` / `{b}`" for a, b in RATIOS) + " |")
    print("|---|" + "---|" * len(RATIOS))
    for name, (seconds, _, _) in results.items():
        cells = [spread([x / y for x, y in zip(seconds[a], seconds[b])]) for a, b in RATIOS]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nTraining loss after the fit (the same in every repeat; a formula computes its function with other ops,"
          " so it agrees with the built-in to rounding):\n")
    print("| workload | " + " | ".join(f"`{a}`" for a in ACTIVATIONS) + " |")
    print("|---|" + "---|" * len(ACTIVATIONS))
    for name, (_, losses, _) in results.items():
        print(f"| {name} | " + " | ".join(f"{statistics.median(losses[a]):.6f}" for a in ACTIVATIONS) + " |")


if __name__ == "__main__":
    main()
