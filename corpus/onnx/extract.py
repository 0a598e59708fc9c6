#!/usr/bin/env python3
"""Copy the "light" ONNX models that ship in the onnx wheel into the corpus.

The onnx wheel (pinned in requirements.txt) contains, under
onnx/backend/test/data/light/, ONNX model zoo networks (opset 9) whose float
initializers were replaced by ConstantOfShape nodes (see the README.md in that
folder). This script copies them to ../models/onnx/<id>.onnx and writes
manifest.json next to itself with each model's sha256 and its real inputs.

Real inputs: graph inputs that no node output and no initializer produces
(the graph input list of these models also names the weights). A symbolic or
zero dimension becomes 1.

Usage: python extract.py     (standard library + onnx only)
"""

import hashlib
import json
import os
import shutil
import sys

import onnx
from onnx import helper

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
OUT_DIR = os.path.join(CORPUS, "models", "onnx")
MANIFEST = os.path.join(HERE, "manifest.json")

# corpus id -> file name in onnx/backend/test/data/light/
MODELS = {
    "alexnet": "light_bvlc_alexnet.onnx",
    "densenet121": "light_densenet121.onnx",
    "inception_v1": "light_inception_v1.onnx",
    "inception_v2": "light_inception_v2.onnx",
    "resnet50": "light_resnet50.onnx",
    "shufflenet": "light_shufflenet.onnx",
    "squeezenet": "light_squeezenet.onnx",
    "vgg19": "light_vgg19.onnx",
    "zfnet512": "light_zfnet512.onnx",
}


def light_dir():
    import onnx.backend.test

    return os.path.join(os.path.dirname(onnx.backend.test.__file__), "data", "light")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def real_inputs(model):
    graph = model.graph
    produced = {i.name for i in graph.initializer}
    produced.update(i.name for i in graph.sparse_initializer)
    for node in graph.node:
        produced.update(o for o in node.output if o)
    inputs = []
    for vi in graph.input:
        if vi.name in produced:
            continue
        tt = vi.type.tensor_type
        shape = []
        for d in tt.shape.dim:
            if d.HasField("dim_value") and d.dim_value > 0:
                shape.append(int(d.dim_value))
            else:
                shape.append(1)
        dtype = helper.tensor_dtype_to_np_dtype(tt.elem_type).name
        inputs.append({"name": vi.name, "shape": shape, "dtype": dtype})
    return inputs


def main():
    src_dir = light_dir()
    os.makedirs(OUT_DIR, exist_ok=True)
    entries = []
    for model_id, fname in sorted(MODELS.items()):
        src = os.path.join(src_dir, fname)
        dst = os.path.join(OUT_DIR, model_id + ".onnx")
        shutil.copyfile(src, dst)
        model = onnx.load(dst)
        opset = max(
            (o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
            default=None,
        )
        entry = {
            "id": model_id,
            "format": "onnx",
            "file": "models/onnx/%s.onnx" % model_id,
            "sha256": sha256(dst),
            "size_bytes": os.path.getsize(dst),
            "opset": opset,
            "inputs": real_inputs(model),
            "upstream": "onnx==%s:onnx/backend/test/data/light/%s" % (onnx.__version__, fname),
        }
        entries.append(entry)
        print("%-13s %8d bytes opset %s inputs %s" % (
            model_id, entry["size_bytes"], opset, json.dumps(entry["inputs"])))
    with open(MANIFEST, "w") as f:
        json.dump({"onnx_version": onnx.__version__, "models": entries}, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
