"""Rescue of MetaSchedule records across releases: each old record's trace re-attached to the
target release's own workload of the same task.

The old database's workload file holds IRModules the target release often cannot deserialize
(type keys renamed), but each record line is plain JSON: [workload_index, [trace, run_secs,
target, args_info]]. A record is matched to the candidate task whose ArgInfo (buffer dtypes and
shapes) equals the record's args_info, and whose name equals the baseline task's name when the
baseline names it; the trace is parsed with TuningRecord.from_json against the new workload and
proven by query_schedule in a MemoryDatabase (the schedule is built by replaying the trace).
"""
import json
import os


def _ms(common):
    return common.first_importable(["tvm.s_tir.meta_schedule", "tvm.meta_schedule"])[0]


def _read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def attach(ctx, files, out_dir=None):
    """Per record: migrated or failed with reason; writes a JSONDatabase under out_dir when given."""
    import tvm

    common = ctx["common"]
    ms = _ms(common)
    target = tvm.target.Target({"kind": ctx["target"]["kind"], "num-cores": 1})
    fused = common.relax_fused(ctx)
    tasks = ms.relax_integration.extract_tasks(fused, target)
    by_args = {}
    for t in tasks:
        mod = t.dispatched[0]
        func = [f for _, f in mod.functions.items()][0]
        sig = json.dumps([a.as_json() for a in ms.arg_info.ArgInfo.from_prim_func(func)], sort_keys=True, default=str)
        by_args.setdefault(sig, []).append(t)
    names = dict((i, n) for i, n in enumerate((ctx.get("cross") or {}).get("workloadNames", [])))
    mem = ms.database.MemoryDatabase()
    out_db = None
    if out_dir:
        for n in ("tuning_workload.json", "tuning_records.json"):
            p = os.path.join(out_dir, n)
            if os.path.exists(p):
                os.remove(p)
        out_db = ms.database.JSONDatabase(os.path.join(out_dir, "tuning_workload.json"), os.path.join(out_dir, "tuning_records.json"), allow_missing=True)
    rows = []
    for line in _read_lines(files["records"]):
        idx, rec = line[0], line[1]
        row = {"workload": idx}
        try:
            sig = json.dumps(rec[3], sort_keys=True, default=str)
            cands = by_args.get(sig, [])
            if idx in names:
                cands = [t for t in cands if str(t.task_name) == names[idx]] or cands
            if not cands:
                row.update(status="failed", reason="no task of the target release has these buffer shapes")
            else:
                task = cands[0]
                row["task"] = str(task.task_name)
                wl = mem.commit_workload(task.dispatched[0])
                record = ms.database.TuningRecord.from_json(rec, wl)
                mem.commit_tuning_record(record)
                sch = mem.query_schedule(task.dispatched[0], target, str(task.task_name))
                if sch is None:
                    row.update(status="failed", reason="the trace did not replay on the new workload")
                else:
                    row["status"] = "migrated"
                    if out_db is not None:
                        out_db.commit_tuning_record(ms.database.TuningRecord.from_json(rec, out_db.commit_workload(task.dispatched[0])))
        except Exception as exc:
            lines = [l for l in str(exc).strip().splitlines() if l.strip()]
            row.update(status="failed", reason="%s: %s" % (type(exc).__name__, (lines[-1] if lines else "")[:300]))
        rows.append(row)
    return rows


def attach_summary(ctx, files):
    rows = attach(ctx, files)
    return {"records": len(rows), "attached": sum(1 for r in rows if r["status"] == "migrated"),
            "failures": sorted(set(r["reason"] for r in rows if r["status"] != "migrated"))}


def migrate(ctx, files, out_dir):
    """records migrate: attach, write the new database, then prove it by a real apply and build."""
    import tvm

    rows = attach(ctx, files, out_dir)
    common = ctx["common"]
    ms = _ms(common)
    collect = common.load_by_path("tuning-records/collect.py")
    target = tvm.target.Target({"kind": ctx["target"]["kind"], "num-cores": 1})
    db = ms.database.JSONDatabase(os.path.join(out_dir, "tuning_workload.json"), os.path.join(out_dir, "tuning_records.json"), allow_missing=False)
    names, applied = collect.scheduled_functions(ms, tvm, common.relax_fused(ctx), target, db)
    from tvm import relax

    built = None
    try:
        relax.build(applied, target=ctx["common"].make_target(ctx["target"]))
        built = True
    except Exception as exc:
        built = "%s: %s" % (type(exc).__name__, str(exc).strip().splitlines()[-1][:300])
    for r in rows:
        if r["status"] == "migrated":
            r["proven"] = r["task"] in names
    return {"records": rows, "migrated": sum(1 for r in rows if r["status"] == "migrated"),
            "proven": sum(1 for r in rows if r.get("proven")), "scheduledFunctions": sorted(names), "built": built}


def main(argv):
    """python migrate.py MODEL_ID WORKLOAD RECORDS OUT_DIR RESULT.json (run in the target release)."""
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("tvm_compat_tuning_harness", os.path.join(here, "harness.py"))
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    model_id, wl, recs, out_dir, result = argv[1:6]
    if not os.path.isdir(out_dir):
        os.makedirs(out_dir)
    ctx = harness.make_ctx(model_id, out_dir=out_dir)
    out = migrate(ctx, {"workload": wl, "records": recs}, out_dir)
    with open(result, "w") as f:
        json.dump(out, f, sort_keys=True, indent=1)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv))
