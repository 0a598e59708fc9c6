"""Tuning-records collector: real tuning records, measured rather than inferred from keys.

Baseline (ctx["job"]["settings"]["tuning"] = {tasks, trials, seed, budgetSeconds}): tunes the
heaviest few tasks of the model and stores the real database in ctx["outDir"]. Check (ctx["cross"]
= {"kind", "files", "tasks"}): the candidate applies the baseline's records the way users do, in a
real build, and counts which tuned tasks were dispatched to a record. Migrate ({"migrate": true}
with ctx["cross"]): migrate.py. Each tuning system is a module of its own: meta_schedule.py (Relax
era) and auto_scheduler.py (Relay era: wheels, checkouts and containers alike).

Not deterministic: measured run times (run_secs, costs) differ run to run, so the records file
differs; the schedules searched are seeded.
"""


def _system(ctx, kind):
    return ctx["common"].load_by_path("tuning-records/%s.py" % kind)


def unpaired_cause(kind, era):
    """Why records of this tuning system cannot apply at all in this era, or None when they can."""
    if kind == "auto_scheduler" and era == "relax":
        return "auto_scheduler removed"
    if kind == "meta_schedule" and era == "relay":
        return "MetaSchedule on Relax is not in this release"
    return None


def apply(ctx):
    cross = ctx["cross"]
    rows = [{"name": t["name"], "stored": int(t.get("records", 0)), "applied": 0} for t in cross.get("tasks", [])]
    out = {"mode": "apply", "baselineKind": cross.get("kind"), "stored": sum(r["stored"] for r in rows), "tasks": rows}
    if cross.get("baseline"):
        out["baseline"] = cross["baseline"]
    cause = unpaired_cause(cross.get("kind"), ctx["era"])
    if cause:
        for r in rows:
            r["cause"] = cause
        out.update(applied=0, cause=cause)
        return out
    return _system(ctx, cross.get("kind") or "meta_schedule").apply(ctx, out)


def _settings(opts):
    return int(opts.get("tasks", 3)), int(opts.get("trials", 4)), int(opts.get("seed", 0)), float(opts.get("budgetSeconds", 20))


def collect(ctx):
    if ctx["target"]["kind"] != "llvm":
        return {"status": "skipped", "reason": "records are measured on llvm only (no device here for %s)" % ctx["target"]["kind"]}
    settings = ((ctx["job"] or {}).get("settings") or {}).get("tuning") or {}
    if ctx.get("cross"):
        if settings.get("migrate"):
            return ctx["common"].load_by_path("tuning-records/migrate.py").migrate(ctx)
        return apply(ctx)
    if not settings:
        return {"status": "skipped", "reason": "the job did not ask to tune"}
    return _system(ctx, "meta_schedule" if ctx["era"] == "relax" else "auto_scheduler").tune(ctx, _settings(settings))
