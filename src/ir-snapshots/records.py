"""IR snapshot records shared by both eras (relay.py, relax.py): text normalisation, function and
module records, the save_json self-test, op sets and the sorted stage output.

Relay era: the imported module, the module after relay.optimize (opt_level=3, params bound) and
the TIR of every primitive function as lowered by the graph executor codegen (te_compiler as a
fallback). Relax era: the imported module, the module after LegalizeOps > AnnotateTIROpPattern >
FuseOps > FuseTIR, and the TIR PrimFuncs of that fused module.

Everything is computed inside the TVM under test (hashes included). Only what would make two runs
of one TVM differ is normalised here (object addresses, span comments); the TypeScript side
normalises further for cross-version comparison. Output is sorted and JSON-serialisable.

Runs on Python 3.7 to 3.11 with the standard library and tvm only.
"""
import importlib.util
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

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


def error(phase, exc):
    message = str(exc).strip().splitlines()
    return {"phase": phase, "type": type(exc).__name__, "message": (message[-1] if message else "")[:500]}


_SAVE_JSON_OK = []


def save_json_usable():
    """Whether tvm.ir.save_json survives an object with a dtype field, tried in a child process.

    tvm 0.27.0.post1 with apache-tvm-ffi 0.1.15.post2 segfaults in ToJSONGraph on any object with
    a DataType field (PrimType, IntImm, so every IRModule); with 0.1.14.post0 it works. A segfault
    would kill the probe, so the call is tried where a crash costs nothing: a fork of this process
    (TVM is imported already; a fresh interpreter would import it again, seconds), or a fresh
    interpreter where there is no fork.
    """
    if not _SAVE_JSON_OK and importlib.util.find_spec("tvm_ffi") is None:
        _SAVE_JSON_OK.append(None)  # the legacy FFI (TVM <= 0.20) has no ToJSONGraph
    if not _SAVE_JSON_OK:
        try:
            status, err = _try_save_json_forked() if hasattr(os, "fork") else _try_save_json_fresh()
            if status == 0:
                _SAVE_JSON_OK.append(None)
            else:
                why = "tvm.ir.save_json(PrimType) exited with status %d in a child process" % status
                if status < 0:
                    why = "tvm.ir.save_json(PrimType) died of signal %d in a child process" % -status
                first = [line for line in err.strip().splitlines() if "Segfault" in line or "Error" in line]
                _SAVE_JSON_OK.append(why + (": " + first[0].strip() if first else ""))
        except Exception as exc:  # no subprocess (sandbox), a timeout: do not risk the probe
            _SAVE_JSON_OK.append("save_json self-test could not run: %s" % exc)
    return _SAVE_JSON_OK[0]


def _try_save_json_forked(timeout=300.0):
    """(status, stderr) of save_json(PrimType) in a fork; status < 0 is the signal that ended it."""
    import tvm.ir

    log = tempfile.TemporaryFile()  # a file, not a pipe: a long trace cannot block the child
    pid = os.fork()
    if pid == 0:  # the child: its stderr goes to the file, and it never returns into the caller
        code = 1
        try:
            os.dup2(log.fileno(), 2)
            tvm.ir.save_json(tvm.ir.PrimType("int32"))
            code = 0
        except BaseException as exc:  # noqa: B902 - anything the call raises is the answer
            try:
                os.write(2, ("%s: %s\n" % (type(exc).__name__, exc)).encode("utf-8", "replace"))
            except Exception:
                pass
        os._exit(code)
    deadline = time.time() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            log.close()
            raise RuntimeError("save_json self-test timed out after %d s" % timeout)
        time.sleep(0.01)
    with log:
        log.seek(0)
        err = log.read().decode("utf-8", "replace")
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return code, err


def _try_save_json_fresh():
    code = "import sys\nsys.path[:0] = %r\nimport tvm, tvm.ir\ntvm.ir.save_json(tvm.ir.PrimType('int32'))\n" % (list(sys.path),)
    proc = subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def module_record(phase, mod, ops, live):
    import tvm

    live.modules[phase] = mod
    record = {"phase": phase, "ops": sorted(set(ops)), "json": None}
    broken = save_json_usable()
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


def function(name, phase, kind, func, text, shash, live):
    # map_free_vars: a function taken out of its module has free GlobalVars (the callees of a
    # fused Relax main), which are otherwise hashed by address: a different hash every process.
    # Mapped, they hash by order of first use; their names are in the text.
    digest = str(shash(func, map_free_vars=True))
    live.functions[(phase, kind, name)] = func
    return {"name": name, "phase": phase, "kind": kind, "hash": digest, "text": normalise_text(text)}


def script(obj, name):
    """TVMScript of one function, printed under its global name (else it is printed as "main")."""
    for kwargs in ({"name": name, "show_meta": False}, {"show_meta": False}, {}):
        try:
            return obj.script(**kwargs)
        except TypeError:
            continue
    return str(obj)


def sorted_output(functions, modules, lowering, errors):
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


def op_names(mod, ir):
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
