"""MetaSchedule (Relax era) half of the tuning-records collector (see collect.py).

Baseline: tunes the heaviest few tasks (weight, then name), a few trials each, replay-trace with a
random cost model, LocalBuilder/LocalRunner, and stores the JSONDatabase's two files in
ctx["outDir"]. Check: the candidate opens the baseline's database the way users do (JSONDatabase,
then MetaScheduleApplyDatabase over its own fused module) and counts which tuned tasks were
dispatched to a record. The load runs first in a child process: a foreign database can segfault.
"""
import json
import os
import shutil
import tempfile
import time

WORKLOAD_FILE = "tuning_workload.json"
RECORDS_FILE = "tuning_records.json"

_LOAD_CHILD = r"""
import json, sys
args = json.loads(sys.stdin.read())
import tvm
try:
    from tvm.s_tir import meta_schedule as ms
except ImportError:
    from tvm import meta_schedule as ms
try:
    db = ms.database.JSONDatabase(args["workload"], args["records"], allow_missing=False)
    n = len(db.get_all_tuning_records())
    print(json.dumps({"ok": True, "records": n}))
except Exception as exc:
    lines = [l for l in str(exc).strip().splitlines() if l.strip()]
    print(json.dumps({"ok": False, "type": type(exc).__name__, "message": (lines[-1] if lines else type(exc).__name__)[:500]}))
"""


def _ms(common):
    return common.first_importable(["tvm.s_tir.meta_schedule", "tvm.meta_schedule"])


def _tune_target(tvm, ctx):
    # 0.25 rejects "llvm -num-cores 1"; the dict form works in 0.25-0.27.
    return tvm.target.Target({"kind": ctx["target"]["kind"], "num-cores": 1})


def _records_per_workload(path):
    """(all, valid) records per workload index, read as plain JSON (each line: [workload_index,
    [trace, run_secs, target, args_info]]). A failed measurement is stored with run_secs 1e10 and
    is never applied by any database query, so only valid records count as stored."""
    counts, valid = {}, {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    idx, rec = json.loads(line)
                    counts[idx] = counts.get(idx, 0) + 1
                    secs = rec[1] if len(rec) > 1 else None
                    if secs and all(float(x) < 1e9 for x in secs):
                        valid[idx] = valid.get(idx, 0) + 1
    return counts, valid


def _measure_errors(work_dir):
    """Why measurements failed, from MetaSchedule's task logs (the database keeps only run_secs
    1e10): the distinct first lines after each "Error" report, at most five."""
    found = []
    for root, _, names in os.walk(os.path.join(work_dir, "logs")):
        for n in sorted(names):
            try:
                with open(os.path.join(root, n), errors="replace") as f:
                    lines = f.read().splitlines()
            except OSError:
                continue
            for i, line in enumerate(lines):
                if "Error" in line and ("Runner" in line or "Builder" in line or "error_msg" in line or "Traceback" not in line):
                    text = " ".join(l.strip() for l in lines[i:i + 3])[:300]
                    if text not in found:
                        found.append(text)
    return found[:5]


def tune(ctx, settings):
    import tvm

    common = ctx["common"]
    ms, ms_name = _ms(common)
    n_tasks, trials, seed, budget = settings
    target = _tune_target(tvm, ctx)
    fused = common.relax_fused(ctx)
    extracted = ms.relax_integration.extract_tasks(fused, target)
    chosen = sorted(extracted, key=lambda t: (-int(t.weight), str(t.task_name)))[:n_tasks]
    shash, _ = common.structural("structural_hash")
    out_dir = ctx["outDir"]
    wl_path, rec_path = os.path.join(out_dir, WORKLOAD_FILE), os.path.join(out_dir, RECORDS_FILE)
    for p in (wl_path, rec_path):
        if os.path.exists(p):
            os.remove(p)
    db = ms.database.JSONDatabase(wl_path, rec_path, allow_missing=True)
    work_dir = tempfile.mkdtemp(prefix="tvm-compat-tune-")
    started = time.time()
    tasks_out, skipped = [], []
    setup = None
    try:
        # Generous limits: the 30 s defaults killed every build when two probes tuned at once on
        # 2 cores (measured 2026-12-02: "LocalBuilder: Timeout, killed after 30.0 seconds", 0 records).
        builder = ms.builder.LocalBuilder(max_workers=1, timeout_sec=180)
        evaluator = ms.runner.EvaluatorConfig(number=1, repeat=1, min_repeat_ms=0, enable_cpu_cache_flush=False)
        runner = ms.runner.LocalRunner(evaluator_config=evaluator, timeout_sec=120)
        contexts, weights = ms.relax_integration.extracted_tasks_to_tune_contexts(
            chosen, work_dir, strategy="replay-trace", num_threads=1, seed=seed
        )
        # The budget bounds tuning, not the builder/runner pools' start (measured 12 s under load).
        setup = round(time.time() - started, 1)
        tuning_started = time.time()
        for task, tctx, weight in zip(chosen, contexts, weights):
            if time.time() - tuning_started > budget:
                skipped.append(str(task.task_name))
                continue
            ms.tune.tune_tasks(
                tasks=[tctx], task_weights=[weight], work_dir=work_dir, max_trials_global=trials,
                max_trials_per_task=trials, num_trials_per_iter=trials, builder=builder, runner=runner,
                database=db, cost_model="random", measure_callbacks="default", task_scheduler="round-robin",
            )
            tasks_out.append({"name": str(task.task_name), "key": str(shash(task.dispatched[0])), "weight": int(task.weight)})
    finally:
        errors = _measure_errors(work_dir)
        shutil.rmtree(work_dir, ignore_errors=True)
    # Workload lines are written in commit order, one per tuned task.
    per_wl, valid = _records_per_workload(rec_path)
    for i, t in enumerate(tasks_out):
        t["records"] = valid.get(i, 0)
        t["failedMeasurements"] = per_wl.get(i, 0) - valid.get(i, 0)
    return {
        "mode": "tune",
        "kind": "meta_schedule",
        "module": ms_name,
        "settings": {"tasks": n_tasks, "trials": trials, "seed": seed, "budgetSeconds": budget,
                     "strategy": "replay-trace", "costModel": "random", "target": str(target)},
        "taskCount": len(extracted),
        "tasks": sorted(tasks_out, key=lambda t: t["name"]),
        "skippedForBudget": sorted(skipped),
        "records": sum(valid.values()),
        "failedMeasurements": sum(per_wl.values()) - sum(valid.values()),
        "seconds": round(time.time() - started, 1),
        "setupSeconds": setup,
        "measureErrors": errors,
        "files": [{"name": WORKLOAD_FILE}, {"name": RECORDS_FILE}],
    }


def scheduled_functions(ms, tvm, fused, target, db):
    """Names of fused PrimFuncs MetaScheduleApplyDatabase replaced with a tuned schedule."""
    from tvm import relax

    with target, db:
        applied = relax.transform.MetaScheduleApplyDatabase()(fused)
    names = set()
    for gv, func in applied.functions.items():
        attrs = getattr(func, "attrs", None)
        if attrs is None or not hasattr(func, "buffer_map") and type(func).__name__ != "PrimFunc":
            continue
        if any(attrs.get(k, False) for k in ("tirx.is_scheduled", "tir.is_scheduled")):
            names.add(str(gv.name_hint))
    return names, applied


def apply(ctx, out):
    """JSONDatabase (loaded in a child first: a foreign database can segfault), then
    MetaScheduleApplyDatabase over the candidate's own fused module."""
    import tvm

    common = ctx["common"]
    rows = out["tasks"]
    ms, _ = _ms(common)
    files = ctx["cross"]["files"]
    code, stdout, stderr = common.run_child(_LOAD_CHILD, json.dumps(files), timeout=300)
    load = None
    if code == 0 and stdout.strip():
        load = json.loads(stdout.strip().splitlines()[-1])
    elif code < 0:
        load = {"ok": False, "type": "signal", "message": "the loader died of signal %d" % -code}
    else:
        load = {"ok": False, "type": "ChildFailed", "message": (stderr.strip().splitlines() or ["exit %d" % code])[-1][:500]}
    out["load"] = load
    if not load["ok"]:
        cause = "the database no longer loads: %s" % load["message"]
        for r in rows:
            r["cause"] = cause
        out.update(applied=0, cause=cause)
        out["rescue"] = _rescue(ctx, files)
        return out
    target = _tune_target(tvm, ctx)
    db = ms.database.JSONDatabase(files["workload"], files["records"], allow_missing=False)
    fused = common.relax_fused(ctx)
    names, _ = scheduled_functions(ms, tvm, fused, target, db)
    cand_names = set(str(t.task_name) for t in ms.relax_integration.extract_tasks(fused, target))
    for r in rows:
        if r["name"] in names:
            r["applied"] = r["stored"]
        elif r["name"] not in cand_names:
            r["cause"] = "task removed"
        else:
            r["cause"] = "key changed"
    out["applied"] = sum(r["applied"] for r in rows)
    out["scheduledFunctions"] = sorted(names)
    causes = sorted(set(r["cause"] for r in rows if "cause" in r))
    if causes:
        out["cause"] = "; ".join(causes)
    return out


def _rescue(ctx, files):
    try:
        migrate = ctx["common"].load_by_path("tuning-records/migrate.py")
        return migrate.attach_summary(ctx, files)
    except Exception as exc:
        return {"error": "%s: %s" % (type(exc).__name__, str(exc).strip()[-300:])}


