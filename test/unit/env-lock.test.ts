import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { InfraError } from '../../src/errors.js';
import { withDirLock } from '../../src/env/lock.js';

let target: string;
beforeEach(() => {
  target = path.join(mkdtempSync(path.join(os.tmpdir(), 'tvmc-lock-')), 'env');
});

describe('withDirLock', () => {
  it('serialises holders of the same target and cleans up', async () => {
    const events: string[] = [];
    const hold = (name: string) =>
      withDirLock(
        target,
        async () => {
          events.push(`${name}+`);
          await sleep(100);
          events.push(`${name}-`);
        },
        { pollMs: 10 },
      );
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toHaveLength(4);
    expect(events[0]!.slice(1)).toBe('+');
    expect(events[1]!.slice(1)).toBe('-');
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('reports waiting once and releases after a throw', async () => {
    const waits: string[] = [];
    let release: () => void = () => undefined;
    const first = withDirLock(target, () => new Promise<void>((r) => (release = r)), { pollMs: 10 });
    await sleep(20);
    const second = withDirLock(target, async () => 'done', { pollMs: 10, onWait: (m) => waits.push(m) });
    await sleep(50);
    release();
    await first;
    await expect(second).resolves.toBe('done');
    expect(waits).toHaveLength(1);
    await expect(withDirLock(target, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(`${target}.lock`)).toBe(false);
  });

  it('takes over a lock whose owner process is dead', async () => {
    mkdirSync(`${target}.lock`, { recursive: true });
    const dead = { pid: 2 ** 22 + 12345, host: os.hostname(), token: 'x', since: '' };
    writeFileSync(path.join(`${target}.lock`, 'owner.json'), JSON.stringify(dead));
    await expect(withDirLock(target, async () => 'ok', { pollMs: 10 })).resolves.toBe('ok');
  });

  it('takes over a lock whose heartbeat stopped', async () => {
    mkdirSync(`${target}.lock`, { recursive: true });
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(`${target}.lock`, old, old);
    await expect(withDirLock(target, async () => 'ok', { pollMs: 10, staleMs: 60_000 })).resolves.toBe('ok');
  });

  it('gives up with an InfraError after the timeout', async () => {
    mkdirSync(`${target}.lock`, { recursive: true });
    writeFileSync(path.join(`${target}.lock`, 'owner.json'), JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'y' }));
    await expect(withDirLock(target, async () => 'never', { pollMs: 10, timeoutMs: 50 })).rejects.toThrow(InfraError);
  });
});
