#!/usr/bin/env python3
"""Generate the TFLite models of the corpus with the real TensorFlow Lite converter.

Published architectures, randomly initialised weights (weights=None, every seed
fixed), batch size 1, each converted twice:
  *_f32   plain float32 conversion
  *_int8  full-integer post-training quantization (TFLITE_BUILTINS_INT8,
          int8 input and output), calibrated on a representative dataset drawn
          from a seeded numpy RNG

Models:
  mobilenet_v1_025  tf.keras.applications.MobileNet, alpha 0.25, 96x96x3, 1000 classes
  mobilenet_v2_035  tf.keras.applications.MobileNetV2, alpha 0.35, 96x96x3, 10 classes
                    (10 classes: with 1000 the 1280x1000 classifier alone makes the
                    float file larger than 5 MB)
  ds_cnn_s          DS-CNN-S keyword spotting (Zhang et al. 2017, "Hello Edge",
                    ARM-software/ML-KWS-for-MCU): 49x10x1 MFCC input,
                    conv 64 10x4 stride 2, 4 depthwise-separable blocks of 64
                    (3x3 depthwise + 1x1 pointwise, each with BN+ReLU),
                    global average pool, dense 12 + softmax

Writes ../models/tflite/<id>.tflite and manifest.json next to this script
(sha256, size, inputs read back with the `tflite` package).

Usage (in a venv made from requirements.txt):  python generate.py
"""

import hashlib
import json
import os
import random
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tflite  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)
OUT_DIR = os.path.join(CORPUS, "models", "tflite")
MANIFEST = os.path.join(HERE, "manifest.json")
MAX_BYTES = 5 * 1024 * 1024
SEED = 0
CALIBRATION_SAMPLES = 32


def set_seeds():
    random.seed(SEED)
    np.random.seed(SEED)
    tf.keras.utils.set_random_seed(SEED)


def mobilenet_v1_025():
    return tf.keras.applications.MobileNet(
        input_shape=(96, 96, 3), alpha=0.25, weights=None, classes=1000)


def mobilenet_v2_035():
    return tf.keras.applications.MobileNetV2(
        input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10)


def ds_cnn_s():
    layers = tf.keras.layers
    inp = tf.keras.Input(shape=(49, 10, 1), name="input")
    x = layers.Conv2D(64, (10, 4), strides=(2, 2), padding="same", name="conv_1")(inp)
    x = layers.BatchNormalization(name="conv_1_bn")(x)
    x = layers.ReLU(name="conv_1_relu")(x)
    for i in range(1, 5):
        x = layers.DepthwiseConv2D((3, 3), strides=(1, 1), padding="same",
                                   name="conv_ds_%d_dw" % i)(x)
        x = layers.BatchNormalization(name="conv_ds_%d_dw_bn" % i)(x)
        x = layers.ReLU(name="conv_ds_%d_dw_relu" % i)(x)
        x = layers.Conv2D(64, (1, 1), padding="same", name="conv_ds_%d_pw" % i)(x)
        x = layers.BatchNormalization(name="conv_ds_%d_pw_bn" % i)(x)
        x = layers.ReLU(name="conv_ds_%d_pw_relu" % i)(x)
    # 49x10 -> 25x5 after the stride-2 first conv; pool over the whole map.
    x = layers.AveragePooling2D(pool_size=(25, 5), name="avg_pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(12, name="fc")(x)
    out = layers.Softmax(name="softmax")(x)
    return tf.keras.Model(inp, out, name="ds_cnn_s")


# id prefix, builder, input shape (without batch), calibration data generator
MODELS = [
    ("mobilenet_v1_025", mobilenet_v1_025, (96, 96, 3),
     lambda rng, s: rng.uniform(-1.0, 1.0, size=s)),
    ("mobilenet_v2_035", mobilenet_v2_035, (96, 96, 3),
     lambda rng, s: rng.uniform(-1.0, 1.0, size=s)),
    ("ds_cnn_s", ds_cnn_s, (49, 10, 1),
     lambda rng, s: rng.normal(0.0, 10.0, size=s)),
]


def concrete_function(model, input_shape):
    spec = tf.TensorSpec((1,) + tuple(input_shape), tf.float32, name="input")

    @tf.function(input_signature=[spec])
    def serve(x):
        return model(x, training=False)

    # Freeze the Keras variables into constants: the converter's calibrator
    # cannot read resource variables captured from a Keras 3 model.
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2)

    return convert_variables_to_constants_v2(serve.get_concrete_function())


def convert(model, input_shape, make_sample, quantize):
    fn = concrete_function(model, input_shape)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn])
    if quantize:
        def representative_dataset():
            rng = np.random.default_rng(SEED)
            for _ in range(CALIBRATION_SAMPLES):
                yield [make_sample(rng, (1,) + tuple(input_shape)).astype(np.float32)]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative_dataset
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


_TENSOR_TYPES = {v: k for k, v in vars(tflite.TensorType).items()
                 if not k.startswith("_") and isinstance(v, int)}


def tensor_info(model, subgraph, index):
    t = subgraph.Tensors(index)
    type_name = _TENSOR_TYPES[t.Type()]
    dtype = {"FLOAT32": "float32", "INT8": "int8", "UINT8": "uint8",
             "INT16": "int16", "INT32": "int32", "INT64": "int64",
             "FLOAT16": "float16", "BOOL": "bool"}.get(type_name, type_name.lower())
    info = {
        "name": t.Name().decode("utf-8"),
        "shape": [int(d) if int(d) > 0 else 1 for d in t.ShapeAsNumpy()],
        "dtype": dtype,
    }
    q = t.Quantization()
    if q is not None and q.ScaleLength() > 0:
        info["quantization"] = {"scale": float(q.Scale(0)),
                                "zero_point": int(q.ZeroPoint(0))}
    return info


def read_back(buf):
    model = tflite.Model.GetRootAsModel(buf, 0)
    sg = model.Subgraphs(0)
    inputs = [tensor_info(model, sg, sg.Inputs(i)) for i in range(sg.InputsLength())]
    outputs = [tensor_info(model, sg, sg.Outputs(i)) for i in range(sg.OutputsLength())]
    ops = set()
    for i in range(sg.OperatorsLength()):
        code = model.OperatorCodes(sg.Operators(i).OpcodeIndex())
        ops.add(max(code.BuiltinCode(), code.DeprecatedBuiltinCode()))
    names = {v: k for k, v in vars(tflite.BuiltinOperator).items()
             if not k.startswith("_") and isinstance(v, int)}
    return inputs, outputs, sorted(names.get(o, str(o)) for o in ops)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    entries = []
    for prefix, build, input_shape, make_sample in MODELS:
        for suffix, quantize in (("f32", False), ("int8", True)):
            model_id = "%s_%s" % (prefix, suffix)
            set_seeds()  # same weights for the f32 and int8 variants
            model = build()
            buf = convert(model, input_shape, make_sample, quantize)
            if len(buf) > MAX_BYTES:
                raise SystemExit("%s: %d bytes > 5 MB" % (model_id, len(buf)))
            path = os.path.join(OUT_DIR, model_id + ".tflite")
            with open(path, "wb") as f:
                f.write(buf)
            inputs, outputs, ops = read_back(buf)
            entry = {
                "id": model_id,
                "format": "tflite",
                "file": "models/tflite/%s.tflite" % model_id,
                "sha256": hashlib.sha256(buf).hexdigest(),
                "size_bytes": len(buf),
                "params": int(model.count_params()),
                "inputs": inputs,
                "outputs": outputs,
                "operators": ops,
            }
            entries.append(entry)
            print("%-22s %8d bytes params %d inputs %s ops %s" % (
                model_id, len(buf), entry["params"], json.dumps(inputs), ",".join(ops)))
            tf.keras.backend.clear_session()
    with open(MANIFEST, "w") as f:
        json.dump({"tensorflow_version": tf.__version__,
                   "keras_version": tf.keras.__version__ if hasattr(tf.keras, "__version__") else None,
                   "numpy_version": np.__version__,
                   "models": entries}, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
