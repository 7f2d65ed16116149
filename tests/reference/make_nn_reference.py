#!/usr/bin/python3
"""PyTorch's answers for Ember's nn layer: Linear, every loss, ten optimizer steps, module reprs, and
the probabilities PyTorch computes from a model file that Ember wrote.

    /usr/bin/python3 tests/reference/make_nn_reference.py    # writes tests/reference/nn_reference.json

Read by tests/test_nn_*.cpp. Tensors are {"shape": [...], "values": [row-major floats]}, each float the
Python repr of a float32 value, so the C++ side reads it back exactly. Sections:
  linear      F.linear forward and the gradients of L = sum(out * upstream) for x, W, b
  losses      value and input gradient of each loss (mean reduction), edge cases included
  optim       a MyModel(4, 3, hidden [8, 6]) and a MyModel(4, 1): initial weights, data, and the
              losses and weights after each optimizer's ten steps
  repr        repr() of modules, for `std::cout << module`
  ember_file  PyTorch's probabilities from tests/reference/models/ember_mymodel_4_3.safetensors, a file
              Ember writes (EMBER_WRITE_FIXTURES=1 ./build/ember_tests "[io]"); loaded with strict=True
Needs torch (1.13 here) and numpy; reuses the safetensors reader of make_model_files.py.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_model_files  # noqa: E402  (load_safetensors, make_activation, INPUTS)

OUTPUT = os.path.join(HERE, "nn_reference.json")
EMBER_FILE = os.path.join(HERE, "models", "ember_mymodel_4_3.safetensors")
SEED = 20240611

gen = torch.Generator().manual_seed(SEED)


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


def rand(*shape):
    return torch.rand(tuple(shape), generator=gen, dtype=torch.float32)


def t(values):
    return torch.tensor(values, dtype=torch.float32)


def floats(tensor):
    return [float(v) for v in tensor.detach().reshape(-1).to(torch.float32).numpy().astype(np.float64)]


def T(tensor):
    """A tensor as JSON: PyTorch's shape and the row-major float32 values, exactly."""
    return {"shape": list(tensor.shape), "values": floats(tensor)}


# ---- the MyModel Ember builds, in PyTorch: children fc1..fcK, activation, head (in that order) ----

class MyModel(nn.Module):
    def __init__(self, input_size, num_classes, hidden=(64, 32), activation="relu"):
        super().__init__()
        sizes = [input_size] + list(hidden) + [num_classes]
        self.depth = len(sizes) - 1
        for k in range(self.depth):
            setattr(self, "fc%d" % (k + 1), nn.Linear(sizes[k], sizes[k + 1]))
        self.activation = make_model_files.make_activation(activation)
        self.head = nn.Sigmoid() if num_classes == 1 else nn.Softmax(dim=1)

    def logits(self, x):
        for k in range(1, self.depth):
            x = self.activation(getattr(self, "fc%d" % k)(x))
        return getattr(self, "fc%d" % self.depth)(x)

    def forward(self, x):
        return self.head(self.logits(x))


# ---- Linear ----

def linear_cases():
    cases = []
    for name, x in [("batch", randn(5, 4)), ("vector", randn(4))]:
        x.requires_grad_(True)
        weight = randn(3, 4).requires_grad_(True)
        bias = randn(3).requires_grad_(True)
        out = F.linear(x, weight, bias)
        upstream = randn(*out.shape)
        out.backward(upstream)
        cases.append({"name": name, "x": T(x), "weight": T(weight), "bias": T(bias), "output": T(out),
                      "upstream": T(upstream), "grad_x": T(x.grad), "grad_weight": T(weight.grad),
                      "grad_bias": T(bias.grad)})
    return cases


# ---- losses ----

def loss_case(name, loss, inputs, target, params, fn):
    """fn(inputs..., target) -> scalar loss; records its value and every input's gradient."""
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    value = fn(*leaves)
    value.backward()
    case = {"name": name, "loss": loss, "params": params, "value": floats(value)[0],
            "inputs": [T(x) for x in leaves], "grads": [T(x.grad) for x in leaves]}
    case["target"] = target if isinstance(target, list) else T(target)
    return case


def loss_cases():
    cases = []
    # BCELoss on probabilities; each log is clamped at -100, the gradient divides by max(p(1-p), 1e-12).
    p = torch.sigmoid(randn(4, 3))
    y = (rand(4, 3) < 0.5).float()
    cases.append(loss_case("bce_plain", "bce", [p], y, {}, lambda a: nn.BCELoss()(a, y)))
    soft = rand(4, 3)
    cases.append(loss_case("bce_soft_targets", "bce", [p], soft, {}, lambda a: nn.BCELoss()(a, soft)))
    edge_p = t([[0.0, 1.0, 0.0, 1.0], [0.0, 1.0, 0.5, 1e-30]])
    edge_y = t([[1.0, 0.0, 0.0, 1.0], [0.25, 0.75, 1.0, 1.0]])
    cases.append(loss_case("bce_probabilities_exactly_0_and_1", "bce", [edge_p], edge_y, {},
                           lambda a: nn.BCELoss()(a, edge_y)))
    # BCEWithLogitsLoss: plain, one output column (MyModel(D, 1)), pos_weight, extreme logits.
    z = 3 * randn(4, 3)
    cases.append(loss_case("bce_logits_plain", "bce_logits", [z], y, {}, lambda a: nn.BCEWithLogitsLoss()(a, y)))
    z1, y1 = randn(6, 1), (rand(6, 1) < 0.5).float()
    cases.append(loss_case("bce_logits_one_column", "bce_logits", [z1], y1, {},
                           lambda a: nn.BCEWithLogitsLoss()(a, y1)))
    pos_weight = t([0.5, 2.0, 3.0])
    cases.append(loss_case("bce_logits_pos_weight", "bce_logits", [z], soft, {"pos_weight": T(pos_weight)},
                           lambda a: nn.BCEWithLogitsLoss(pos_weight=pos_weight)(a, soft)))
    ez = t([[100.0, -100.0, 1000.0], [-1000.0, 0.0, 100.0], [1000.0, -1000.0, -100.0]])
    ey = t([[1.0, 1.0, 0.0], [1.0, 0.5, 0.0], [1.0, 0.0, 1.0]])
    cases.append(loss_case("bce_logits_extreme", "bce_logits", [ez], ey, {}, lambda a: nn.BCEWithLogitsLoss()(a, ey)))
    cases.append(loss_case("bce_logits_extreme_pos_weight", "bce_logits", [ez], ey, {"pos_weight": T(pos_weight)},
                           lambda a: nn.BCEWithLogitsLoss(pos_weight=pos_weight)(a, ey)))
    # CrossEntropyLoss on logits: plain, class weight, label smoothing, both, extreme logits.
    logits = 2 * randn(6, 4)
    target = [0, 3, 1, 1, 2, 3]
    tt = torch.tensor(target)
    weight = t([0.2, 1.0, 2.5, 0.7])
    for name, params, module in [
            ("ce_plain", {}, nn.CrossEntropyLoss()),
            ("ce_weight", {"weight": T(weight)}, nn.CrossEntropyLoss(weight=weight)),
            ("ce_label_smoothing", {"label_smoothing": 0.1}, nn.CrossEntropyLoss(label_smoothing=0.1)),
            ("ce_weight_and_label_smoothing", {"weight": T(weight), "label_smoothing": 0.25},
             nn.CrossEntropyLoss(weight=weight, label_smoothing=0.25))]:
        cases.append(loss_case(name, "cross_entropy", [logits], target, params, lambda a, m=module: m(a, tt)))
    extreme = t([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 500.0], [0.0, 0.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    etarget = [1, 1, 2, 0]
    et = torch.tensor(etarget)
    cases.append(loss_case("ce_extreme_logits", "cross_entropy", [extreme], etarget, {},
                           lambda a: nn.CrossEntropyLoss()(a, et)))
    cases.append(loss_case("ce_extreme_logits_weight_and_smoothing", "cross_entropy", [extreme], etarget,
                           {"weight": T(t([0.5, 2.0, 1.0])), "label_smoothing": 0.1},
                           lambda a: nn.CrossEntropyLoss(weight=t([0.5, 2.0, 1.0]), label_smoothing=0.1)(a, et)))
    # NLLLoss on log-probabilities.
    log_probs = F.log_softmax(randn(6, 4), dim=1)
    cases.append(loss_case("nll_plain", "nll", [log_probs], target, {}, lambda a: nn.NLLLoss()(a, tt)))
    cases.append(loss_case("nll_weight", "nll", [log_probs], target, {"weight": T(weight)},
                           lambda a: nn.NLLLoss(weight=weight)(a, tt)))
    # MSELoss: both arguments get a gradient.
    a, b = randn(4, 3), randn(4, 3)
    cases.append(loss_case("mse", "mse", [a, b], [], {}, lambda u, v: nn.MSELoss()(u, v)))
    return cases


# ---- optimizers: ten steps on fixed weights and data ----

OPTIMIZERS = [
    ("sgd", "sgd", {"lr": 0.1}),
    ("sgd_momentum", "sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_nesterov", "sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd_momentum_dampening_weight_decay", "sgd", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5,
                                                     "weight_decay": 0.01}),
    ("adam", "adam", {"lr": 0.01}),
    ("adam_betas_eps", "adam", {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6}),
    ("adam_weight_decay", "adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("adamw", "adamw", {"lr": 0.01, "weight_decay": 0.1}),
]
STEPS = 10
BATCH = 8  # step s trains on rows [8 (s mod 2), 8 (s mod 2) + 8) of the 16


def make_optimizer(kind, params, options):
    options = dict(options)
    if "betas" in options:
        options["betas"] = tuple(options["betas"])
    if kind == "sgd":
        return torch.optim.SGD(params, foreach=False, **options)
    if kind == "adam":
        return torch.optim.Adam(params, foreach=False, **options)
    return torch.optim.AdamW(params, foreach=False, **options)


def train_run(model, initial, x, y, loss_fn, name, kind, options):
    model.load_state_dict(initial, strict=True)
    optimizer = make_optimizer(kind, model.parameters(), options)
    losses = []
    for step in range(STEPS):
        rows = slice(BATCH * (step % 2), BATCH * (step % 2) + BATCH)
        optimizer.zero_grad()
        loss = loss_fn(model.logits(x[rows]), y[rows])
        loss.backward()
        optimizer.step()
        losses.append(floats(loss)[0])
    return {"name": name, "optimizer": kind, "options": options, "losses": losses,
            "final": {k: T(v) for k, v in model.state_dict().items()}}


def optim_section():
    torch.manual_seed(SEED)
    model = MyModel(4, 3, hidden=(8, 6))
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    x = randn(16, 4)
    y = [int(v) for v in torch.randint(0, 3, (16,), generator=gen)]
    yt = torch.tensor(y)
    runs = [train_run(model, initial, x, yt, nn.CrossEntropyLoss(), name, kind, options)
            for name, kind, options in OPTIMIZERS]
    multiclass = {"input_size": 4, "num_classes": 3, "hidden": [8, 6], "activation": "relu",
                  "initial": {k: T(v) for k, v in initial.items()}, "x": T(x), "y": y, "runs": runs}

    binary_model = MyModel(4, 1, hidden=(8, 6))
    binary_initial = {k: v.clone() for k, v in binary_model.state_dict().items()}
    yb = (rand(16, 1) < 0.5).float()
    binary_runs = [train_run(binary_model, binary_initial, x, yb, nn.BCEWithLogitsLoss(), name, kind, options)
                   for name, kind, options in [("adam", "adam", {"lr": 0.01}),
                                               ("sgd_momentum", "sgd", {"lr": 0.1, "momentum": 0.9})]]
    binary = {"input_size": 4, "num_classes": 1, "hidden": [8, 6], "activation": "relu",
              "initial": {k: T(v) for k, v in binary_initial.items()}, "x": T(x), "y": T(yb), "runs": binary_runs}
    return {"steps": STEPS, "batch_size": BATCH, "multiclass": multiclass, "binary": binary}


# ---- repr ----

def repr_section():
    return {
        "linear": repr(nn.Linear(10, 64)),
        "linear_no_bias": repr(nn.Linear(3, 2, bias=False)),
        "sigmoid": repr(nn.Sigmoid()),
        "tanh": repr(nn.Tanh()),
        "relu": repr(nn.ReLU()),
        "leaky_relu": repr(nn.LeakyReLU()),
        "leaky_relu:0.05": repr(nn.LeakyReLU(0.05)),
        "gelu": repr(nn.GELU()),
        "silu": repr(nn.SiLU()),
        "elu": repr(nn.ELU()),
        "elu:0.5": repr(nn.ELU(0.5)),
        "softplus": repr(nn.Softplus()),
        "softplus:2": repr(nn.Softplus(beta=2)),
        "softmax": repr(nn.Softmax(dim=1)),
        "log_softmax": repr(nn.LogSoftmax(dim=1)),
        "sequential": repr(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.Softmax(dim=1))),
        "nested_sequential": repr(nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Tanh(), nn.Linear(2, 1)))),
        "mymodel_10_1": repr(MyModel(10, 1)),
        "mymodel_10_5": repr(MyModel(10, 5)),
        "mymodel_4_3_8_6_leaky_relu:0.05": repr(MyModel(4, 3, (8, 6), "leaky_relu:0.05")),
        "mymodel_4_3_8_6_gelu": repr(MyModel(4, 3, (8, 6), "gelu")),
    }


# ---- an Ember-written model file, in PyTorch ----

def ember_file_section():
    if not os.path.exists(EMBER_FILE):
        print("warning: %s is missing: write it with EMBER_WRITE_FIXTURES=1 ./build/ember_tests \"[io]\", "
              "then run this script again" % EMBER_FILE, file=sys.stderr)
        return None
    tensors, metadata = make_model_files.load_safetensors(EMBER_FILE)
    hidden = json.loads(metadata["ember.hidden"])
    model = MyModel(int(metadata["ember.input_size"]), int(metadata["ember.num_classes"]), hidden,
                    metadata["ember.activation"]).eval()
    model.load_state_dict(tensors, strict=True)  # every tensor a parameter, and nothing else
    x = t(make_model_files.INPUTS)
    with torch.no_grad():
        probabilities = model(x)
    return {"file": "models/ember_mymodel_4_3.safetensors", "metadata": metadata, "input": T(x),
            "probabilities": T(probabilities), "tensor_names": sorted(tensors)}


def main():
    document = {"generated_by": "tests/reference/make_nn_reference.py", "torch_version": torch.__version__,
                "seed": SEED, "linear": linear_cases(), "losses": loss_cases(), "optim": optim_section(),
                "repr": repr_section()}
    ember_file = ember_file_section()
    if ember_file is not None:
        document["ember_file"] = ember_file
    with open(OUTPUT, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s (%d bytes)" % (OUTPUT, os.path.getsize(OUTPUT)))


if __name__ == "__main__":
    main()
