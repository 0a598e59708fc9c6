"""Runs collectors on one corpus model outside the probe, for experiments and fixture capture
(scripts/capture-tuning-fixtures.sh): the same ctx the probe builds (src/probe/common.py), the
frontend first. Not used by the probe itself.

usage: python harness.py MODEL_ID STAGES OUT.json [--job JOB_JSON] [--cross CROSS_JSON] [--out-dir DIR]
STAGES: comma-separated collector paths relative to src/, e.g. hash-keys/collect.py,tuning-records/collect.py
"""
import importlib.util
import json
import os
import sys
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(SRC)


def _common():
    spec = importlib.util.spec_from_file_location("tvm_compat_common", os.path.join(SRC, "probe", "common.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["tvm_compat_common"] = module
    spec.loader.exec_module(module)
    return module


def model_entry(model_id):
    with open(os.path.join(ROOT, "corpus", "corpus.json")) as f:
        corpus = json.load(f)
    for m in corpus["models"]:
        if m["id"] == model_id:
            entry = dict(m)
            entry["path"] = os.path.join(ROOT, "corpus", m["file"])
            return entry
    raise SystemExit("unknown model %s" % model_id)


def make_ctx(model_id, job=None, cross=None, out_dir=None):
    os.environ.setdefault("TOPHUB_LOCATION", "NONE")
    common = _common()
    import tvm

    era = "relax" if hasattr(tvm, "relax") and not hasattr(tvm, "relay") else "relay"
    out_dir = out_dir or os.path.abspath("harness-out")
    if not os.path.isdir(out_dir):
        os.makedirs(out_dir)
    ctx = {
        "job": job or {},
        "era": era,
        "model": model_entry(model_id),
        "target": {"id": "llvm", "kind": "llvm", "target": "llvm"},
        "outDir": out_dir,
        "common": common,
        "cross": cross,
        "timings": {},
    }
    common.load_by_path("frontend/collect.py").collect(ctx)
    return ctx


def main(argv):
    args = argv[1:]
    opts = {}
    for flag in ("--job", "--cross", "--out-dir"):
        if flag in args:
            i = args.index(flag)
            opts[flag] = args[i + 1]
            del args[i : i + 2]
    model_id, stages, out_path = args
    job = json.load(open(opts["--job"])) if "--job" in opts else None
    cross = json.load(open(opts["--cross"])) if "--cross" in opts else None
    ctx = make_ctx(model_id, job, cross, opts.get("--out-dir"))
    result = {"era": ctx["era"], "stages": {}, "seconds": {}}
    for path in stages.split(","):
        t0 = time.time()
        try:
            rec = ctx["common"].load_by_path(path).collect(ctx)
        except Exception as exc:
            rec = dict(status="error", **ctx["common"].error_record(exc))
        result["stages"][path] = rec
        result["seconds"][path] = round(time.time() - t0, 2)
    with open(out_path, "w") as f:
        json.dump(result, f, sort_keys=True, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
