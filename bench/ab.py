#!/usr/bin/python3
"""Before/after: several ember_bench binaries (say, one built before a change and one after) run in
turn, round after round, so they share the machine's load; prints each one's median step time per
workload and its speed-up over the first binary.

    bench/ab.py /tmp/before/ember_bench build-bench/bench/ember_bench --rounds 5 -- --workloads tiny,fashion
"""
import argparse
import statistics
import subprocess
import sys


def main():
    argv = sys.argv[1:]
    bench_args = []
    if "--" in argv:
        cut = argv.index("--")
        argv, bench_args = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    bench_args = bench_args or ["--impl", "ember", "--workloads", "tiny,fashion,wide", "--scale", "0.3"]
    times = {}  # (binary, impl, workload, optimizer, threads) -> [median per round]
    for r in range(args.rounds):
        for binary in args.binaries:
            out = subprocess.run([binary] + bench_args, check=True, stdout=subprocess.PIPE, text=True).stdout
            for line in out.splitlines():
                if line.startswith("#"):
                    continue
                f = line.split("\t")
                times.setdefault((binary, f[0], f[1], f[2], f[3]), []).append(float(f[4]))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    cases = sorted({k[1:] for k in times}, key=lambda c: (c[1], c[0], c[2], c[3]))
    base = args.binaries[0]
    print("| case | " + " | ".join(args.binaries) + " |")
    print("|---|" + "---|" * len(args.binaries))
    for case in cases:
        first = statistics.median(times[(base,) + case])
        cells = []
        for binary in args.binaries:
            t = statistics.median(times.get((binary,) + case, [float("nan")]))
            cells.append(f"{t / 1000:.3f} ms ({first / t:.2f}x)")
        print(f"| {' '.join(case)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
