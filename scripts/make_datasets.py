#!/usr/bin/python3
"""Writes the built-in datasets in data/ from Debian's python3-sklearn copies (stdlib only).

sklearn stores each table as "N,D,class names..." followed by rows of numbers with an integer target
last. Ember's files are plain CSV with a header (sklearn's feature names) and the target last, as class
names where sklearn has them, so `ember train --data data/iris.csv` needs no --target.
Run from anywhere: /usr/bin/python3 scripts/make_datasets.py [--source DIR]
"""
import argparse
import csv
import gzip
import io
import os

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")

# Feature names exactly as sklearn's load_* functions give them (sklearn/datasets/_base.py), except
# iris, whose "sepal length (cm)" style names become sepal_length...: easier to type in --target.
IRIS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
WINE = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
        "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
        "od280/od315_of_diluted_wines", "proline"]
_CANCER_BASE = ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
                "concave points", "symmetry", "fractal dimension"]
CANCER = (["mean " + f for f in _CANCER_BASE] + [f + " error" for f in _CANCER_BASE]
          + ["worst " + f for f in _CANCER_BASE])
DIGITS = ["pixel_%d_%d" % (r, c) for r in range(8) for c in range(8)]


def read_sklearn_csv(path):
    """Returns (class names or None, rows); sklearn's first line is 'N,D[,class names]'."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    first = rows[0]
    if len(first) > 2 and not first[2].replace(".", "").isdigit():
        count, width, names = int(first[0]), int(first[1]), first[2:]
        rows = rows[1:]
    else:  # digits.csv.gz has no count line: every row is data
        count, width, names = len(rows), len(rows[0]) - 1, None
    assert len(rows) == count, (path, len(rows), count)
    assert all(len(r) == width + 1 for r in rows), path
    return names, rows


def clean_number(text):
    """'5.0' -> '5', '0.07871' unchanged: shortest text that reads back as the same value."""
    value = float(text)
    return str(int(value)) if value.is_integer() else repr(value)


def write(name, header, target, rows, class_names):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header + [target])
    for row in rows:
        label = int(float(row[-1]))
        writer.writerow([clean_number(v) for v in row[:-1]]
                        + [class_names[label] if class_names else str(label)])
    path = os.path.join(OUT, name + ".csv")
    with open(path, "w", newline="") as f:
        f.write(buffer.getvalue())
    print("wrote %s: %d rows, %d features" % (os.path.relpath(path), len(rows), len(header)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=SOURCE, help="sklearn/datasets/data folder")
    args = parser.parse_args()
    src = lambda f: os.path.join(args.source, f)

    names, rows = read_sklearn_csv(src("iris.csv"))
    write("iris", IRIS, "species", rows, names)  # setosa, versicolor, virginica
    names, rows = read_sklearn_csv(src("wine_data.csv"))
    write("wine", WINE, "class", rows, names)  # class_0, class_1, class_2
    names, rows = read_sklearn_csv(src("breast_cancer.csv"))
    write("breast_cancer", CANCER, "diagnosis", rows, names)  # malignant, benign
    _, rows = read_sklearn_csv(src("digits.csv.gz"))
    write("digits", DIGITS, "digit", rows, None)  # 0..9


if __name__ == "__main__":
    main()
