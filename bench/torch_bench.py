#!/usr/bin/python3
"""The benchmark's workloads in PyTorch, as a PyTorch user writes them: the article's MyModel (ReLU),
F.cross_entropy on its logits, optimizer.zero_grad(); loss.backward(); optimizer.step().
Prints the same tab-separated lines as ember_bench (impl "torch"). Run by run.py, which sets the
thread counts and the BLAS; alone:  /usr/bin/python3 bench/torch_bench.py --threads 1

  --mode steps  one training step per workload (tiny, fashion, wide), SGD and Adam
  --mode epoch  a Fashion-MNIST epoch (469 batches of 128, own batching: randperm + index)
  --mode run    a whole Fashion-MNIST run as `ember train --epochs 1` does it (load, train, evaluate
                the test set), for its peak resident memory
"""
import argparse
import gzip
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

WORKLOADS = {  # name: inputs, hidden1, hidden2, classes, batch, timed steps (as bench/workloads.hpp)
    "tiny": (10, 64, 32, 5, 64, 4000),
    "fashion": (784, 64, 32, 10, 128, 1500),
    "wide": (784, 1024, 1024, 10, 256, 40),
}
FASHION_DIR = "/usr/share/datasets/fashion-mnist"


class MyModel(nn.Module):
    def __init__(self, input_size, num_classes, hidden1=64, hidden2=32):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden1)
        self.fc2 = nn.Linear(hidden1, hidden2)
        self.fc3 = nn.Linear(hidden2, num_classes)

    def logits(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


def make_optimizer(name, params):
    return torch.optim.Adam(params, lr=1e-3) if name == "adam" else torch.optim.SGD(params, lr=0.01)


def train_step(model, opt, x, y):
    loss = F.cross_entropy(model.logits(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4


def report(workload, optimizer, threads, us, rss_growth=0):
    us = sorted(us)
    n = len(us)
    print(f"torch\t{workload}\t{optimizer}\t{threads}\t{us[n // 2]:.3f}\t{us[n // 4]:.3f}\t{us[3 * n // 4]:.3f}\t-1\t{rss_growth}",
          flush=True)


def bench_steps(threads, optimizers, names, scale):
    for name in names:
        d, h1, h2, c, n, steps = WORKLOADS[name]
        steps = max(5, int(steps * scale))
        for opt_name in optimizers:
            torch.manual_seed(1)
            model = MyModel(d, c, h1, h2)
            x, y = torch.randn(n, d), torch.randint(0, c, (n,))
            opt = make_optimizer(opt_name, model.parameters())
            for _ in range(max(3, steps // 10)):
                train_step(model, opt, x, y)
            rss_before = rss_kib()
            us = []
            for _ in range(steps):
                start = time.perf_counter()
                train_step(model, opt, x, y)
                us.append((time.perf_counter() - start) * 1e6)
            report(name, opt_name, threads, us, rss_kib() - rss_before)


def load_fashion(train=True):
    """X [N, 784] float32 in [0, 1] and y [N], with no copy kept beyond the float tensor."""
    prefix = "train" if train else "t10k"
    with gzip.open(os.path.join(FASHION_DIR, f"{prefix}-images-idx3-ubyte.gz")) as f:
        X = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)).float().div_(255)
    with gzip.open(os.path.join(FASHION_DIR, f"{prefix}-labels-idx1-ubyte.gz")) as f:
        y = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
    return X, y


def run_epoch(model, opt, X, Y, batch=128):
    perm = torch.randperm(X.shape[0])
    total = 0.0
    for i in range(0, X.shape[0], batch):
        idx = perm[i:i + batch]
        total += train_step(model, opt, X[idx], Y[idx]).item()
    return total


def bench_epoch(threads, optimizers, repeats):
    X, Y = load_fashion()
    for opt_name in optimizers:
        us = []
        for r in range(repeats + 1):  # the first run warms up
            torch.manual_seed(r)
            model = MyModel(784, 10)
            opt = make_optimizer(opt_name, model.parameters())
            start = time.perf_counter()
            run_epoch(model, opt, X, Y)
            if r > 0:
                us.append((time.perf_counter() - start) * 1e6)
        report("epoch", opt_name, threads, us)


def whole_run():
    """What `ember train --dataset fashion_mnist --epochs 1 --batch-size 128` does, in PyTorch."""
    X, Y = load_fashion(True)
    Xt, Yt = load_fashion(False)
    mean, std = X.mean(0), X.std(0).clamp_min(1e-12)  # standardized with the train statistics, in place
    X.sub_(mean).div_(std)
    Xt.sub_(mean).div_(std)
    model = MyModel(784, 10)
    run_epoch(model, torch.optim.Adam(model.parameters(), lr=1e-3), X, Y)
    with torch.no_grad():
        accuracy = (model.logits(Xt).argmax(1) == Yt).float().mean().item()
    print(f"# test accuracy {accuracy:.4f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mode", choices=["steps", "epoch", "run"], default="steps")
    parser.add_argument("--workloads", default="tiny,fashion,wide")
    parser.add_argument("--optimizers", default="sgd,adam")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--epochs-repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    optimizers = args.optimizers.split(",")
    if args.mode == "steps":
        bench_steps(args.threads, optimizers, args.workloads.split(","), args.scale)
    elif args.mode == "epoch":
        bench_epoch(args.threads, optimizers, args.epochs_repeat)
    else:
        whole_run()


if __name__ == "__main__":
    main()
