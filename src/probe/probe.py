"""tvm-compat probe: runs one (model, target) job inside a TVM environment.

Usage: python probe.py JOB.json OUT.json

JOB.json names the model file, its inputs, the target and the stages to run. The probe writes one
snapshot (JSON, sorted keys) to OUT.json. Each stage records ok / error / not_run / skipped; an
exception in one stage marks every later stage that needs its result as not_run, so a TVM failure
is a result, never a probe crash. Before each stage the probe prints "@@stage NAME" to stderr so
that the runner can attribute a hard crash (segfault, timeout) to the stage that was running.

Runs on the Python of the TVM environment (3.7 to 3.11): standard library, tvm, numpy, onnx and
tflite only. Era-specific code is chosen by capability (is tvm.relay importable?), not by version.
"""
import importlib
import importlib.util
import json
import os
import sys
import time
import traceback

PROBE_VERSION = "2"
SNAPSHOT_SCHEMA_VERSION = 1

# Determinism and isolation: TopHub would download tuning logs (and silently change extraction
# when offline); the runner also sets these, they are repeated here for manual runs.
os.environ.setdefault("TOPHUB_LOCATION", "NONE")
os.environ.setdefault("PYTHONHASHSEED", "0")

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)


def load_collector(folder, name="collect"):
    """Concern folders carry hyphens (src/hash-keys), so they are loaded by path, not as packages."""
    path = os.path.join(SRC, folder, name + ".py")
    spec = importlib.util.spec_from_file_location("tvm_compat_" + folder.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def error_record(exc):
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    text = "".join(lines)
    message = str(exc).strip().splitlines()
    # TVM errors put the useful line last ("...Error: <what>"); keep both ends, short.
    first = message[-1] if message else type(exc).__name__
    return {
        "type": type(exc).__name__,
        "message": first[:500],
        "detail": text[-4000:],
    }


def watch_threads(sink):
    """Collect exceptions that escape worker threads (threading.excepthook exists from 3.8)."""
    import threading

    previous = getattr(threading, "excepthook", None)
    if previous is None:
        return None

    def hook(args):
        sink.append(args.exc_value)
        previous(args)

    threading.excepthook = hook
    return previous


def unwatch_threads(previous):
    import threading

    if previous is not None:
        threading.excepthook = previous


def stage_marker(name):
    sys.stderr.write("@@stage %s\n" % name)
    sys.stderr.flush()


def detect_era():
    """Relay era if the Relay frontend and auto_scheduler import, else Relax era."""
    try:
        importlib.import_module("tvm.relay")
        importlib.import_module("tvm.auto_scheduler")
        return "relay"
    except ImportError:
        pass
    importlib.import_module("tvm.relax")
    return "relax"


def load_frontend(model, era):
    """Import the model file into the era's IR. Returns (mod, params, summary)."""
    path = model["path"]
    shape_dict = dict((i["name"], list(i["shape"])) for i in model["inputs"])
    dtype_dict = dict((i["name"], i["dtype"]) for i in model["inputs"])
    fmt = model["format"]
    if fmt == "onnx":
        import onnx

        onnx_model = onnx.load(path)
        if era == "relay":
            from tvm import relay

            mod, params = relay.frontend.from_onnx(onnx_model, shape=shape_dict, dtype=dtype_dict)
            return mod, params
        from tvm.relax.frontend.onnx import from_onnx

        return from_onnx(onnx_model, shape_dict=shape_dict, dtype_dict=dtype_dict), None
    if fmt == "tflite":
        import tflite

        with open(path, "rb") as f:
            buf = f.read()
        tfl_model = tflite.Model.GetRootAsModel(buf, 0)
        if era == "relay":
            from tvm import relay

            mod, params = relay.frontend.from_tflite(tfl_model, shape_dict=shape_dict, dtype_dict=dtype_dict)
            return mod, params
        from tvm.relax.frontend.tflite import from_tflite

        return from_tflite(tfl_model, shape_dict=shape_dict, dtype_dict=dtype_dict), None
    raise ValueError("unknown model format %r" % fmt)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: probe.py JOB.json OUT.json\n")
        return 2
    with open(argv[1]) as f:
        job = json.load(f)
    out_path = argv[2]

    stage_marker("import")
    snapshot = {
        "schemaVersion": SNAPSHOT_SCHEMA_VERSION,
        "probeVersion": PROBE_VERSION,
        "model": {"id": job["model"]["id"], "sha256": job["model"]["sha256"], "format": job["model"]["format"]},
        "target": {"id": job["target"]["id"], "target": job["target"]["target"]},
        "era": None,
        "stages": {},
    }
    stages = snapshot["stages"]
    timings = {}
    wanted = job.get("stages", ["frontend", "hash_keys"])

    def write_snapshot():
        # Written after every stage, so that a later hard crash keeps what earlier stages found.
        data = json.dumps(snapshot, sort_keys=True, indent=1)
        tmp = out_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(data)
        os.replace(tmp, out_path)

    def finish():
        write_snapshot()
        sys.stderr.write("@@timings %s\n" % json.dumps(timings, sort_keys=True))

    started = time.time()
    try:
        import tvm  # noqa: F401

        snapshot["era"] = detect_era()
        stages["import"] = {"status": "ok"}
    except Exception as exc:  # an environment that cannot import TVM is an infrastructure failure
        stages["import"] = dict(status="error", **error_record(exc))
        for name in wanted:
            stages[name] = {"status": "not_run", "reason": "import failed"}
        finish()
        return 3
    timings["import"] = round(time.time() - started, 3)
    era = snapshot["era"]
    write_snapshot()

    ctx = {"job": job, "era": era, "model": job["model"], "target": job["target"]}

    def run_stage(name, fn, needs):
        missing = [n for n in needs if stages.get(n, {}).get("status") != "ok"]
        if missing:
            stages[name] = {"status": "not_run", "reason": "%s did not succeed" % missing[0]}
            return
        stage_marker(name)
        t0 = time.time()
        swallowed = []
        previous_hook = watch_threads(swallowed)
        try:
            result = fn(ctx)
            record = {"status": result.pop("status", "ok")}
            record.update(result)
            if swallowed:
                # auto_scheduler.extract_tasks runs TOPI in a thread and drops its exceptions,
                # returning a partial task list as if nothing happened: that is a failure.
                record.update(status="error", **error_record(swallowed[0]))
                record["message"] = "TVM swallowed an exception raised in a worker thread: %s" % record["message"]
            stages[name] = record
        except Exception as exc:
            stages[name] = dict(status="error", **error_record(exc))
        finally:
            unwatch_threads(previous_hook)
        timings[name] = round(time.time() - t0, 3)
        write_snapshot()

    def frontend(ctx):
        mod, params = load_frontend(ctx["model"], era)
        ctx["mod"] = mod
        ctx["params"] = params
        return {"ir": era}

    if "frontend" in wanted:
        run_stage("frontend", frontend, [])
    if "hash_keys" in wanted:
        collector = load_collector("hash-keys")
        run_stage("hash_keys", collector.collect, ["frontend"])
    if "ir" in wanted:
        collector = load_collector("ir-snapshots")
        run_stage("ir", collector.collect, ["frontend"])

    finish()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
