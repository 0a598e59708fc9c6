"""IR snapshot collector: the model's IR at each compilation phase, as text, JSON and hashes.

Relay era (relay.py): the imported module, relay.optimize and the lowered TIR of every primitive
function. Relax era (relax.py): the imported module, the fused module and its TIR PrimFuncs.
records.py holds what both share. Everything is computed inside the TVM under test (hashes
included); only what would make two runs of one TVM differ is normalised. In a check against a
baseline with IR, cross_check.py then decides printer churn or IR change inside the candidate.

Runs on Python 3.7 to 3.11 with the standard library and tvm only.
"""
import sys

records = sys.modules["tvm_compat_common"].load_by_path("ir-snapshots/records.py")


def prepare(era):
    """Once per environment (the worker calls it before forking jobs): can save_json run here?"""
    records.save_json_usable()


def collect(ctx):
    common = ctx["common"]
    live = records.Live()
    era = common.load_by_path("ir-snapshots/%s.py" % ctx["era"])
    out = era.collect(ctx, live)
    cross = ctx["cross"]
    if cross:
        # Printer churn or IR change, decided against the baseline's IR (see cross_check.py).
        seq, _ = common.structural("structural_equal")
        try:
            out["crossCheck"] = common.load_by_path("ir-snapshots/cross_check.py").run(cross, out["functions"], live.functions, live.modules, seq)
        except Exception as exc:
            out["crossCheck"] = {"baseline": cross.get("baseline", ""), "functions": [], "modules": [], "error": "%s: %s" % (type(exc).__name__, str(exc).strip()[-300:])}
    return out
