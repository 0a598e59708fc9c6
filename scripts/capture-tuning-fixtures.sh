#!/usr/bin/env bash
# Captures tuning-records stage records from real TVM runs into test/fixtures/tuning-records/:
# each release tunes ds_cnn_s_f32 (2 tasks x 2 trials, seed 0), then every release opens every
# database (same-vs-same and cross-release), then 0.25's records are migrated into 0.27.
# usage: scripts/capture-tuning-fixtures.sh [MODEL]   (needs v0.25, v0.26, v0.27 provisioned)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-ds_cnn_s_f32}
out=test/fixtures/tuning-records
work=$(mktemp -d)
export PYTHONHASHSEED=0 TVM_NUM_THREADS=1 TOPHUB_LOCATION=NONE
mkdir -p "$out"
py() { node dist/cli.js env inspect --tvm "$1" 2>/dev/null | python3 -c 'import json,sys;d=json.load(sys.stdin);print(d["fingerprint"]["tvmPath"].split("/lib/python")[0]+"/bin/python")'; }
echo '{"tuning": {"tasks": 2, "trials": 2, "seed": 0, "budgetSeconds": 20}}' > "$work/job.json"
for v in v0.25 v0.26 v0.27; do
  "$(py $v)" src/tuning-records/harness.py "$model" tuning-records/collect.py "$work/tune-$v.json" --job "$work/job.json" --out-dir "$work/db-$v"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["stages"]["tuning-records/collect.py"]; json.dump(r, open(sys.argv[2],"w"), sort_keys=True, indent=1)' "$work/tune-$v.json" "$out/$model.$v.tune.json"
done
for b in v0.25 v0.26 v0.27; do
  python3 - "$work" "$b" "$out/$model.$b.tune.json" > "$work/cross-$b.json" <<'PY'
import json, sys
work, b, tune = sys.argv[1:4]
r = json.load(open(tune))
print(json.dumps({"kind": r.get("kind"), "baseline": b, "tasks": r.get("tasks", []),
                  "files": {"workload": "%s/db-%s/tuning_workload.json" % (work, b), "records": "%s/db-%s/tuning_records.json" % (work, b)}}))
PY
  for c in v0.25 v0.26 v0.27; do
    "$(py $c)" src/tuning-records/harness.py "$model" tuning-records/collect.py "$work/apply-$b-$c.json" --cross "$work/cross-$b.json" --out-dir "$work/apply-$b-$c"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["stages"]["tuning-records/collect.py"]; json.dump(r, open(sys.argv[2],"w"), sort_keys=True, indent=1)' "$work/apply-$b-$c.json" "$out/$model.$b-in-$c.apply.json"
  done
done
"$(py v0.27)" src/tuning-records/migrate.py "$model" "$work/db-v0.25/tuning_workload.json" "$work/db-v0.25/tuning_records.json" "$work/migrated" "$out/$model.v0.25-to-v0.27.migrate.json"
echo "fixtures in $out (work files in $work)"
