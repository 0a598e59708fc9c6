"""Relay-era IR: the imported module, relay.optimize (opt_level 3, params bound) and the TIR of
every primitive function as lowered by the graph executor codegen (te_compiler as a fallback).
Both of the last depend on the target (layouts, the op strategy's schedules); the imported module
does not, so a job for another target than the host's records it only where the host's does."""
import sys

_records = sys.modules["tvm_compat_common"].load_by_path("ir-snapshots/records.py")
error, function, module_record, normalise_text, op_names, script, sorted_output = (
    _records.error, _records.function, _records.module_record, _records.normalise_text, _records.op_names, _records.script, _records.sorted_output)


def _relay_functions(mod, phase, shash, live):
    from tvm import relay

    out = []
    for gv, func in mod.functions.items():
        if isinstance(func, relay.Function):
            out.append(function(str(gv.name_hint), phase, "relay", func, func.astext(show_meta_data=False), shash, live))
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
                out.append(function(name, "lowered", "tir", func, script(func, str(gv.name_hint)), shash, live))
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


def collect(ctx, live):
    import tvm
    from tvm import relay

    common = ctx["common"]
    tir = common.tir_module()
    shash, _ = common.structural("structural_hash")
    target = ctx["common"].make_target(ctx["target"])
    mod = ctx["mod"]
    functions, modules, errors = [], [], []
    lowering = None

    if ctx["target"]["kind"] in ("llvm", "c"):
        functions += _relay_functions(mod, "import", shash, live)
        modules.append(module_record("import", mod, op_names(mod, relay), live))

    try:
        with tvm.transform.PassContext(opt_level=3):
            # relay.optimize changes the module it is given (v0.19: the imported module stops being
            # structurally equal to itself reloaded from its own save_json); give it a copy.
            opt_mod, _ = relay.optimize(tvm.IRModule(mod.functions, mod.type_definitions), target=target, params=ctx["params"])
    except Exception as exc:
        errors.append(error("optimized", exc))
        return sorted_output(functions, modules, lowering, errors)
    functions += _relay_functions(opt_mod, "optimized", shash, live)
    modules.append(module_record("optimized", opt_mod, op_names(opt_mod, relay), live))

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
            failures.append(error("lowered", exc))
    if lowering is None:
        errors += failures
    elif failures:
        # The fallback was used: say why the preferred lowering did not work.
        lowering = normalise_text("%s (after %s failed: %s)" % (lowering, attempts[0][0], failures[0]["message"]))
    return sorted_output(functions, modules, lowering, errors)
