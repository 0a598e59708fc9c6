/**
 * A cross-process lock made of `mkdir`, which is atomic on every local file
 * system and needs no native module. Parallel vitest workers and parallel CLI
 * runs provisioning the same environment serialise on it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from '../errors.js';

export interface LockOptions {
  /** A lock whose heartbeat is older than this is taken over (default 120 s). */
  staleMs?: number;
  /** How often the holder refreshes the lock's mtime (default 10 s). */
  heartbeatMs?: number;
  /** Give up waiting after this long (default 30 min). */
  timeoutMs?: number;
  /** Delay between attempts while waiting (default 500 ms). */
  pollMs?: number;
  /** Called once when the lock is busy and we start waiting. */
  onWait?: (message: string) => void;
}

interface Owner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

/** Runs `fn` while holding `<target>.lock`. */
export async function withDirLock<T>(target: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lockDir = `${target}.lock`;
  const token = await acquire(lockDir, opts);
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockDir, now, now).catch(() => undefined);
  }, opts.heartbeatMs ?? 10_000);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await release(lockDir, token);
  }
}

async function acquire(lockDir: string, opts: LockOptions): Promise<string> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let announced = false;
  await mkdir(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDir);
      const owner: Owner = { pid: process.pid, host: os.hostname(), token, since: new Date().toISOString() };
      await writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(owner));
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockDir, opts.staleMs ?? 120_000)) {
      await breakLock(lockDir);
      continue;
    }
    if (Date.now() > deadline) {
      throw new InfraError(`timed out waiting for lock ${lockDir}; remove it if no tvm-compat process is running`);
    }
    if (!announced) {
      opts.onWait?.(`waiting for another process to finish ${path.basename(lockDir, '.lock')} …`);
      announced = true;
    }
    await sleep(opts.pollMs ?? 500);
  }
}

async function isStale(lockDir: string, staleMs: number): Promise<boolean> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(lockDir)).mtimeMs;
  } catch {
    return false; // vanished: the next mkdir decides
  }
  if (Date.now() - mtimeMs > staleMs) return true;
  const owner = await readOwner(lockDir);
  return owner !== null && owner.host === os.hostname() && !processAlive(owner.pid);
}

/** Renames before deleting so two waiters cannot both delete a freshly made lock. */
async function breakLock(lockDir: string): Promise<void> {
  const aside = `${lockDir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockDir, aside);
  } catch {
    return; // someone else broke or released it
  }
  await rm(aside, { recursive: true, force: true });
}

async function release(lockDir: string, token: string): Promise<void> {
  const owner = await readOwner(lockDir);
  // Our lock may have been judged stale and taken over; never delete another holder's lock.
  if (owner && owner.token !== token) return;
  await rm(lockDir, { recursive: true, force: true });
}

async function readOwner(lockDir: string): Promise<Owner | null> {
  try {
    return JSON.parse(await readFile(path.join(lockDir, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return null; // not written yet, or a foreign file
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
