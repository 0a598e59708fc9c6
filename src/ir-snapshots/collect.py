"""IR snapshot collector: the model's IR at each compilation phase, as text, JSON and hashes.

Relay era: the imported module, the module after relay.optimize (opt_level=3, params bound) and
the TIR of every primitive function as lowered by the graph executor codegen (te_compiler as a
fallback). Relax era: the imported module, the module after LegalizeOps > AnnotateTIROpPattern >
FuseOps > FuseTIR, and the TIR PrimFuncs of that fused module.

Everything is computed inside the TVM under test (hashes included). Only what would make two runs
of one TVM differ is normalised here (object addresses, span comments); the TypeScript side
normalises further for cross-version comparison. Output is sorted and JSON-serialisable.

Runs on Python 3.7 to 3.11 with the standard library and tvm only.
"""
import importlib
import importlib.util
import os
import re
import subprocess
import sys

RELAX_PIPELINE = ["LegalizeOps", "AnnotateTIROpPattern", "FuseOps", "FuseTIR"]
VERSION_MASK = "<tvm_version>"

# Object addresses: Relay prints Target(id=55f1cd7ac310, ...) for virtual devices; other printers
# may print 0x7f... pointers. TIR constants are printed in decimal, so a long hex word is an address.
_TARGET_ID = re.compile(r"\bTarget\(id=[0-9a-fA-F]+")
_HEX_ADDR = re.compile(r"\b0x[0-9a-fA-F]{9,16}\b")
# Relay text: "/* ty=Tensor[...] span=node_name:0:0 */" - the span is a source location.
_SPAN = re.compile(r"\s+span=[^\n]*?:\d+:\d+(?=\s*\*/)")
# save_json: {"attrs": {"tvm_version": "0.19.0"}} (legacy) / {"metadata": {"tvm_version": ...}} (ffi).
_JSON_VERSION = re.compile(r'("tvm_version"\s*:\s*)"[^"]*"')


def normalise_text(text):
    text = _TARGET_ID.sub("Target(id=<addr>", text)
    text = _HEX_ADDR.sub("0x<addr>", text)
    return _SPAN.sub("", text)


# save_json of a model with its weights bound is large (resnet50 ~130 MB, squeezenet 14 MB): the
# weights are base64 payloads inside it. Up to this size it is kept whole, so that a candidate can
# load it back (cross_check.py); larger modules keep their functions' text and op set only.
JSON_CAP_CHARS = 4 * 1024 * 1024


def mask_version(json_text):
    return _JSON_VERSION.sub(lambda m: m.group(1) + '"' + VERSION_MASK + '"', json_text)


def _structural(name):
    """tvm.ir.structural_hash / structural_equal, or tvm_ffi's where tvm.ir no longer has them (0.25+)."""
    import tvm

    fn = getattr(tvm.ir, name, None)
    if fn is not None:
        return fn
    import tvm_ffi

    return getattr(tvm_ffi, name)


def _tir_module():
    for name in ("tvm.tir", "tvm.tirx"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("no TIR module (tried tvm.tir, tvm.tirx)")


def _error(phase, exc):
    message = str(exc).strip().splitlines()
    return {"phase": phase, "type": type(exc).__name__, "message": (message[-1] if message else "")[:500]}


_SAVE_JSON_OK = []


def _save_json_usable():
    """Whether tvm.ir.save_json survives an object with a dtype field, tried in a child process.

    tvm 0.27.0.post1 with apache-tvm-ffi 0.1.15.post2 segfaults in ToJSONGraph on any object with
    a DataType field (PrimType, IntImm, so every IRModule); with 0.1.14.post0 it works. A segfault
    would kill the probe, so the call is tried where a crash costs nothing.
    """
    if not _SAVE_JSON_OK and importlib.util.find_spec("tvm_ffi") is None:
        _SAVE_JSON_OK.append(None)  # the legacy FFI (TVM <= 0.20) has no ToJSONGraph
    if not _SAVE_JSON_OK:
        code = "import sys\nsys.path[:0] = %r\nimport tvm, tvm.ir\ntvm.ir.save_json(tvm.ir.PrimType('int32'))\n" % (
            list(sys.path),
        )
        try:
            proc = subprocess.run(
                [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300
            )
            if proc.returncode == 0:
                _SAVE_JSON_OK.append(None)
            else:
                tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
                why = "tvm.ir.save_json(PrimType) exited with status %d in a child process" % proc.returncode
                if proc.returncode < 0:
                    why = "tvm.ir.save_json(PrimType) died of signal %d in a child process" % -proc.returncode
                first = [line for line in tail if "Segfault" in line or "Error" in line]
                _SAVE_JSON_OK.append(why + (": " + first[0].strip() if first else ""))
        except Exception as exc:  # no subprocess (sandbox), a timeout: do not risk the probe
            _SAVE_JSON_OK.append("save_json self-test could not run: %s" % exc)
    return _SAVE_JSON_OK[0]


def _module_record(phase, mod, ops, live):
    import tvm

    live.modules[phase] = mod
    record = {"phase": phase, "ops": sorted(set(ops)), "json": None}
    broken = _save_json_usable()
    if broken is not None:
        record["jsonError"] = broken
        return record
    try:
        text = tvm.ir.save_json(mod)
    except Exception as exc:
        record["jsonError"] = "%s: %s" % (type(exc).__name__, str(exc).strip()[-300:])
        return record
    if len(text) > JSON_CAP_CHARS:
        record["jsonError"] = "not stored: %.1f MB of JSON, over the %d MB cap" % (len(text) / 1e6, JSON_CAP_CHARS >> 20)
    else:
        record["json"] = mask_version(text)
    return record


class Live(object):
    """The candidate's own IR objects, kept for cross_check (they are not serialisable)."""

    def __init__(self):
        self.functions = {}
        self.modules = {}


def _function(name, phase, kind, func, text, shash, live):
    # map_free_vars: a function taken out of its module has free GlobalVars (the callees of a
    # fused Relax main), which are otherwise hashed by address: a different hash every process.
    # Mapped, they hash by order of first use; their names are in the text.
    digest = str(shash(func, map_free_vars=True))
    live.functions[(phase, kind, name)] = func
    return {"name": name, "phase": phase, "kind": kind, "hash": digest, "text": normalise_text(text)}


def _script(obj, name):
    """TVMScript of one function, printed under its global name (else it is printed as "main")."""
    for kwargs in ({"name": name, "show_meta": False}, {"show_meta": False}, {}):
        try:
            return obj.script(**kwargs)
        except TypeError:
            continue
    return str(obj)


def _sorted_output(functions, modules, lowering, errors):
    phase_order = {"import": 0, "optimized": 1, "lowered": 2}
    out = {
        "functions": sorted(functions, key=lambda f: (phase_order.get(f["phase"], 9), f["name"], f["kind"])),
        "modules": sorted(modules, key=lambda m: phase_order.get(m["phase"], 9)),
        "lowering": lowering,
    }
    if errors:
        # The stage failed part-way: what was collected before the failure is kept.
        out.update(status="error", type=errors[0]["type"], message="%s: %s" % (errors[0]["phase"], errors[0]["message"]))
        out["errors"] = errors
    return out


# --- Relay era ---------------------------------------------------------------------------------


def _op_names(mod, ir):
    """Operator names used by the module's functions; ir is tvm.relay or tvm.relax (same visitor API)."""
    import tvm

    names = set()

    def visit(node):
        if isinstance(node, tvm.ir.Op):
            names.add(str(node.name))

    for _, func in mod.functions.items():
        if isinstance(func, ir.Function):
            ir.analysis.post_order_visit(func, visit)
    return names


def _relay_functions(mod, phase, shash, live):
    from tvm import relay

    out = []
    for gv, func in mod.functions.items():
        if isinstance(func, relay.Function):
            out.append(_function(str(gv.name_hint), phase, "relay", func, func.astext(show_meta_data=False), shash, live))
    return out


def _lowered_prim_funcs(lowered, shash, tir, live):
    """lowered: an IRModule, or a Map from Target to IRModule (graph executor codegen)."""
    import tvm

    modules = []
    if isinstance(lowered, tvm.ir.IRModule):
        modules.append((None, lowered))
    else:
        for target, sub in lowered.items():
            modules.append((str(target), sub))
    out = []
    for target, sub in modules:
        for gv, func in sub.functions.items():
            if isinstance(func, tir.PrimFunc):
                name = str(gv.name_hint)
                if len(modules) > 1:
                    name = "%s@%s" % (name, target)
                out.append(_function(name, "lowered", "tir", func, _script(func, str(gv.name_hint)), shash, live))
    return out


def _relay_lower_graph_codegen(opt_mod, target):
    from tvm.relay.backend import graph_executor_codegen

    codegen = graph_executor_codegen.GraphExecutorCodegen(None, target)
    _, lowered, _ = codegen.codegen(opt_mod, opt_mod["main"])
    return lowered


def _relay_lower_te_compiler(opt_mod, target):
    """Fallback: lower each primitive function of the optimized main on its own."""
    import tvm
    from tvm import relay
    from tvm.relay.backend import te_compiler

    prims = []

    def visit(node):
        if isinstance(node, relay.Function) and node.attrs is not None and "Primitive" in node.attrs.keys():
            if int(node.attrs["Primitive"]) == 1:
                prims.append(node)

    relay.analysis.post_order_visit(opt_mod["main"], visit)
    compiler = te_compiler.get()
    compiler.clear()
    merged = {}
    for prim in prims:
        cached = compiler.lower(prim, target)
        for gv, func in cached.funcs.functions.items():
            merged[str(gv.name_hint)] = func
    return tvm.ir.IRModule(merged)


def _relay_collect(ctx, live):
    import tvm
    from tvm import relay

    tir = _tir_module()
    shash = _structural("structural_hash")
    target = tvm.target.Target(ctx["target"]["target"])
    mod = ctx["mod"]
    functions, modules, errors = [], [], []
    lowering = None

    functions += _relay_functions(mod, "import", shash, live)
    modules.append(_module_record("import", mod, _op_names(mod, relay), live))

    try:
        with tvm.transform.PassContext(opt_level=3):
            # relay.optimize changes the module it is given (v0.19: the imported module stops being
            # structurally equal to itself reloaded from its own save_json); give it a copy.
            opt_mod, _ = relay.optimize(tvm.IRModule(mod.functions, mod.type_definitions), target=target, params=ctx["params"])
    except Exception as exc:
        errors.append(_error("optimized", exc))
        return _sorted_output(functions, modules, lowering, errors)
    functions += _relay_functions(opt_mod, "optimized", shash, live)
    modules.append(_module_record("optimized", opt_mod, _op_names(opt_mod, relay), live))

    attempts = [
        ("relay.backend.graph_executor_codegen.GraphExecutorCodegen", _relay_lower_graph_codegen),
        ("relay.backend.te_compiler.lower", _relay_lower_te_compiler),
    ]
    failures = []
    for name, lower in attempts:
        try:
            with tvm.transform.PassContext(opt_level=3):
                lowered = lower(opt_mod, target)
            functions += _lowered_prim_funcs(lowered, shash, tir, live)
            lowering = name
            break
        except Exception as exc:
            failures.append(_error("lowered", exc))
    if lowering is None:
        errors += failures
    elif failures:
        # The fallback was used: say why the preferred lowering did not work.
        lowering = normalise_text("%s (after %s failed: %s)" % (lowering, attempts[0][0], failures[0]["message"]))
    return _sorted_output(functions, modules, lowering, errors)


# --- Relax era ---------------------------------------------------------------------------------


def _relax_functions(mod, phase, shash, tir, live):
    from tvm import relax

    out = []
    for gv, func in mod.functions.items():
        name = str(gv.name_hint)
        if isinstance(func, relax.Function):
            out.append(_function(name, phase, "relax", func, _script(func, name), shash, live))
        elif isinstance(func, tir.PrimFunc) and phase != "import":
            out.append(_function(name, "lowered", "tir", func, _script(func, str(gv.name_hint)), shash, live))
    return out


def _relax_collect(ctx, live):
    import tvm
    from tvm import relax

    tir = _tir_module()
    shash = _structural("structural_hash")
    mod = ctx["mod"]
    functions, modules, errors = [], [], []

    functions += _relax_functions(mod, "import", shash, tir, live)
    modules.append(_module_record("import", mod, _op_names(mod, relax), live))

    try:
        seq = tvm.transform.Sequential([getattr(relax.transform, name)() for name in RELAX_PIPELINE])
        with tvm.transform.PassContext(opt_level=3):
            fused = seq(mod)
    except Exception as exc:
        errors.append(_error("optimized", exc))
        return _sorted_output(functions, modules, None, errors)
    functions += _relax_functions(fused, "optimized", shash, tir, live)
    modules.append(_module_record("optimized", fused, _op_names(fused, relax), live))
    return _sorted_output(functions, modules, "relax.transform:" + ">".join(RELAX_PIPELINE), errors)


def _cross_check_module():
    """cross_check.py sits beside this file, which the probe loads by path (not as a package)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cross_check.py")
    spec = importlib.util.spec_from_file_location("tvm_compat_ir_cross_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def collect(ctx):
    live = Live()
    out = (_relay_collect if ctx["era"] == "relay" else _relax_collect)(ctx, live)
    cross = ctx["job"].get("crossCheck")
    if cross:
        # Printer churn or IR change, decided against the baseline's IR (see cross_check.py).
        try:
            out["crossCheck"] = _cross_check_module().run(cross, out["functions"], live.functions, live.modules, _structural("structural_equal"))
        except Exception as exc:
            out["crossCheck"] = {"baseline": cross.get("baseline", ""), "functions": [], "modules": [], "error": "%s: %s" % (type(exc).__name__, str(exc).strip()[-300:])}
    return out
