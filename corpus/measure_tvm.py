#!/usr/bin/env python3
"""Time TVM frontend imports (and, for Relay, auto_scheduler task extraction)
for every model in corpus.json.

Usage:
  python3 measure_tvm.py --python /work/venvs/v0.19/bin/python --python /work/venvs/v0.27/bin/python
Each model is measured in its own subprocess (with TOPHUB_LOCATION=NONE) of the
given interpreter, which must have TVM installed. Relay-era TVM (has tvm.relay)
gets relay.frontend.from_onnx/from_tflite + auto_scheduler.extract_tasks on
target "llvm"; Relax-era TVM gets relax.frontend.{onnx,tflite}.from_*.
Prints one JSON object per measurement and a summary table.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r'''
import json, sys, time, traceback
spec = json.loads(sys.argv[1])
res = {"id": spec["id"]}
try:
    t0 = time.perf_counter()
    import tvm
    res["tvm"] = tvm.__version__
    res["tvm_import_s"] = round(time.perf_counter() - t0, 3)
    shapes = {i["name"]: i["shape"] for i in spec["inputs"]}
    dtypes = {i["name"]: i["dtype"] for i in spec["inputs"]}
    relay_era = hasattr(tvm, "relay")
    res["ir"] = "relay" if relay_era else "relax"
    if spec["format"] == "onnx":
        import onnx
        model = onnx.load(spec["path"])
    else:
        import tflite
        with open(spec["path"], "rb") as f:
            buf = f.read()
        model = tflite.Model.GetRootAsModel(buf, 0)
    t0 = time.perf_counter()
    if relay_era:
        from tvm import relay
        if spec["format"] == "onnx":
            mod, params = relay.frontend.from_onnx(model, shape=shapes, dtype=dtypes)
        else:
            mod, params = relay.frontend.from_tflite(model, shape_dict=shapes, dtype_dict=dtypes)
    else:
        if spec["format"] == "onnx":
            from tvm.relax.frontend.onnx import from_onnx
            mod = from_onnx(model, shape_dict=shapes, dtype_dict=dtypes)
        else:
            from tvm.relax.frontend.tflite import from_tflite
            mod = from_tflite(model, shape_dict=shapes, dtype_dict=dtypes)
    res["import_s"] = round(time.perf_counter() - t0, 3)
    res["import_ok"] = True
    if relay_era and spec.get("extract", True):
        try:
            t0 = time.perf_counter()
            tasks, weights = tvm.auto_scheduler.extract_tasks(
                mod["main"], params, tvm.target.Target("llvm"))
            res["extract_s"] = round(time.perf_counter() - t0, 3)
            res["extract_ok"] = True
            res["tasks"] = len(tasks)
        except Exception as e:
            res["extract_ok"] = False
            res["extract_error"] = (type(e).__name__ + ": " + str(e)).strip().splitlines()[-1][:300]
except Exception as e:
    res.setdefault("import_ok", False)
    msg = (type(e).__name__ + ": " + str(e)).strip().splitlines()
    res["error"] = msg[-1][:300] if msg else type(e).__name__
print("RESULT " + json.dumps(res))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", action="append", required=True)
    ap.add_argument("--only", action="append")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--out", help="write all results to this JSON file")
    args = ap.parse_args()
    with open(os.path.join(HERE, "corpus.json")) as f:
        corpus = json.load(f)
    env = dict(os.environ, TOPHUB_LOCATION="NONE")
    results = []
    for py in args.python:
        for m in corpus["models"]:
            if args.only and m["id"] not in args.only:
                continue
            spec = dict(m, path=os.path.join(HERE, m["file"]))
            t0 = time.perf_counter()
            try:
                p = subprocess.run([py, "-c", CHILD, json.dumps(spec)], env=env,
                                   capture_output=True, text=True, timeout=args.timeout)
                line = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")]
                if line:
                    res = json.loads(line[-1][7:])
                else:
                    tail = (p.stderr.strip().splitlines() or ["no output"])[-1]
                    res = {"id": m["id"], "import_ok": False,
                           "error": "exit %d: %s" % (p.returncode, tail[:300])}
            except subprocess.TimeoutExpired:
                res = {"id": m["id"], "import_ok": False, "error": "timeout"}
            res["python"] = py
            res["process_s"] = round(time.perf_counter() - t0, 3)
            results.append(res)
            print(json.dumps(res), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
