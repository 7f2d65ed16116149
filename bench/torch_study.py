#!/usr/bin/python3
"""`ember compare --dataset digits --seeds 5 --epochs 100`, written plainly in PyTorch: the runs bench/study.py
times against Ember's.

    /usr/bin/python3 bench/torch_study.py                  # the whole study: 4 activations x 5 seeds x 100 epochs
    /usr/bin/python3 bench/torch_study.py --epochs 10 --seeds 1 --activations relu
    /usr/bin/python3 bench/torch_study.py --seeds 1 --no-diagnostics   # what the diagnostics cost in PyTorch

For each of sigmoid, tanh, relu and leaky_relu (slope 0.01) and each seed 0..4, it trains the article's MyModel
(Linear(64,64) -> act -> Linear(64,32) -> act -> Linear(32,10), softmax head) from PyTorch's default Linear init
with Adam (lr 1e-3, default betas) on batches of 32, shuffled each epoch, for 100 epochs, on data/digits.csv
(1797 rows: 64 pixel columns, then the digit) split 80/20 stratified, features standardized on the training part.
As in Ember, every activation of a seed starts from the same weights and sees the same batches (the seed sets
both), and the split is drawn once (seed 0) for all runs. The loss is cross-entropy on the logits; the softmax
head gives the test probabilities (their argmax, the predicted digit).

Per epoch, as `ember compare` records it with its diagnostics:
- the train loss and accuracy, running over the epoch's batches (the batch loss weighted by its rows);
- the test loss and accuracy after the epoch, under no_grad;
- each layer's weight-gradient norm ||dL/dW||_F, averaged over the epoch's batches;
- each hidden layer's dead fraction (units with f'(z) = 0 on every training sample of the epoch) and saturated
  fraction (|f'(z)| below 1% of f's largest |slope| on every sample), from the pre-activations z that forward
  hooks on fc1 and fc2 see during training steps; f' comes from autograd, as Ember's does.

The split is not Ember's: Ember draws its own stratified 80/20 split with its own generator, so test figures agree
in kind, not digit for digit. Prints a line per run, then per activation the mean final figures over the seeds,
and the wall time: total (after `import torch` and loading the data) and per run.
"""
import argparse
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01)}


class MyModel(nn.Module):
    """The article's model: three linear layers, the activation between them, a softmax head."""

    def __init__(self, activation, inputs=64, outputs=10):
        super().__init__()
        self.fc1 = nn.Linear(inputs, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, outputs)
        self.act = ACTIVATIONS[activation]()

    def forward(self, x):  # the logits; the softmax head is applied to them where probabilities are wanted
        return self.fc3(self.act(self.fc2(self.act(self.fc1(x)))))


def load_digits(path, test_fraction=0.2, seed=0):
    """Stratified split (per class, a shuffled 20% for testing), then standardized on the training part."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    assert header[-1] == "digit" and len(header) == 65, header
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    x, y = table[:, :-1], table[:, -1].astype(np.int64)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        test[rows[:round(test_fraction * len(rows))]] = True
    mean = x[~test].mean(axis=0)
    std = x[~test].std(axis=0)
    std[std == 0] = 1.0  # constant pixels stay 0
    x = (x - mean) / std
    as_tensor = lambda a: torch.tensor(a, dtype=torch.float32)
    return (as_tensor(x[~test]), torch.tensor(y[~test]), as_tensor(x[test]), torch.tensor(y[test]))


def max_derivative(activation):
    """The largest |f'| on [-30, 30] in steps of 2^-8: what saturation is measured against."""
    z = (torch.arange(60 * 256 + 1, dtype=torch.float32) / 256 - 30).requires_grad_(True)
    (slope,) = torch.autograd.grad(activation(z).sum(), z)
    return slope.abs().max().item()


class Diagnostics:
    """Per epoch: mean weight-gradient norm of each layer, dead and saturated fractions of each hidden layer."""

    def __init__(self, model):
        self.model = model
        self.layers = [model.fc1, model.fc2, model.fc3]
        self.threshold = 0.01 * max_derivative(model.act)
        self.hooks = [layer.register_forward_hook(self.hook(k)) for k, layer in enumerate(self.layers[:-1])]
        self.reset()

    def reset(self):
        self.grad_norm_sum = [0.0] * len(self.layers)
        self.batches = 0
        self.alive = [torch.zeros(layer.out_features, dtype=torch.bool) for layer in self.layers[:-1]]
        self.unsaturated = [torch.zeros(layer.out_features, dtype=torch.bool) for layer in self.layers[:-1]]

    def hook(self, k):
        def observe(module, inputs, z):
            if not torch.is_grad_enabled():  # evaluation: not a training sample
                return
            z = z.detach().requires_grad_(True)
            (d,) = torch.autograd.grad(self.model.act(z).sum(), z)  # f'(z), elementwise
            self.alive[k] |= (d != 0).any(dim=0)
            self.unsaturated[k] |= (d.abs() >= self.threshold).any(dim=0)
        return observe

    def after_backward(self):
        for k, layer in enumerate(self.layers):
            self.grad_norm_sum[k] += layer.weight.grad.norm().item()
        self.batches += 1

    def end_epoch(self):
        figures = {"grad_norm": [s / self.batches for s in self.grad_norm_sum],
                   "dead": [(~a).float().mean().item() for a in self.alive],
                   "saturated": [(~u).float().mean().item() for u in self.unsaturated]}
        self.reset()
        return figures


def train_run(activation, seed, data, epochs, batch_size, lr, with_diagnostics=True):
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(seed)  # the same initial weights for every activation of this seed
    model = MyModel(activation, x_train.shape[1], int(y_train.max()) + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    batches = torch.Generator().manual_seed(seed)  # and the same batches
    diagnostics = Diagnostics(model) if with_diagnostics else None
    n = len(y_train)
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        loss_sum, correct = 0.0, 0
        for idx in torch.randperm(n, generator=batches).split(batch_size):
            xb, yb = x_train[idx], y_train[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            if diagnostics:
                diagnostics.after_backward()
            optimizer.step()
            loss_sum += loss.item() * len(idx)
            correct += (logits.argmax(dim=1) == yb).sum().item()
        model.eval()
        with torch.no_grad():
            logits = model(x_test)
            test_loss = F.cross_entropy(logits, y_test).item()
            test_acc = (F.softmax(logits, dim=1).argmax(dim=1) == y_test).float().mean().item()
        history.append(dict(epoch=epoch, train_loss=loss_sum / n, train_acc=correct / n, test_loss=test_loss,
                            test_acc=test_acc, **(diagnostics.end_epoch() if diagnostics else {})))
    return history


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(ROOT, "data", "digits.csv"))
    parser.add_argument("--activations", default=",".join(ACTIVATIONS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-diagnostics", action="store_true",
                        help="without the gradient norms and dead/saturated units (Ember's compare always has them)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    data = load_digits(args.data)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} thread(s); digits: {len(data[1])} training rows, "
          f"{len(data[3])} test; {args.epochs} epochs, batch {args.batch_size}, Adam lr {args.lr}")
    start = time.perf_counter()
    finals, seconds = {}, []
    for activation in args.activations.split(","):
        for seed in range(args.seeds):
            run_start = time.perf_counter()
            last = train_run(activation, seed, data, args.epochs, args.batch_size, args.lr,
                             not args.no_diagnostics)[-1]
            last.setdefault("grad_norm", [float("nan")])
            last.setdefault("dead", [float("nan")] * 2)
            seconds.append(time.perf_counter() - run_start)
            finals.setdefault(activation, []).append(last)
            print(f"{activation} seed {seed}: train loss {last['train_loss']:.4f} acc {last['train_acc']:.4f}, "
                  f"test loss {last['test_loss']:.4f} acc {last['test_acc']:.4f}, grad norm fc1 "
                  f"{last['grad_norm'][0]:.4f}, dead {last['dead'][0]:.3f}/{last['dead'][1]:.3f}, "
                  f"{seconds[-1]:.2f} s", flush=True)
    total = time.perf_counter() - start
    print("\n| activation | final train loss | final test loss | final test accuracy | dead fc1 | dead fc2 |")
    print("|---|---|---|---|---|---|")
    for activation, runs in finals.items():
        mean = lambda f: statistics.mean(f(r) for r in runs)
        print(f"| {activation} | {mean(lambda r: r['train_loss']):.4f} | {mean(lambda r: r['test_loss']):.4f} | "
              f"{mean(lambda r: r['test_acc']):.4f} | {mean(lambda r: r['dead'][0]):.3f} | "
              f"{mean(lambda r: r['dead'][1]):.3f} |")
    print(f"\ntotal {total:.3f} s for {len(seconds)} runs, {total / len(seconds):.3f} s per run "
          f"(median {statistics.median(seconds):.3f} s)")


if __name__ == "__main__":
    main()
