#!/usr/bin/env bash
# Builds MODELS with each release, then cross-loads every release's library in every other
# release's runtime, with the real releases (src/artifacts/collect.py through
# scripts/artifact_driver.py). Libraries and .npz stay in $WORK; the stage records (small JSON)
# go to test/fixtures/artifacts/<release>/<model>.json and the cross-loads to
# test/fixtures/artifacts/<candidate>/<model>.cross.json.
# usage: scripts/capture-artifact-fixtures.sh [MODEL...]   (default: ds_cnn_s_f32 mobilenet_v1_025_int8 squeezenet)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/tvm-compat-artifacts}
RELEASES=${RELEASES:-"v0.19 v0.25 v0.26 v0.27"}
MODELS=${*:-"ds_cnn_s_f32 mobilenet_v1_025_int8 squeezenet"}
FIX=$ROOT/test/fixtures/artifacts
export TOPHUB_LOCATION=NONE PYTHONHASHSEED=0 TVM_NUM_THREADS=1
py() { node "$ROOT/dist/cli.js" env inspect --tvm "$1" 2>/dev/null | python3 -c 'import json,sys;print(json.load(sys.stdin)["python"])'; }
era() { [ "$1" = v0.19 ] && echo relay || echo relax; }
declare -A PY
for r in $RELEASES; do PY[$r]=$(py "$r"); done
for r in $RELEASES; do
  mkdir -p "$FIX/$r"
  for m in $MODELS; do
    d=$WORK/$r/$m; mkdir -p "$d"
    extra='{}'; [ "${C_AOT:-1}" = 1 ] && extra='{"artifacts":{"c":true}}'
    # A build kept from an earlier run is reused unless REBUILD=1 (a Relay build takes minutes here).
    if [ -n "${REBUILD:-}" ] || ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$d/record.json" 2>/dev/null; then
      # A model this release cannot import has no record (the frontend concern reports it).
      "${PY[$r]}" "$ROOT/scripts/artifact_driver.py" build "$ROOT" "$m" "$(era "$r")" "$d" "$extra" > "$d/record.json" 2> "$d/stderr.txt" || { echo "$r $m: build failed: $(tail -1 "$d/stderr.txt")"; rm -f "$d/record.json"; continue; }
    fi
    cp "$d/record.json" "$FIX/$r/$m.json"
    ls -l "$d" | awk -v r="$r" -v m="$m" '$5 {print r, m, $9, $5}'
  done
done
for c in $RELEASES; do
  for m in $MODELS; do
    [ -f "$WORK/$c/$m/record.json" ] || continue
    bases=(); for b in $RELEASES; do [ "$b" != "$c" ] && [ -f "$WORK/$b/$m/record.json" ] && bases+=("$WORK/$b/$m"); done
    "${PY[$c]}" "$ROOT/scripts/artifact_driver.py" cross "$ROOT" "$m" "$WORK/$c/$m/record.json" "${bases[@]}" > "$FIX/$c/$m.cross.json" 2> "$WORK/$c/$m/cross.stderr.txt"
  done
done
# What the probe adds to each file of a stage record: sha256 and bytes (the files stay in $WORK).
python3 - "$FIX" "$WORK" $RELEASES <<'PY'
import hashlib, json, os, sys
fix, work, releases = sys.argv[1], sys.argv[2], sys.argv[3:]
for r in releases:
    for f in sorted(os.listdir(os.path.join(fix, r))):
        if not f.endswith(".json") or f.endswith(".cross.json") or not os.path.isdir(os.path.join(work, r, f[:-5])):
            continue
        path = os.path.join(fix, r, f)
        rec = json.load(open(path))
        for entry in rec.get("files", []):
            data = open(os.path.join(work, r, f[:-5], entry["name"]), "rb").read()
            entry.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
        with open(path, "w") as out:
            json.dump(rec, out, sort_keys=True, indent=1)
            out.write("\n")
PY
