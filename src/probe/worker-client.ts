/**
 * One probe worker process (src/probe/worker.py) seen from here: started on the host or in a
 * container, spoken to one JSON line at a time, its stderr tail kept for error messages.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startInContainer } from '../env/container/run.js';
import { checkEnvInfo, type EnvInfo } from '../env/fingerprint.js';
import type { PythonEnv } from '../env/resolve.js';
import { startOnHost, type LongProcess } from '../env/run-python.js';
import { InfraError } from '../errors.js';
import { srcPath } from '../paths.js';
import type { StageRecord } from './snapshot.js';

export interface Hello {
  info: EnvInfo | null;
  /** The import stage every job's snapshot starts with. */
  import: StageRecord;
  /** What could be told without TVM, when it does not import. */
  partial: { python: string; platform: string; packages: Record<string, string | null> } | null;
  importSeconds: number;
}

/** Environment every probe gets: deterministic, offline TVM with a HOME of its own. */
export function probeEnvironment(env: PythonEnv, home: string): Record<string, string> {
  return {
    ...env.env,
    HOME: home,
    TOPHUB_LOCATION: 'NONE',
    PYTHONHASHSEED: '0',
    PYTHONUNBUFFERED: '1',
    // TVM's thread pool on a 2-core machine shared by parallel jobs only adds contention.
    TVM_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
  };
}

export type Message = { type: string; [key: string]: unknown };

export const HELLO_TIMEOUT_MS = 300_000;

export class Worker {
  private readonly waiting: ((m: Message | null) => void)[] = [];
  private readonly queue: (Message | null)[] = [];
  private stderr = '';
  private exited = false;
  /** The process group of the job it is running (its fork), so that an interruption kills it too. */
  job: number | null = null;

  constructor(readonly proc: LongProcess) {
    createInterface({ input: proc.stdout }).on('line', (line) => {
      let message: Message | null = null;
      try {
        message = JSON.parse(line) as Message;
      } catch {
        return; // not the protocol's: the worker keeps fd 1 for it, but a C++ library may still write there
      }
      this.deliver(message);
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8000);
    });
    void proc.exit.then(() => {
      this.exited = true;
      this.deliver(null);
    });
  }

  private deliver(m: Message | null): void {
    const next = this.waiting.shift();
    if (next) next(m);
    else this.queue.push(m);
    // After exit every later read must see the end too.
    if (m === null) for (const w of this.waiting.splice(0)) w(null);
  }

  /** The next message, or null when the worker has exited (or `ms` passed). */
  next(ms: number): Promise<Message | null> {
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.exited) return Promise.resolve(null);
    return new Promise((resolveNext) => {
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(done);
        if (i >= 0) this.waiting.splice(i, 1);
        resolveNext(null);
      }, ms);
      const done = (m: Message | null) => {
        clearTimeout(timer);
        resolveNext(m);
      };
      this.waiting.push(done);
    });
  }

  send(message: object): void {
    this.proc.stdin.write(`${JSON.stringify(message)}\n`);
  }

  stderrTail(): string {
    return this.stderr.trim();
  }

  get dead(): boolean {
    return this.exited;
  }
}

export async function spawnWorker(env: PythonEnv, runDir: string, opts: { reads: string[] }): Promise<Worker> {
  const home = join(runDir, 'home');
  const spec = {
    program: env.python,
    args: [srcPath('probe', 'worker.py')],
    env: probeEnvironment(env, home),
    cwd: runDir,
    reads: [srcPath(), ...opts.reads],
    writes: [runDir],
  };
  try {
    return new Worker(env.container ? await startInContainer(env.container, spec) : startOnHost(spec));
  } catch (err) {
    if (err instanceof InfraError) throw err;
    throw new InfraError(`${env.label}: the probe could not start: ${(err as Error).message}`, { cause: err });
  }
}

export async function readHello(w: Worker, env: PythonEnv): Promise<Hello> {
  const m = await w.next(HELLO_TIMEOUT_MS);
  if (m?.type !== 'hello') {
    const why = w.proc.startError() ?? (lastLine(w.stderrTail()) || 'no answer');
    throw new InfraError(`${env.label}: the probe could not run: ${why}`);
  }
  const imported = m.import as StageRecord;
  const raw = m.info as Record<string, unknown> | null;
  const partial = imported.status === 'ok' ? null : ((raw?.partial as Hello['partial']) ?? null);
  return { info: imported.status === 'ok' ? checkEnvInfo(raw, env.label) : null, import: imported, partial, importSeconds: Number(m.importSeconds) };
}

export const lastLine = (text: string): string =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('@@'))
    .at(-1) ?? '';

