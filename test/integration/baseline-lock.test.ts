/**
 * Two processes writing the same baseline at once (what two `compat baseline create --name X`
 * in one folder do): the second fails at once, naming the first, and exits non-zero; the stored
 * baseline is the first one's. Each process is the built tool's own store (dist/), run by node.
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASELINES, readBaseline } from '../../src/baseline/store.js';
import { packageRoot } from '../../src/paths.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tvm-compat-lock-it-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Stores `count` snapshots of the committed v0.25.0 as baseline "x" after `ms` of "probing". */
const WRITER = `
const [store, from, dir, count, ms] = process.argv.slice(1);
const { readBaseline, withBaselineLock, writeBaseline } = await import(store);
const b = readBaseline(from, 'v0.25.0');
const { snapshots: _e, ...manifest } = b.manifest;
try {
  await withBaselineLock(dir, 'x', async () => {
    await new Promise((r) => setTimeout(r, Number(ms)));
    writeBaseline(dir, { ...manifest, name: 'x' }, [...b.snapshots.values()].slice(0, Number(count)));
  });
  console.log('written');
} catch (e) {
  console.error(e.name + ': ' + e.message);
  process.exitCode = 2;
}`;

const run = (count: number, ms: number) =>
  execa('node', ['--input-type=module', '-e', WRITER, resolve(packageRoot, 'dist', 'baseline', 'store.js'), DEFAULT_BASELINES, dir, String(count), String(ms)], { reject: false });

describe('two processes writing one baseline', () => {
  it('the second fails at once naming the first, and the first one is stored', async () => {
    const first = run(3, 4000);
    const firstPid = first.pid;
    // The second starts once the first holds the lock.
    for (let i = 0; i < 200; i++) {
      const entries = await import('node:fs').then((fs) => fs.readdirSync(dir));
      if (entries.includes('.x.lock')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await run(5, 0);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/^UsageError: baseline "x" in .* is being written by another tvm-compat process \(pid \d+ on .*\); wait for it to finish or choose another name$/);
    const done = await first;
    expect(done.stdout).toBe('written');
    expect(second.stderr).toContain(`pid ${firstPid} `);
    expect(readBaseline(dir, 'x').snapshots.size).toBe(3);
    // Once the first is done, the same name can be written again.
    const third = await run(5, 0);
    expect(third.stdout).toBe('written');
    expect(readBaseline(dir, 'x').snapshots.size).toBe(5);
  });
});
