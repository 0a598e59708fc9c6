"""Runs in a child process of the candidate's interpreter: loads a library another TVM built and
runs it on that TVM's reference inputs.

Reads a JSON request on stdin ({library, reference, executor, inputNames, src}) and prints
progress lines `@@["key", value]` as it goes, flushed, so that a crash or hang part-way still
tells the parent how far it got (loaded? entry points? ran?).
"""
import json
import os
import sys
import time

# The Relay VM's executable (exported with its bytecode inside) and the Relax VM's share the name.
ENTRY_POINTS = {"graph": "default", "vm": "vm_load_executable", "relay-vm": "vm_load_executable"}


def mark(key, value):
    sys.stdout.write("@@" + json.dumps([key, value]) + "\n")
    sys.stdout.flush()


def has_function(mod, name):
    try:
        fn = mod.get_function(name, query_imports=True)
    except TypeError:  # a get_function without query_imports
        try:
            fn = mod.get_function(name)
        except Exception:
            return False
    except Exception:
        return False
    return fn is not None


def type_key(mod):
    for attr in ("type_key", "kind"):
        try:
            value = getattr(mod, attr)
            return value() if callable(value) else str(value)
        except Exception:
            continue
    return None


def to_device(arr, dev):
    import tvm

    nd = getattr(tvm, "nd", None)
    if nd is not None and hasattr(nd, "array"):
        return nd.array(arr, dev)
    return tvm.runtime.tensor(arr, dev)


def flatten(value):
    import numpy as np

    if hasattr(value, "numpy"):
        return [value.numpy()]
    if isinstance(value, (list, tuple)) or type(value).__name__ in ("Array", "ADT", "Tuple"):
        out = []
        for v in value:
            out.extend(flatten(v))
        return out
    return [np.asarray(value)]


def run_graph(lib, dev, names, arrays):
    from tvm.contrib import graph_executor

    gm = graph_executor.GraphModule(lib["default"](dev))
    for name, arr in zip(names, arrays):
        gm.set_input(name, to_device(arr, dev))
    gm.run()
    return [gm.get_output(i).numpy() for i in range(gm.get_num_outputs())]


def run_vm(lib, dev, arrays):
    from tvm import relax

    vm = relax.VirtualMachine(lib, dev)
    return flatten(vm["main"](*[to_device(a, dev) for a in arrays]))


def run_relay_vm(exe, dev, arrays):
    """A Relay VM executable (relay.vm.compile's, or a loaded library wrapped as one) on the inputs."""
    from tvm.runtime import vm as runtime_vm

    if not isinstance(exe, runtime_vm.Executable):
        exe = runtime_vm.Executable(exe)
    machine = runtime_vm.VirtualMachine(exe, dev)
    return flatten(machine.invoke("main", *[to_device(a, dev) for a in arrays]))


def main():
    req = json.loads(sys.stdin.read())
    sys.path.insert(0, req["src"])
    import tensors  # noqa: E402  (src/artifacts, put on the path by the request)

    ref = tensors.read_npz(req["reference"])
    n_in = len(req["inputNames"])
    inputs = [ref["input_%d" % i] for i in range(n_in)]
    expected = [ref[k] for k in sorted((k for k in ref if k.startswith("output_")), key=lambda k: int(k.split("_")[1]))]

    import tvm

    kind = req.get("device", "llvm")
    dev = tvm.cpu(0) if kind in ("llvm", "c") else {"cuda": tvm.cuda, "vulkan": tvm.vulkan}[kind](0)
    t0 = time.time()
    lib = tvm.runtime.load_module(req["library"])
    mark("loadSeconds", round(time.time() - t0, 3))
    mark("loads", True)
    mark("typeKey", type_key(lib))
    try:
        mark("imports", sorted(type_key(m) or "?" for m in lib.imported_modules))
    except Exception:
        mark("imports", [])
    present = sorted(set(e for e in ENTRY_POINTS.values() if has_function(lib, e)))
    mark("entryPoints", present)
    executor = req["executor"]
    if ENTRY_POINTS[executor] not in present:
        mark("runs", False)
        mark("entryPointMissing", ENTRY_POINTS[executor])
        return
    try:
        exists = bool(dev.exist)
    except Exception as exc:
        exists, why = False, str(exc).strip().splitlines()[-1][:200]
    else:
        why = "no %s device on this machine" % kind
    if not exists:
        mark("runs", False)
        mark("noDevice", why)
        return
    t0 = time.time()
    if executor == "graph":
        outputs = run_graph(lib, dev, req["inputNames"], inputs)
    elif executor == "relay-vm":
        outputs = run_relay_vm(lib, dev, inputs)
    else:
        outputs = run_vm(lib, dev, inputs)
    mark("runSeconds", round(time.time() - t0, 3))
    mark("runs", True)
    if len(outputs) != len(expected):
        mark("outputs", [{"within": False, "mismatch": "%d outputs, the reference has %d" % (len(outputs), len(expected))}])
        return
    mark("outputs", [tensors.compare(e, o) for e, o in zip(expected, outputs)])


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:
        text = str(exc).strip().splitlines()
        mark("error", "%s: %s" % (type(exc).__name__, (text[-1] if text else "")[:500]))
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: some runtimes crash in atexit after a foreign load
