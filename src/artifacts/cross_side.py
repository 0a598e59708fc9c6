"""Cross side of the compiled-artifacts collector: another TVM's library and reference .npz,
loaded and run by this TVM's runtime in a child process (cross_load.py), since a foreign library
can crash or hang the process that loads it; and this TVM's own reference compared with the
other's. Used for the baseline's library in a candidate, and for a candidate's library in the
baseline's TVM made again (a reverse load).

Runs on Python 3.7 to 3.11 with the standard library, numpy and tvm.
"""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_common = sys.modules["tvm_compat_common"]
elfsyms = _common.load_by_path("artifacts/elfsyms.py")
tensors = _common.load_by_path("artifacts/tensors.py")

REFERENCE = "reference.npz"
CROSS_TIMEOUT = 300


def _parse_marks(stdout):
    marks = {}
    for line in stdout.splitlines():
        if line.startswith("@@"):
            try:
                key, value = json.loads(line[2:])
            except ValueError:
                continue
            marks[key] = value
    return marks


def _signal_name(code):
    try:
        return signal.Signals(-code).name
    except (ValueError, AttributeError):
        return "signal %d" % -code


def compare_references(base_path, own_path):
    """This TVM's own build against the baseline's, on the same inputs: did the compiler change
    the numbers (or the output shapes)? Only when both used bit-identical inputs."""
    base = tensors.read_npz(base_path)
    mine = tensors.read_npz(own_path)
    ins = sorted(k for k in base if k.startswith("input_"))
    if ins != sorted(k for k in mine if k.startswith("input_")) or any(
        base[k].dtype != mine[k].dtype or base[k].shape != mine[k].shape or base[k].tobytes() != mine[k].tobytes() for k in ins
    ):
        return {"compared": False, "reason": "the two references were made from different inputs"}
    outs = sorted((k for k in base if k.startswith("output_")), key=lambda k: int(k.split("_")[1]))
    if len(outs) != len([k for k in mine if k.startswith("output_")]):
        return {"compared": True, "within": False, "outputs": [{"within": False, "mismatch": "%d outputs, the baseline has %d" % (len(mine) - len(ins), len(outs))}]}
    res = [tensors.compare(base[k], mine[k]) for k in outs]
    # A reshape-only difference (v0.19 [1, 12] vs Relax [1, 1, 1, 12]) is reported with the values compared anyway.
    for k, r in zip(outs, res):
        if "mismatch" in r and base[k].size == mine[k].size and base[k].dtype == mine[k].dtype:
            r.update(tensors.compare(base[k].reshape(mine[k].shape), mine[k]), mismatch=r["mismatch"], within=False)
    out = {"compared": True, "within": all(r.get("within") for r in res), "outputs": res}
    finite = [r["maxAbs"] for r in res if "maxAbs" in r]
    if finite:
        out["maxAbs"] = max(finite)
    return out


def cross_side(ctx, own, cross=None):
    """The other TVM's library (ctx["cross"], or the part of it given) in this runtime, on that
    TVM's reference inputs; `own` is this TVM's record of the same executor, if it built one."""
    cross = cross or ctx["cross"]
    request = {
        "library": cross["library"],
        "reference": cross["reference"],
        "executor": cross["executor"],
        "device": ctx["target"]["kind"],
        "inputNames": [i["name"] for i in ctx["model"]["inputs"]],
        "src": HERE,
    }
    with open(os.path.join(HERE, "cross_load.py")) as f:
        code = f.read()
    timeout = int(cross.get("timeout") or CROSS_TIMEOUT)
    t0 = time.time()
    try:
        rc, stdout, stderr = ctx["common"].run_child(code, json.dumps(request), timeout)
        hung = False
    except subprocess.TimeoutExpired as exc:
        rc, hung = None, True
        stdout = exc.stdout.decode("utf-8", "replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        stderr = ""
    seconds = round(time.time() - t0, 3)
    marks = _parse_marks(stdout)
    result = {
        "baseline": cross.get("baseline", ""),
        "executor": cross["executor"],
        "loads": bool(marks.get("loads")),
        "runs": bool(marks.get("runs")),
        "entryPoints": marks.get("entryPoints"),
        "typeKey": marks.get("typeKey"),
        "imports": marks.get("imports"),
    }
    step = "artifacts.cross" if cross["executor"] != "relay-vm" else "artifacts.relayVm.cross"
    ctx["timings"].update({step: seconds, step + ".load": marks.get("loadSeconds"), step + ".run": marks.get("runSeconds")})
    try:
        result["library"] = elfsyms.blob_symbols(cross["library"])
    except Exception as exc:
        result["library"] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    # What this runtime reads: the blob symbol its own libraries carry (and load with); in a
    # reverse load the caller knows it from this TVM's stored record.
    result["runtimeReads"] = (own or {}).get("library", {}).get("blobSymbols") or cross.get("runtimeReads")
    if "noDevice" in marks:
        result["noDevice"] = marks["noDevice"]
    if "entryPointMissing" in marks:
        result["entryPointMissing"] = marks["entryPointMissing"]
    if "outputs" in marks:
        result["outputs"] = marks["outputs"]
        result["within"] = all(o.get("within") for o in marks["outputs"])
        finite = [o["maxAbs"] for o in marks["outputs"] if "maxAbs" in o]
        if finite:
            result["maxAbs"] = max(finite)
            result["maxRel"] = max(o["maxRel"] for o in marks["outputs"] if "maxRel" in o)
    own_ref = os.path.join(ctx["outDir"], ((own or {}).get("reference") or {}).get("name", REFERENCE))
    if own and os.path.exists(own_ref):
        result["ownVsBaseline"] = compare_references(cross["reference"], own_ref)
    if hung:
        result["error"] = "timed out after %d s (%s)" % (timeout, "after loading" if result["loads"] else "while loading")
        result["crash"] = "timeout"
    elif rc is not None and rc < 0:
        stage = "running" if "entryPoints" in marks else "loading"
        result["error"] = "killed by %s while %s" % (_signal_name(rc), stage)
        result["crash"] = _signal_name(rc)
    elif "error" in marks:
        result["error"] = marks["error"]
    elif rc:
        tail = stderr.strip().splitlines()
        result["error"] = "exit %d: %s" % (rc, tail[-1][:500] if tail else "")
    return result
