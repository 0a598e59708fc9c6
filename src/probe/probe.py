"""tvm-compat probe: runs one (model, target) job inside a TVM environment.

Usage: python probe.py JOB.json OUT.json  (one job in this process; worker.py serves many)

JOB.json names the model file, its inputs, the target, the era and the stages to run, each with
its collector (src/<concern>/collect.py) and the stages it needs; the TypeScript concern registry
is the one list of them. The probe writes one snapshot (JSON, sorted keys) to OUT.json after
every stage, so a later hard crash keeps what earlier stages found. Each stage records ok / error
/ not_run; an exception in one stage marks every later stage that needs it as not run, so a TVM
failure is a result, never a probe crash. "@@stage NAME" is printed to stderr before a stage and
"@@done NAME" after it, so that the runner blames a hard crash (segfault, timeout) on the stage
that was running, and on none that had finished.

Exit status: 0 done; 3 TVM could not be imported; 70 the tool itself failed (a collector that does
not load): never blamed on TVM.

Runs on the Python of the TVM environment (3.7 to 3.11): standard library, tvm, numpy, onnx and
tflite only.
"""
import importlib.util
import json
import os
import sys
import threading
import time

PROBE_VERSION = "2"
SNAPSHOT_SCHEMA_VERSION = 1
EXIT_NO_TVM = 3
EXIT_TOOL_ERROR = 70

# Determinism and isolation: TopHub would download tuning logs (and silently change extraction
# when offline); the runner sets these too, they are repeated here for manual runs.
os.environ.setdefault("TOPHUB_LOCATION", "NONE")
os.environ.setdefault("PYTHONHASHSEED", "0")



def _load_common():
    """src/probe/common.py, by path and under a name no other package uses."""
    if "tvm_compat_common" not in sys.modules:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "common.py")
        spec = importlib.util.spec_from_file_location("tvm_compat_common", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["tvm_compat_common"] = module
        spec.loader.exec_module(module)
    return sys.modules["tvm_compat_common"]


common = _load_common()


class ToolError(Exception):
    """A failure of tvm-compat itself, not of the TVM under test."""


def marker(kind, name):
    sys.stderr.write("@@%s %s\n" % (kind, name))
    sys.stderr.flush()


_thread_sink = []


def _watch_threads():
    """Exceptions that escape worker threads: TVM 0.19's auto_scheduler.extract_tasks runs TOPI in a
    thread and drops its exceptions, returning a partial task list. Thread.run is wrapped (rather
    than threading.excepthook, which Python 3.7 lacks) so the watch works on every Python."""
    original = threading.Thread.run
    if getattr(original, "_tvm_compat_watch", False):
        return

    def run(self):
        try:
            original(self)
        except BaseException as exc:
            _thread_sink.append(exc)
            raise

    run._tvm_compat_watch = True
    threading.Thread.run = run


def import_tvm():
    """Imports TVM; returns the import stage record (with the real traceback when it fails)."""
    try:
        import tvm  # noqa: F401

        return {"status": "ok"}
    except Exception as exc:
        return dict(status="error", **common.error_record(exc))


def new_snapshot(job):
    return {
        "schemaVersion": SNAPSHOT_SCHEMA_VERSION,
        "probeVersion": PROBE_VERSION,
        "model": {"id": job["model"]["id"], "sha256": job["model"]["sha256"], "format": job["model"]["format"]},
        "target": {"id": job["target"]["id"], "target": job["target"]["target"]},
        "era": None,
        "stages": {},
    }


def run_job(job, out_path, import_record, import_seconds):
    """Runs every stage of the job after TVM was imported (or failed to); returns the exit status."""
    snapshot = new_snapshot(job)
    stages = snapshot["stages"]
    timings = {"import": import_seconds}

    def write_snapshot():
        data = json.dumps(snapshot, sort_keys=True, indent=1)
        tmp = out_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(data)
        os.replace(tmp, out_path)

    def finish(status):
        write_snapshot()
        sys.stderr.write("@@timings %s\n" % json.dumps(timings, sort_keys=True))
        return status

    stages["import"] = import_record
    if import_record["status"] != "ok":
        for stage in job["stages"]:
            stages[stage["name"]] = {"status": "not_run", "reason": "import failed"}
        return finish(EXIT_NO_TVM)
    snapshot["era"] = job["era"]
    write_snapshot()

    out_dir = job.get("outDir") or os.path.dirname(os.path.abspath(out_path))
    cross = job.get("cross") or {}
    # ctx["timings"]: a collector adds the seconds of its own steps ("artifacts.build") here, never
    # to its record, so that snapshots stay byte-stable.
    ctx = {"job": job, "era": job["era"], "model": job["model"], "target": job["target"], "outDir": out_dir, "common": common, "timings": timings}
    _watch_threads()

    for stage in job["stages"]:
        name = stage["name"]
        missing = [n for n in stage["needs"] if stages.get(n, {}).get("status") != "ok"]
        if missing:
            stages[name] = {"status": "not_run", "reason": "%s did not succeed" % missing[0]}
            continue
        try:
            collector = common.load_by_path(stage["collector"])
        except Exception as exc:
            sys.stderr.write("tvm-compat internal error: cannot load collector %s: %s\n" % (stage["collector"], exc))
            return finish(EXIT_TOOL_ERROR)
        marker("stage", name)
        t0 = time.time()
        del _thread_sink[:]
        ctx["cross"] = cross.get(name)
        try:
            result = collector.collect(ctx)
            record = {"status": result.pop("status", "ok")}
            record.update(result)
            if _thread_sink:
                record.update(status="error", **common.error_record(_thread_sink[0]))
                record["message"] = "TVM swallowed an exception raised in a worker thread: %s" % record["message"]
            stages[name] = record
        except Exception as exc:
            # An exception TVM swallowed in a worker thread is the cause of what failed after it
            # (a short task list that the hash-keys check then refuses): report the cause.
            cause = _thread_sink[0] if _thread_sink else exc
            stages[name] = dict(status="error", **common.error_record(cause))
            if _thread_sink:
                then = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
                stages[name]["message"] = ("TVM swallowed an exception raised in a worker thread: %s (then: %s)" % (stages[name]["message"], then))[:1000]
        timings[name] = round(time.time() - t0, 3)
        write_snapshot()
        marker("done", name)
    return finish(0)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: probe.py JOB.json OUT.json\n")
        return 2
    with open(argv[1]) as f:
        job = json.load(f)
    marker("stage", "import")
    started = time.time()
    record = import_tvm()
    seconds = round(time.time() - started, 3)
    marker("done", "import")
    return run_job(job, argv[2], record, seconds)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
