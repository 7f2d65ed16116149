#!/usr/bin/python3
"""PyTorch's answers for every engine op, activation and printed tensor, for Ember's tests to match.

    /usr/bin/python3 tests/reference/make_reference.py      # writes tests/reference/engine_reference.json

Each case gives the inputs (seeded, float32, written out so the C++ side needs no random numbers), the
forward value, and the gradient of L = sum(out * upstream) for every input, upstream being a fixed
random tensor of the output's shape. Read by tests/reference_data.hpp (test_ops.cpp,
test_activations.cpp); the "print" section holds str(tensor) for test_print.cpp.
Floats are written with Python's repr of the float32 value, so the C++ side reads them back exactly.
Needs torch (1.13 here).
"""
import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "engine_reference.json")
SEED = 20240607

gen = torch.Generator().manual_seed(SEED)


# ---- inputs ----

def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float32)


def uniform(low, high, *shape):
    return low + (high - low) * torch.rand(tuple(shape), generator=gen, dtype=torch.float32)


def away_from_zero(*shape):
    """Values with |x| in [0.5, 2): safe denominators and negative powers."""
    sign = torch.where(torch.rand(tuple(shape), generator=gen) < 0.5, -1.0, 1.0)
    return sign * uniform(0.5, 2.0, *shape)


def positive(*shape):
    return uniform(0.2, 3.0, *shape)


def with_exact_zeros(*shape):
    """Random values with some entries set to exactly 0: the kink of relu, leaky_relu and elu."""
    x = randn(*shape)
    x.view(-1)[::3] = 0.0
    return x


def t(values):
    return torch.tensor(values, dtype=torch.float32)


# ---- writing ----

def floats(tensor):
    """A tensor as a flat row-major list of exact float32 values (nan/inf as strings)."""
    out = []
    for v in tensor.detach().reshape(-1).tolist():
        out.append(v if math.isfinite(v) else repr(v))
    return out


def encode(tensor):
    return {"shape": list(tensor.shape), "values": floats(tensor)}


def make_case(category, name, op, inputs, fn, params=None, differentiable=True):
    """Runs fn on fresh copies of `inputs` and records value and gradients of sum(out * upstream)."""
    leaves = [x.clone().requires_grad_(differentiable) for x in inputs]
    out = fn(*leaves)
    case = {
        "name": name,
        "op": op,
        "params": params or {},
        "inputs": [encode(x) for x in inputs],
        "output": encode(out),
    }
    if differentiable:
        upstream = randn(*out.shape)
        (out * upstream).sum().backward()
        case["upstream"] = encode(upstream)
        case["grads"] = [encode(x.grad) for x in leaves]
    CASES[category].append(case)


CASES = {"ops": [], "activations": []}


# ---- ops ----

def arithmetic_cases():
    fns = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    for op, fn in fns.items():
        rhs = away_from_zero if op == "div" else randn
        shapes = [
            ("equal shapes [3, 4] and [3, 4]", (3, 4), (3, 4)),
            ("a scalar [] over [3, 4]", (3, 4), ()),
            ("a row vector [4] over [3, 4]", (3, 4), (4,)),
            ("a row [1, 4] over [3, 4]", (3, 4), (1, 4)),
            ("a column [3, 1] over [3, 4]", (3, 4), (3, 1)),
            ("[3, 4] under a broadcast left operand [4]", (4,), (3, 4)),
            ("[3, 4] under a broadcast left scalar []", (), (3, 4)),
            ("a column [3, 1] and a row [1, 4] to [3, 4]", (3, 1), (1, 4)),
            ("two vectors [5]", (5,), (5,)),
            ("two scalars", (), ()),
        ]
        for label, a_shape, b_shape in shapes:
            make_case("ops", f"{op} of {label}", op, [randn(*a_shape), rhs(*b_shape)], fn)


def matrix_cases():
    make_case("ops", "neg of [3, 4]", "neg", [randn(3, 4)], torch.neg)
    make_case("ops", "matmul of [3, 4] and [4, 5]", "matmul", [randn(3, 4), randn(4, 5)], torch.matmul)
    make_case("ops", "matmul of [1, 6] and [6, 1]", "matmul", [randn(1, 6), randn(6, 1)], torch.matmul)
    make_case("ops", "transpose of [3, 4]", "transpose", [randn(3, 4)], lambda x: x.t())
    make_case("ops", "transpose of a vector [4] is itself", "transpose", [randn(4)], lambda x: x.t())
    make_case("ops", "linear of [5, 3] by [4, 3] with bias [4]", "linear", [randn(5, 3), randn(4, 3), randn(4)],
              F.linear)
    make_case("ops", "linear of [5, 3] by [4, 3] without bias", "linear", [randn(5, 3), randn(4, 3)], F.linear)
    make_case("ops", "linear of a 1-D input [3] by [4, 3] with bias [4]", "linear", [randn(3), randn(4, 3), randn(4)],
              F.linear)


def reduction_cases():
    for op, fn in (("sum", torch.sum), ("mean", torch.mean)):
        make_case("ops", f"{op} of all elements of [3, 4]", op, [randn(3, 4)], fn)
        make_case("ops", f"{op} of all elements of a vector [5]", op, [randn(5)], fn)
        for dim in (0, 1, -1):
            for keepdim in (False, True):
                make_case("ops", f"{op} of [3, 4] along dim {dim}, keepdim {keepdim}", op, [randn(3, 4)],
                          lambda x, d=dim, k=keepdim: fn(x, dim=d, keepdim=k), {"dim": dim, "keepdim": keepdim})
        for keepdim in (False, True):
            make_case("ops", f"{op} of a vector [5] along dim 0, keepdim {keepdim}", op, [randn(5)],
                      lambda x, k=keepdim: fn(x, dim=0, keepdim=k), {"dim": 0, "keepdim": keepdim})

    ties = t([[1.0, 3.0, 3.0, -2.0], [5.0, 5.0, 0.0, 5.0], [-1.0, -1.0, -1.0, -1.0]])
    for dim in (0, 1):
        for keepdim in (False, True):
            make_case("ops", f"max of [3, 4] along dim {dim}, keepdim {keepdim}", "max", [randn(3, 4)],
                      lambda x, d=dim, k=keepdim: torch.max(x, dim=d, keepdim=k).values,
                      {"dim": dim, "keepdim": keepdim})
            make_case("ops", f"argmax of [3, 4] along dim {dim}, keepdim {keepdim}", "argmax", [randn(3, 4)],
                      lambda x, d=dim, k=keepdim: torch.argmax(x, dim=d, keepdim=k),
                      {"dim": dim, "keepdim": keepdim}, differentiable=False)
        # Ties: PyTorch returns (and sends the gradient to) the first maximum.
        make_case("ops", f"max with ties along dim {dim}", "max", [ties], lambda x, d=dim: torch.max(x, dim=d).values,
                  {"dim": dim, "keepdim": False})
        make_case("ops", f"argmax with ties along dim {dim}", "argmax", [ties], lambda x, d=dim: torch.argmax(x, dim=d),
                  {"dim": dim, "keepdim": False}, differentiable=False)
    make_case("ops", "max of a vector [6] along dim 0", "max", [randn(6)], lambda x: torch.max(x, dim=0).values,
              {"dim": 0, "keepdim": False})
    make_case("ops", "argmax of a vector [6] along dim 0", "argmax", [randn(6)], lambda x: torch.argmax(x, dim=0),
              {"dim": 0, "keepdim": False}, differentiable=False)


def pointwise_cases():
    make_case("ops", "exp of [3, 4]", "exp", [randn(3, 4)], torch.exp)
    make_case("ops", "log of positive [3, 4]", "log", [positive(3, 4)], torch.log)
    make_case("ops", "pow 2 of [3, 4]", "pow", [randn(3, 4)], lambda x: torch.pow(x, 2.0), {"exponent": 2.0})
    make_case("ops", "pow 0.5 of positive [3, 4]", "pow", [positive(3, 4)], lambda x: torch.pow(x, 0.5),
              {"exponent": 0.5})
    make_case("ops", "pow -1 of [3, 4] away from zero", "pow", [away_from_zero(3, 4)], lambda x: torch.pow(x, -1.0),
              {"exponent": -1.0})
    make_case("ops", "pow 3 of [3, 4]", "pow", [randn(3, 4)], lambda x: torch.pow(x, 3.0), {"exponent": 3.0})
    # Exponents 0 and 1 at x = 0: PyTorch's gradients are 0 and 1; the formula p x^(p-1) gives 0 * inf there.
    make_case("ops", "pow 0 of [3, 4] with exact zeros", "pow", [with_exact_zeros(3, 4)], lambda x: torch.pow(x, 0.0),
              {"exponent": 0.0})
    make_case("ops", "pow 1 of [3, 4] with exact zeros", "pow", [with_exact_zeros(3, 4)], lambda x: torch.pow(x, 1.0),
              {"exponent": 1.0})
    # The bounds themselves are inside: PyTorch passes the gradient at x == min and x == max.
    x = uniform(-1.0, 1.0, 3, 4)
    x[0, 0], x[1, 1], x[2, 2] = -0.5, 0.5, 0.0
    make_case("ops", "clamp to [-0.5, 0.5], values at both bounds included", "clamp", [x],
              lambda v: torch.clamp(v, -0.5, 0.5), {"min": -0.5, "max": 0.5})


# ---- activations ----

EXTREMES = t([[-1000.0, -100.0, -1.0, 0.0], [1.0, 100.0, 1000.0, -100.0], [1000.0, 1000.0, -1000.0, 100.0]])


def activation_cases():
    make_case("activations", "sigmoid of [3, 4]", "sigmoid", [randn(3, 4)], torch.sigmoid)
    make_case("activations", "tanh of [3, 4]", "tanh", [randn(3, 4)], torch.tanh)
    make_case("activations", "relu of [3, 4] with exact zeros", "relu", [with_exact_zeros(3, 4)], torch.relu)
    for slope in (0.01, 0.2):
        make_case("activations", f"leaky_relu {slope} of [3, 4] with exact zeros", "leaky_relu",
                  [with_exact_zeros(3, 4)], lambda x, s=slope: F.leaky_relu(x, s), {"negative_slope": slope})
    for op, fn in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
        for dim in (0, 1, -1):
            make_case("activations", f"{op} of [3, 4] along dim {dim}", op, [randn(3, 4)],
                      lambda x, d=dim, f=fn: f(x, dim=d), {"dim": dim})
        make_case("activations", f"{op} of a vector [5] along dim 0", op, [randn(5)],
                  lambda x, f=fn: f(x, dim=0), {"dim": 0})
    make_case("activations", "gelu (exact) of [3, 4]", "gelu", [2 * randn(3, 4)], F.gelu)
    make_case("activations", "silu of [3, 4]", "silu", [2 * randn(3, 4)], F.silu)
    for alpha in (1.0, 0.5):
        make_case("activations", f"elu {alpha} of [3, 4] with exact zeros", "elu", [with_exact_zeros(3, 4)],
                  lambda x, a=alpha: F.elu(x, a), {"alpha": alpha})
    make_case("activations", "softplus of [3, 4]", "softplus", [3 * randn(3, 4)], F.softplus,
              {"beta": 1.0, "threshold": 20.0})
    make_case("activations", "softplus with beta 2, threshold 5 of [3, 4]", "softplus", [3 * randn(3, 4)],
              lambda x: F.softplus(x, beta=2.0, threshold=5.0), {"beta": 2.0, "threshold": 5.0})

    # ±100 and ±1000: nothing overflows, gradients are finite (0 where the function is flat).
    make_case("activations", "sigmoid of extreme inputs", "sigmoid", [EXTREMES], torch.sigmoid)
    make_case("activations", "tanh of extreme inputs", "tanh", [EXTREMES], torch.tanh)
    make_case("activations", "softplus of extreme inputs", "softplus", [EXTREMES], F.softplus,
              {"beta": 1.0, "threshold": 20.0})
    for op, fn in (("softmax", torch.softmax), ("log_softmax", torch.log_softmax)):
        for dim in (0, 1):
            make_case("activations", f"{op} of extreme inputs along dim {dim}", op, [EXTREMES],
                      lambda x, d=dim, f=fn: f(x, dim=d), {"dim": dim})


# ---- printing ----

PRINTS = []


def print_case(name, tensor, sci_mode=None, build=None):
    """str(tensor) under sci_mode (None = PyTorch's default, automatic), with its values stored."""
    torch.set_printoptions(sci_mode=sci_mode)
    text = str(tensor)
    torch.set_printoptions(profile="default")
    torch.set_printoptions(sci_mode=None)
    case = {"name": name, "sci_mode": {None: "auto", False: "off", True: "on"}[sci_mode],
            "dtype": "int64" if tensor.dtype == torch.int64 else "float32",
            "value": encode(tensor), "expected": text}
    if build:
        case["build"] = build  # the C++ side computes the tensor itself this way, then prints it
    PRINTS.append(case)


def print_cases():
    x = t([-1.0, 0.0, 1.0, 2.0])
    print_case("sigmoid of [-1, 0, 1, 2]", torch.sigmoid(x), build="sigmoid")
    print_case("tanh of [-1, 0, 1, 2]", torch.tanh(x), build="tanh")
    print_case("relu of [-1, 0, 1, 2]", torch.relu(x), build="relu")
    print_case("leaky_relu of [-1, 0, 1, 2]", F.leaky_relu(x), build="leaky_relu")
    logits = t([[-1.0, 2.0, -3.0, 4.0], [5.0, -6.0, 7.0, 10.0]])
    probs = torch.softmax(logits, dim=1)
    print_case("softmax of the article's logits, sci_mode=False", probs, sci_mode=False, build="softmax")
    print_case("softmax of the article's logits, default sci_mode", probs, build="softmax")
    print_case("row sums of the article's softmax", probs.sum(dim=1), build="softmax_row_sums")
    print_case("argmax of the article's softmax", torch.argmax(probs, dim=1), build="softmax_argmax")

    print_case("a scalar", t(3.5))
    print_case("a negative scalar", t(-0.125))
    print_case("a whole scalar", t(7.0))
    print_case("a long vector that wraps", randn(30))
    print_case("a long vector of whole numbers that wraps", torch.arange(40, dtype=torch.float32) * 3)
    big = randn(40, 40)
    big[0, 0], big[39, 39] = 12.0, -7.0
    print_case("a 40x40 matrix, summarized", big)
    print_case("a 2000-element vector, summarized", torch.arange(2000, dtype=torch.float32) / 7)
    print_case("whole numbers", t([1.0, 2.0, 3.0, -4.0]))
    print_case("whole numbers in a matrix", t([[1.0, 20.0], [300.0, -4.0]]))
    print_case("zeros", torch.zeros(2, 3))
    print_case("negative zero among whole numbers", t([-0.0, 1.0]))
    print_case("an empty vector", torch.zeros(0))
    print_case("large and small values, sci mode", t([1.0e-5, 1.0, 2.5e5, -3.0e-3]))
    print_case("values too small for fixed notation", t([1.0e-5, 2.0e-5, 3.0e-5]))
    print_case("values above 1e8", t([1.5e9, 2.0, 3.25]))
    print_case("whole numbers spanning more than 1000x", t([1.0, 5000.0, -20.0]))
    print_case("large and small values, sci_mode=False", t([1.0e-5, 1.0, 2.5e5, -3.0e-3]), sci_mode=False)
    print_case("small values forced into sci mode", t([0.5, -0.25, 0.125]), sci_mode=True)
    print_case("negatives", t([[-0.5, 1.25], [-3.75, 0.0]]))
    print_case("nan and inf", t([float("nan"), float("inf"), -float("inf"), 1.5]))
    print_case("nan and inf among whole numbers", t([float("nan"), 2.0, -float("inf")]))
    print_case("int64 indices", torch.tensor([0, 3, 12, 1]))
    print_case("an int64 matrix", torch.tensor([[0, -3], [12, 1]]))
    print_case("a column [3, 1]", randn(3, 1))
    print_case("a wide matrix [2, 12] that wraps its rows", randn(2, 12))


def main():
    arithmetic_cases()
    matrix_cases()
    reduction_cases()
    pointwise_cases()
    activation_cases()
    print_cases()
    document = {
        "generator": "tests/reference/make_reference.py",
        "torch_version": torch.__version__,
        "seed": SEED,
        "ops": CASES["ops"],
        "activations": CASES["activations"],
        "print": PRINTS,
    }
    with open(OUTPUT, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    n = len(CASES["ops"]) + len(CASES["activations"])
    print(f"wrote {OUTPUT}: {n} op cases, {len(PRINTS)} print cases, {os.path.getsize(OUTPUT)} bytes")


if __name__ == "__main__":
    main()
