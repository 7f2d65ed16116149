#!/usr/bin/python3
"""The study's speed: `ember compare --dataset digits --seeds 5 --epochs 100` (4 activations x 5 seeds = 20 runs
of 100 epochs, diagnostics on, as compare always has them) with 1 job and with 2, against the same 20 runs written
plainly in PyTorch (torch_study.py, 1 thread).

    bench/study.py                        # build build-bench/, then 5 rounds (about 10 minutes)
    bench/study.py --wait-quiet 1.0       # before each round, wait (up to --wait-limit s) for a 1-minute load < 1.0
    bench/study.py --rounds 1 --no-build

Each round runs the three programs one after the other (the order rotated from round to round), and times each
whole process with time.perf_counter: start-up, loading the data, training, the report; for PyTorch that includes
`import torch` (about 2 s), so the time PyTorch reports for its training alone is given too. Ratios are taken
within each round (PyTorch / Ember at 1 job, Ember at 1 job / Ember at 2 jobs: programs that ran within minutes of
each other, under much the same load) and given as the median (min-max) over the rounds; times are medians (min-max). The 1-minute
load average is printed before each round, and the CPU time each process used (user + system, getrusage): CPU
time / wall time is 1.0 for one job that had a core to itself, and 2.0 for two jobs that had both cores. On two
cores, 2 jobs can only be twice as fast when nothing else runs.

PyTorch gets run.py's set-up: OpenBLAS for its products (LD_LIBRARY_PATH), 1 thread, OMP/OpenBLAS at 1. Both
programs' products are OpenBLAS's, with the kernels OpenBLAS picks for this CPU (printed: "Core: ..."); an OpenBLAS
older than the CPU falls back to its generic Prescott (SSE3) kernels. --openblas-coretype NAME (Haswell, SkylakeX,
...) sets OPENBLAS_CORETYPE for all three programs, to see what the right kernels would change.
"""
import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
from run import TORCH_PYTHON, cpu_model, torch_env  # noqa: E402  (bench/run.py's set-up for PyTorch)

PROGRAMS = ["ember, 1 job", "ember, 2 jobs", "pytorch"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def build(build_dir):
    """build-bench/ as bench/run.py configures it (Release by default), through ccache when there is one."""
    configure = ["cmake", "-S", ROOT, "-B", build_dir, "-DEMBER_BUILD_BENCH=ON"]
    if shutil.which("ccache"):
        configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
    subprocess.run(configure, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir, "-j2", "--target", "ember"], check=True, stdout=subprocess.DEVNULL)


def wait_for_quiet(threshold, limit_s):
    """Waits until the 1-minute load average is below threshold, or limit_s has passed. True when it got there."""
    start = time.time()
    while os.getloadavg()[0] >= threshold:
        if time.time() - start >= limit_s:
            log(f"load average {os.getloadavg()[0]:.2f} still >= {threshold} after {limit_s:.0f} s: measuring anyway")
            return False
        log(f"load average {os.getloadavg()[0]:.2f} >= {threshold}: waiting")
        time.sleep(15)
    return True


def timed(command, env=None):
    """Wall time of the whole process (s), the CPU time it used (user + system, s), and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        log(result.stderr)
        raise RuntimeError(f"{' '.join(command)} failed with status {result.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, result.stdout


def openblas_core(command, env):
    """The kernels OpenBLAS chose for this CPU, as it says with OPENBLAS_VERBOSE=2."""
    result = subprocess.run(command, env=dict(env, OPENBLAS_VERBOSE="2"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    found = re.search(r"^Core: (\S+)", result.stderr, re.M)
    return found.group(1) if found else "not reported (no OpenBLAS?)"


def spread(values, digits=2):
    """median (min-max)"""
    return (f"{statistics.median(values):.{digits}f}" +
            (f" ({min(values):.{digits}f}-{max(values):.{digits}f})" if len(values) > 1 else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--wait-quiet", type=float, default=0,
                        help="before each round, wait until the 1-minute load average is below this (0: don't)")
    parser.add_argument("--wait-limit", type=float, default=600, help="the longest wait before a round, s")
    parser.add_argument("--openblas-coretype", default="",
                        help="OPENBLAS_CORETYPE for every program (default: unset, OpenBLAS detects the CPU)")
    args = parser.parse_args()
    if not args.no_build:
        log("building " + args.build_dir)
        build(args.build_dir)
    ember = os.path.join(args.build_dir, "ember")
    study = ["--seeds", str(args.seeds), "--epochs", str(args.epochs)]
    ember_env, pytorch_env = dict(os.environ), torch_env(1, 1)
    for env in (ember_env, pytorch_env):
        env.pop("OPENBLAS_CORETYPE", None)
        if args.openblas_coretype:
            env["OPENBLAS_CORETYPE"] = args.openblas_coretype
    commands = {
        "ember, 1 job": ([ember, "compare", "--dataset", "digits"] + study + ["--jobs", "1"], ember_env),
        "ember, 2 jobs": ([ember, "compare", "--dataset", "digits"] + study + ["--jobs", "2"], ember_env),
        "pytorch": ([TORCH_PYTHON, os.path.join(BENCH, "torch_study.py")] + study, pytorch_env),
    }
    core = openblas_core([ember, "compare", "--dataset", "digits", "--seeds", "1", "--epochs", "1"], ember_env)

    times = {name: [] for name in PROGRAMS}
    cpu_times = {name: [] for name in PROGRAMS}
    torch_training = []  # what torch_study.py reports for its training alone
    loads, quiet = [], []
    outputs = {}
    for r in range(args.rounds):
        if args.wait_quiet:
            quiet.append(wait_for_quiet(args.wait_quiet, args.wait_limit))
        loads.append(os.getloadavg()[0])
        order = PROGRAMS[r % len(PROGRAMS):] + PROGRAMS[:r % len(PROGRAMS)]
        log(f"round {r + 1}/{args.rounds}: load average {loads[-1]:.2f}; " + ", then ".join(order))
        for name in order:
            command, env = commands[name]
            seconds, cpu, outputs[name] = timed(command, env)
            times[name].append(seconds)
            cpu_times[name].append(cpu)
            if name == "pytorch":
                torch_training.append(float(re.search(r"^total ([0-9.]+) s", outputs[name], re.M).group(1)))
            log(f"  {name}: {seconds:.2f} s, CPU {cpu:.2f} s")
    load_after = os.getloadavg()[0]

    vs_torch = [p / e for p, e in zip(times["pytorch"], times["ember, 1 job"])]
    scaling = [a / b for a, b in zip(times["ember, 1 job"], times["ember, 2 jobs"])]
    runs = 4 * args.seeds
    print(f"Machine: {os.cpu_count()} CPUs ({cpu_model()}); OpenBLAS kernels: {core}" +
          (f" (OPENBLAS_CORETYPE={args.openblas_coretype})" if args.openblas_coretype else "") +
          f". {args.rounds} round(s) of "
          f"`ember compare --dataset digits --seeds {args.seeds} --epochs {args.epochs}` ({runs} runs) and "
          f"torch_study.py; 1-minute load average before each round: {', '.join(f'{x:.2f}' for x in loads)}; "
          f"after the last: {load_after:.2f}" +
          (f"; waited for < {args.wait_quiet} before each (reached in {sum(quiet)} of {len(quiet)} rounds)"
           if args.wait_quiet else "") + ".\n")
    print("| program | whole process, s | per run, s | CPU time, s | cores it had: CPU time / wall time |")
    print("|---|---|---|---|---|")
    for name in PROGRAMS:
        print(f"| {name} | {spread(times[name])} | {spread([t / runs for t in times[name]], 3)} | "
              f"{spread(cpu_times[name])} | {spread([c / t for c, t in zip(cpu_times[name], times[name])])} |")
    print(f"| pytorch, training alone (its own clock, after import and loading) | {spread(torch_training)} | "
          f"{spread([t / runs for t in torch_training], 3)} | | |")
    print()
    print("| ratio, taken within each round | median (min-max) | target | verdict |")
    print("|---|---|---|---|")
    print(f"| PyTorch / Ember at 1 job | {spread(vs_torch)}x | >= 10x | "
          f"{'met' if statistics.median(vs_torch) >= 10 else 'NOT met'} |")
    print(f"| Ember 1 job / Ember 2 jobs | {spread(scaling)}x | >= 1.8x | "
          f"{'met' if statistics.median(scaling) >= 1.8 else 'NOT met'} |")
    print("\nPer round (wall s; in brackets the cores each had, CPU time / wall time: 2 jobs had the machine to "
          "themselves only near 2.0):\n")
    print("| round | load before | " + " | ".join(PROGRAMS) + " | PyTorch / Ember 1 job | 1 job / 2 jobs |")
    print("|---|---|" + "---|" * (len(PROGRAMS) + 2))
    for r in range(args.rounds):
        cells = [f"{times[name][r]:.2f} ({cpu_times[name][r] / times[name][r]:.2f})" for name in PROGRAMS]
        print(f"| {r + 1} | {loads[r]:.2f} | " + " | ".join(cells) + f" | {vs_torch[r]:.2f} | {scaling[r]:.2f} |")
    print("\nThe last round's outputs, to check that both learn the same way:\n")
    print(outputs["ember, 1 job"].rstrip())
    print()
    print(outputs["pytorch"].rstrip())


if __name__ == "__main__":
    main()
