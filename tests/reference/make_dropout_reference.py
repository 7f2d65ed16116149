#!/usr/bin/python3
"""PyTorch's answers for Ember's Dropout (src/core/nn/dropout.cpp) and MyModel with dropout.

    /usr/bin/python3 tests/reference/make_dropout_reference.py   # writes tests/reference/dropout_reference.json

Read by tests/test_nn_dropout.cpp. A script of its own rather than a section of make_nn_reference.py:
rerunning that one rewrites the last bits of its optimizer runs on another CPU. Sections:
  repr   repr() of nn.Dropout and of a MyModel with dropout, children fc1..fcK, activation, dropout, head
  kept   for each p, the value a kept element of a tensor of ones takes in training mode: float32 1/(1-p)
The masks themselves are not compared: PyTorch draws them from its own generator, Ember from its own.
"""
import json
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_model_files  # noqa: E402  (make_activation: Ember's activation names)

OUTPUT = os.path.join(HERE, "dropout_reference.json")


class MyModel(nn.Module):
    """Ember's MyModel with dropout: one nn.Dropout after each hidden activation, registered after
    "activation" and before "head" (so it prints there); no child at all when dropout == 0."""

    def __init__(self, input_size, num_classes, hidden=(64, 32), activation="relu", dropout=0.0):
        super().__init__()
        sizes = [input_size] + list(hidden) + [num_classes]
        self.depth = len(sizes) - 1
        for k in range(self.depth):
            setattr(self, "fc%d" % (k + 1), nn.Linear(sizes[k], sizes[k + 1]))
        self.activation = make_model_files.make_activation(activation)
        if dropout > 0:
            self.dropout = nn.Dropout(dropout)
        self.head = nn.Sigmoid() if num_classes == 1 else nn.Softmax(dim=1)

    def logits(self, x):
        for k in range(1, self.depth):
            x = self.activation(getattr(self, "fc%d" % k)(x))
            if hasattr(self, "dropout"):
                x = self.dropout(x)
        return getattr(self, "fc%d" % self.depth)(x)

    def forward(self, x):
        return self.head(self.logits(x))


def kept_value(p):
    """The one nonzero value of Dropout(p) on ones in training mode (PyTorch divides the mask by 1 - p)."""
    torch.manual_seed(0)
    out = nn.Dropout(p).train()(torch.ones(10000, dtype=torch.float32))
    values = set(float(v) for v in out.unique())
    assert values == {0.0, max(values)}, values
    return max(values)


def main():
    document = {
        "generated_by": "tests/reference/make_dropout_reference.py", "torch_version": torch.__version__,
        "repr": {
            "dropout_0.2": repr(nn.Dropout(0.2)),
            "dropout_0.5": repr(nn.Dropout(0.5)),
            "dropout_0": repr(nn.Dropout(0.0)),
            "mymodel_10_1_dropout_0.2": repr(MyModel(10, 1, dropout=0.2)),
            "mymodel_4_3_8_6_gelu_dropout_0.5": repr(MyModel(4, 3, (8, 6), "gelu", dropout=0.5)),
            "mymodel_4_3_8_6_gelu_dropout_0": repr(MyModel(4, 3, (8, 6), "gelu", dropout=0.0)),
        },
        "kept": [{"p": p, "value": kept_value(p)} for p in (0.1, 0.2, 0.3, 0.5)],
    }
    with open(OUTPUT, "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    print("wrote %s (%d bytes)" % (OUTPUT, os.path.getsize(OUTPUT)))


if __name__ == "__main__":
    main()
