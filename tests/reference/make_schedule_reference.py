#!/usr/bin/python3
"""PyTorch's learning rate, epoch by epoch, for each --lr-schedule Ember knows, with and without --warmup.

    /usr/bin/python3 tests/reference/make_schedule_reference.py   # writes tests/reference/schedule_reference.json

Read by tests/test_lr_schedule.cpp. Every case runs torch.optim.lr_scheduler for EPOCHS epochs on a dummy
SGD optimizer, the way a training loop does (`for epoch: train(...); scheduler.step()`, plateau:
`scheduler.step(val_loss)`), and records optimizer.param_groups[0]['lr'] while each epoch trains. Sections:
  epochs    30, the --epochs of every case
  losses    the validation losses fed to ReduceLROnPlateau, one per epoch: plateaus, rises, improvements
            smaller than the 1e-4 relative threshold, and one loss exactly at best * (1 - 1e-4) (not better,
            since the test is `<`); `better` marks the epochs torch counts as better from epoch 1 on
  cases     for each: name, Ember's --lr-schedule text ("schedule"), --lr ("lr"), --warmup ("warmup"), the
            torch construction as written here ("torch"), and "lrs", the 30 learning rates
Warm-up N is LinearLR(start_factor=1/N, end_factor=1, total_iters=N-1) (epoch k of N at lr * k/N) chained to
the main schedule by SequentialLR(milestones=[N]); SequentialLR cannot hold ReduceLROnPlateau, so plateau
after warm-up is LinearLR for N epochs, then a fresh ReduceLROnPlateau on the optimizer at --lr, stepped with
the losses of epochs N+1.. only. Needs torch (1.13 here: Debian's python3-torch).
"""
import json
import os
import warnings

import torch
from torch.optim import lr_scheduler as S

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "schedule_reference.json")
EPOCHS = 30
THRESHOLD = 1e-4  # ReduceLROnPlateau's default, relative, mode min


def validation_losses():
    """30 losses that make ReduceLROnPlateau's bookkeeping matter: each step is explained beside it."""
    boundary = 0.8499 * (1.0 - THRESHOLD)  # exactly the `best * rel_epsilon` torch compares with: not better
    return [
        1.0, 0.9, 0.85,                # epochs 1-3: improving
        0.85, 0.85,                    # 4-5: flat
        0.84995,                       # 6: below best by 6e-5 relative: not better
        0.8499,                        # 7: below best by 1.2e-4 relative: better
        0.8499, 0.8499,                # 8-9: flat
        boundary,                      # 10: exactly best * (1 - 1e-4): not better (`<`, not `<=`)
        0.84985,                       # 11: 6e-5 below best: not better
        0.7, 0.69,                     # 12-13: better
        0.69, 0.6899999, 0.69, 0.69,   # 14-17: flat, one 1.4e-7 relative improvement
        0.69, 0.69,                    # 18-19: flat
        0.5, 0.55, 0.6,                # 20-22: better, then worse
        0.49999, 0.4999,               # 23-24: 2e-5 below (not better), 2e-4 below (better)
        0.4999, 0.49986, 0.49985,      # 25-27: flat, 8e-5 below, 1e-4 below by a hair more (better)
        0.6, 0.6, 0.6,                 # 28-30: worse
    ]


LOSSES = validation_losses()
assert len(LOSSES) == EPOCHS


def better_epochs():
    """The epochs (1-based) ReduceLROnPlateau counts as better when stepped from epoch 1, by its own rule."""
    best, marks = float("inf"), []
    for loss in LOSSES:
        marks.append(loss < best * (1.0 - THRESHOLD))
        best = loss if marks[-1] else best
    return marks


def optimizer_at(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def main_scheduler(opt, kind, args, run_epochs):
    """torch's scheduler for Ember's kind and values, and the construction as text."""
    if kind == "step":
        return S.StepLR(opt, step_size=args[0], gamma=args[1]), "StepLR(step_size=%d, gamma=%r)" % tuple(args)
    if kind == "multistep":
        return (S.MultiStepLR(opt, milestones=args[0], gamma=args[1]),
                "MultiStepLR(milestones=%r, gamma=%r)" % tuple(args))
    if kind == "exponential":
        return S.ExponentialLR(opt, gamma=args[0]), "ExponentialLR(gamma=%r)" % tuple(args)
    if kind == "cosine":
        t_max = args[0] if len(args) > 0 else run_epochs  # Ember's default: the epochs the schedule runs
        eta_min = args[1] if len(args) > 1 else 0.0
        return (S.CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min),
                "CosineAnnealingLR(T_max=%d, eta_min=%r)" % (t_max, eta_min))
    if kind == "constant":
        return S.ConstantLR(opt, factor=1.0, total_iters=0), "ConstantLR(factor=1.0, total_iters=0)"
    raise ValueError(kind)


def schedule_text(kind, args):
    parts = [kind]
    for a in args:
        parts.append(",".join(str(m) for m in a) if isinstance(a, list) else repr(a))
    return ":".join(parts)


def run_chainable(kind, args, lr, warmup):
    """An LRScheduler kind (all but plateau), alone or after LinearLR by SequentialLR."""
    opt = optimizer_at(lr)
    if warmup == 0:
        scheduler, text = main_scheduler(opt, kind, args, EPOCHS)
    else:
        linear = S.LinearLR(opt, start_factor=1.0 / warmup, end_factor=1.0, total_iters=warmup - 1)
        main, main_text = main_scheduler(opt, kind, args, EPOCHS - warmup)
        scheduler = S.SequentialLR(opt, [linear, main], milestones=[warmup])
        text = "SequentialLR([LinearLR(start_factor=1/%d, end_factor=1.0, total_iters=%d), %s], milestones=[%d])" % (
            warmup, warmup - 1, main_text, warmup)
    lrs = []
    for _ in range(EPOCHS):
        lrs.append(opt.param_groups[0]["lr"])  # the lr this epoch trains at
        opt.step()  # (no gradients: nothing moves; only keeps torch from warning about the order)
        scheduler.step()
    return lrs, text


def run_plateau(factor, patience, lr, warmup):
    opt = optimizer_at(lr)
    text = "ReduceLROnPlateau(mode='min', factor=%r, patience=%d)" % (factor, patience)
    linear = None
    if warmup > 0:
        linear = S.LinearLR(opt, start_factor=1.0 / warmup, end_factor=1.0, total_iters=warmup - 1)
        text = "LinearLR(start_factor=1/%d, end_factor=1.0, total_iters=%d) for %d epochs, then %s at lr %r" % (
            warmup, warmup - 1, warmup, text, lr)
    plateau = None
    lrs = []
    for epoch in range(1, EPOCHS + 1):
        if epoch == warmup + 1:
            for group in opt.param_groups:
                group["lr"] = lr  # the warm-up ends exactly at --lr (LinearLR's last value, up to rounding)
            plateau = S.ReduceLROnPlateau(opt, mode="min", factor=factor, patience=patience)
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if epoch <= warmup:
            linear.step()
        else:
            plateau.step(LOSSES[epoch - 1])
    return lrs, text


def case(name, kind, args, lr, warmup=0):
    if kind == "plateau":
        lrs, text = run_plateau(args[0], args[1], lr, warmup)
    else:
        lrs, text = run_chainable(kind, args, lr, warmup)
    return {"name": name, "schedule": schedule_text(kind, args), "lr": lr, "warmup": warmup, "torch": text,
            "lrs": lrs}


def cases():
    return [
        case("constant", "constant", [], 0.1),
        case("constant after 5 warm-up epochs", "constant", [], 0.1, warmup=5),
        case("step every 7 epochs by 0.5", "step", [7, 0.5], 0.1),
        case("step every epoch by 0.9", "step", [1, 0.9], 0.05),
        case("step every 10 epochs by 0.1", "step", [10, 0.1], 0.3),
        case("multistep at 5, 12, 20 by 0.5", "multistep", [[5, 12, 20], 0.5], 0.1),
        case("multistep at 1 by 0.1", "multistep", [[1], 0.1], 0.01),
        case("multistep at 3, 4, 25, 40 by 0.3, one milestone past the run", "multistep", [[3, 4, 25, 40], 0.3], 0.2),
        case("exponential 0.9", "exponential", [0.9], 0.1),
        case("exponential 0.99", "exponential", [0.99], 0.001),
        case("exponential 1.05 (growing)", "exponential", [1.05], 0.01),
        case("cosine, T_max the run's 30 epochs", "cosine", [], 0.1),
        case("cosine T_max 10: down, up, down again", "cosine", [10], 0.1),
        case("cosine T_max 12 to eta_min 0.001", "cosine", [12, 0.001], 0.1),
        case("cosine T_max 30 to eta_min 0.01", "cosine", [30, 0.01], 0.05),
        case("cosine T_max 7 to eta_min 0.02, past T_max four times", "cosine", [7, 0.02], 0.1),
        case("cosine after 5 warm-up epochs, T_max the 25 left", "cosine", [], 0.1, warmup=5),
        case("cosine T_max 10 to eta_min 0.001 after 3 warm-up epochs", "cosine", [10, 0.001], 0.1, warmup=3),
        case("step every 5 epochs by 0.5 after 4 warm-up epochs", "step", [5, 0.5], 0.1, warmup=4),
        case("step every 3 epochs by 0.5 after 1 warm-up epoch (at --lr)", "step", [3, 0.5], 0.1, warmup=1),
        case("multistep at 5, 10 by 0.1 after 2 warm-up epochs", "multistep", [[5, 10], 0.1], 0.1, warmup=2),
        case("exponential 0.9 after 6 warm-up epochs", "exponential", [0.9], 0.1, warmup=6),
        case("cosine after 29 warm-up epochs (T_max 1)", "cosine", [], 0.1, warmup=29),
        case("plateau factor 0.5 patience 2", "plateau", [0.5, 2], 0.1),
        case("plateau factor 0.1 patience 0", "plateau", [0.1, 0], 0.1),
        case("plateau factor 0.5 patience 3", "plateau", [0.5, 3], 0.1),
        case("plateau factor 0.7 patience 1", "plateau", [0.7, 1], 0.1),
        case("plateau factor 0.1 patience 0 from 1e-6: stops where a cut would be under eps 1e-8", "plateau",
             [0.1, 0], 1e-6),
        case("plateau factor 0.5 patience 2 after 4 warm-up epochs", "plateau", [0.5, 2], 0.1, warmup=4),
        case("plateau factor 0.5 patience 1 after 1 warm-up epoch", "plateau", [0.5, 1], 0.1, warmup=1),
    ]


def main():
    warnings.simplefilter("ignore")  # SequentialLR's step(0) on the main schedule warns that `epoch` is deprecated
    document = {"generated_by": "tests/reference/make_schedule_reference.py", "torch_version": torch.__version__,
                "epochs": EPOCHS, "losses": LOSSES, "better": better_epochs(), "cases": cases()}
    with open(OUTPUT, "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    print("wrote %s (%d bytes, %d cases)" % (OUTPUT, os.path.getsize(OUTPUT), len(document["cases"])))


if __name__ == "__main__":
    main()
