"""Printer churn or IR change? Decided inside the candidate TVM, against the baseline's IR.

Two independent checks, both run by the candidate on what the baseline stored:

- functions: every function whose printed text differs from the baseline's is parsed back from
  the baseline's text by the candidate's own parser (TVMScript for Relax and TIR, the Relay text
  parser for Relay) and compared with the candidate's function by structural_equal. Equal means
  only the printer changed; different means the IR changed; a text the candidate cannot parse
  leaves the question open, with the parser's reason. Constants are printed as
  metadata["<type key>"][i] references (show_meta=False); they are resolved to the candidate's
  own constants in order of use, so two functions come out equal only when the baseline text
  uses the same constants in the same places (scalars print inline as R.const and are not
  metadata). Callees of a fused main resolve to the candidate's GlobalVars. As a control, the
  candidate's own text must first parse back to a function equal to its own; where it does not,
  the verdict is left open rather than guessed.
- modules: the baseline's tvm.ir.save_json of each phase is loaded with tvm.ir.load_json in a
  child process (0.25's fused JSON kills 0.27 with SIGSEGV), then, if it loads, compared with the
  candidate's module of that phase by structural_equal.

Runs on Python 3.7 to 3.11 with the standard library and tvm only.
"""
import json
import subprocess
import sys

VERSION_MASK = "<tvm_version>"

_CONSTANT_KEYS = ("relax.expr.Constant", "relax.Constant", "ir.GenericConst")
_TENSOR_KEYS = ("ffi.Tensor", "runtime.NDArray", "runtime.Tensor")


def _last_line(exc):
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip() and set(line.strip()) != {"|"}]
    text = lines[0] if lines and lines[0].startswith("error:") else (lines[-1] if lines else type(exc).__name__)
    return ("%s: %s" % (type(exc).__name__, text))[:400]


def _parse_error(exc, again):
    """The parser's own reason. Up to v0.19 a parser renders its diagnostics to stderr and raises a
    bare DiagnosticError ("one or more error diagnostics were emitted"); then the parse is run
    again with a renderer that keeps the messages (only on this failure path: a parse that
    succeeds never runs with another renderer)."""
    reason = _last_line(exc)
    if type(exc).__name__ != "DiagnosticError" or "error:" in str(exc):
        return reason
    try:
        from tvm.ir import diagnostics
    except Exception:
        return reason
    messages = []
    diagnostics.override_renderer(lambda ctx: messages.extend(str(d.message) for d in ctx.diagnostics))
    try:
        again()
    except Exception:
        pass
    finally:
        diagnostics.override_renderer(None)
    if not messages:
        return reason
    more = " (and %d more)" % (len(messages) - 1) if len(messages) > 1 else ""
    return ("DiagnosticError: %s%s" % (messages[0], more))[:400]


def _script_globals():
    """The names a printed TVMScript file expects (T, R, I, tvm), as the parser itself binds them."""
    try:
        from tvm.script.parser.core.entry import _default_globals

        return dict(_default_globals())
    except ImportError:
        return None


def _is_scalar(const):
    """relax.Constant keeps its tensor in .data; 0.27's ir.GenericConst in .value."""
    data = getattr(const, "data", None)
    if data is None:
        data = getattr(const, "value", None)
    shape = getattr(data, "shape", None)
    return shape is not None and len(shape) == 0


def _relax_constants(func):
    import tvm
    from tvm import relax

    kinds = tuple(c for c in (getattr(relax, "Constant", None), getattr(tvm.ir, "GenericConst", None)) if c is not None)
    found = []

    def visit(node):
        # A scalar prints inline (R.const(1.0, "float32")), not as a metadata reference.
        if isinstance(node, kinds) and not _is_scalar(node) and not any(node.same_as(c) for c in found):
            found.append(node)

    relax.analysis.post_order_visit(func, visit)
    return found


def _relax_extra_vars(func, module):
    names = _script_globals()
    if names is None:
        return None
    constants = _relax_constants(func)
    tensors = []
    if func.attrs is not None and "params" in func.attrs:
        tensors = list(func.attrs["params"])
    metadata = dict((key, constants) for key in _CONSTANT_KEYS)
    metadata.update((key, tensors) for key in _TENSOR_KEYS)
    names["metadata"] = metadata
    if module is not None:
        for gv in module.get_global_vars():
            names.setdefault(str(gv.name_hint), gv)
    return names


def _parse_script(text, extra_vars):
    """Returns (object, well_formed). A text that parses only without the well-formedness check
    still says what the IR is; that it is no longer well-formed is part of the answer."""
    import tvm

    try:
        return tvm.script.from_source(text, extra_vars=extra_vars), True
    except TypeError:
        return tvm.script.from_source(text), True  # old parsers: no extra_vars
    except Exception as first:
        if "not well-formed" not in str(first):
            raise
        return tvm.script.from_source(text, extra_vars=extra_vars, check_well_formed=False), False


def _parse_relay(text):
    import tvm

    body = "\n".join(line for line in text.splitlines() if not line.startswith("#[version"))
    # Later releases have tvm.relay.parse_expr (v0.18 does); v0.10 and v0.11 only tvm.parser.parse_expr.
    if hasattr(tvm.relay, "parse_expr"):
        return tvm.relay.parse_expr(body)
    import tvm.parser

    return tvm.parser.parse_expr(body)


def _parser(kind, own, module):
    """parse(text) -> (object, well_formed) in the candidate, with the names `own` is printed with."""
    if kind == "relay":
        return lambda text: (_parse_relay(text), True)
    names = []  # built on first use, inside _verdict's error handling, and reused for the second text

    def parse(text):
        if not names:
            names.append(_relax_extra_vars(own, module) if kind == "relax" else _script_globals())
        return _parse_script(text, names[0])

    return parse


def _verdict(parse, text, own, seq):
    try:
        parsed, well_formed = parse(text)
        equal = bool(seq(parsed, own, map_free_vars=True))
    except Exception as exc:
        return {"verdict": "unparsable", "error": _parse_error(exc, lambda: parse(text))}
    out = {"verdict": "printer" if equal else "ir"}
    if not well_formed:
        out["note"] = "the baseline's text parses only with the well-formedness check off"
    return out


def check_functions(baseline_functions, functions, live, modules, seq):
    """baseline_functions: [{phase, kind, name, text}]; functions: the candidate's records."""
    base = dict(((f["phase"], f["kind"], f["name"]), f["text"]) for f in baseline_functions)
    out = []
    for f in functions:
        key = (f["phase"], f["kind"], f["name"])
        if key not in base or base[key] == f["text"] or key not in live:
            continue
        record = {"phase": f["phase"], "kind": f["kind"], "name": f["name"]}
        own = live[key]
        parse = _parser(f["kind"], own, modules.get(f["phase"]))
        # Control: the candidate's own text must parse back to its own function, or a verdict on
        # the baseline's text would measure this method, not the IR.
        control = _verdict(parse, f["text"], own, seq)
        if control["verdict"] != "printer" or control.get("note"):
            why = control.get("error") or control.get("note") or "structurally different"
            record.update(verdict="unparsable", error="the candidate's own text does not parse back to its function (%s)" % why)
        else:
            record.update(_verdict(parse, base[key], own, seq))
        out.append(record)
    return out


_LOADER = r"""
import sys
sys.path[:0] = %r
import json, tvm, tvm.ir
for text in json.load(sys.stdin):
    try:
        tvm.ir.load_json(text)
        print("ok", flush=True)
    except Exception as exc:
        lines = [l.strip() for l in str(exc).strip().splitlines() if l.strip()]
        print("error " + json.dumps("%%s: %%s" %% (type(exc).__name__, lines[-1] if lines else "")), flush=True)
"""


def _load_in_child(texts):
    """load_json of each text in one child process; a text that kills it is reported with its signal."""
    proc = subprocess.run(
        [sys.executable, "-c", _LOADER % (list(sys.path),)],
        input=json.dumps(texts).encode("utf-8"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=600,
    )
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    results = []
    for i in range(len(texts)):
        if i < len(lines) and lines[i] == "ok":
            results.append((True, None))
        elif i < len(lines) and lines[i].startswith("error "):
            results.append((False, json.loads(lines[i][6:])[:400]))
        elif proc.returncode < 0:
            results.append((False, "the candidate process died of signal %d in tvm.ir.load_json" % -proc.returncode))
        else:
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            results.append((False, "load_json process exited with status %d: %s" % (proc.returncode, tail[-1] if tail else "")))
    return results


def check_modules(baseline_modules, tvm_version, live_modules, seq):
    """baseline_modules: [{phase, json}] as stored (tvm_version masked) or {phase, skipped}."""
    import tvm

    out = [dict(phase=m["phase"], skipped=m["skipped"]) for m in baseline_modules if m.get("skipped")]
    todo = [m for m in baseline_modules if not m.get("skipped")]
    if not todo:
        return out
    texts = [m["json"].replace('"%s"' % VERSION_MASK, json.dumps(tvm_version)) for m in todo]
    for m, text, (loads, error) in zip(todo, texts, _load_in_child(texts)):
        record = {"phase": m["phase"], "loads": loads}
        if not loads:
            record["error"] = error
        elif m["phase"] in live_modules:
            # It loaded in a child, so loading it here cannot crash the probe.
            record["structuralEqual"] = bool(seq(tvm.ir.load_json(text), live_modules[m["phase"]]))
        out.append(record)
    return out


def run(cross, functions, live, live_modules, seq):
    """cross: the job's crossCheck (the baseline's IR); seq: this TVM's structural_equal. Returns
    the stage's crossCheck record, labelled with the baseline's name so that it is only ever
    applied against that baseline."""
    return {
        "baseline": cross["baseline"],
        "functions": check_functions(cross.get("functions", []), functions, live, live_modules, seq),
        "modules": check_modules(cross.get("modules", []), cross["tvmVersion"], live_modules, seq),
    }
