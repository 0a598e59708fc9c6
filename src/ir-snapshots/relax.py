"""Relax-era IR: the imported module, the module after LegalizeOps > AnnotateTIROpPattern > FuseOps >
FuseTIR (the one fused module of the job, shared with task extraction), and its TIR PrimFuncs.
None of that depends on the target, so a GPU target's job records only what does: the PrimFuncs
with dlight's default GPU schedules (phase "lowered", the module relax.build compiles for it)."""
import sys

_records = sys.modules["tvm_compat_common"].load_by_path("ir-snapshots/records.py")
error, function, module_record, op_names, script, sorted_output = (
    _records.error, _records.function, _records.module_record, _records.op_names, _records.script, _records.sorted_output)


def _relax_functions(mod, phase, shash, tir, live):
    from tvm import relax

    out = []
    for gv, func in mod.functions.items():
        name = str(gv.name_hint)
        if isinstance(func, relax.Function):
            out.append(function(name, phase, "relax", func, script(func, name), shash, live))
        elif isinstance(func, tir.PrimFunc) and phase != "import":
            out.append(function(name, "lowered", "tir", func, script(func, str(gv.name_hint)), shash, live))
    return out


def _scheduled(ctx, shash, tir, live):
    common = ctx["common"]
    try:
        scheduled = common.relax_gpu_scheduled(ctx)
    except Exception as exc:
        return sorted_output([], [], None, [error("lowered", exc)])
    functions = [
        function(str(gv.name_hint), "lowered", "tir", func, script(func, str(gv.name_hint)), shash, live)
        for gv, func in scheduled.functions.items()
        if isinstance(func, tir.PrimFunc)
    ]
    return sorted_output(functions, [], "dlight.ApplyDefaultSchedule:" + ">".join(common.DLIGHT_RULES), [])


def collect(ctx, live):
    from tvm import relax

    common = ctx["common"]
    tir = common.tir_module()
    shash, _ = common.structural("structural_hash")
    if ctx["target"]["kind"] in ("cuda", "vulkan"):
        return _scheduled(ctx, shash, tir, live)
    mod = ctx["mod"]
    functions, modules, errors = [], [], []

    functions += _relax_functions(mod, "import", shash, tir, live)
    modules.append(module_record("import", mod, op_names(mod, relax), live))

    try:
        fused = common.relax_fused(ctx)
    except Exception as exc:
        errors.append(error("optimized", exc))
        return sorted_output(functions, modules, None, errors)
    functions += _relax_functions(fused, "optimized", shash, tir, live)
    modules.append(module_record("optimized", fused, op_names(fused, relax), live))
    return sorted_output(functions, modules, "relax.transform:" + ">".join(common.RELAX_PIPELINE), errors)
