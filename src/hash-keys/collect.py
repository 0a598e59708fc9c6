"""Hash-key collector: the keys that tuning records are matched by, with the text each is taken over.

Relay era (auto_scheduler): a record applies when the workload key's md5 of
PrintDAG(dag, simple_mode=True) and its shapes match. Relax era (MetaSchedule): a record's
workload is found by the structural hash of the task's IRModule. Both are computed here, inside
the TVM under test, because the hash functions themselves are part of what can change.
"""
import hashlib
import json
import os
import re
import time


def _sorted_tasks(tasks):
    return sorted(tasks, key=lambda t: (t["name"], t["key"], json.dumps(t["shapes"])))


def _relay_tasks(ctx):
    import tvm
    from tvm import auto_scheduler
    from tvm.auto_scheduler import _ffi_api

    target = ctx["common"].make_target(ctx["target"])
    mod = ctx["mod"]
    tasks, weights = _auto_scheduler_tasks(ctx, target)
    _check_task_count(mod, weights)
    custom_hash = tvm.get_global_func("auto_scheduler.compute_dag.hash_func", allow_missing=True)
    out = []
    for task, weight in zip(tasks, weights):
        key = json.loads(task.workload_key)
        text = str(_ffi_api.ComputeDAGPrintDAG(task.compute_dag, True))
        names = sorted(n for n in task.desc.split(",") if n)
        out.append(
            {
                "key": key[0],
                "workloadKey": task.workload_key,
                "shapes": key[1:],
                "name": ",".join(names),
                "weight": int(weight),
                "text": text,
                # The md5 is recomputed from the text we store, so a diff of the text is proof of
                # why the key moved (unless the build registered its own hash function).
                "keyVerified": custom_hash is None and hashlib.md5(text.encode("utf-8")).hexdigest() == key[0],
            }
        )
    stage = {"kind": "auto_scheduler", "tasks": _sorted_tasks(out)}
    meta = _relay_meta_schedule(ctx, target)
    if meta is not None:
        stage["metaSchedule"] = meta
    return stage


def _auto_scheduler_tasks(ctx, target):
    from tvm import auto_scheduler

    # GPU targets: every HardwareParams field pinned by the corpus, so that extraction does not ask
    # a device (there is none) and the task set is the same on every machine.
    hw = ctx["target"].get("hardwareParams")
    kwargs = {"hardware_params": auto_scheduler.HardwareParams(**hw)} if hw else {}
    return auto_scheduler.extract_tasks(ctx["mod"]["main"], ctx["params"], target, **kwargs)


def _workload(task):
    """The IRModule a MetaSchedule database keys a task by."""
    return task.dispatched[0] if len(task.dispatched) else task.mod


def _relay_meta_schedule(ctx, target):
    """MetaSchedule on Relay (v0.10-v0.19 have both tuning systems): the workloads of the
    TE-to-TIR tasks, keyed by their structural hash as JSONDatabase finds them. None where the
    build has no MetaSchedule; an error is kept beside the auto_scheduler keys, never instead."""
    common = ctx["common"]
    try:
        from tvm.meta_schedule import relay_integration
    except ImportError:
        return None
    # v0.10 names it extract_task_from_relay; v0.11 renamed it extract_tasks.
    extract = getattr(relay_integration, "extract_tasks", None) or getattr(relay_integration, "extract_task_from_relay", None)
    if extract is None:
        return None
    shash, shash_name = common.structural("structural_hash")
    t0 = time.time()
    try:
        tasks = extract(ctx["mod"], target, ctx["params"])
    except Exception as e:  # noqa: BLE001 - the extraction's own error is the finding
        return {"module": "tvm.meta_schedule", "error": common.error_record(e)}
    out = _meta_schedule_tasks(tasks, shash)
    ctx["timings"]["hash_keys.meta_schedule"] = round(time.time() - t0, 3)
    return {"module": "tvm.meta_schedule", "hashFunction": shash_name, "tasks": out}


def _meta_schedule_tasks(tasks, shash):
    out = []
    for task in tasks:
        workload = _workload(task)
        text = workload.script()
        out.append(
            {
                "key": str(shash(workload)),
                "shapes": _buffer_signature(text),
                "name": str(task.task_name),
                "weight": int(task.weight),
                "text": text,
            }
        )
    return _sorted_tasks(out)


_ANCHOR = re.compile(r"\b(?:qnn\.|nn\.)(?:conv2d|conv2d_transpose|dense|batch_matmul)\(")


def _check_task_count(mod, weights):
    """Every conv2d/dense call of the model is the anchor of a fused function, so the weights of
    the tasks add up to at least their number. Less means extraction stopped early: TVM 0.19 with
    TopHub enabled and offline returns 1 task of SqueezeNet's 23, silently."""
    anchors = len(_ANCHOR.findall(mod.astext(show_meta_data=False)))
    found = sum(int(w) for w in weights)
    if found < anchors:
        raise RuntimeError(
            "auto_scheduler.extract_tasks returned %d task occurrence(s) for a model with %d conv2d/dense calls: "
            "extraction is incomplete (TOPHUB_LOCATION=%s)" % (found, anchors, os.environ.get("TOPHUB_LOCATION", "unset"))
        )


# T.Buffer((1, 3), "float32"), or T.Buffer[(1, 3), "float32"] as TVMScript printed it up to v0.11.
_BUFFER = re.compile(r'T\.Buffer[(\[]\(([^()]*(?:\([^()]*\)[^()]*)*)\),\s*"(\w+)"')
_DIM = re.compile(r"T\.int(?:32|64)\((-?\d+)\)|(-?\d+)")


def _buffer_signature(text):
    """Shapes and dtypes of the workload's buffer parameters: the task's identity across versions.

    Read from the printed signature because PrimFunc.buffer_map is gone in newer TVM (0.27).
    """
    start = text.find("def ")
    if start < 0:
        return []
    depth, end = 0, start
    for end in range(text.index("(", start), len(text)):
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        if depth == 0:
            break
    sig = []
    for dims, dtype in _BUFFER.findall(text[start:end]):
        shape = [int(a or b) for a, b in _DIM.findall(dims)]
        sig.append(shape + [dtype])
    return sig


def _relax_tools(ctx):
    """(MetaSchedule module, where it was found, structural_hash, where it was found) of this release."""
    common = ctx["common"]
    ms, ms_name = common.first_importable(["tvm.meta_schedule", "tvm.s_tir.meta_schedule"])
    shash, shash_name = common.structural("structural_hash")
    return ms, ms_name, shash, shash_name


def _relax_tasks(ctx):
    ms, ms_name, shash, shash_name = _relax_tools(ctx)
    target = ctx["common"].make_target(ctx["target"])
    tasks = ms.relax_integration.extract_tasks(ctx["common"].relax_fused(ctx), target)
    return {"kind": "meta_schedule", "module": ms_name, "hashFunction": shash_name, "tasks": _meta_schedule_tasks(tasks, shash)}


def _keys_under(ctx, target):
    """The keys of this model's tasks (the primary tuning system) extracted for another target."""
    if ctx["era"] == "relay":
        tasks, _ = _auto_scheduler_tasks(ctx, target)
        return [json.loads(t.workload_key)[0] for t in tasks]
    ms, _, shash, _ = _relax_tools(ctx)
    return [str(shash(_workload(t))) for t in ms.relax_integration.extract_tasks(ctx["common"].relax_fused(ctx), target)]


def _under_baseline_target(ctx, stage, cross):
    """Where the baseline's TVM completed the corpus target differently (a default that moved:
    -mtriple, an arch), this TVM extracts the keys again for the baseline's target, so the report
    can say how many moved keys that default explains, measured rather than guessed."""
    import tvm

    wanted = cross["canonicalTarget"]
    t0 = time.time()
    try:
        target = tvm.target.Target(dict(wanted))
    except Exception as e:  # noqa: BLE001 - this release cannot make that target: said, not measured
        return {"measured": False, "reason": "this TVM cannot make the baseline's target: %s" % ctx["common"].error_record(e)["message"]}
    made = ctx["common"].canonical_target(target)
    if made != wanted:
        added = sorted(k for k in made if k not in wanted or made[k] != wanted[k])
        return {"measured": False, "reason": "this TVM completes the baseline's target with its own %s" % ", ".join(added)}
    keys = set(_keys_under(ctx, target))
    own = set(t["key"] for t in stage["tasks"])
    base = set(cross.get("keys", []))
    ctx["timings"]["hash_keys.baseline_target"] = round(time.time() - t0, 3)
    return {
        "measured": True,
        # keys the target change itself moves, in this TVM
        "moved": len(keys ^ own),
        # baseline keys missing under this TVM's own target that its baseline target brings back
        "recovered": len((base & keys) - own),
    }


def collect(ctx):
    stage = _relay_tasks(ctx) if ctx["era"] == "relay" else _relax_tasks(ctx)
    stage["canonicalTarget"] = ctx["common"].canonical_target(ctx["common"].make_target(ctx["target"]))
    cross = ctx.get("cross")
    if cross and cross.get("kind") == stage["kind"] and cross.get("canonicalTarget") not in (None, stage["canonicalTarget"]):
        stage["underBaselineTarget"] = _under_baseline_target(ctx, stage, cross)
    return stage
