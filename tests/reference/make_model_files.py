#!/usr/bin/python3
"""Model-file fixtures written by PyTorch, and a checker for model files written by Ember.

    /usr/bin/python3 tests/reference/make_model_files.py            # writes tests/reference/models/
    /usr/bin/python3 tests/reference/make_model_files.py verify FILE --input-size 4 --classes 3 \
        [--hidden 64,32] [--activation relu]                           # loads an Ember file strictly

The fixtures are the article's MyModel, seeded, saved as PyTorch users save a state_dict as
safetensors: tensor names fc1.weight ... fc3.bias, metadata {"format": "pt"} only. Debian has no
`safetensors` package, so the file is written by hand below, byte for byte as the reference
implementation writes it (compact JSON, "__metadata__" first, tensors in name order, header padded
with spaces to a multiple of 8). Needs torch (1.13 here) and numpy.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")


# ---- the article's model, as written in PyTorch ----

class MyModel(nn.Module):
    """The article's MLP. Unlike the article, it stores num_classes, which forward() reads."""

    def __init__(self, input_size, num_classes):
        super(MyModel, self).__init__()
        self.num_classes = num_classes
        self.fc1 = nn.Linear(input_size, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, num_classes)
        self.relu = nn.ReLU()
        self.sigmoid = nn.Sigmoid()
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        x = self.fc3(x)
        return self.sigmoid(x) if self.num_classes == 1 else self.softmax(x)


# ---- Ember's generalisation: any hidden sizes and activation, the same tensor names ----

def make_activation(name):
    """Ember's --activation names; 'leaky_relu:0.05' sets the slope (PyTorch's default is 0.01)."""
    base, _, argument = name.partition(":")
    if base == "leaky_relu":
        return nn.LeakyReLU(float(argument) if argument else 0.01)
    table = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "gelu": nn.GELU,
             "silu": nn.SiLU, "elu": nn.ELU, "softplus": nn.Softplus}
    if base not in table or argument:
        raise ValueError("unknown activation %r" % name)
    return table[base]()


class GeneralMyModel(nn.Module):
    """fc1 ... fcK with `activation` between them; sigmoid head if num_classes == 1, else softmax."""

    def __init__(self, input_size, num_classes, hidden=(64, 32), activation="relu"):
        super().__init__()
        self.num_classes = num_classes
        sizes = [input_size] + list(hidden) + [num_classes]
        self.layer_names = []
        for k in range(len(sizes) - 1):
            setattr(self, "fc%d" % (k + 1), nn.Linear(sizes[k], sizes[k + 1]))
            self.layer_names.append("fc%d" % (k + 1))
        self.activation = make_activation(activation)

    def forward(self, x):
        for name in self.layer_names[:-1]:
            x = self.activation(getattr(self, name)(x))
        x = getattr(self, self.layer_names[-1])(x)
        return torch.sigmoid(x) if self.num_classes == 1 else torch.softmax(x, dim=1)


# ---- safetensors by hand ----

def save_safetensors(path, tensors, metadata):
    """Writes float32 tensors as the reference implementation does (see the module docstring)."""
    header = {"__metadata__": dict(metadata)} if metadata else {}
    blobs, offset = [], 0
    for name in sorted(tensors):
        array = tensors[name].detach().cpu().numpy().astype("<f4")
        blob = array.tobytes(order="C")
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_safetensors(path):
    """Returns ({name: torch tensor}, metadata). Checks only what this script needs: F32, in range."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    data = raw[8 + length:]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError("%s: tensor %s has dtype %s" % (path, name, info["dtype"]))
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, metadata


# ---- fixtures ----

# A fixed batch (N=5, D=4): iris-like magnitudes, one negative and one zero row, so that ReLU sees
# both signs. Decimal values are rounded to float32 identically by PyTorch and by Ember.
INPUTS = [[5.1, 3.5, 1.4, 0.2],
          [6.7, 3.0, 5.2, 2.3],
          [-1.25, 0.5, -2.0, 0.75],
          [0.0, 0.0, 0.0, 0.0],
          [10.0, -3.5, 7.25, -0.125]]


def exact(values):
    """float32 values as Python floats: repr() of each is exact, so no precision is lost in JSON."""
    return np.asarray(values, dtype=np.float32).astype(np.float64).tolist()


def make_fixtures():
    os.makedirs(MODELS, exist_ok=True)
    x = torch.tensor(INPUTS, dtype=torch.float32)
    expected = {"generated_by": "tests/reference/make_model_files.py",
                "torch_version": torch.__version__,
                "note": "torch.manual_seed(0) right before building each model",
                "input": exact(x), "models": {}}
    for input_size, num_classes in [(4, 3), (4, 1)]:
        torch.manual_seed(0)
        model = MyModel(input_size, num_classes).eval()
        name = "torch_mymodel_%d_%d.safetensors" % (input_size, num_classes)
        save_safetensors(os.path.join(MODELS, name), model.state_dict(), {"format": "pt"})
        with torch.no_grad():
            probabilities = model(x)
        # Self-check: the generalised model with the article's settings is the same function.
        general = GeneralMyModel(input_size, num_classes)
        general.load_state_dict(model.state_dict(), strict=True)
        assert torch.equal(general(x).detach(), probabilities)
        state = model.state_dict()
        expected["models"][name] = {
            "input_size": input_size, "num_classes": num_classes, "hidden": [64, 32],
            "activation": "relu", "head": "sigmoid" if num_classes == 1 else "softmax",
            "shapes": {k: list(v.shape) for k, v in state.items()},
            "fc1.bias": exact(state["fc1.bias"]),
            "fc3.weight": exact(state["fc3.weight"]),
            "fc3.bias": exact(state["fc3.bias"]),
            "probabilities": exact(probabilities),
        }
    with open(os.path.join(MODELS, "torch_mymodel_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("wrote", MODELS)


# ---- the other direction: an Ember file into PyTorch ----

def verify_ember_file(path, input_size, num_classes, hidden=(64, 32), activation="relu", inputs=None):
    """Loads an Ember-written file into PyTorch with strict=True (no missing or extra tensor) and
    prints the probabilities for `inputs` (default: the fixture batch when input_size == 4)."""
    tensors, metadata = load_safetensors(path)
    model = GeneralMyModel(input_size, num_classes, hidden, activation).eval()
    model.load_state_dict(tensors, strict=True)
    if inputs is None:
        inputs = INPUTS if input_size == 4 else torch.linspace(-2, 2, 5 * input_size).reshape(5, input_size)
    with torch.no_grad():
        probabilities = model(torch.as_tensor(inputs, dtype=torch.float32))
    print("metadata:", json.dumps(metadata, indent=1))
    print("probabilities:", json.dumps(exact(probabilities)))
    return probabilities


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("verify", help="load an Ember model file into PyTorch's MyModel")
    check.add_argument("path")
    check.add_argument("--input-size", type=int, required=True)
    check.add_argument("--classes", type=int, required=True)
    check.add_argument("--hidden", default="64,32")
    check.add_argument("--activation", default="relu")
    args = parser.parse_args(argv)
    if args.command == "verify":
        hidden = [int(h) for h in args.hidden.split(",") if h]
        verify_ember_file(args.path, args.input_size, args.classes, hidden, args.activation)
    else:
        make_fixtures()


if __name__ == "__main__":
    main(sys.argv[1:])
