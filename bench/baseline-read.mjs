// How long reading a stored baseline takes (manifest, snapshots, content check), and a whole
// `compat diff` of two stored baselines as a user runs it. Build first (`npm run build`).
//   node bench/baseline-read.mjs [--runs=N] [--baselines=DIR] [--from=v0.25 --to=v0.27]
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBaselines, readBaseline } from '../dist/baseline/store.js';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const dir = resolve(arg('baselines', resolve(root, 'baselines')));
const runs = Number(arg('runs', '7'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const name of listBaselines(dir)) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    readBaseline(dir, name);
    times.push(performance.now() - t);
  }
  console.log(`readBaseline ${name}: first ${times[0].toFixed(1)} ms, median ${median(times).toFixed(1)} ms (${runs} runs)`);
}

const diffArgs = [resolve(root, 'dist', 'cli.js'), 'diff', '--from', arg('from', 'v0.25'), '--to', arg('to', 'v0.27'), '--baselines', dir, '--format', 'json'];
const walls = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  try {
    execFileSync('node', diffArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (err) {
    if (typeof err.status !== 'number' || err.status > 1) throw err; // 1 = breaking findings, still a full run
  }
  walls.push(performance.now() - t);
}
console.log(`compat ${diffArgs.slice(1, 6).join(' ')}: median ${(median(walls) / 1000).toFixed(2)} s, min ${(Math.min(...walls) / 1000).toFixed(2)} s (${runs} runs)`);
