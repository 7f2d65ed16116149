#!/usr/bin/python3
"""Ember beside PyTorch and plain Eigen, in one run: the table of bench/README.md.

    bench/run.py               # build build-bench/, then measure everything (about 5 minutes)
    bench/run.py --rounds 1    # quicker, noisier

Each round runs, for 1 and 2 threads, ember_bench (Ember's training step and plain Eigen's,
interleaved in one process) and then torch_bench.py (PyTorch's), so all three share the machine's
load of that moment. The table gives the median over rounds of each median step time, and each
ratio as the median (min-max) of the ratios taken within each round. Then a Fashion-MNIST epoch
(ember's fit() against PyTorch's own loop), the peak memory of a whole Fashion-MNIST run in each,
and `ember train` on the small built-in datasets.

PyTorch gets its fastest set-up here: OpenBLAS (LD_LIBRARY_PATH to Debian's openblas-pthread, when
installed; the system default here is the reference BLAS) with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, torch.set_num_threads(N); at 2 threads also torch at 1 thread with OpenBLAS
at 2, and the faster of the two counts.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORCH_PYTHON = "/usr/bin/python3"
OPENBLAS_FOR_TORCH = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
SMALL_DATASETS = ["iris", "wine", "breast_cancer", "digits", "moons", "circles", "spiral", "xor", "blobs"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def build(build_dir):
    subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DEMBER_BUILD_BENCH=ON"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j2", "--target", "ember_bench", "ember"], check=True,
                   stdout=subprocess.DEVNULL)


def torch_env(torch_threads, blas_threads):
    env = dict(os.environ)
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(name, None)
    if os.path.isdir(OPENBLAS_FOR_TORCH):
        env["LD_LIBRARY_PATH"] = OPENBLAS_FOR_TORCH + ":" + env.get("LD_LIBRARY_PATH", "")
    env["OPENBLAS_NUM_THREADS"] = str(blas_threads)
    env["OMP_NUM_THREADS"] = str(torch_threads)
    return env


def parse(output):
    """Lines of ember_bench / torch_bench: impl workload optimizer threads median q1 q3 allocs rss faults."""
    rows = []
    for line in output.splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split("\t")
        rows.append({"impl": f[0], "workload": f[1], "optimizer": f[2], "threads": int(f[3]), "us": float(f[4]),
                     "allocs": float(f[7]), "rss_growth_kib": int(f[8]),
                     "faults": float(f[9]) if len(f) > 9 else 0.0})
    return rows


def run(command, env=None):
    result = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return parse(result.stdout)


def measure_steps(bench, threads, rounds, scale):
    """{(impl, workload, optimizer, threads): [median step time per round]} and the last round's rows."""
    times, last = {}, {}
    for r in range(rounds):
        for t in threads:
            log(f"round {r + 1}/{rounds}, {t} thread(s): ember and plain Eigen")
            rows = run([bench, "--threads", str(t), "--workloads", "tiny,fashion,wide", "--scale", str(scale)])
            log(f"round {r + 1}/{rounds}, {t} thread(s): PyTorch")
            configs = [(t, t)] if t == 1 else [(t, t), (1, t)]
            best = {}
            for torch_threads, blas_threads in configs:
                for row in run([TORCH_PYTHON, os.path.join(ROOT, "bench", "torch_bench.py"), "--threads",
                                str(torch_threads), "--scale", str(scale)], env=torch_env(torch_threads, blas_threads)):
                    key = (row["workload"], row["optimizer"])
                    if key not in best or row["us"] < best[key]["us"]:
                        best[key] = dict(row, threads=t, config=f"torch {torch_threads} / OpenBLAS {blas_threads}")
            rows += best.values()
            for row in rows:
                key = (row["impl"], row["workload"], row["optimizer"], row["threads"])
                times.setdefault(key, []).append(row["us"])
                last[key] = row
    return times, last


def measure_epoch(bench, rounds, repeats):
    times = {}
    for r in range(rounds):
        log(f"round {r + 1}/{rounds}: Fashion-MNIST epoch, ember and PyTorch")
        rows = run([bench, "--threads", "1", "--workloads", "epoch", "--epochs-repeat", str(repeats)])
        rows += run([TORCH_PYTHON, os.path.join(ROOT, "bench", "torch_bench.py"), "--mode", "epoch", "--threads", "1",
                     "--epochs-repeat", str(repeats)], env=torch_env(1, 1))
        for row in rows:
            times.setdefault((row["impl"], row["optimizer"]), []).append(row["us"])
    return times


def peak_rss(command, env=None):
    """Peak resident memory (MiB) and wall time (s) of a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise RuntimeError(f"{' '.join(command)} failed with status {status}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def wait_for_quiet(threshold, limit_s=600):
    start = time.time()
    while os.getloadavg()[0] >= threshold and time.time() - start < limit_s:
        log(f"load average {os.getloadavg()[0]:.2f} >= {threshold}: waiting")
        time.sleep(15)


def fmt_ms(us):
    return f"{us / 1000:.3f}" if us < 1e5 else f"{us / 1000:.1f}"


def ratios(times, numerator, denominator, workload, optimizer, t):
    """Per round: numerator's median step time over denominator's (both measured in that round)."""
    a = times[(numerator, workload, optimizer, t)]
    b = times[(denominator, workload, optimizer, t)]
    return [x / y for x, y in zip(a, b)]


def spread(values, digits=2):
    """median, and (min-max) when there are several rounds."""
    text = f"{statistics.median(values):.{digits}f}"
    return text + (f" ({min(values):.{digits}f}-{max(values):.{digits}f})" if len(values) > 1 else "")


def step_table(times, last, threads):
    lines = ["| workload | optimizer | threads | Ember ms | plain Eigen ms | PyTorch ms | Ember's speed-up over PyTorch | "
             "Ember time / plain Eigen's | allocations per step | RSS growth, timed steps |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for workload in ("tiny", "fashion", "wide"):
        for optimizer in ("sgd", "adam"):
            for t in threads:
                if ("ember", workload, optimizer, t) not in times:
                    continue
                e, g, p = (statistics.median(times[(impl, workload, optimizer, t)]) for impl in ("ember", "eigen", "torch"))
                row = last[("ember", workload, optimizer, t)]
                lines.append(f"| {workload} | {optimizer} | {t} | {fmt_ms(e)} | {fmt_ms(g)} | {fmt_ms(p)} | "
                             f"{spread(ratios(times, 'torch', 'ember', workload, optimizer, t))}x | "
                             f"{spread(ratios(times, 'ember', 'eigen', workload, optimizer, t))} | "
                             f"{row['allocs']:.0f} | {row['rss_growth_kib']} KiB |")
    return "\n".join(lines)


def verdict(ok):
    return "met" if ok else "NOT met"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=float, default=0.5, help="fraction of each workload's default step count")
    parser.add_argument("--epoch-repeats", type=int, default=3)
    parser.add_argument("--wait-quiet", type=float, default=0,
                        help="first wait (up to 10 minutes) until the 1-minute load average is below this")
    args = parser.parse_args()
    if not args.no_build:
        log("building " + args.build_dir)
        build(args.build_dir)
    bench = os.path.join(args.build_dir, "bench", "ember_bench")
    ember = os.path.join(args.build_dir, "ember")
    threads = [1, 2]

    if args.wait_quiet:
        wait_for_quiet(args.wait_quiet)
    load_before = os.getloadavg()
    times, last = measure_steps(bench, threads, args.rounds, args.scale)
    epochs = measure_epoch(bench, args.rounds, args.epoch_repeats)
    log("peak memory of a whole Fashion-MNIST run (1 epoch, Adam, batch 128, test set evaluated)")
    ember_rss, ember_run_s = peak_rss([ember, "train", "--dataset", "fashion_mnist", "--epochs", "1",
                                       "--batch-size", "128"])
    torch_rss, torch_run_s = peak_rss([TORCH_PYTHON, os.path.join(ROOT, "bench", "torch_bench.py"), "--mode", "run"],
                                      env=torch_env(1, 1))
    log("ember train on the small built-in datasets")
    small = {name: peak_rss([ember, "train", "--dataset", name])[1] for name in SMALL_DATASETS}
    load_after = os.getloadavg()

    def median(impl, workload, optimizer, t):
        return statistics.median(times[(impl, workload, optimizer, t)])

    def speedup(workload, optimizer, t):
        return statistics.median(ratios(times, "torch", "ember", workload, optimizer, t))

    def vs_eigen(workload, optimizer, t):
        return statistics.median(ratios(times, "ember", "eigen", workload, optimizer, t))

    tiny_speedup = speedup("tiny", "adam", 1)
    tiny_eigen = max(vs_eigen("tiny", o, 1) for o in ("sgd", "adam"))
    fashion_speedup = min(speedup("fashion", o, 1) for o in ("sgd", "adam"))
    epoch_s = statistics.median(epochs[("ember", "adam")]) / 1e6
    wide_vs_torch = min(speedup("wide", o, 2) for o in ("sgd", "adam"))
    wide_scaling = min(median("ember", "wide", o, 1) / median("ember", "wide", o, 2) for o in ("sgd", "adam"))
    growth = max(abs(row["rss_growth_kib"]) for key, row in last.items() if key[0] == "ember")

    out = []
    out.append(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs "
               f"({cpu_model()}); load average {load_before[0]:.2f} before, {load_after[0]:.2f} after. "
               f"{args.rounds} round(s); medians.")
    out.append("")
    out.append(step_table(times, last, threads))
    out.append("")
    out.append("| Fashion-MNIST epoch, 1 thread (60,000 images, batch 128) | Ember fit() s | PyTorch loop s | "
               "Ember's speed-up |")
    out.append("|---|---|---|---|")
    for optimizer in ("sgd", "adam"):
        e, p = epochs[("ember", optimizer)], epochs[("torch", optimizer)]
        out.append(f"| {optimizer} | {statistics.median(e) / 1e6:.3f} | {statistics.median(p) / 1e6:.3f} | "
                   f"{spread([y / x for x, y in zip(e, p)])}x |")
    out.append("")
    out.append(f"Whole Fashion-MNIST run (load, 1 epoch, evaluate the test set): Ember peak RSS {ember_rss:.0f} MiB "
               f"in {ember_run_s:.2f} s; PyTorch {torch_rss:.0f} MiB in {torch_run_s:.2f} s.")
    out.append("`ember train` (defaults: 100 epochs, Adam, batch 32), wall time: " +
               ", ".join(f"{name} {s:.2f} s" for name, s in small.items()) + ".")
    out.append("")
    out.append("| target | measured | verdict |")
    out.append("|---|---|---|")
    out.append(f"| tiny, Adam, 1 thread: >= 8x PyTorch's steps/s | {tiny_speedup:.1f}x | {verdict(tiny_speedup >= 8)} |")
    out.append(f"| tiny: within 1.5x of plain Eigen | {tiny_eigen:.2f}x | {verdict(tiny_eigen <= 1.5)} |")
    out.append(f"| fashion, 1 thread: >= 2x PyTorch (SGD and Adam) | {fashion_speedup:.2f}x | "
               f"{verdict(fashion_speedup >= 2)} |")
    out.append(f"| Fashion-MNIST epoch, Adam, batch 128, 1 thread: < 0.14 s | {epoch_s:.3f} s | {verdict(epoch_s < 0.14)} |")
    out.append(f"| wide, 2 threads: at least PyTorch's speed | {wide_vs_torch:.2f}x | {verdict(wide_vs_torch >= 1)} |")
    out.append(f"| wide: 2 threads >= 1.6x faster than 1 | {wide_scaling:.2f}x | {verdict(wide_scaling >= 1.6)} |")
    out.append(f"| `ember train` on the small built-in datasets: well under 1 s | slowest {max(small.values()):.2f} s | "
               f"{verdict(max(small.values()) < 0.5)} |")
    out.append(f"| memory flat from step to step | largest RSS growth {growth} KiB over a timed run | "
               f"{verdict(growth <= 256)} |")
    out.append(f"| Fashion-MNIST run peak RSS well under PyTorch's | {ember_rss:.0f} vs {torch_rss:.0f} MiB | "
               f"{verdict(ember_rss < 0.6 * torch_rss)} |")
    print("\n".join(out))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
