#!/usr/bin/env node
// Benchmark: deep-diff vs microdiff on real probe snapshot pairs.
//
//   node bench/structural-diff.mjs [dirA dirB] [--budget-ms=N] [--no-npm]
//
// dirA/dirB default to baselines/v0.25.0/snapshots and baselines/v0.27.0/snapshots
// (relative to the repo root); explicit dirs are resolved against the cwd.
// Files are paired by name. For each pair (A->B), for each A file against a
// separately parsed copy of itself (A->A, "same"), and for all paired files
// combined into one object ("ALL"), both libraries run in this one process,
// interleaved in batches (A/B, then B/A, ...) after a warm-up. See bench/README.md.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';

// --- relaunch with a GC handle and a young generation large enough that one diff
// never triggers a scavenge (so heapUsed deltas = bytes allocated by one call).
const NODE_FLAGS = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];
if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, [...NODE_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
const gc = globalThis.gc;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opts = { budgetMs: 3000, npm: true };
const positional = [];
for (const a of argv) {
  if (a.startsWith('--budget-ms=')) opts.budgetMs = Number(a.slice('--budget-ms='.length));
  else if (a === '--no-npm') opts.npm = false;
  else if (a === '-h' || a === '--help') {
    console.log('usage: node bench/structural-diff.mjs [dirA dirB] [--budget-ms=N] [--no-npm]');
    process.exit(0);
  } else positional.push(a);
}
if (positional.length !== 0 && positional.length !== 2) {
  console.error('expected zero or two snapshot directories');
  process.exit(2);
}
const [dirA, dirB] =
  positional.length === 2
    ? positional.map((d) => path.resolve(d))
    : ['baselines/v0.25.0/snapshots', 'baselines/v0.27.0/snapshots'].map((d) => path.join(repoRoot, d));
for (const d of [dirA, dirB]) {
  if (!existsSync(d) || !statSync(d).isDirectory()) {
    console.error(`snapshot directory not found: ${d}\nusage: node bench/structural-diff.mjs [dirA dirB]`);
    process.exit(2);
  }
}

let deepDiff, microdiff;
try {
  deepDiff = (await import('deep-diff')).default.diff;
  microdiff = (await import('microdiff')).default;
} catch (e) {
  console.error(`cannot load deep-diff/microdiff (run npm install incl. devDependencies): ${e.message}`);
  process.exit(2);
}
const LIBS = [
  { name: 'deep-diff', run: (a, b) => deepDiff(a, b) ?? [] },
  { name: 'microdiff', run: (a, b) => microdiff(a, b) },
];

// ---------------------------------------------------------------- helpers
const nowNs = () => process.hrtime.bigint();
const quantile = (xs, q) => {
  const s = [...xs].sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
};
const median = (xs) => quantile(xs, 0.5);
const geomean = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const fmtT = (ns) =>
  ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`;
const fmtB = (b) =>
  b >= 1048576 ? `${(b / 1048576).toFixed(2)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${Math.round(b)} B`;
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
let sink = 0; // keeps results observable so calls are not optimised away

// deep-diff records -> flat {kind, path, old, new}; microdiff likewise.
const DD_KIND = { N: 'CREATE', D: 'REMOVE', E: 'CHANGE' };
function flatDeep(records) {
  return records.map((d) => {
    const p = d.path ? [...d.path] : [];
    let r = d;
    if (d.kind === 'A') {
      p.push(d.index);
      r = d.item;
    }
    return { kind: DD_KIND[r.kind], path: p, old: r.lhs, new: r.rhs };
  });
}
const flatMicro = (records) => records.map((d) => ({ kind: d.type, path: d.path, old: d.oldValue, new: d.value }));

function agreement(ddFlat, mdFlat) {
  const toMap = (xs) => new Map(xs.map((x) => [`${x.kind} ${JSON.stringify(x.path)}`, x]));
  const a = toMap(ddFlat);
  const b = toMap(mdFlat);
  const onlyDD = [...a.keys()].filter((k) => !b.has(k));
  const onlyMD = [...b.keys()].filter((k) => !a.has(k));
  const valueMismatch = [...a.keys()].filter(
    (k) =>
      b.has(k) &&
      (JSON.stringify(a.get(k).old) !== JSON.stringify(b.get(k).old) ||
        JSON.stringify(a.get(k).new) !== JSON.stringify(b.get(k).new)),
  );
  const dupes = ddFlat.length - a.size + (mdFlat.length - b.size);
  return { onlyDD, onlyMD, valueMismatch, dupes, agree: !onlyDD.length && !onlyMD.length && !valueMismatch.length && !dupes };
}

function countNodes(v) {
  if (v === null || typeof v !== 'object') return 1;
  let n = 1;
  for (const k in v) n += countNodes(v[k]);
  return n;
}

// Bytes one call allocates: young-generation growth across a single call right
// after a full GC (the 64 MiB semi-space means no scavenge can hit mid-call), minus
// the probe's own overhead measured with a no-op. Old-space is left out: it picks up
// V8 bookkeeping (feedback, code) that is not the library's data.
const youngUsed = () => {
  let n = 0;
  for (const s of v8.getHeapSpaceStatistics())
    if (s.space_name === 'new_space' || s.space_name === 'new_large_object_space') n += s.space_used_size;
  return n;
};
function measureHeap(fn, a, b, samples) {
  const one = (f) => {
    gc();
    const h0 = youngUsed();
    const r = f(a, b);
    const h1 = youngUsed();
    sink += r.length;
    return h1 - h0;
  };
  const noop = () => [];
  const base = median(Array.from({ length: 5 }, () => one(noop)));
  const xs = [];
  for (let i = 0; i < samples; i++) {
    const d = one(fn) - base;
    if (d >= 0) xs.push(d);
  }
  return median(xs);
}

// Interleaved timing of both libraries on one pair.
function bench(a, b) {
  const [L0, L1] = LIBS;
  // warm-up: both libs, interleaved, >= 30 calls each and >= 150 ms in total
  const tw = nowNs();
  for (let i = 0; i < 30 || Number(nowNs() - tw) < 150e6; i++) {
    sink += L0.run(a, b).length + L1.run(a, b).length;
    if (i > 20000) break;
  }
  // calibrate the batch so one timed batch of the faster library lasts >= ~0.2 ms
  const per = LIBS.map((L) => {
    const t0 = nowNs();
    let n = 0;
    while (Number(nowNs() - t0) < 20e6) {
      sink += L.run(a, b).length;
      n++;
    }
    return Number(nowNs() - t0) / n;
  });
  const batch = Math.max(1, Math.ceil(0.2e6 / Math.min(...per)));
  const roundNs = batch * (per[0] + per[1]);
  const rounds = Math.max(30, Math.min(1000, Math.floor((opts.budgetMs * 1e6) / roundNs)));
  const times = [[], []];
  const timeBatch = (L) => {
    const t0 = nowNs();
    for (let k = 0; k < batch; k++) sink += L.run(a, b).length;
    return Number(nowNs() - t0) / batch;
  };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) times[i].push(timeBatch(LIBS[i]));
  }
  const paired = times[0].map((t, i) => t / times[1][i]);
  return { times, paired, batch, rounds };
}

function installInfo(pkg) {
  const dir = path.join(repoRoot, 'node_modules', pkg);
  if (!existsSync(dir)) return null;
  let bytes = 0;
  let files = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        bytes += statSync(p).size;
        files++;
      }
    }
  };
  walk(dir);
  const pj = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return { bytes, files, pj, dir };
}

function npmTime(pkg) {
  if (!opts.npm) return 'skipped (--no-npm)';
  const r = spawnSync('npm', ['view', pkg, 'time', '--json'], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) return `npm view failed (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
  try {
    const t = JSON.parse(r.stdout);
    const latest = spawnSync('npm', ['view', pkg, 'version'], { encoding: 'utf8', timeout: 30000 }).stdout.trim();
    return `time.modified=${t.modified ?? '(empty)'}; time.created=${t.created ?? '(empty)'}; time["${latest}"] (latest)=${t[latest] ?? '(empty)'}`;
  } catch {
    return 'npm view: unparsable output';
  }
}

// ---------------------------------------------------------------- pairs
const jsonFiles = (d) => readdirSync(d).filter((f) => f.endsWith('.json')).sort();
const filesA = jsonFiles(dirA);
const filesB = new Set(jsonFiles(dirB));
const common = filesA.filter((f) => filesB.has(f));
const unpaired = [...filesA.filter((f) => !filesB.has(f)), ...[...filesB].filter((f) => !filesA.includes(f))];
const load = (d, f) => JSON.parse(readFileSync(path.join(d, f), 'utf8'));

const cases = [];
for (const f of common) {
  const sizeA = statSync(path.join(dirA, f)).size;
  const sizeB = statSync(path.join(dirB, f)).size;
  cases.push({ label: `${f}  A->B`, a: load(dirA, f), b: load(dirB, f), size: `${fmtB(sizeA)} -> ${fmtB(sizeB)}`, kind: 'pair' });
  cases.push({ label: `${f}  A->A`, a: load(dirA, f), b: load(dirA, f), size: `${fmtB(sizeA)} (same)`, kind: 'same' });
}
if (common.length > 1) {
  const all = (d) => Object.fromEntries(common.map((f) => [f, load(d, f)]));
  const tot = (d) => common.reduce((s, f) => s + statSync(path.join(d, f)).size, 0);
  cases.push({ label: `ALL ${common.length} files  A->B`, a: all(dirA), b: all(dirB), size: `${fmtB(tot(dirA))} -> ${fmtB(tot(dirB))}`, kind: 'all' });
  cases.push({ label: `ALL ${common.length} files  A->A`, a: all(dirA), b: all(dirA), size: `${fmtB(tot(dirA))} (same)`, kind: 'all-same' });
}

// ---------------------------------------------------------------- run
console.log('structural-diff benchmark: deep-diff vs microdiff');
console.log(`node ${process.version} ${os.platform()}-${os.arch()}, ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`flags ${process.execArgv.join(' ')}; budget ${opts.budgetMs} ms/case`);
console.log(`A = ${dirA}\nB = ${dirB}`);
if (unpaired.length) console.log(`unpaired (skipped): ${unpaired.join(', ')}`);
if (!common.length) {
  console.error('no same-named snapshot files in both directories');
  process.exit(2);
}
console.log('');

const results = [];
for (const c of cases) {
  const ddRes = LIBS[0].run(c.a, c.b);
  const mdRes = LIBS[1].run(c.a, c.b);
  const ag = agreement(flatDeep(ddRes), flatMicro(mdRes));
  const { times, paired, batch, rounds } = bench(c.a, c.b);
  const heap = LIBS.map((L) => measureHeap(L.run, c.a, c.b, 15));
  const r = {
    ...c,
    nodes: countNodes(c.a) + countNodes(c.b),
    counts: [ddRes.length, mdRes.length],
    med: times.map(median),
    p90: times.map((t) => quantile(t, 0.9)),
    pairedMed: median(paired),
    pairedLo: quantile(paired, 0.1),
    pairedHi: quantile(paired, 0.9),
    heap,
    ag,
    batch,
    rounds,
  };
  results.push(r);
  console.log(`== ${c.label}   [${c.size}, ${r.nodes} JSON nodes, ${rounds} rounds x ${batch} calls/batch]`);
  for (let i = 0; i < 2; i++) {
    console.log(
      `   ${pad(LIBS[i].name, 10)} median ${lpad(fmtT(r.med[i]), 10)}  p90 ${lpad(fmtT(r.p90[i]), 10)}  diffs ${lpad(r.counts[i], 5)}  heap/diff ${lpad(fmtB(heap[i]), 10)}`,
    );
  }
  console.log(
    `   ratio deep-diff/microdiff: ${(r.med[0] / r.med[1]).toFixed(2)}x (medians); paired per-round ${r.pairedMed.toFixed(2)}x [p10 ${r.pairedLo.toFixed(2)} .. p90 ${r.pairedHi.toFixed(2)}]; heap ${(heap[0] / Math.max(heap[1], 1)).toFixed(2)}x`,
  );
  if (ag.agree) console.log(`   agreement: OK (${ag.onlyDD.length + (r.counts[1] - ag.onlyMD.length)} identical changed paths, same old/new values)`);
  else {
    console.log(
      `   agreement: MISMATCH  only deep-diff ${ag.onlyDD.length}, only microdiff ${ag.onlyMD.length}, value mismatches ${ag.valueMismatch.length}, duplicate paths ${ag.dupes}`,
    );
    for (const k of ag.onlyDD.slice(0, 5)) console.log(`     only deep-diff: ${k}`);
    for (const k of ag.onlyMD.slice(0, 5)) console.log(`     only microdiff: ${k}`);
    for (const k of ag.valueMismatch.slice(0, 5)) console.log(`     value differs:  ${k}`);
  }
  console.log('');
}

// ---------------------------------------------------------------- overall
const perFile = results.filter((r) => r.kind === 'pair' || r.kind === 'same');
const sum = (xs) => xs.reduce((s, x) => s + x, 0);
console.log('== OVERALL (per-file cases; ALL rows excluded from sums)');
for (const [label, rs] of [
  ['A->B', perFile.filter((r) => r.kind === 'pair')],
  ['A->A', perFile.filter((r) => r.kind === 'same')],
  ['all ', perFile],
]) {
  const t = [0, 1].map((i) => sum(rs.map((r) => r.med[i])));
  const t90 = [0, 1].map((i) => sum(rs.map((r) => r.p90[i])));
  const h = [0, 1].map((i) => sum(rs.map((r) => r.heap[i])));
  const n = [0, 1].map((i) => sum(rs.map((r) => r.counts[i])));
  console.log(
    `   ${label} (${rs.length} cases)  sum of medians: deep-diff ${fmtT(t[0])}, microdiff ${fmtT(t[1])} -> ${(t[0] / t[1]).toFixed(2)}x;  sum of p90: ${fmtT(t90[0])} vs ${fmtT(t90[1])};  geomean ratio ${geomean(rs.map((r) => r.med[0] / r.med[1])).toFixed(2)}x;  heap ${fmtB(h[0])} vs ${fmtB(h[1])};  diffs ${n[0]} vs ${n[1]}`,
  );
}
const bad = results.filter((r) => !r.ag.agree);
console.log(`   agreement: ${bad.length ? `MISMATCH in ${bad.map((r) => r.label).join('; ')}` : `all ${results.length} cases report identical changed-path sets and values`}`);
console.log('');

// ---------------------------------------------------------------- qualitative
console.log('== PACKAGES');
for (const pkg of ['deep-diff', 'microdiff']) {
  const info = installInfo(pkg);
  if (!info) {
    console.log(`   ${pkg}: not installed`);
    continue;
  }
  const { pj } = info;
  const ownTypes = pj.types || pj.typings || (existsSync(path.join(info.dir, 'dist')) && readdirSync(path.join(info.dir, 'dist')).some((f) => /\.d\.c?ts$/.test(f)));
  const at = installInfo(`@types/${pkg}`);
  const typings = ownTypes ? 'bundled' : at ? `@types/${pkg}@${at.pj.version} (${fmtB(at.bytes)})` : 'none';
  const esm = pj.type === 'module' || (pj.exports && JSON.stringify(pj.exports).includes('import')) || pj.module ? 'native ESM (+CJS)' : 'CommonJS/UMD only (ESM import gets only a default export)';
  const deps = Object.keys(pj.dependencies ?? {}).length;
  console.log(`   ${pkg}@${pj.version}: install ${fmtB(info.bytes)} in ${info.files} files; deps ${deps}; typings ${typings}; ${esm}`);
  console.log(`      npm: ${npmTime(pkg)}`);
}
if (sink === -1) console.log(''); // never true; keeps `sink` live
