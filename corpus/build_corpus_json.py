#!/usr/bin/env python3
"""Assemble corpus.json from onnx/manifest.json and tflite/manifest.json
(written by onnx/extract.py and tflite/generate.py). Standard library only.

Usage: python3 build_corpus_json.py
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

ONNX_ORIGIN = {
    "alexnet": "BVLC AlexNet",
    "densenet121": "DenseNet-121",
    "inception_v1": "Inception v1 (GoogLeNet)",
    "inception_v2": "Inception v2 (BN-Inception)",
    "resnet50": "ResNet-50 (Caffe2)",
    "shufflenet": "ShuffleNet v1",
    "squeezenet": "SqueezeNet 1.0",
    "vgg19": "VGG-19",
    "zfnet512": "ZFNet-512",
}

TFLITE_ORIGIN = {
    "mobilenet_v1_025": "MobileNet v1 (alpha 0.25, 96x96x3, 1000 classes) from tf.keras.applications.MobileNet",
    "mobilenet_v2_035": "MobileNet v2 (alpha 0.35, 96x96x3, 10 classes) from tf.keras.applications.MobileNetV2",
    "ds_cnn_s": "DS-CNN-S keyword-spotting network (ARM 'Hello Edge', 49x10x1 MFCC input, 12 classes) built with Keras layers",
}

CI_SUBSET = ["squeezenet", "shufflenet", "mobilenet_v1_025_f32",
             "mobilenet_v1_025_int8", "ds_cnn_s_int8"]
# Every TFLite model and the two small ONNX ones: what the from-source Relay baselines carry on the
# targets past llvm (a Relay release takes an hour of 2 cores per target for the whole corpus).
SMALL_SUBSET = ["ds_cnn_s_f32", "ds_cnn_s_int8", "mobilenet_v1_025_f32", "mobilenet_v1_025_int8",
                "mobilenet_v2_035_f32", "mobilenet_v2_035_int8", "shufflenet", "squeezenet"]


def load(path):
    with open(os.path.join(HERE, path)) as f:
        return json.load(f)


def inputs_of(entry):
    return [{"name": i["name"], "shape": i["shape"], "dtype": i["dtype"]}
            for i in entry["inputs"]]


def _hw(threads, warp, shared):
    """auto_scheduler.HardwareParams with every field given: GPU task extraction then asks no device."""
    return {"num_cores": -1, "vector_unit_bytes": 16, "cache_line_bytes": 64, "max_shared_memory_per_block": shared,
            "max_local_memory_per_block": 2147483647, "max_threads_per_block": threads, "max_vthread_extent": 8, "warp_size": warp}


# The design's four targets. Task keys and IR are made on the host for all of them; libraries are
# run where a device exists (lavapipe gives Vulkan on the CPU).
TARGETS = [
    {"id": "llvm", "kind": "llvm", "target": "llvm"},
    {"id": "cuda", "kind": "cuda", "target": "cuda -arch=sm_80", "hardwareParams": _hw(1024, 32, 49152),
     "note": "-arch pinned: without it TVM picks the arch of the GPU it finds, else a default that moved (sm_20 -> sm_50 in v0.12)"},
    {"id": "vulkan", "kind": "vulkan", "target": "vulkan", "hardwareParams": _hw(256, 1, 16384),
     "note": "runs on Mesa's lavapipe (a CPU Vulkan device) where no GPU is present"},
    {"id": "c", "kind": "c", "target": "c",
     "note": "microTVM: target c with the AOT executor and the CRT runtime; Model Library Format where tvm.micro exists"},
]


def main():
    models = []
    onnx_m = load("onnx/manifest.json")
    for e in onnx_m["models"]:
        fname = e["upstream"].split("/")[-1]
        models.append({
            "id": e["id"],
            "format": "onnx",
            "file": e["file"],
            "sha256": e["sha256"],
            "inputs": inputs_of(e),
            "source": "%s from the ONNX model zoo, as %s shipped in the onnx %s wheel "
                      "(onnx/backend/test/data/light/, opset %d, float weights replaced "
                      "by ConstantOfShape)." % (ONNX_ORIGIN[e["id"]], fname,
                                                onnx_m["onnx_version"], e["opset"]),
            "license": "Apache-2.0",
            "generator": "onnx/extract.py",
        })
    tfl_m = load("tflite/manifest.json")
    for e in tfl_m["models"]:
        prefix, kind = e["id"].rsplit("_", 1)
        how = ("converted to float32 TFLite" if kind == "f32" else
               "converted to full-integer int8 TFLite (int8 input/output, seeded "
               "random calibration data)")
        models.append({
            "id": e["id"],
            "format": "tflite",
            "file": e["file"],
            "sha256": e["sha256"],
            "inputs": inputs_of(e),
            "source": "%s with seeded random weights, %s by the TensorFlow %s TFLite converter."
                      % (TFLITE_ORIGIN[prefix], how, tfl_m["tensorflow_version"]),
            "license": "Apache-2.0",
            "generator": "tflite/generate.py",
        })
    models.sort(key=lambda m: m["id"])
    ids = {m["id"] for m in models}
    missing = [i for i in CI_SUBSET + SMALL_SUBSET if i not in ids]
    if missing:
        raise SystemExit("ci subset names unknown models: %s" % missing)
    corpus = {
        "$schema": "../src/corpus/corpus.schema.json",
        "version": 1,
        "targets": TARGETS,
        "subsets": {"ci": sorted(CI_SUBSET), "small": sorted(SMALL_SUBSET)},
        "models": models,
    }
    with open(os.path.join(HERE, "corpus.json"), "w") as f:
        json.dump(corpus, f, indent=2)
        f.write("\n")
    print("wrote corpus.json with %d models" % len(models))


if __name__ == "__main__":
    main()
