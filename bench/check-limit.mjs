#!/usr/bin/env node
// Benchmark: a cold `compat check` against the limit set by TVM's own work, in one run.
//
//   npm run build && node bench/check-limit.mjs [--against v0.25] [--tvm v0.27] [--only a,b] [--jobs N] [--variants ir,no-ir]
//
// For the check with IR and without (--no-ir) it measures, one after the other on the same
// machine: the check's wall time (a fresh CLI process: environment reused from the cache, workers,
// every job), then TVM's own work on the very jobs that check ran (bench/tvm-work.py: one process,
// one `import tvm`, every job's stages in sequence, no fork). The limit is
// import + work / cores; the ratio check / limit is what the design holds to 1.5.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const against = arg('--against', 'v0.25');
const tvm = arg('--tvm', 'v0.27');
const only = arg('--only');
const cores = Number(arg('--jobs', String(availableParallelism())));
// --variants ir,no-ir (default both): the Relay era's IR check of the full corpus is long.
const variants = arg('--variants', 'ir,no-ir').split(',');

const cli = (args, env = {}) => {
  const t0 = process.hrtime.bigint();
  let status = 0;
  try {
    execFileSync('node', [join(root, 'dist', 'cli.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (err) {
    status = err.status;
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, status };
};

const python = JSON.parse(execFileSync('node', [join(root, 'dist', 'cli.js'), 'env', 'inspect', '--tvm', tvm], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()).python;

console.log(`check --against ${against} --tvm ${tvm}${only ? ` --only ${only}` : ''}, ${cores} jobs, on ${availableParallelism()} cores`);
console.log('variant   check s   import s   TVM work s   limit s   check/limit');
for (const ir of [true, false].filter((v) => variants.includes(v ? 'ir' : 'no-ir'))) {
  // The pool keeps its job files when TVM_COMPAT_KEEP_JOBS names a folder: the bench replays them.
  const keep = mkdtempSync(join(tmpdir(), 'tvm-compat-bench-'));
  const args = ['check', '--against', against, '--tvm', tvm, '--jobs', String(cores), '--format', 'json', '--quiet', ...(only ? ['--only', only] : []), ...(ir ? [] : ['--no-ir'])];
  const run = cli(args, { TVM_COMPAT_KEEP_JOBS: keep });
  const jobs = readdirSync(keep).filter((f) => f.endsWith('.json')).map((f) => join(keep, f));
  const list = join(keep, 'jobs.list');
  writeFileSync(list, JSON.stringify(jobs));
  const env = { ...process.env, TOPHUB_LOCATION: 'NONE', PYTHONHASHSEED: '0', TVM_NUM_THREADS: '1', OMP_NUM_THREADS: '1', HOME: keep };
  const out = execFileSync(python, [join(root, 'bench', 'tvm-work.py'), list], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n').pop();
  const work = JSON.parse(out);
  const limit = work.import + work.work / cores;
  const variant = ir ? 'with IR' : 'no IR';
  console.log(`${variant.padEnd(8)}  ${run.seconds.toFixed(1).padStart(7)}  ${work.import.toFixed(1).padStart(8)}  ${work.work.toFixed(1).padStart(11)}  ${limit.toFixed(1).padStart(8)}  ${(run.seconds / limit).toFixed(2).padStart(11)}   (${work.jobs} jobs, exit ${run.status})`);
  void readFileSync;
}
