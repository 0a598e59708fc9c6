"""Rescue of tuning records across releases (`compat records migrate`, and the check's
"rescuable" figure).

MetaSchedule: the old database's workload file holds IRModules the target release often cannot
deserialize (type keys renamed), but each record line is plain JSON: [workload_index, [trace,
run_secs, target, args_info]]. A record is matched to the target release's own tasks whose ArgInfo
(buffer dtypes and shapes) equals the record's args_info; its trace is parsed with
TuningRecord.from_json against that task's workload and kept when query_schedule replays it in a
MemoryDatabase. Several tasks with the same buffers: the first whose schedule replays.

auto_scheduler (Relay era): each record's transform steps are replayed on the target release's
task of the same workload key, or else on a task whose key differs but whose buffer shapes are
the same (ComputeDAG.apply_steps_from_state); a record that replays is written under the new key.

Failed measurements (MetaSchedule run_secs 1e10, auto_scheduler error_no != 0) are never applied
by any database, so they are neither stored nor migrated. Each migrated record is then proven by a
real build that applies the new database (MetaScheduleApplyDatabase + relax.build, or relay.build
under ApplyHistoryBest), and a record counts as proven when its task was dispatched to it.
"""
import json
import os

MS_FILES = ("tuning_workload.json", "tuning_records.json")
LOG_FILE = "tuning.log"


def _ms(common):
    return common.first_importable(["tvm.s_tir.meta_schedule", "tvm.meta_schedule"])[0]


def _last_line(exc):
    lines = [l for l in str(exc).strip().splitlines() if l.strip()]
    return "%s: %s" % (type(exc).__name__, (lines[-1] if lines else "")[:300])


def _valid_ms_records(path):
    out = []
    with open(path) as f:
        for line in f:
            if line.strip():
                idx, rec = json.loads(line)
                secs = rec[1] if len(rec) > 1 else None
                if secs and all(float(x) < 1e9 for x in secs):
                    out.append((idx, rec))
    return out


def attach(ctx, files, out_dir=None):
    """Per valid record: migrated (with the task it attached to) or failed with the reason; writes a
    JSONDatabase under out_dir when given."""
    import tvm

    common = ctx["common"]
    ms = _ms(common)
    target = tvm.target.Target({"kind": ctx["target"]["kind"], "num-cores": 1})
    tasks = ms.relax_integration.extract_tasks(common.relax_fused(ctx), target)
    by_args = {}
    for t in tasks:
        func = [f for _, f in t.dispatched[0].functions.items()][0]
        sig = json.dumps([a.as_json() for a in ms.arg_info.ArgInfo.from_prim_func(func)], sort_keys=True, default=str)
        by_args.setdefault(sig, []).append(t)
    out_db = None
    if out_dir:
        paths = [os.path.join(out_dir, n) for n in MS_FILES]
        for p in paths:
            if os.path.exists(p):
                os.remove(p)
        out_db = ms.database.JSONDatabase(paths[0], paths[1], allow_missing=True)
    rows = []
    for idx, rec in _valid_ms_records(files["records"]):
        row = {"workload": idx, "status": "failed"}
        cands = by_args.get(json.dumps(rec[3], sort_keys=True, default=str), [])
        if not cands:
            row["reason"] = "no task of this release has these buffer shapes"
        for task in cands:
            try:
                mem = ms.database.MemoryDatabase()
                mem.commit_tuning_record(ms.database.TuningRecord.from_json(rec, mem.commit_workload(task.dispatched[0])))
                if mem.query_schedule(task.dispatched[0], target, str(task.task_name)) is None:
                    row["reason"] = "the trace did not replay on the new workload"
                    continue
            except Exception as exc:
                row["reason"] = _last_line(exc)
                continue
            row = {"workload": idx, "status": "migrated", "task": str(task.task_name)}
            if out_db is not None:
                out_db.commit_tuning_record(ms.database.TuningRecord.from_json(rec, out_db.commit_workload(task.dispatched[0])))
            break
        rows.append(row)
    return rows


def attach_summary(ctx, files):
    rows = attach(ctx, files)
    return {"records": len(rows), "attached": sum(1 for r in rows if r["status"] == "migrated"),
            "failures": sorted(set(r["reason"] for r in rows if r["status"] != "migrated"))}


def _migrate_ms(ctx, files, out_dir):
    import tvm
    from tvm import relax

    common = ctx["common"]
    ms = _ms(common)
    rows = attach(ctx, files, out_dir)
    out = {"kind": "meta_schedule", "migrations": rows}
    if not any(r["status"] == "migrated" for r in rows):
        return out
    meta_schedule = common.load_by_path("tuning-records/meta_schedule.py")
    target = tvm.target.Target({"kind": ctx["target"]["kind"], "num-cores": 1})
    db = ms.database.JSONDatabase(*[os.path.join(out_dir, n) for n in MS_FILES], allow_missing=False)
    names, applied = meta_schedule.scheduled_functions(ms, tvm, common.relax_fused(ctx), target, db)
    try:
        relax.build(applied, target=common.make_target(ctx["target"]))
        out["built"] = True
    except Exception as exc:
        out["built"] = _last_line(exc)
    for r in rows:
        if r["status"] == "migrated":
            r["proven"] = out["built"] is True and r["task"] in names
    out["scheduledFunctions"] = sorted(names)
    out["files"] = [{"name": n} for n in MS_FILES]
    return out


def _shapes(workload_key):
    return json.dumps(json.loads(workload_key)[1:])


def _migrate_relay(ctx, files, out_dir):
    from tvm import auto_scheduler

    common = ctx["common"]
    auto_scheduler_records = common.load_by_path("tuning-records/auto_scheduler.py")
    target = common.make_target(ctx["target"])
    tasks, _ = auto_scheduler.extract_tasks(ctx["mod"]["main"], ctx["params"], target)
    by_key = dict((t.workload_key, t) for t in tasks)
    by_shapes = {}
    for t in tasks:
        by_shapes.setdefault(_shapes(t.workload_key), []).append(t)
    new_log = os.path.join(out_dir, LOG_FILE)
    if os.path.exists(new_log):
        os.remove(new_log)
    rows = []
    with open(files["log"]) as f:
        lines = [l for l in f if l.strip() and not l.startswith("#")]
    for line in lines:
        old_key = json.loads(line)["i"][0][0]
        inp, res = auto_scheduler.measure_record.load_record_from_string(line)
        if int(res.error_no) != 0:
            continue
        row = {"key": json.loads(old_key)[0], "status": "failed"}
        cands = [by_key[old_key]] if old_key in by_key else by_shapes.get(_shapes(old_key), [])
        if not cands:
            row["reason"] = "no task of this release has these buffer shapes"
        for task in cands:
            try:
                task.compute_dag.apply_steps_from_state(inp.state)
            except Exception as exc:
                row["reason"] = "the steps do not replay on the new ComputeDAG: " + _last_line(exc)
                continue
            auto_scheduler.save_records(new_log, [auto_scheduler.MeasureInput(task, inp.state)], [res])
            row = {"key": row["key"], "status": "migrated", "task": auto_scheduler_records.task_name(task),
                   "newKey": json.loads(task.workload_key)[0], "workloadKey": task.workload_key}
            break
        rows.append(row)
    out = {"kind": "auto_scheduler", "migrations": rows}
    if not any(r["status"] == "migrated" for r in rows):
        return out
    try:
        hits = set(k for k, found in auto_scheduler_records.relay_build_asked(ctx, new_log) if found)
        built = True
    except Exception as exc:
        hits, built = set(), _last_line(exc)
    out["built"] = built
    for r in rows:
        if r["status"] == "migrated":
            r["proven"] = built is True and r.pop("workloadKey") in hits
        r.pop("workloadKey", None)
    out["files"] = [{"name": LOG_FILE}]
    return out


def migrate(ctx):
    """The stage record of a migrate job: the baseline's records (ctx["cross"]) re-attached in this
    release, written to ctx["outDir"], each proven by a build."""
    cross = ctx["cross"]
    kind, era = cross.get("kind"), ctx["era"]
    stored = sum(int(t.get("records", 0)) for t in cross.get("tasks", []))
    cause = ctx["common"].load_by_path("tuning-records/collect.py").unpaired_cause(kind, era)
    if cause:
        out = {"kind": kind, "migrations": [], "cause": cause}
    elif kind == "auto_scheduler":
        out = _migrate_relay(ctx, cross["files"], ctx["outDir"])
    else:
        out = _migrate_ms(ctx, cross["files"], ctx["outDir"])
    rows = out["migrations"]
    out.update(mode="migrate", baselineKind=kind, stored=stored,
               migrated=sum(1 for r in rows if r["status"] == "migrated"),
               proven=sum(1 for r in rows if r.get("proven")))
    return out
