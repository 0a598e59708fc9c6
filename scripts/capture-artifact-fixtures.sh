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
    "${PY[$r]}" "$ROOT/scripts/artifact_driver.py" build "$ROOT" "$m" "$(era "$r")" "$d" "$extra" > "$d/record.json" 2> "$d/stderr.txt"
    cp "$d/record.json" "$FIX/$r/$m.json"
    ls -l "$d" | awk -v r="$r" -v m="$m" '$5 {print r, m, $9, $5}'
  done
done
for c in $RELEASES; do
  for m in $MODELS; do
    bases=(); for b in $RELEASES; do [ "$b" != "$c" ] && bases+=("$WORK/$b/$m"); done
    "${PY[$c]}" "$ROOT/scripts/artifact_driver.py" cross "$ROOT" "$m" "$WORK/$c/$m/record.json" "${bases[@]}" > "$FIX/$c/$m.cross.json" 2> "$WORK/$c/$m/cross.stderr.txt"
  done
done
