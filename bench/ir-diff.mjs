#!/usr/bin/env node
// Benchmark: diff of IR snapshots (--ir) between two stored baselines, from disk, as a check does.
//
//   npm run build && node bench/ir-diff.mjs [BASELINES_DIR FROM TO]
//
// Defaults to the committed baselines baselines/ v0.25.0 -> v0.27.0, which carry IR for every model
// that imports (the largest is densenet121: 294 functions).
// Prints, per model and in total: functions compared and changed, stored size, and the median,
// p90 and cold (first, blobs unread) time of diffIr; then the same-vs-same time for comparison.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBaseline } from '../dist/baseline/store.js';
import { diffIr } from '../dist/ir-snapshots/diff.js';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const [dir = join(root, 'baselines'), from = 'v0.25.0', to = 'v0.27.0'] = process.argv.slice(2);

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + size(join(p, f)), 0) : statSync(p).size);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

function time(fn, rounds) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(ms(t0));
  }
  return { median: pct(times, 0.5), p90: pct(times, 0.9) };
}

console.log(`IR diff ${from} → ${to} in ${dir}`);
console.log(`stored: ${from} ${(size(join(dir, from)) / 1e6).toFixed(2)} MB, ${to} ${(size(join(dir, to)) / 1e6).toFixed(2)} MB (snapshots + gzip blobs)`);
const a = readBaseline(dir, from);
const b = readBaseline(dir, to);
for (const [key, cand] of b.snapshots) {
  const base = a.snapshots.get(key);
  if (!base?.stages.ir || !cand.stages.ir) continue;
  const side = (name, x) => ({ name, label: name, tvmVersion: x.manifest.fingerprint.tvmVersion, blobs: x.blobs });
  const ctx = { model: cand.model.id, target: cand.target.id, baseline: side(from, a), candidate: side(to, b) };
  const self = { ...ctx, baseline: side(to, b) };
  let t0 = process.hrtime.bigint();
  const d = diffIr(base.stages.ir, cand.stages.ir, ctx);
  const cold = ms(t0);
  const warm = time(() => diffIr(base.stages.ir, cand.stages.ir, ctx), 20);
  const same = time(() => diffIr(cand.stages.ir, cand.stages.ir, self), 20);
  const diffChars = d.findings.reduce((s, f) => s + (f.evidence?.diff?.length ?? 0), 0);
  console.log(
    `${key}: ${d.stats.compared} functions compared, ${d.stats.changed} changed (${(diffChars / 1e3).toFixed(0)} k chars of diff); ` +
      `cold ${cold.toFixed(1)} ms (reads and gunzips blobs), warm median ${warm.median.toFixed(1)} ms p90 ${warm.p90.toFixed(1)} ms; ` +
      `same-vs-same median ${same.median.toFixed(1)} ms; ratio changed/same ${(warm.median / same.median).toFixed(1)}x`,
  );
}
