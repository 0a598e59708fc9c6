"""Reads the inputs of model files for `--model PATH`: prints JSON [{path, format, inputs}].

ONNX graphs list weights among their inputs; a real input is one that no initializer and no
node produces. Runs in the TVM environment (onnx and tflite installed there).
"""
import json
import sys

TFLITE_DTYPES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 6: "bool", 7: "int16", 9: "int8"}


def onnx_inputs(path):
    import onnx
    from onnx import helper

    model = onnx.load(path)
    graph = model.graph
    produced = set(i.name for i in graph.initializer)
    for node in graph.node:
        produced.update(node.output)
    out = []
    for value in graph.input:
        if value.name in produced:
            continue
        tensor = value.type.tensor_type
        shape = [d.dim_value if d.dim_value > 0 else 1 for d in tensor.shape.dim]
        dtype = helper.tensor_dtype_to_np_dtype(tensor.elem_type).name
        out.append({"name": value.name, "shape": shape, "dtype": dtype})
    return out


def tflite_inputs(path):
    import tflite

    with open(path, "rb") as f:
        model = tflite.Model.GetRootAsModel(f.read(), 0)
    graph = model.Subgraphs(0)
    out = []
    for i in range(graph.InputsLength()):
        tensor = graph.Tensors(graph.Inputs(i))
        shape = [int(d) if d > 0 else 1 for d in tensor.ShapeAsNumpy()]
        out.append({"name": tensor.Name().decode("utf-8"), "shape": shape, "dtype": TFLITE_DTYPES.get(tensor.Type(), "unknown")})
    return out


def main(paths):
    result = []
    for path in paths:
        fmt = "tflite" if path.endswith(".tflite") else "onnx"
        try:
            inputs = tflite_inputs(path) if fmt == "tflite" else onnx_inputs(path)
            result.append({"path": path, "format": fmt, "inputs": inputs})
        except Exception as exc:
            result.append({"path": path, "format": fmt, "error": "%s: %s" % (type(exc).__name__, exc)})
    sys.stdout.write(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
