#!/usr/bin/env bash
# Captures the unit-test fixtures that are not committed baselines: real probe runs of v0.19
# checkout trees with a real TOPI source change (test/fixtures/patches/*.patch). Fixtures are
# never typed by hand; rerun this after a probe change: bash scripts/capture-fixtures.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
npm run --silent build
out=test/fixtures/baselines
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in index-order operand-swap; do
  tree="$work/$name"
  node dist/cli.js env checkout --tvm v0.19 "$tree"
  (cd "$tree" && git apply --unsafe-paths "$root/test/fixtures/patches/v0.19-conv2d-nchwc-$name.patch")
  node dist/cli.js baseline create --tvm "checkout:$tree" --no-ir --target llvm --only squeezenet --name "v0.19.0-conv2d-$name" --baselines "$out"
done
# The same model on the plain release: both tuning systems' keys (auto_scheduler and, since the
# Relay era has it too, MetaSchedule), to diff against the patched trees above.
node dist/cli.js baseline create --tvm v0.19 --no-ir --target llvm --only squeezenet --name v0.19.0-keys --baselines "$out"
# 0.27 completes the same "llvm" with another -mtriple (its wheel's LLVM is conda's): target-default-changed.
node dist/cli.js baseline create --tvm v0.27 --no-ir --target llvm --only squeezenet --name v0.27.0-keys --baselines "$out"
# IR snapshots (--ir). Baselines of the plain releases, then candidate runs against them stored
# with their printer-or-IR verdicts (check --save-candidate-as): that is what a unit test can read
# without running TVM. ds_cnn_s_f32 is small enough for its save_json to be kept (see collect.py).
for name in index-order operand-swap; do
  node dist/cli.js baseline create --tvm "checkout:$work/$name" --ir --only squeezenet --name "v0.19.0-ir-conv2d-$name" --baselines "$out"
done
node dist/cli.js baseline create --tvm v0.19 --ir --only squeezenet,ds_cnn_s_f32 --name v0.19.0-ir --baselines "$out"
for v in v0.25 v0.26 v0.27; do
  node dist/cli.js baseline create --tvm $v --ir --only resnet50,ds_cnn_s_f32 --name "$v.0-ir" --baselines "$out"
done
check_ir() { # baseline, candidate spec, name of the stored candidate run, models
  node dist/cli.js check --against "$1" --tvm "$2" --ir --only "$4" --baselines "$out" --save-candidate-as "$3" --format json -q >/dev/null || [ $? -eq 1 ]
}
check_ir v0.26.0-ir v0.27 v0.27.0-ir-vs-v0.26.0-ir resnet50,ds_cnn_s_f32 # printer churn only
check_ir v0.25.0-ir v0.27 v0.27.0-ir-vs-v0.25.0-ir resnet50,ds_cnn_s_f32 # IR change; 0.25 JSON no longer loads
tree="$work/softmax-reciprocal"
node dist/cli.js env checkout --tvm v0.19 "$tree"
(cd "$tree" && git apply --unsafe-paths "$root/test/fixtures/patches/v0.19-softmax-reciprocal.patch")
check_ir v0.19.0-ir "checkout:$tree" v0.19.0-ir-softmax-reciprocal squeezenet,ds_cnn_s_f32 # a TIR change
tree="$work/onnx-relu-as-leaky-relu"
node dist/cli.js env checkout --tvm v0.19 "$tree"
(cd "$tree" && git apply --unsafe-paths "$root/test/fixtures/patches/v0.19-onnx-relu-as-leaky-relu.patch")
check_ir v0.19.0-ir "checkout:$tree" v0.19.0-ir-onnx-relu-as-leaky-relu squeezenet # ops, functions and tasks replaced
# A target string each release completes with its own default: plain "cuda" is -arch=sm_20 in
# v0.10 and sm_50 in v0.19. The v0.10 side needs the source-built image
# (compat env build v0.10 --source ../shared/tvm-src/tvm-v0.10.0.tar.gz); the v0.19 candidate
# extracts the keys again for v0.10's completed target (target-default-changed, measured).
v010=$(node dist/cli.js env build v0.10 --source "${TVM_COMPAT_TVM_SOURCE:-$root/../shared/tvm-src/tvm-v0.10.0.tar.gz}")
python3 - "$root/corpus/corpus.json" "$work/corpus-cuda-unpinned.json" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
cuda = dict([t for t in d["targets"] if t["id"] == "cuda"][0], id="cuda-unpinned", target="cuda", note="no -arch: each TVM completes it")
d["targets"] = [cuda]
for m in d["models"]:
    m["file"] = os.path.join(os.path.dirname(sys.argv[1]), m["file"])
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
node dist/cli.js baseline create --tvm "docker:$v010" --corpus "$work/corpus-cuda-unpinned.json" --only squeezenet,ds_cnn_s_f32 --no-ir --name v0.10.0-cuda-unpinned --baselines "$out"
# v0.10 exports a boolean target attribute as 1, v0.19 as true (vulkan's supports_float32): one value.
node dist/cli.js baseline create --tvm "docker:$v010" --only ds_cnn_s_f32 --target vulkan --no-ir --name v0.10.0-vulkan-keys --baselines "$out"
node dist/cli.js check --against v0.10.0-cuda-unpinned --tvm v0.19 --corpus "$work/corpus-cuda-unpinned.json" --no-ir --baselines "$out" --save-candidate-as v0.19.0-cuda-unpinned-vs-v0.10.0 --format json -q >/dev/null || [ $? -eq 1 ]
# The tree lives in a temporary folder: keep the path out of the committed fixture.
sed -i "s#$work#[CHECKOUT]#g" "$out"/*/manifest.json
for d in "$out"/*/; do # the manifest's line of SHA256SUMS follows the edit
  sum=$(sha256sum "$d/manifest.json" | cut -d' ' -f1)
  sed -i "s#^[0-9a-f]\{64\}  manifest.json\$#$sum  manifest.json#" "$d/SHA256SUMS"
done

# A candidate that cannot finish: the probe is killed by --timeout while importing TVM.
node dist/cli.js baseline create --tvm v0.27 --only squeezenet --timeout 1 --name v0.27.0-timeout-1s --baselines "$out"

# Every corpus target (llvm, cuda, vulkan, c) with IR and libraries, in each era: v0.19's wheel
# has no cuda or vulkan codegen (keys, IR, "not available in this build"); 0.26's and 0.27's build
# cuda with dlight's schedules (not run: no GPU) and have no vulkan codegen.
for v in v0.19 v0.26 v0.27; do
  node dist/cli.js baseline create --tvm $v --artifacts --only ds_cnn_s_f32 --name "$v.0-targets" --baselines "$out"
done

# Real tuning records (--tuning: the heaviest tasks, 4 trials, seed 0, random cost model) made by
# each release, then candidate runs that applied them, stored with what they measured: the same
# release (every record applies) and 0.27 on 0.25's database (it no longer loads; the traces
# re-attach). squeezenet does not import in 0.25; in v0.19 it is the model of the TOPI checkout tests.
for v in v0.25 v0.26 v0.27 v0.19; do
  node dist/cli.js baseline create --tvm $v --no-ir --tuning --target llvm --only ds_cnn_s_f32,mobilenet_v1_025_f32,squeezenet --name "$v.0-tuning" --baselines "$out"
done
check_tuning() { # baseline, candidate spec, name of the stored candidate run
  node dist/cli.js check --against "$1" --tvm "$2" --no-ir --only ds_cnn_s_f32 --baselines "$out" --save-candidate-as "$3" --format json -q >/dev/null || [ $? -eq 1 ]
}
check_tuning v0.27.0-tuning v0.27 v0.27.0-tuning-vs-v0.27.0-tuning
check_tuning v0.25.0-tuning v0.27 v0.27.0-tuning-vs-v0.25.0-tuning
# records migrate of 0.25's records into 0.27: the report the CLI renders (the databases are not kept).
node dist/cli.js records migrate --from v0.25.0-tuning --tvm v0.27 --baselines "$out" --out "$work/migrated" -q
sed "s#$work/migrated#[OUT]#g" "$work/migrated/migration.json" > test/fixtures/tuning-records/v0.25.0-tuning-to-v0.27.migration.json
