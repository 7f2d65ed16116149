#!/usr/bin/python3
"""scikit-learn's answers for Ember's class report (src/lab/study/class_report.cpp).

    /usr/bin/python3 tests/reference/make_metrics_reference.py   # writes tests/reference/metrics_reference.json

Read by tests/test_class_report.cpp. Each case holds fixed labels and predictions (and, for binary
cases, the positive class's probabilities), drawn once from a seeded NumPy generator, and what
scikit-learn computes of them:
  precision, recall, f1, support   precision_recall_fscore_support(labels=0..C-1), per class, with
                                   zero_division=0; the same with zero_division=1 as *_if_undefined_1:
                                   where the two differ the figure does not exist (Ember's NaN)
  macro, weighted                  the same with average="macro" / "weighted", zero_division=0
  accuracy                         accuracy_score
  roc_auc, log_loss                roc_auc_score, log_loss(eps=1e-15), binary cases only
The probabilities are float32 values written as doubles, as Ember's model produces them.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, log_loss, precision_recall_fscore_support, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "metrics_reference.json")


def per_class(y, predicted, classes, zero_division):
    p, r, f, s = precision_recall_fscore_support(y, predicted, labels=list(range(classes)),
                                                 zero_division=zero_division)
    return [float(v) for v in p], [float(v) for v in r], [float(v) for v in f], [int(v) for v in s]


def average(y, predicted, classes, kind):
    p, r, f, _ = precision_recall_fscore_support(y, predicted, labels=list(range(classes)), average=kind,
                                                 zero_division=0)
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def case(name, y, predicted, classes, probability=None):
    y = [int(v) for v in y]
    predicted = [int(v) for v in predicted]
    out = {"name": name, "classes": classes, "y": y, "predicted": predicted}
    out["precision"], out["recall"], out["f1"], out["support"] = per_class(y, predicted, classes, 0)
    (out["precision_if_undefined_1"], out["recall_if_undefined_1"], out["f1_if_undefined_1"],
     _) = per_class(y, predicted, classes, 1)
    out["macro"] = average(y, predicted, classes, "macro")
    out["weighted"] = average(y, predicted, classes, "weighted")
    out["accuracy"] = float(accuracy_score(y, predicted))
    if probability is not None:
        probability = [float(np.float32(p)) for p in probability]
        out["probability"] = probability
        out["roc_auc"] = float(roc_auc_score(y, probability))
        out["log_loss"] = float(log_loss(y, probability, eps=1e-15, labels=[0, 1]))
    return out


def main():
    rng = np.random.default_rng(15)
    cases = []

    # Three classes, a fifth of the predictions wrong.
    y = rng.integers(0, 3, 60)
    predicted = np.where(rng.random(60) < 0.2, rng.integers(0, 3, 60), y)
    cases.append(case("multiclass", y, predicted, 3))

    # Four classes, class 3 never predicted: its precision does not exist (0 in the averages).
    y = rng.integers(0, 4, 50)
    predicted = np.where(rng.random(50) < 0.3, rng.integers(0, 3, 50), np.minimum(y, 2))
    cases.append(case("class never predicted", y, predicted, 4))

    # Four classes, class 2 absent from the data but predicted: its recall does not exist.
    y = rng.choice([0, 1, 3], 40)
    predicted = np.where(rng.random(40) < 0.25, rng.integers(0, 4, 40), y)
    cases.append(case("class absent from the data", y, predicted, 4))

    # Three classes, class 2 neither present nor predicted: precision, recall and F1 all missing.
    y = rng.integers(0, 2, 30)
    predicted = np.where(rng.random(30) < 0.3, 1 - y, y)
    cases.append(case("class absent and never predicted", y, predicted, 3))

    # Binary: probabilities from noisy scores, predictions p > 0.5, scores with ties (rounded to 0.05).
    y = rng.integers(0, 2, 80)
    probability = np.clip(np.round((0.5 + 0.35 * (2 * y - 1) + rng.normal(0, 0.25, 80)) * 20) / 20, 0.01, 0.99)
    cases.append(case("binary with ties", y, (probability > 0.5).astype(int), 2, probability))

    # Binary without ties, and with probabilities of exactly 0 and 1 (clipped in the log loss).
    y = rng.integers(0, 2, 100)
    logits = 3 * (2 * y - 1) + rng.normal(0, 2.5, 100)
    probability = 1 / (1 + np.exp(-logits))
    probability[0], probability[1] = (1.0, 0.0) if y[0] == 0 else (0.0, 1.0)
    cases.append(case("binary with saturated probabilities", y, (probability > 0.5).astype(int), 2, probability))

    # Binary, imbalanced (a tenth positive), predictions at threshold 0.3.
    y = (rng.random(120) < 0.1).astype(int)
    probability = 1 / (1 + np.exp(-(2.5 * (2 * y - 1) - 1.5 + rng.normal(0, 1.5, 120))))
    cases.append(case("binary imbalanced, threshold 0.3", y, (probability > 0.3).astype(int), 2, probability))

    document = {"generator": "tests/reference/make_metrics_reference.py", "sklearn": sklearn.__version__,
                "cases": cases}
    with open(OUTPUT, "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    print("wrote %s (%d cases)" % (OUTPUT, len(cases)))


if __name__ == "__main__":
    main()
