"""Runs the artifacts collector outside the probe, the way the probe does: frontend, then
artifacts (build), or only the cross-load of other releases' libraries (cross).

  python artifact_driver.py build ROOT MODEL ERA OUTDIR [JOB_EXTRA_JSON]   -> record on stdout
  python artifact_driver.py cross ROOT MODEL OWN_RECORD BASE_DIR...        -> {base: cross} on stdout
Used by scripts/capture-artifact-fixtures.sh with each release's python."""
import importlib.util
import json
import os
import sys
import time

mode, root, model_id = sys.argv[1:4]
spec = importlib.util.spec_from_file_location("tvm_compat_common", os.path.join(root, "src/probe/common.py"))
common = importlib.util.module_from_spec(spec)
sys.modules["tvm_compat_common"] = common
spec.loader.exec_module(common)
corpus = json.load(open(os.path.join(root, "corpus/corpus.json")))
m = [x for x in corpus["models"] if x["id"] == model_id][0]
model = dict(id=m["id"], format=m["format"], path=os.path.join(root, "corpus", m["file"]), sha256=m["sha256"], inputs=m["inputs"])
target = {"id": "llvm", "kind": "llvm", "target": "llvm"}
art = common.load_by_path("artifacts/collect.py")
if mode == "build":
    era, out_dir = sys.argv[4:6]
    extra = json.loads(sys.argv[6]) if len(sys.argv) > 6 else {}
    job = dict(model=model, era=era, **extra)
    ctx = {"job": job, "era": era, "model": model, "target": target, "outDir": out_dir, "common": common, "cross": None, "timings": {}}
    os.makedirs(out_dir, exist_ok=True)
    t = time.time()
    common.load_by_path("frontend/collect.py").collect(ctx)
    fe = time.time() - t
    rec = art.collect(ctx)
    rec["seconds"] = dict(ctx["timings"], frontend=round(fe, 3))  # for the capture log; a probe record has none
    print(json.dumps(rec, sort_keys=True, indent=1))
else:
    own = json.load(open(sys.argv[4]))
    out = {}
    for base_dir in sys.argv[5:]:
        base = json.load(open(os.path.join(base_dir, "record.json")))
        cross = {"baseline": os.path.basename(os.path.dirname(base_dir.rstrip("/"))), "executor": base["executor"],
                 "library": os.path.join(base_dir, "lib.so"), "reference": os.path.join(base_dir, "reference.npz")}
        ctx = {"job": {"model": model}, "era": own.get("era"), "model": model, "target": target, "common": common, "cross": cross,
               "outDir": os.path.dirname(os.path.abspath(sys.argv[4])), "timings": {}}
        entry = {"cross": art.cross_side.cross_side(ctx, own)}
        if (base.get("relayVm") or {}).get("library"):
            # The Relay VM's library too, as collect() does with ctx["cross"]["relayVm"].
            vm = dict(cross, executor="relay-vm", library=os.path.join(base_dir, base["relayVm"]["library"]["name"]),
                      reference=os.path.join(base_dir, base["relayVm"]["reference"]["name"]),
                      runtimeReads=(own.get("library") or {}).get("blobSymbols"))
            mine = own.get("relayVm") if (own.get("relayVm") or {}).get("library") else None
            entry["relayVm"] = {"cross": art.cross_side.cross_side(ctx, mine, vm)}
        sources = [s["name"] for s in (((base.get("c") or {}).get("aot") or {}).get("sources") or [])]
        if sources:
            # What collect() does with ctx["cross"]["c"]: the baseline's C against this TVM's headers.
            c_aot = common.load_by_path("artifacts/c_aot.py")
            inc = c_aot.include_dirs()
            entry["c"] = {"cross": dict((n, c_aot.gcc_compile(os.path.join(base_dir, n), inc)) for n in sources)}
        out[cross["baseline"]] = entry
    print(json.dumps(out, sort_keys=True, indent=1))
