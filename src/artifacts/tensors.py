"""Seeded inputs, digests, summaries, tolerances and a deterministic .npz: what the build side and
the cross-load child share. Standard library and numpy only (the child imports it before TVM)."""
import hashlib
import io
import zipfile

import numpy as np

SEED = 20261201

# Per dtype: (atol, rtol) for "computes the same". Quantized outputs may move by one step when a
# compiler rounds differently; wider integers and booleans must be equal.
TOLERANCE = {
    "float16": (1e-3, 1e-3),
    "float32": (1e-5, 1e-4),
    "float64": (1e-8, 1e-7),
    "int8": (1, 0),
    "uint8": (1, 0),
}


def seeded_inputs(specs, seed=SEED):
    """One array per input spec ({name, shape, dtype}), from one RandomState stream: floats uniform
    in [-1, 1), int8/uint8 across their whole range, other integers in [0, 8), bool 0/1."""
    rng = np.random.RandomState(seed)
    out = []
    for spec in specs:
        dtype = np.dtype(spec["dtype"])
        shape = tuple(int(d) for d in spec["shape"])
        if dtype.kind == "f":
            arr = rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
        elif dtype == np.int8:
            arr = rng.randint(-128, 128, size=shape).astype(dtype)
        elif dtype == np.uint8:
            arr = rng.randint(0, 256, size=shape).astype(dtype)
        elif dtype.kind in "iu":
            arr = rng.randint(0, 8, size=shape).astype(dtype)
        elif dtype.kind == "b":
            arr = rng.randint(0, 2, size=shape).astype(dtype)
        else:
            raise ValueError("no seeded input for dtype %s" % dtype)
        out.append(arr)
    return out


def _g(x):
    return float("%.7g" % float(x))


def describe(arr):
    """Digest of the raw bytes (C order), dtype, shape, and a small summary."""
    arr = np.ascontiguousarray(arr)
    d = {"sha256": hashlib.sha256(arr.tobytes()).hexdigest(), "dtype": str(arr.dtype), "shape": [int(s) for s in arr.shape]}
    if arr.size and arr.dtype.kind in "fiub":
        a = arr.astype(np.float64)
        d["summary"] = {"min": _g(a.min()), "max": _g(a.max()), "mean": _g(a.mean()), "std": _g(a.std())}
    return d


def compare(ref, got):
    """max abs / max rel error of got against ref, and whether it is within the dtype's tolerance."""
    ref = np.asarray(ref)
    got = np.asarray(got)
    if ref.shape != got.shape or ref.dtype != got.dtype:
        return {"within": False, "mismatch": "expected %s %s, got %s %s" % (ref.dtype, list(ref.shape), got.dtype, list(got.shape))}
    if not ref.size:
        return {"within": True, "maxAbs": 0.0, "maxRel": 0.0}
    r = ref.astype(np.float64)
    g = got.astype(np.float64)
    diff = np.abs(r - g)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(diff == 0, 0.0, diff / np.maximum(np.abs(r), np.finfo(np.float64).tiny))
    finite = bool(np.isfinite(g).all() == np.isfinite(r).all())
    atol, rtol = TOLERANCE.get(str(ref.dtype), (0, 0))
    within = finite and bool((diff <= atol + rtol * np.abs(r))[np.isfinite(r)].all())
    return {"within": within, "maxAbs": _g(np.nanmax(diff)), "maxRel": _g(np.nanmax(rel)), "atol": atol, "rtol": rtol}


def write_npz(path, arrays):
    """np.savez, but byte-for-byte reproducible (fixed member dates), so equal arrays give an equal file."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for key in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[key]), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, buf.getvalue())


def read_npz(path):
    with np.load(path, allow_pickle=False) as f:
        return dict((k, f[k]) for k in f.files)
