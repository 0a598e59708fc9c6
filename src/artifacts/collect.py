"""Compiled-artifacts collector: builds the model into a library, runs it on seeded inputs, and,
in a check, loads the baseline's library in this TVM's runtime and runs it on the same inputs.

Build side (every run): Relay `relay.build` (graph executor, opt_level 3, params bound) or Relax
`relax.build` of the fused module, `export_library` into outDir, then a reference run by the same
TVM on seeded inputs; the record carries the library (by name in `files`), the blob symbol it
exports, digests and summaries of inputs and outputs, whether the outputs depend on the input at
all (`degenerate`), and the reference arrays as an .npz in `files`.

Cross side (ctx["cross"] from the baseline): the baseline's library and reference .npz are
loaded and run in a child process (cross_side.py, cross_load.py).

C side (job["artifacts"]["c"]): see c_aot.py.

Runs on Python 3.7 to 3.11 with the standard library, numpy and tvm.
"""
import hashlib
import os
import sys
import time

_common = sys.modules["tvm_compat_common"]
elfsyms = _common.load_by_path("artifacts/elfsyms.py")
tensors = _common.load_by_path("artifacts/tensors.py")
cross_side = _common.load_by_path("artifacts/cross_side.py")

LIBRARY = "lib.so"
# A library over this is kept as its digest: with the ONNX corpus's weights bound as constants,
# vgg19's is hundreds of MB (docs/artifacts.md).
LIBRARY_CAP_BYTES = 16 * 1024 * 1024
REFERENCE = cross_side.REFERENCE


def _to_device(arr, dev):
    import tvm

    nd = getattr(tvm, "nd", None)
    if nd is not None and hasattr(nd, "array"):
        return nd.array(arr, dev)
    return tvm.runtime.tensor(arr, dev)


def _build_relay(ctx, path):
    import tvm
    from tvm import relay
    from tvm.contrib import graph_executor

    target = ctx["common"].make_target(ctx["target"])
    t0 = time.time()
    with tvm.transform.PassContext(opt_level=3):
        lib = relay.build(ctx["mod"], target=target, params=ctx["params"])
    build = time.time() - t0
    t0 = time.time()
    lib.export_library(path)
    export = time.time() - t0
    dev, why = ctx["common"].device_for(ctx["target"]["kind"])
    if dev is None:
        return "graph", build, export, why
    gm = graph_executor.GraphModule(lib["default"](dev))
    names = [i["name"] for i in ctx["model"]["inputs"]]

    def run(arrays):
        for name, arr in zip(names, arrays):
            gm.set_input(name, _to_device(arr, dev))
        gm.run()
        return [gm.get_output(i).numpy() for i in range(gm.get_num_outputs())]

    return "graph", build, export, run


def _build_relax(ctx, path):
    import tvm
    from tvm import relax

    cross_load = ctx["common"].load_by_path("artifacts/cross_load.py")
    target = ctx["common"].make_target(ctx["target"])
    t0 = time.time()
    fused = ctx["common"].relax_fused(ctx)
    ex = relax.build(fused, target=target)
    build = time.time() - t0
    t0 = time.time()
    ex.export_library(path)
    export = time.time() - t0
    dev = tvm.cpu(0)
    vm = relax.VirtualMachine(ex, dev)

    def run(arrays):
        return cross_load.flatten(vm["main"](*[_to_device(a, dev) for a in arrays]))

    return "vm", build, export, run


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_side(ctx):
    out_dir = ctx["outDir"]
    path = os.path.join(out_dir, LIBRARY)
    builder = _build_relay if ctx["era"] == "relay" else _build_relax
    executor, build_s, export_s, run = builder(ctx, path)
    ctx["timings"].update({"artifacts.build": round(build_s, 3), "artifacts.export": round(export_s, 3)})
    if isinstance(run, str):
        # Built, not run: no device of the target's kind here (CUDA without a GPU). The library
        # is kept; without a reference a candidate can load it but not compare outputs.
        record = {"executor": executor, "library": dict(name=LIBRARY, **elfsyms.blob_symbols(path)), "ran": False, "notRunReason": run, "files": []}
        _keep_library(record, path)
        return record, None
    inputs = tensors.seeded_inputs(ctx["model"]["inputs"])
    t0 = time.time()
    outputs = run(inputs)
    run_s = time.time() - t0
    # Equal outputs only mean something if the outputs depend on what goes in: the ONNX corpus
    # models have constant weights (ConstantOfShape) and give the same output for any input.
    others = run(tensors.seeded_inputs(ctx["model"]["inputs"], seed=tensors.SEED + 1))
    independent = [bool(len(others) == len(outputs) and tensors.compare(a, b).get("maxAbs") == 0.0) for a, b in zip(outputs, others)]
    arrays = {}
    for i, a in enumerate(inputs):
        arrays["input_%d" % i] = a
    for i, a in enumerate(outputs):
        arrays["output_%d" % i] = a
    tensors.write_npz(os.path.join(out_dir, REFERENCE), arrays)
    outs = []
    for i, a in enumerate(outputs):
        d = tensors.describe(a)
        d["index"] = i
        d["degenerate"] = independent[i]
        outs.append(d)
    ins = []
    for spec, a in zip(ctx["model"]["inputs"], inputs):
        d = tensors.describe(a)
        d["name"] = spec["name"]
        ins.append(d)
    record = {
        "executor": executor,
        "library": dict(name=LIBRARY, **elfsyms.blob_symbols(path)),
        "reference": {"name": REFERENCE, "seed": tensors.SEED},
        "inputs": ins,
        "outputs": outs,
        "degenerate": all(independent),
        "files": [{"name": REFERENCE}],
    }
    ctx["timings"]["artifacts.run"] = round(run_s, 3)
    _keep_library(record, path)
    if record["degenerate"]:
        record["degenerateReason"] = "every output is bit-identical for two different seeded inputs"
    return record, outputs


def _keep_library(record, path):
    size = os.path.getsize(path)
    if size <= LIBRARY_CAP_BYTES:
        record["files"].append({"name": LIBRARY})
    else:
        # Digests only (the pool adds sha256 and size of every file listed; this one is not). The
        # reference arrays go too: without the library nothing loads them (a candidate's own build
        # is compared with them only beside a cross-load), and the digests and summaries stay.
        record["files"] = [f for f in record["files"] if f["name"] != REFERENCE]
        record["library"]["stored"] = False
        record["library"]["bytes"] = size
        record["library"]["sha256"] = _sha256(path)
        record["library"]["reason"] = "%.1f MB, over the %d MB cap on stored libraries" % (size / 1e6, LIBRARY_CAP_BYTES >> 20)


def unavailable(ctx):
    """Why this build cannot make a library for the target, or None. Never a pass: the diff shows it."""
    kind = ctx["target"]["kind"]
    if not ctx["common"].has_codegen(kind):
        return "not available in this build: no %s codegen (target.build.%s is not registered)" % (kind, kind)
    if kind in ("cuda", "vulkan") and ctx["era"] == "relax":
        return "not built by tvm-compat yet: a Relax module needs GPU schedules (dlight) before relax.build for %s" % kind
    if kind == "c" and ctx["era"] == "relax":
        c_aot = ctx["common"].load_by_path("artifacts/c_aot.py")
        return c_aot.over_weight_cap(c_aot.relax_weight_bytes(ctx["mod"]))
    return None


def collect(ctx):
    kind = ctx["target"]["kind"]
    record = {"era": ctx["era"]}
    if (((ctx["job"] or {}).get("settings") or {}).get("artifacts") or {}).get("reverse"):
        # A reverse load (src/artifacts/reverse.ts): this is the baseline's TVM, run again to load
        # the candidate's library; nothing is built.
        record["cross"] = cross_side.cross_side(ctx, None)
        return record
    # Target c is the microTVM flow: C + AOT + CRT, and Model Library Format where tvm.micro
    # exists. In the Relay era that is its only artifact; the Relax era has neither, and there
    # target c is built like llvm (relax.build, export_library compiles the C) and run on the CPU.
    if not (kind == "c" and ctx["era"] == "relay"):
        own = None
        why = unavailable(ctx)
        if why:
            record.update(available=False, reason=why)
        else:
            try:
                own, _ = build_side(ctx)
                record.update(own)
            except Exception as exc:
                record.update(status="error", **ctx["common"].error_record(exc))
        if ctx.get("cross") and ctx["cross"].get("library"):
            try:
                record["cross"] = cross_side.cross_side(ctx, own)
            except Exception as exc:
                # tvm-compat's own failure (a file it was handed is not there): never the library's.
                record["cross"] = {"toolError": "%s: %s" % (type(exc).__name__, exc)}
    if kind == "c" or ((ctx["job"] or {}).get("artifacts") or {}).get("c"):
        c_aot = ctx["common"].load_by_path("artifacts/c_aot.py")
        record["c"] = c_aot.collect(ctx, (ctx.get("cross") or {}).get("c"))
        record.setdefault("files", []).extend(record["c"].pop("_files", []))
    if "files" in record:
        record["files"] = sorted(record["files"], key=lambda f: f["name"])
    return record
