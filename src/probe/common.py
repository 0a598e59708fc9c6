"""Helpers every collector shares, so each exists once: loading by path, error records, first
importable module, TVM's structural hash/equal wherever this release keeps them, child processes
for calls that can kill the probe, and the Relax fused module (computed once per job).

Collectors receive this module as ctx["common"]. Runs on Python 3.7 to 3.11 with the standard
library and tvm only.
"""
import importlib
import importlib.util
import os
import re
import subprocess
import sys
import traceback

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RELAX_PIPELINE = ["LegalizeOps", "AnnotateTIROpPattern", "FuseOps", "FuseTIR"]


def load_by_path(relpath, name=None):
    """A module of src/ by path: concern folders carry hyphens (src/hash-keys), so they are not packages."""
    path = os.path.join(SRC, relpath)
    name = name or "tvm_compat_" + relpath.replace("/", "_").replace("-", "_").replace(".py", "")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def error_record(exc):
    """{type, message, detail}: TVM errors put the useful line last; keep both ends, short. A failed
    compile (export_library's g++) ends with its command line, so its first error line is the message."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    message = str(exc).strip().splitlines()
    # The file name without its temporary folder, so that two runs record the same message.
    compiler = [re.sub(r"(?:/[^\s/:]+)+/(?=[^\s/:]+:\d+)", "", line.strip()) for line in message if ": error: " in line or ": fatal error: " in line]
    # A header and its list ("TVMError: LLVM module verification failed with the following errors:")
    # ends with a bare operand ("ptr @__tvm_parallel_lambda.1606"): say the header and its first item.
    header = [i for i, line in enumerate(message[:-1]) if re.match(r"^\w*Error: .*:$", line.strip())]
    if compiler:
        first = compiler[0]
    elif header:
        first = re.sub(r"^\w*Error: ", "", message[header[-1]].strip()) + " " + message[header[-1] + 1].strip()
    else:
        first = message[-1] if message else type(exc).__name__
    return {"type": type(exc).__name__, "message": first[:500], "detail": text[-4000:]}


def first_importable(names):
    """(module, name) of the first of names that imports; ImportError naming all of them otherwise."""
    for name in names:
        try:
            return importlib.import_module(name), name
        except ImportError:
            continue
    raise ImportError("none of %s imports" % ", ".join(names))


def structural(name):
    """tvm.ir.structural_hash / structural_equal, or tvm_ffi's where tvm.ir no longer has them (0.25+).
    Returns (function, where it was found)."""
    import tvm

    fn = getattr(tvm.ir, name, None)
    if fn is not None:
        return fn, "tvm.ir." + name
    import tvm_ffi

    return getattr(tvm_ffi, name), "tvm_ffi." + name


def tir_module():
    return first_importable(["tvm.tir", "tvm.tirx"])[0]


def run_child(code, input_text=None, timeout=600):
    """Runs python code in a child process of this interpreter with this sys.path.
    Returns (returncode, stdout, stderr); a negative returncode is the signal that killed it."""
    prelude = "import sys\nsys.path[:0] = %r\n" % (list(sys.path),)
    proc = subprocess.run(
        [sys.executable, "-c", prelude + code],
        input=None if input_text is None else input_text.encode("utf-8"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=timeout,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def relax_fused(ctx):
    """The imported Relax module after RELAX_PIPELINE, computed once per job and shared by every
    concern that needs it (task extraction, IR snapshots, builds)."""
    if "_fused" not in ctx:
        import tvm
        from tvm import relax

        try:
            seq = tvm.transform.Sequential([getattr(relax.transform, name)() for name in RELAX_PIPELINE])
            with tvm.transform.PassContext(opt_level=3):
                ctx["_fused"] = (seq(ctx["mod"]), None)
        except Exception as exc:  # the next concern that asks gets the same failure, not a second run
            ctx["_fused"] = (None, exc)
    fused, exc = ctx["_fused"]
    if exc is not None:
        raise exc
    return fused


# dlight's default GPU rules, in the order TVM's own GPU pipelines apply them (Fallback last: it
# gives every PrimFunc no other rule took a plain thread binding).
DLIGHT_RULES = ["Matmul", "GEMV", "Reduction", "GeneralReduction", "Fallback"]


def relax_gpu_scheduled(ctx):
    """The fused module with dlight's default GPU schedules for the job's target: what relax.build
    for cuda or vulkan needs (an unscheduled PrimFunc has no thread binding and does not build),
    computed once per job and shared by the library build and the IR snapshot."""
    if "_gpu_scheduled" not in ctx:
        try:
            fused = relax_fused(ctx)
            dl = first_importable(["tvm.s_tir.dlight", "tvm.dlight"])[0]
            target = make_target(ctx["target"])
            with target:
                ctx["_gpu_scheduled"] = (dl.ApplyDefaultSchedule(*[getattr(dl.gpu, r)() for r in DLIGHT_RULES])(fused), None)
        except Exception as exc:
            ctx["_gpu_scheduled"] = (None, exc)
    scheduled, exc = ctx["_gpu_scheduled"]
    if exc is not None:
        raise exc
    return scheduled


def parse_target_string(text):
    """'cuda -arch=sm_80' -> {"kind": "cuda", "arch": "sm_80"}: the dict form, which TVM 0.27 asks for
    (it no longer parses CLI strings with attributes). Values stay strings; TVM converts them."""
    parts = text.split()
    config = {"kind": parts[0]}
    for part in parts[1:]:
        key, _, value = part.lstrip("-").partition("=")
        config[key] = value if value else True
    return config


def make_target(target):
    """tvm.target.Target of a corpus target ({id, kind, target}): the CLI string where this TVM
    parses it (every release up to 0.26), else its dict form."""
    import tvm

    text = target["target"]
    try:
        return tvm.target.Target(text)
    except Exception:
        if " " not in text.strip():
            raise
        return tvm.target.Target(parse_target_string(text))


def canonical_target(target):
    """The target as this TVM completes it (Target.export(): kind, keys and every attribute it
    filled in, such as -mtriple), as plain JSON with sorted keys: what a corpus target string
    means in this release, comparable across releases."""

    def plain(v):
        if isinstance(v, (bool, int, float, str)) or v is None:
            return v
        if hasattr(v, "export") and hasattr(v, "kind"):
            return canonical_target(v)
        if hasattr(v, "items"):
            return dict((str(k), plain(x)) for k, x in v.items())
        if hasattr(v, "__iter__"):
            return [plain(x) for x in v]
        if hasattr(v, "__len__") and hasattr(v, "__getitem__"):  # tvm Array before 0.20: no __iter__
            return [plain(v[i]) for i in range(len(v))]
        if hasattr(v, "value"):
            return v.value
        return str(v)

    out = dict((str(k), plain(v)) for k, v in dict(target.export()).items())
    if out.get("tag") == "":
        del out["tag"]
    return dict(sorted(out.items()))


def has_codegen(kind):
    """Whether this build can generate code for a target kind (target.build.<kind> is registered)."""
    import tvm

    return tvm.get_global_func("target.build." + kind, allow_missing=True) is not None


def device_for(kind):
    """(device, None) where this machine has a device of the target kind, else (None, why not)."""
    import tvm

    if kind in ("llvm", "c"):
        return tvm.cpu(0), None
    dev = {"cuda": tvm.cuda, "vulkan": tvm.vulkan}[kind](0)
    try:
        exists = bool(dev.exist)
    except Exception as exc:  # a runtime without that device API raises instead of answering
        return None, "not available in this runtime: %s" % str(exc).strip().splitlines()[-1][:200]
    return (dev, None) if exists else (None, "no %s device on this machine" % kind)
