"""auto_scheduler (Relay era: v0.19 and older, wheels, checkouts and containers alike) half of the
tuning-records collector (see collect.py).

Baseline: tunes the heaviest tasks with SketchPolicy and a random cost model, seeded, into one log
(RecordToFile). Check: the candidate builds the model with relay.build under ApplyHistoryBest over
that log, as users do, and counts which of the baseline's workload keys the build was dispatched to
a record for.
"""
import json
import os
import shutil
import tempfile
import time

LOG_FILE = "tuning.log"


def task_name(task):
    # The hash-keys concern names a task so: its sorted function names.
    return ",".join(sorted(n for n in task.desc.split(",") if n))


def _log_records(path):
    """Per workload key: (records, valid records) of an auto_scheduler log. Each line is JSON
    {"i": [[workload_key, target, ...], steps], "r": [costs, error_no, ...]}; a record with
    error_no != 0 is a failed measurement, which ApplyHistoryBest never picks."""
    counts, valid = {}, {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                rec = json.loads(line)
                key = rec["i"][0][0]
                counts[key] = counts.get(key, 0) + 1
                if int(rec["r"][1]) == 0:
                    valid[key] = valid.get(key, 0) + 1
    return counts, valid


def tune(ctx, settings):
    import tvm
    from tvm import auto_scheduler

    common = ctx["common"]
    n_tasks, trials, seed, budget = settings
    target = common.make_target(ctx["target"])
    tasks, weights = auto_scheduler.extract_tasks(ctx["mod"]["main"], ctx["params"], target)
    order = sorted(range(len(tasks)), key=lambda i: (-int(weights[i]), tasks[i].workload_key))[:n_tasks]
    log = os.path.join(ctx["outDir"], LOG_FILE)
    if os.path.exists(log):
        os.remove(log)
    started = time.time()
    options = auto_scheduler.TuningOptions(
        num_measure_trials=trials, num_measures_per_round=trials, verbose=0,
        builder=auto_scheduler.LocalBuilder(timeout=180, n_parallel=1),
        runner=auto_scheduler.LocalRunner(timeout=120, number=1, repeat=1, min_repeat_ms=0, enable_cpu_cache_flush=False),
        measure_callbacks=[auto_scheduler.RecordToFile(log)],
    )
    tuned, skipped = [], []
    for i in order:
        task = tasks[i]
        if time.time() - started > budget:
            skipped.append(task_name(task))
            continue
        policy = auto_scheduler.SketchPolicy(task, program_cost_model=auto_scheduler.RandomModel(), seed=seed, verbose=0)
        task.tune(options, search_policy=policy)
        tuned.append((task, int(weights[i])))
    counts, valid = _log_records(log)
    rows = []
    for task, weight in tuned:
        wk = task.workload_key
        rows.append({"name": task_name(task), "key": json.loads(wk)[0], "workloadKey": wk, "weight": weight,
                     "records": valid.get(wk, 0), "failedMeasurements": counts.get(wk, 0) - valid.get(wk, 0)})
    files = [{"name": LOG_FILE}] if os.path.exists(log) else []
    return {
        "mode": "tune",
        "kind": "auto_scheduler",
        "module": "tvm.auto_scheduler",
        "settings": {"tasks": n_tasks, "trials": trials, "seed": seed, "budgetSeconds": budget,
                     "policy": "sketch", "costModel": "random", "target": str(target)},
        "taskCount": len(tasks),
        "tasks": sorted(rows, key=lambda t: (t["name"], t["key"])),
        "skippedForBudget": sorted(skipped),
        "records": sum(r["records"] for r in rows),
        "failedMeasurements": sum(r["failedMeasurements"] for r in rows),
        "seconds": round(time.time() - started, 1),
        "files": files,
    }


def relay_build_asked(ctx, log):
    """relay.build of the model under ApplyHistoryBest over an auto_scheduler log, as users apply
    records: each workload key the build asked for, with whether a record answered. Raises when
    the log does not load or the build fails."""
    import tvm
    from tvm import auto_scheduler, relay

    common = ctx["common"]
    asked = []

    class Counting(auto_scheduler.ApplyHistoryBest):
        def _query_inside(self, target, workload_key, func_name):
            found = auto_scheduler.ApplyHistoryBest._query_inside(self, target, workload_key, func_name)
            asked.append((workload_key, found is not None))
            return found

    dispatcher = Counting(log)
    target = common.make_target(ctx["target"])
    with dispatcher:
        with tvm.transform.PassContext(opt_level=3, config={"relay.backend.use_auto_scheduler": True}):
            relay.build(ctx["mod"], target=target, params=ctx["params"])
    return asked


def apply(ctx, out):
    """The candidate's relay.build under ApplyHistoryBest over the baseline's log, counting the
    baseline's workload keys the build was dispatched to a record for."""
    from tvm import auto_scheduler

    common = ctx["common"]
    rows = out["tasks"]
    log = ctx["cross"]["files"].get("log")
    try:
        auto_scheduler.ApplyHistoryBest(log)
    except Exception as exc:
        message = (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:500]
        out["load"] = {"ok": False, "type": type(exc).__name__, "message": message}
        cause = "the log no longer loads: %s" % message
        for r in rows:
            r["cause"] = cause
        out.update(applied=0, cause=cause)
        return out
    out["load"] = {"ok": True}
    asked = relay_build_asked(ctx, log)
    hits = set(k for k, found in asked if found)
    asked_keys = set(k for k, _ in asked)
    target = common.make_target(ctx["target"])
    compatible = auto_scheduler.ApplyHistoryBest(log, include_compatible=True)
    with target:
        compatible_hits = set(k for k in asked_keys - hits if compatible._query_inside(target, k, None) is not None)
    # rows are the baseline's tasks, in order.
    for r, base in zip(rows, ctx["cross"].get("tasks", [])):
        if base.get("workloadKey") in hits:
            r["applied"] = r["stored"]
        elif not asked:
            r["cause"] = "the build asked auto_scheduler for no schedule"
        else:
            r["cause"] = "key changed"
    out["applied"] = sum(r["applied"] for r in rows)
    out["dispatched"] = len(asked_keys)
    out["compatibleOnly"] = len(compatible_hits)
    causes = sorted(set(r["cause"] for r in rows if "cause" in r))
    if causes:
        out["cause"] = "; ".join(causes)
    if out["applied"] < out["stored"]:
        lost = set(json.loads(b["workloadKey"])[0] for b in ctx["cross"].get("tasks", []) if b.get("workloadKey") and b["workloadKey"] not in hits)
        out["rescue"] = _rescue(ctx, ctx["cross"]["files"], lost)
    return out


def _rescue(ctx, files, lost):
    """What `compat records migrate` would keep of the lost records (those of the baseline tasks,
    by workload hash, the build was not dispatched to): the records' steps replayed on this
    release's tasks, written to a scratch log and applied by a real build."""
    work = tempfile.mkdtemp(prefix="tvm-compat-rescue-")
    try:
        migrate = ctx["common"].load_by_path("tuning-records/migrate.py")
        rows = [r for r in migrate._migrate_relay(ctx, files, work)["migrations"] if r["key"] in lost]
        return {"records": len(rows), "attached": sum(1 for r in rows if r.get("proven")),
                "failures": sorted(set(r.get("reason", "migrated but not applied by the build") for r in rows if not r.get("proven")))}
    except Exception as exc:
        return {"error": "%s: %s" % (type(exc).__name__, str(exc).strip()[-300:])}
    finally:
        shutil.rmtree(work, ignore_errors=True)


