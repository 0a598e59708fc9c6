"""tvm-compat worker: imports TVM once and serves probe jobs over a pipe.

Usage: python worker.py

The first line on stdout is {"type": "hello", "info": <fingerprint.py's description, or what can
be told without TVM when it does not import>, "import": <import stage record>, "importSeconds": s}.
Then it reads requests, one JSON line each, from stdin:
- {"type": "prepare", "era", "collectors"}: import the era's modules and load the collectors the
  jobs will run (answer {"type": "ready"}). The era is decided by the caller, from the capabilities.
- {"type": "job", "id", "job", "out", "log", "timeout"}: fork a child that runs the job
  (probe.run_job) with its stdout and stderr in the job's log file, in a process group of its own
  (answer {"type": "started", "id", "pid"}); wait, kill the group on timeout, and answer
  {"type": "done", "id", "exit", "signal", "timedOut", "seconds"}. Forking
after import gives every job a fresh process (a crash, hang or leak ends with its job, and no state
of one job reaches the next) without importing TVM again. Before serving, the worker imports the
era's frontends and tuning modules and loads the collectors, calling each one's `prepare(era)` if it
has one (a once-per-environment self-test such as ir-snapshots' save_json check), so that forked
children share all of it.

Runs on Python 3.7 to 3.11 with the standard library and tvm.
"""
import gc
import importlib
import importlib.util
import json
import os
import signal
import sys
import time



def _load(name, filename):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), filename)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


probe = _load("tvm_compat_probe", "probe.py")
common = probe.common

# What a job of each era imports anyway; importing it before fork is paid once.
PRELOAD = {
    "relay": ["tvm.relay", "tvm.auto_scheduler", "tvm.relay.frontend", "onnx", "tflite"],
    "relax": ["tvm.relax", "tvm.relax.frontend.onnx", "tvm.relax.frontend.tflite", "onnx", "tflite"],
}


def send(message):
    sys.__stdout__.write(json.dumps(message, sort_keys=True) + "\n")
    sys.__stdout__.flush()


def preload(era, collectors):
    names = PRELOAD.get(era, []) + (["tvm.meta_schedule", "tvm.s_tir.meta_schedule"] if era == "relax" else [])
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            pass  # the job that needs it reports the failure in its own stage
    for path in collectors:
        try:
            module = common.load_by_path(path)
            if hasattr(module, "prepare"):
                module.prepare(era)
        except Exception:
            pass  # a child loads it again and reports what is wrong as the tool's error


def run_child(request, import_record, import_seconds):
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    sys.stdout.flush()
    sys.stderr.flush()
    # Objects alive now (TVM, its frontends) move to the permanent generation: the child's
    # collections do not walk them, and so do not copy their pages (Python >= 3.7).
    if hasattr(gc, "freeze"):
        gc.freeze()
    pid = os.fork()
    if pid == 0:
        status = 70
        try:
            os.setpgid(0, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            with open(request["job"]) as f:
                job = json.load(f)
            status = probe.run_job(job, request["out"], import_record, import_seconds)
        except BaseException as exc:  # noqa: B036 - a child must never return into the serve loop
            try:
                sys.stderr.write("tvm-compat internal error in the probe: %r\n" % (exc,))
                sys.stderr.flush()
            except Exception:
                pass
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except Exception:
                pass
            os._exit(status)
    os.close(log)
    return pid


def wait(pid, timeout):
    """(exit status or None, signal name or None, timed out) of the child."""
    deadline = time.time() + timeout if timeout else None
    delay = 0.005
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if deadline is not None and time.time() > deadline:
            kill_group(pid)
            _, status = os.waitpid(pid, 0)
            return None, "SIGKILL", True
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
    if os.WIFSIGNALED(status):
        return None, signal.Signals(os.WTERMSIG(status)).name, False
    return os.WEXITSTATUS(status), None, False


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def describe_without_tvm():
    """What the fingerprint can tell when TVM does not import: the interpreter and the packages."""
    import platform

    fp = common.load_by_path("env/fingerprint.py")
    return {"python": platform.python_version(), "platform": platform.platform(), "packages": dict((n, fp.package_version(n)) for n in fp.PACKAGES)}


def main(argv):
    # TVM and its frontends may print while importing (even from C++): fd 1 stays the protocol's.
    protocol = os.dup(1)
    os.dup2(2, 1)
    sys.__stdout__ = os.fdopen(protocol, "w")
    started = time.time()
    import_record = probe.import_tvm()
    if import_record["status"] == "ok":
        import tvm

        info = common.load_by_path("env/fingerprint.py").describe(tvm)
    else:
        info = {"partial": describe_without_tvm()}
    import_seconds = round(time.time() - started, 3)
    send({"type": "hello", "info": info, "import": import_record, "importSeconds": import_seconds, "pid": os.getpid()})
    current = []

    def stop(signum, frame):
        for pid in current:
            kill_group(pid)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request["type"] == "prepare":
            t0 = time.time()
            preload(request["era"], request["collectors"])
            send({"type": "ready", "seconds": round(time.time() - t0, 3)})
            continue
        t0 = time.time()
        pid = run_child(request, import_record, import_seconds)
        current[:] = [pid]
        send({"type": "started", "id": request["id"], "pid": pid})
        code, sig, timed_out = wait(pid, request.get("timeout"))
        current[:] = []
        send({"type": "done", "id": request["id"], "exit": code, "signal": sig, "timedOut": timed_out, "seconds": round(time.time() - t0, 3)})
    # End of input: every answer is sent. Skip the interpreter's teardown, which with TVM and its
    # frontends loaded can take seconds (the pool would wait them out before killing the worker).
    sys.__stdout__.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
