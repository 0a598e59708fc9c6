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
  node dist/cli.js baseline create --tvm "checkout:$tree" --only squeezenet --name "v0.19.0-conv2d-$name" --baselines "$out"
done
# IR snapshots (--ir): the index-order patch against the plain release, and 0.25 against 0.27.
for name in index-order operand-swap; do
  node dist/cli.js baseline create --tvm "checkout:$work/$name" --ir --only squeezenet --name "v0.19.0-ir-conv2d-$name" --baselines "$out"
done
node dist/cli.js baseline create --tvm v0.19 --ir --only squeezenet --name v0.19.0-ir --baselines "$out"
for v in v0.25 v0.27; do
  node dist/cli.js baseline create --tvm $v --ir --only resnet50,ds_cnn_s_f32 --name "$v.0-ir" --baselines "$out"
done
# The tree lives in a temporary folder: keep the path out of the committed fixture.
sed -i "s#$work#[CHECKOUT]#g" "$out"/*/manifest.json

# A candidate that cannot finish: the probe is killed by --timeout while importing TVM.
node dist/cli.js baseline create --tvm v0.27 --only squeezenet --timeout 1 --name v0.27.0-timeout-1s --baselines "$out"
