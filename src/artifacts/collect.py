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
VM_LIBRARY = "relay-vm.so"
VM_REFERENCE = "reference-relay-vm.npz"
# A library over this is kept as its digest: with the ONNX corpus's weights bound as constants,
# vgg19's is hundreds of MB (docs/artifacts.md).
LIBRARY_CAP_BYTES = 16 * 1024 * 1024
REFERENCE = cross_side.REFERENCE
GPU_KINDS = ("cuda", "vulkan")


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
        return "graph", build, export, why, lib.get_lib()
    gm = graph_executor.GraphModule(lib["default"](dev))
    names = [i["name"] for i in ctx["model"]["inputs"]]

    def run(arrays):
        for name, arr in zip(names, arrays):
            gm.set_input(name, _to_device(arr, dev))
        gm.run()
        return [gm.get_output(i).numpy() for i in range(gm.get_num_outputs())]

    return "graph", build, export, run, lib.get_lib()


def _relay_vm(ctx, out_dir, inputs, graph_outputs):
    """Relay's other executor (models with dynamic shapes need it): relay.vm.compile, the
    executable exported as one library (bytecode inside, entry point vm_load_executable), run on
    the same seeded inputs, and compared with the graph executor's outputs of the same build."""
    import tvm
    from tvm import relay

    target = ctx["common"].make_target(ctx["target"])
    path = os.path.join(out_dir, VM_LIBRARY)
    t0 = time.time()
    with tvm.transform.PassContext(opt_level=3):
        exe = relay.vm.compile(ctx["mod"], target=target, params=ctx["params"])
    build_s = time.time() - t0
    t0 = time.time()
    exe.mod.export_library(path)
    ctx["timings"].update({"artifacts.relayVm.build": round(build_s, 3), "artifacts.relayVm.export": round(time.time() - t0, 3)})
    record = {"executor": "relay-vm", "library": dict(name=VM_LIBRARY, **elfsyms.blob_symbols(path)), "files": []}
    dev, why = ctx["common"].device_for(ctx["target"]["kind"])
    if dev is None or inputs is None:
        record.update(ran=False, notRunReason=why or "the graph executor's reference did not run")
        _keep_library(record, path)
        return record
    cross_load = ctx["common"].load_by_path("artifacts/cross_load.py")
    t0 = time.time()
    outputs = cross_load.run_relay_vm(exe, dev, inputs)
    ctx["timings"]["artifacts.relayVm.run"] = round(time.time() - t0, 3)
    arrays = dict(("input_%d" % i, a) for i, a in enumerate(inputs))
    arrays.update(("output_%d" % i, a) for i, a in enumerate(outputs))
    tensors.write_npz(os.path.join(out_dir, VM_REFERENCE), arrays)
    record["reference"] = {"name": VM_REFERENCE, "seed": tensors.SEED}
    record["outputs"] = [dict(tensors.describe(a), index=i) for i, a in enumerate(outputs)]
    record["files"].append({"name": VM_REFERENCE})
    if len(outputs) == len(graph_outputs):
        record["matchesGraph"] = [tensors.compare(g, v) for g, v in zip(graph_outputs, outputs)]
    else:
        record["matchesGraph"] = [{"within": False, "mismatch": "%d outputs, the graph executor gave %d" % (len(outputs), len(graph_outputs))}]
    _keep_library(record, path)
    return record


def _build_relax(ctx, path):
    import tvm
    from tvm import relax

    cross_load = ctx["common"].load_by_path("artifacts/cross_load.py")
    kind = ctx["target"]["kind"]
    target = ctx["common"].make_target(ctx["target"])
    t0 = time.time()
    # GPU targets: dlight's default schedules first (common.relax_gpu_scheduled).
    module = ctx["common"].relax_gpu_scheduled(ctx) if kind in GPU_KINDS else ctx["common"].relax_fused(ctx)
    ex = relax.build(module, target=target)
    build = time.time() - t0
    t0 = time.time()
    ex.export_library(path)
    export = time.time() - t0
    dev, why = ctx["common"].device_for(kind)
    if dev is None:
        return "vm", build, export, why, ex.mod
    vm = relax.VirtualMachine(ex, dev)

    def run(arrays):
        return cross_load.flatten(vm["main"](*[_to_device(a, dev) for a in arrays]))

    return "vm", build, export, run, ex.mod


def _imports(module):
    return list(module.imports if hasattr(module, "imports") else module.imported_modules)


def _kernels(module, kind):
    """The device code a GPU build generated (CUDA C; SPIR-V as this TVM prints it): its size and
    digest, so that kernels built where no device runs them are still compared. None if the
    host module imports no module of the target's kind."""
    for sub in _imports(module) + [m for i in _imports(module) for m in _imports(i)]:
        if (getattr(sub, "kind", None) or getattr(sub, "type_key", None)) != kind:
            continue
        try:
            src = sub.inspect_source() if hasattr(sub, "inspect_source") else sub.get_source()
        except Exception as exc:
            return {"format": kind, "error": "%s: %s" % (type(exc).__name__, str(exc).strip()[-200:])}
        out = {"format": kind, "bytes": len(src), "sha256": hashlib.sha256(src.encode("utf-8")).hexdigest()}
        if kind == "cuda":
            out["kernels"] = src.count("__global__")
        return out
    return None


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
    executor, build_s, export_s, run, host = builder(ctx, path)
    ctx["timings"].update({"artifacts.build": round(build_s, 3), "artifacts.export": round(export_s, 3)})
    kernels = _kernels(host, ctx["target"]["kind"]) if ctx["target"]["kind"] in GPU_KINDS else None
    if isinstance(run, str):
        # Built, not run: no device of the target's kind here (CUDA without a GPU). The library
        # is kept, and its kernels' digest is compared; without a reference a candidate can
        # load it but not compare outputs.
        record = {"executor": executor, "library": dict(name=LIBRARY, **elfsyms.blob_symbols(path)), "ran": False, "notRunReason": run, "files": []}
        if kernels:
            record["kernels"] = kernels
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
    if kernels:
        record["kernels"] = kernels
    ctx["timings"]["artifacts.run"] = round(run_s, 3)
    _keep_library(record, path)
    if record["degenerate"]:
        record["degenerateReason"] = "every output is bit-identical for two different seeded inputs"
    return record, outputs


def _keep_library(record, path):
    size = os.path.getsize(path)
    if size <= LIBRARY_CAP_BYTES:
        record["files"].append({"name": record["library"]["name"]})
    else:
        # Digests only (the pool adds sha256 and size of every file listed; this one is not). The
        # reference arrays go too: without the library nothing loads them (a candidate's own build
        # is compared with them only beside a cross-load), and the digests and summaries stay.
        record["files"] = [f for f in record["files"] if f["name"] != (record.get("reference") or {}).get("name", REFERENCE)]
        record["library"]["stored"] = False
        record["library"]["bytes"] = size
        record["library"]["sha256"] = _sha256(path)
        record["library"]["reason"] = "%.1f MB, over the %d MB cap on stored libraries" % (size / 1e6, LIBRARY_CAP_BYTES >> 20)


def unavailable(ctx):
    """Why this build cannot make a library for the target, or None. Never a pass: the diff shows it."""
    kind = ctx["target"]["kind"]
    if not ctx["common"].has_codegen(kind):
        return "not available in this build: no %s codegen (target.build.%s is not registered)" % (kind, kind)
    if kind == "c" and ctx["era"] == "relax":
        c_aot = ctx["common"].load_by_path("artifacts/c_aot.py")
        return c_aot.over_weight_cap(c_aot.relax_weight_bytes(ctx["mod"]))
    return None


def _has_relay_vm():
    try:
        from tvm import relay

        return hasattr(relay, "vm") and hasattr(relay.vm, "compile")
    except ImportError:
        return False


def _relay_vm_side(ctx, graph_outputs):
    """The Relay VM's record; a failure is kept in it, never instead of the graph library's."""
    inputs = tensors.seeded_inputs(ctx["model"]["inputs"]) if graph_outputs is not None else None
    try:
        return _relay_vm(ctx, ctx["outDir"], inputs, graph_outputs)
    except Exception as exc:
        return dict(status="error", executor="relay-vm", files=[], **ctx["common"].error_record(exc))


def _cross(ctx, record, own):
    """The other TVM's libraries (graph or Relax VM, and the Relay VM where it built one) in this
    runtime, each in its own child process."""
    cross = ctx.get("cross") or {}
    vm = record.get("relayVm")
    vm_cross = cross.get("relayVm") and dict(cross["relayVm"], baseline=cross.get("baseline", ""), timeout=cross.get("timeout"), runtimeReads=cross.get("runtimeReads") or ((own or {}).get("library") or {}).get("blobSymbols"))
    for sub, into, mine in ((cross, record, own), (vm_cross, vm, vm if own and vm and vm.get("library") else None)):
        if not sub or not sub.get("library"):
            continue
        if into is None:  # this TVM built no Relay VM (another era): the record says what it loaded
            into = record.setdefault("relayVm", {"executor": "relay-vm"})
        try:
            into["cross"] = cross_side.cross_side(ctx, mine, sub)
        except Exception as exc:
            # tvm-compat's own failure (a file it was handed is not there): never the library's.
            into["cross"] = {"toolError": "%s: %s" % (type(exc).__name__, exc)}


def collect(ctx):
    kind = ctx["target"]["kind"]
    record = {"era": ctx["era"]}
    if (((ctx["job"] or {}).get("settings") or {}).get("artifacts") or {}).get("reverse"):
        # A reverse load (src/check/reverse-loads.ts): this is the baseline's TVM, run again to
        # load the candidate's libraries; nothing is built.
        _cross(ctx, record, None)
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
                own, outputs = build_side(ctx)
                record.update(own)
            except Exception as exc:
                own, outputs = None, None
                record.update(status="error", **ctx["common"].error_record(exc))
            if own is not None and ctx["era"] == "relay" and _has_relay_vm():
                record["relayVm"] = _relay_vm_side(ctx, outputs)
                record["files"].extend(record["relayVm"].pop("files"))
        _cross(ctx, record, own)
    if kind == "c" or ((ctx["job"] or {}).get("artifacts") or {}).get("c"):
        c_aot = ctx["common"].load_by_path("artifacts/c_aot.py")
        record["c"] = c_aot.collect(ctx, (ctx.get("cross") or {}).get("c"))
        record.setdefault("files", []).extend(record["c"].pop("_files", []))
    if "files" in record:
        record["files"] = sorted(record["files"], key=lambda f: f["name"])
    return record
