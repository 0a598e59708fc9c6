"""TVM's own work for a list of probe jobs, in one process: the limit a check is measured against.

Usage: python tvm-work.py JOBS.json   (a JSON list of job files, as the pool writes them)

Imports TVM once (timed), then runs every job's stages with the probe's own code, one after the
other, with no fork and no worker: what is left is TVM's frontends, passes, task extraction, IR
printing and the collectors' own Python. Prints one JSON line: {"import": s, "work": s, "jobs": n}.
"""
import importlib.util
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = os.path.join(HERE, "..", "src", "probe", "probe.py")


def main(argv):
    spec = importlib.util.spec_from_file_location("tvm_compat_probe", PROBE)
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    t0 = time.time()
    record = probe.import_tvm()
    imported = time.time() - t0
    with open(argv[1]) as f:
        jobs = json.load(f)
    work = 0.0
    out = tempfile.mkdtemp()
    for i, path in enumerate(jobs):
        with open(path) as f:
            job = json.load(f)
        job["outDir"] = out
        t0 = time.time()
        probe.run_job(job, os.path.join(out, "%d.json" % i), record, 0.0)
        work += time.time() - t0
    sys.__stdout__.write(json.dumps({"import": round(imported, 3), "work": round(work, 3), "jobs": len(jobs)}) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
