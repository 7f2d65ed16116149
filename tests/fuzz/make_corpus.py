#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ (committed; rerun only to change them).

A few valid inputs and a few broken ones per target, small so that mutations reach the parsers'
interesting paths quickly. libFuzzer adds what it finds to a copy (scripts/ci_fuzz.sh), never here.
Run from the repository root: python3 tests/fuzz/make_corpus.py
"""
import gzip
import json
import os
import shutil
import struct

ROOT = os.path.join("tests", "fuzz", "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(ROOT, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(ROOT, target, name), "wb") as f:
        f.write(data)


# ---- CSV ----
write("csv", "valid_strings", "a,b,label\n1,2,x\n3,4,y\n5.5,-6e-3,x\n")
write("csv", "valid_integers", "f1,f2,f3,label\n0.1,0.2,0.3,10\n1,2,3,2\n+4,5E+2,.5,10\n")
write("csv", "valid_quoted_bom_crlf", "\ufeff\"x 1\",\"y,2\",label\r\n \"1\" , 2 ,\"a \"\"b\"\"\"\r\n3,4,c\r\n\r\n")
write("csv", "valid_iris_head",
      "sepal_length,sepal_width,petal_length,petal_width,species\n"
      "5.1,3.5,1.4,0.2,setosa\n4.9,3.0,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n"
      "6.4,3.2,4.5,1.5,versicolor\n6.3,3.3,6.0,2.5,virginica\n5.8,2.7,5.1,1.9,virginica\n")
write("csv", "valid_target_first", "label,x\nb,1e-400\na,3.4e38\n")
write("csv", "bad_ragged", "a,b,label\n1,2,x\n3,4\n")
write("csv", "bad_nan_inf", "a,b,label\nnan,2,x\n3,inf,y\n-Infinity,1e39,x\n")
write("csv", "bad_empty_line", "a,label\n1,x\n\n2,y\n")
write("csv", "bad_unterminated_quote", "a,label\n\"1,x\n")
write("csv", "bad_duplicate_header", "a,a,label\n1,2,x\n")
write("csv", "bad_single_class", "a,label\n1,x\n2,x\n")
write("csv", "bad_header_only", "a,b,label\n")
write("csv", "bad_empty", "")

# ---- IDX: the first byte picks raw (odd) or gzip-compressed (even), see fuzz_idx.cpp ----
def be32(v):
    return struct.pack(">I", v)

images = b"\0\0\x08\x03" + be32(2) + be32(2) + be32(3) + bytes([0, 1, 2, 3, 4, 5, 255, 254, 253, 252, 251, 250])
labels = b"\0\0\x08\x01" + be32(3) + bytes([7, 0, 9])
write("idx", "images_raw", b"\x01" + images)
write("idx", "images_gz", b"\x00" + images)
write("idx", "labels_raw", b"\x01" + labels)
write("idx", "labels_gz", b"\x00" + labels)
write("idx", "images_gz_bytes", b"\x01" + gzip.compress(images, mtime=0))
write("idx", "labels_gz_bytes", b"\x01" + gzip.compress(labels, mtime=0))
write("idx", "truncated_pixels", b"\x00" + b"\0\0\x08\x03" + be32(2) + be32(28) + be32(28) + b"\x01" * 20)
write("idx", "forged_dims", b"\x01" + b"\0\0\x08\x03" + be32(0xFFFFFFFF) + be32(0xFFFFFFFF) + be32(0xFFFFFFFF))
write("idx", "bad_type", b"\x01" + b"\0\0\x0D\x03" + be32(1) + be32(1) + be32(1) + b"abcd")
write("idx", "truncated_gz", b"\x01" + gzip.compress(labels, mtime=0)[:-6])

# ---- model files ----
def safetensors(tensors, metadata=None):
    """tensors: name -> (shape, list of floats); laid out in name order, as Ember writes."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    data = b""
    for name in sorted(tensors):
        shape, values = tensors[name]
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def values(n, scale=0.1):
    return [scale * ((i * 7) % 11 - 5) for i in range(n)]


small = {
    "fc1.weight": ([3, 2], values(6)), "fc1.bias": ([3], values(3)),
    "fc2.weight": ([2, 3], values(6)), "fc2.bias": ([2], values(2)),
}
ember_meta = {
    "format": "pt", "ember.activation": "tanh", "ember.hidden": "[3]", "ember.input_size": "2",
    "ember.num_classes": "2", "ember.class_names": '["a","b"]', "ember.feature_names": '["x1","x2"]',
    "ember.target": "label", "ember.standardize_mean": "[0.5,-1]", "ember.standardize_std": "[2,0.25]",
}
small_ember = safetensors(small, ember_meta)
write("model_file", "small_ember", small_ember)
write("model_file", "small_torch", safetensors(small, {"format": "pt"}))
write("model_file", "binary_no_metadata", safetensors({"fc1.weight": ([1, 2], [0.5, -0.5]), "fc1.bias": ([1], [0.1])}))
write("model_file", "empty_header", struct.pack("<Q", 8) + b"{}      ")
write("model_file", "truncated_half", small_ember[: len(small_ember) // 2])
write("model_file", "truncated_data", small_ember[:-3])
mangled = bytearray(small_ember)
mangled[0] ^= 0x40  # a header length beyond the file
write("model_file", "bad_header_length", bytes(mangled))
write("model_file", "f16_dtype", small_ember.replace(b'"F32"', b'"F16"', 1))
write("model_file", "huge_shape",
      safetensors({"fc1.weight": ([1, 1], [1.0]), "fc1.bias": ([1], [0.0])}).replace(b"[1,1]", b"[0,9]", 1))
write("model_file", "bad_metadata", safetensors(small, dict(ember_meta, **{"ember.standardize_mean": "[1,"})))
for name in ("ember_mymodel_4_3", "torch_mymodel_4_1"):
    shutil.copy(os.path.join("tests", "reference", "models", name + ".safetensors"),
                os.path.join(ROOT, "model_file", name))
with open(os.path.join("tests", "reference", "models", "torch_mymodel_4_3.safetensors"), "rb") as f:
    write("model_file", "torch_mymodel_4_3_truncated", f.read()[:700])

# ---- formulas (activation specs): presets, named activations, formulas, and broken ones ----
formulas = {
    "preset_mish": "mish",
    "preset_hardtanh": "hardtanh",
    "named_elu": "elu:0.5",
    "named_leaky_relu": "leaky_relu:0.05",
    "named_softplus": "softplus:2",
    "mish": "x*tanh(softplus(x))",
    "swish_named": "swish=x*sigmoid(x)",
    "softsign": "x/(1+abs(x))",
    "max_leaky": "max(x, 0.1*x)",
    "min_max": "min(max(x+3,0),6)/6",
    "gelu_tanh": "0.5*x*(1+tanh(0.79788456080286535588*(x+0.044715*x^3)))",
    "erf_gelu": "0.5*x*(1+erf(x/sqrt(2)))",
    "powers": "-x^2 + 2^3^2*x^-0.5 - x/2/2",
    "log_exp": "log(1+exp(x)) - exp(-x) * sqrt(abs(x))",
    "calls_params": "elu(x, 1.6732632423543772848) + leaky_relu(x, .5) + softplus(x, 2, 10) + gelu(silu(relu(x)))",
    "constants": "x*(2/3) + 1e-3 - .5e1 + 1.E+2",
    "nested": "mish(mish(selu(gelu_tanh(hardsigmoid(softsign(swish(x)))))))",
    "bad_unclosed": "x*tanh(softplus(x)",
    "bad_no_x": "1+2",
    "bad_constant_overflow": "x+2^1000",
    "bad_number": "x*1e39",
    "bad_exponent_x": "2^x",
    "bad_unknown": "x*foo(x)",
    "bad_arguments": "max(x)",
    "bad_parameter": "elu(x, x)",
    "bad_beta": "softplus(x, 0)",
    "bad_minus_sign": "x\u2212 1",
    "bad_colon": "mish:2",
    "bad_named_x": "x=x",
    "bad_deep": "(" * 120 + "x" + ")" * 120,
    "bad_empty": "",
    "bad_too_long": "x" + "+x" * 500,
    # what fuzz_formula found (tests/test_formula.cpp has both): a padded x, a constant before x in min
    "found_padded_identity": " x",
    "found_min_constant_first": "min(1,x)",
}
for name, text in formulas.items():
    write("formula", name, text)
