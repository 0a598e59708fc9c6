/**
 * Two writers of one baseline name at once: the second fails at once, naming the first, and the
 * first one's baseline is the one stored. The writers are two real `withBaselineLock` +
 * `writeBaseline` runs of real committed snapshots; test/integration/baseline-lock.test.ts runs
 * them as two processes.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BASELINES, readBaseline, withBaselineLock, writeBaseline } from '../../src/baseline/store.js';
import { UsageError } from '../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tvm-compat-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const source = readBaseline(DEFAULT_BASELINES, 'v0.25.0');
const { snapshots: _entries, ...manifest } = source.manifest;
const all = [...source.snapshots.values()];

/** A writer that takes `ms` to "probe", then stores `count` snapshots under `name`. */
const writer = (name: string, count: number, ms: number) =>
  withBaselineLock(dir, name, async () => {
    await sleep(ms);
    return writeBaseline(dir, { ...manifest, name }, all.slice(0, count));
  });

describe('withBaselineLock', () => {
  it('fails the second concurrent writer of one name at once, and keeps the first one baseline', async () => {
    const first = writer('v0.25.0', 3, 300);
    await sleep(50);
    const started = Date.now();
    await expect(writer('v0.25.0', 5, 0)).rejects.toThrow(UsageError);
    expect(Date.now() - started).toBeLessThan(250);
    await expect(writer('v0.25.0', 5, 0)).rejects.toThrow(
      new RegExp(`baseline "v0\\.25\\.0" in ${dir} is being written by another tvm-compat process \\(pid ${process.pid} on .*, since .*\\); wait for it`),
    );
    await first;
    expect(readBaseline(dir, 'v0.25.0').snapshots.size).toBe(3);
    expect(readdirSync(dir)).toEqual(['v0.25.0']); // lock released, no temporary folder left
  });

  it('lets writers of different names run together, and a later writer of the same name replace it', async () => {
    await Promise.all([writer('a', 2, 100), writer('b', 3, 100)]);
    expect([readBaseline(dir, 'a').snapshots.size, readBaseline(dir, 'b').snapshots.size]).toEqual([2, 3]);
    await writer('a', 4, 0);
    expect(readBaseline(dir, 'a').snapshots.size).toBe(4);
  });

  it('releases the lock when the writer fails', async () => {
    await expect(withBaselineLock(dir, 'c', async () => Promise.reject(new Error('probe pool died')))).rejects.toThrow('probe pool died');
    await writer('c', 1, 0);
    expect(readBaseline(dir, 'c').snapshots.size).toBe(1);
  });
});
