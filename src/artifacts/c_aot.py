"""C / AOT artifacts (the microTVM-style flow), behind job["artifacts"]["c"].

Where the build has Relay's AOT executor: target `c` with
`Executor("aot", {"interface-api": "c", "unpacked-api": True})` and `Runtime("crt")`; the
generated C modules are stored as files and each is compiled with the host gcc (`gcc -c`)
against the headers this TVM ships. Where `tvm.micro` exists, also the Model Library Format
tarball: metadata version and layout, checked member by member before anything is extracted.
In a check, the baseline's C sources are compiled against the candidate's headers.

A capability the build lacks is recorded as {"available": false, "reason": "not available in
this build: ..."}: never a pass. Standard library and tvm only.
"""
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
import time

GCC_TIMEOUT = 300
# Generated C (and Model Library Format tarballs) over this are kept as digests and not compiled.
SOURCE_CAP_CHARS = 16 * 1024 * 1024


def include_dirs():
    """The header folders this TVM ships (tvm, dlpack, tvm_ffi, the CRT where present)."""
    import importlib

    dirs = []
    for name in ("tvm", "tvm_ffi"):
        try:
            pkg = os.path.dirname(importlib.import_module(name).__file__)
        except ImportError:
            continue
        # A wheel ships the headers inside the package; a source tree (python/tvm) has them at its root.
        for root in (pkg, os.path.dirname(os.path.dirname(pkg))):
            for rel in ("include", "3rdparty/dlpack/include", "src/runtime/crt/include", "build/standalone_crt/include", "3rdparty/dmlc-core/include"):
                d = os.path.join(root, rel)
                if os.path.isdir(d) and d not in dirs:
                    dirs.append(d)
    return dirs


def gcc_compile(path, includes):
    gcc = shutil.which("gcc")
    if gcc is None:
        return {"compiles": None, "reason": "not available on this machine: no gcc on PATH"}
    out = tempfile.mkdtemp(prefix="tvm-compat-cc-")
    try:
        cmd = [gcc, "-c", "-std=gnu11", "-O0", "-w", "-o", os.path.join(out, "a.o"), path] + ["-I" + d for d in includes]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=GCC_TIMEOUT)
        text = proc.stdout.decode("utf-8", "replace")
        errors = [l for l in text.splitlines() if "error" in l][:5]
        # Paths vary between machines; keep the file name and message only.
        errors = [e.replace(os.path.dirname(path) + "/", "") for e in errors]
        missing = [e for e in errors if "fatal error: tvmgen_" in e and "No such file" in e]
        if proc.returncode != 0 and missing and len(errors) == 1:
            # The AOT entry point includes the interface header that only Model Library Format
            # export writes: not decidable from the bare source where the build has no tvm.micro.
            return {"compiles": None, "errors": errors, "reason": "needs the generated interface header, which only Model Library Format export writes"}
        return {"compiles": proc.returncode == 0, "errors": errors}
    finally:
        shutil.rmtree(out, ignore_errors=True)


# The C flow is for microcontrollers: a model with more weights than this is not built for target
# c (its C, the weights written out as text, is about three times their size: SqueezeNet's 5 MB
# give 15 MB of C; vgg19's 548 MB would take the probe's whole time limit).
WEIGHT_CAP_BYTES = 16 * 1024 * 1024
_WEIGHTED_OPS = ("nn.conv2d", "nn.conv2d_transpose", "nn.dense", "nn.batch_matmul", "qnn.conv2d", "qnn.dense")


def weight_bytes(mod):
    """Bytes of the weight operands of conv2d/dense calls (the ONNX corpus makes them with
    ConstantOfShape, so neither the file size nor the bound params tell)."""
    import tvm
    from tvm import relay

    typed = relay.transform.InferType()(mod)
    total = [0]

    class Weights(relay.ExprVisitor):
        def visit_call(self, call):
            if getattr(call.op, "name", "") in _WEIGHTED_OPS and len(call.args) > 1:
                t = call.args[1].checked_type
                n = 1
                for d in t.shape:
                    n *= int(d)
                total[0] += n * max(1, tvm.runtime.DataType(t.dtype).bits // 8)
            super().visit_call(call)

    Weights().visit(typed["main"])
    return total[0]


_RELAX_WEIGHTED_OPS = ("relax.nn.conv2d", "relax.nn.conv2d_transpose", "relax.matmul", "relax.linear")


def relax_weight_bytes(mod):
    """weight_bytes for a Relax module: the second operand of conv2d/matmul calls. The ONNX
    frontend of the Relax era keeps ConstantOfShape as an op computed at run time, so the bound
    constants do not tell either (vgg19 binds under 16 MB and takes minutes to build for c)."""
    from tvm import relax

    total = [0]

    def visit(e):
        op = getattr(e, "op", None)
        args = getattr(e, "args", None)
        if getattr(op, "name", "") in _RELAX_WEIGHTED_OPS and args is not None and len(args) > 1:
            # struct_info until 0.26, ty (a TensorType) from 0.27
            si = getattr(args[1], "struct_info", None) or getattr(args[1], "ty", None)
            n = 1
            for d in si.shape:
                n *= int(d)
            total[0] += n * max(1, int(tvm_dtype_bits(si.dtype)) // 8)

    for _, f in mod.functions.items():
        if isinstance(f, relax.Function):
            relax.analysis.post_order_visit(f, visit)
    return total[0]


def tvm_dtype_bits(dtype):
    import tvm

    return tvm.runtime.DataType(str(dtype)).bits


def over_weight_cap(weights):
    """Why a model is not built for target c, or None."""
    if weights > WEIGHT_CAP_BYTES:
        return "not built for target c: %.0f MB of weights, over the %d MB cap of the C flow (microTVM targets are microcontrollers)" % (weights / 1e6, WEIGHT_CAP_BYTES >> 20)
    return None


def _relay_aot(ctx):
    import tvm
    from tvm import relay

    try:
        from tvm.relay.backend import Executor, Runtime
    except ImportError as exc:
        return None, "not available in this build: no Relay AOT executor (%s)" % exc
    why = over_weight_cap(weight_bytes(ctx["mod"]))
    if why:
        return None, why
    t0 = time.time()
    with tvm.transform.PassContext(opt_level=3, config={"tir.disable_vectorize": True}):
        factory = relay.build(
            ctx["mod"],
            target="c",
            executor=Executor("aot", {"interface-api": "c", "unpacked-api": True}),
            runtime=Runtime("crt"),
            params=ctx["params"],
        )
    return (factory, time.time() - t0), None


def safe_members(tar):
    """Members of an MLF tarball, refusing anything that could write outside the folder."""
    members = []
    for m in tar.getmembers():
        name = m.name
        if name.startswith("/") or os.path.isabs(name) or ".." in name.replace("\\", "/").split("/"):
            raise ValueError("unsafe path in tarball: %r" % name)
        if m.issym() or m.islnk() or m.isdev() or m.isfifo():
            raise ValueError("link or device in tarball: %r" % name)
        if not (m.isfile() or m.isdir()):
            raise ValueError("unexpected member type in tarball: %r" % name)
        members.append(m)
    return members


def _mlf(factory, out_dir):
    import json

    try:
        import tvm.micro  # noqa: F401
        export = tvm.micro.export_model_library_format
    except (ImportError, AttributeError) as exc:
        return {"available": False, "reason": "not available in this build: no tvm.micro Model Library Format export (%s)" % exc}
    path = os.path.join(out_dir, "model.tar")
    export(factory, path)
    dest = tempfile.mkdtemp(prefix="tvm-compat-mlf-")
    try:
        with tarfile.open(path) as tar:
            members = safe_members(tar)
            tar.extractall(dest, members=members)
        names = sorted(m.name.lstrip("./") for m in members if m.isfile())
        meta_path = os.path.join(dest, "metadata.json")
        meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
        includes = [os.path.join(dest, "codegen/host/include"), os.path.join(dest, "runtime/include")] + include_dirs()
        sources = [n for n in names if n.startswith("codegen/host/src/") and n.endswith(".c")]
        compiled = {}
        for n in sources:
            size = os.path.getsize(os.path.join(dest, n))
            if size > SOURCE_CAP_CHARS:
                compiled[n] = {"compiles": None, "reason": "%.1f MB of C, over the %d MB cap: not compiled" % (size / 1e6, SOURCE_CAP_CHARS >> 20)}
            else:
                compiled[n] = gcc_compile(os.path.join(dest, n), [d for d in includes if os.path.isdir(d)])
        return {
            "available": True,
            "file": "model.tar",
            "version": meta.get("version"),
            "layout": sorted(set(n.split("/")[0] for n in names)),
            "members": len(names),
            "sources": compiled,
        }
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def collect(ctx, cross):
    """The `c` part of the artifacts record; `_files` lists the files it wrote under outDir."""
    out = {}
    files = []
    if ctx["era"] != "relay":
        out["aot"] = {"available": False, "reason": "not available in this build: the Relax era has no AOT executor or CRT runtime"}
    else:
        try:
            built, reason = _relay_aot(ctx)
        except Exception as exc:
            built, reason = None, None
            out["aot"] = dict(available=True, builds=False, **ctx["common"].error_record(exc))
        if reason:
            out["aot"] = {"available": False, "reason": reason}
        elif built:
            factory, seconds = built
            lib = factory.get_lib() if hasattr(factory, "get_lib") else factory.lib
            modules = [lib] + list(lib.imported_modules)
            includes = include_dirs()
            sources = []
            for i, m in enumerate(m for m in modules if m.type_key == "c"):
                name = "c_source_%d.c" % i
                text = m.get_source()
                entry = {"name": name, "chars": len(text)}
                if len(text) > SOURCE_CAP_CHARS:
                    # The ONNX corpus binds its weights as constants: vgg19's C is over 500 MB.
                    entry.update(compiles=None, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                                 reason="%.1f MB of C, over the %d MB cap: kept as its digest, not compiled" % (len(text) / 1e6, SOURCE_CAP_CHARS >> 20))
                    sources.append(entry)
                    continue
                with open(os.path.join(ctx["outDir"], name), "w") as f:
                    f.write(text)
                files.append({"name": name})
                entry.update(gcc_compile(os.path.join(ctx["outDir"], name), includes))
                sources.append(entry)
            out["aot"] = {"available": True, "builds": True, "sources": sources}
            ctx["timings"]["artifacts.c.build"] = round(seconds, 3)
            mlf = _mlf(factory, ctx["outDir"])
            if mlf.get("file"):
                path = os.path.join(ctx["outDir"], mlf["file"])
                if os.path.getsize(path) <= SOURCE_CAP_CHARS:
                    files.append({"name": mlf["file"]})
                else:
                    mlf["stored"] = False
                    mlf["bytes"] = os.path.getsize(path)
                    mlf["reason"] = "%.1f MB, over the %d MB cap: kept as its member list" % (mlf["bytes"] / 1e6, SOURCE_CAP_CHARS >> 20)
            out["mlf"] = mlf
    if cross and cross.get("sources"):
        # The baseline's generated C, against this TVM's headers.
        includes = include_dirs()
        out["cross"] = dict((os.path.basename(p), gcc_compile(p, includes)) for p in cross["sources"])
    out["_files"] = files
    return out
