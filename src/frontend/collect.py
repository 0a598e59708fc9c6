"""Frontend collector: imports the model file into the era's IR (Relay or Relax).

Puts the module (and Relay's params) into ctx for the stages after it; the stage record says only
which IR it produced. Runs on Python 3.7 to 3.11 with the standard library, tvm, onnx and tflite.
"""


def _load(model, era):
    path = model["path"]
    shape_dict = dict((i["name"], list(i["shape"])) for i in model["inputs"])
    dtype_dict = dict((i["name"], i["dtype"]) for i in model["inputs"])
    fmt = model["format"]
    if fmt == "onnx":
        import onnx

        onnx_model = onnx.load(path)
        if era == "relay":
            from tvm import relay

            return relay.frontend.from_onnx(onnx_model, shape=shape_dict, dtype=dtype_dict)
        from tvm.relax.frontend.onnx import from_onnx

        return from_onnx(onnx_model, shape_dict=shape_dict, dtype_dict=dtype_dict), None
    if fmt == "tflite":
        import tflite

        with open(path, "rb") as f:
            buf = f.read()
        tfl_model = tflite.Model.GetRootAsModel(buf, 0)
        if era == "relay":
            from tvm import relay

            return relay.frontend.from_tflite(tfl_model, shape_dict=shape_dict, dtype_dict=dtype_dict)
        from tvm.relax.frontend.tflite import from_tflite

        return from_tflite(tfl_model, shape_dict=shape_dict, dtype_dict=dtype_dict), None
    raise ValueError("unknown model format %r" % fmt)


def collect(ctx):
    ctx["mod"], ctx["params"] = _load(ctx["model"], ctx["era"])
    return {"ir": ctx["era"]}
