"""Dependency health of a TVM distribution, run by the interpreter of one environment.

usage: deps.py declared DIST   -> {"requires": [...], "versions": {name: installed version}}
       deps.py health          -> {"import": outcome, "save_json": outcome}

Each health step runs in a child process: a TVM built against another ABI of its FFI fails to
import (undefined symbol) or segfaults inside save_json, which MetaSchedule's JSON database, and so
tuning, needs. Standard library only, Python 3.7-3.11.
"""
import json
import re
import subprocess
import sys

IMPORT = "import tvm"
SAVE_JSON = """
import tvm
try:
    from tvm import tirx as t
except ImportError:
    from tvm import tir as t
tvm.ir.save_json(t.Var("x", "int32"))
"""


def _metadata():
    try:
        from importlib import metadata
    except ImportError:  # Python 3.7
        import importlib_metadata as metadata
    return metadata


def _name(requirement):
    return re.split(r"[\s<>=!~;\[(]", requirement.strip(), 1)[0]


def declared(dist):
    md = _metadata()
    requires = [r for r in (md.requires(dist) or []) if "extra ==" not in r.replace("extra==", "extra ==")]
    versions = {}
    for r in requires:
        name = _name(r)
        try:
            versions[name] = md.version(name)
        except Exception:
            versions[name] = None
    return {"dist": dist, "version": md.version(dist), "requires": requires, "versions": versions}


def _step(code):
    try:
        p = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": "timed out after 300 s"}
    if p.returncode == 0:
        return {"ok": True}
    if p.returncode < 0:
        return {"ok": False, "error": "killed by signal %d" % -p.returncode}
    lines = [l for l in p.stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    # The venv's path says nothing to a reader: "…/site-packages/tvm/lib/x.so" reads "tvm/lib/x.so".
    line = re.sub(r"\S*/site-packages/", "", lines[-1]) if lines else "exit %d" % p.returncode
    return {"ok": False, "error": line[:400]}


def health():
    out = {"import": _step(IMPORT)}
    out["save_json"] = _step(SAVE_JSON) if out["import"]["ok"] else {"ok": False, "error": "not tried: tvm does not import"}
    return out


if __name__ == "__main__":
    print(json.dumps(declared(sys.argv[2]) if sys.argv[1] == "declared" else health()))
