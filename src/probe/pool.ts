/**
 * One TVM process per worker, not per job: each worker (src/probe/worker.py) imports TVM once,
 * describes the environment (the fingerprint) and forks a fresh child per job, so a crash, hang or
 * leak ends with its job. A worker that dies is replaced and the next job goes on; the job it was
 * running becomes that job's result, blamed on the stage that was running.
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CorpusModel } from '../corpus/corpus.js';
import type { Era } from '../env/capabilities.js';
import type { EnvInfo } from '../env/fingerprint.js';
import type { PythonEnv } from '../env/resolve.js';
import { InfraError } from '../errors.js';
import { validate } from '../util/schema.js';
import { recordCrash, readTimings } from './crash.js';
import type { ProbeJob } from './job.js';
import { describeFiles, importFailed, Interrupted, ProbeToolError, readSnapshot } from './job-outcome.js';
import { HELLO_TIMEOUT_MS, lastLine, readHello, spawnWorker, type Hello, type Message, Worker } from './worker-client.js';

export type { JobStage, ProbeJob } from './job.js';
export { Interrupted, ProbeToolError } from './job-outcome.js';
export { probeEnvironment, type Hello } from './worker-client.js';
import type { Snapshot } from './snapshot.js';

export interface ProbeRun {
  snapshot: Snapshot;
  /** Seconds per stage as the probe measured them; kept out of snapshots so that they stay byte-stable. */
  timings: Record<string, number>;
  wallSeconds: number;
  /** The folder the job's stages wrote their files to; it lives until the pool is closed. */
  filesDir: string;
  /** sha256 → path of every file a stage record lists (records get each file's sha256 and bytes). */
  files: Map<string, string>;
}

/** How long past a job's own limit (enforced by the worker) the pool waits before killing the worker. */
const GRACE_MS = 60_000;

export interface PoolOptions {
  /** Workers at once (`--jobs`). */
  workers: number;
  /** Host folders the jobs read (model folders): mounted read-only in a container. */
  reads: string[];
  signal?: AbortSignal;
}

export class ProbePool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly waiters: { resolve: (w: Worker) => void; reject: (e: Error) => void }[] = [];
  /** Set when no worker can be had any more (a container engine that stopped): every later job fails with it. */
  private broken: Error | null = null;
  private prepared: { era: Era; collectors: string[] } | null = null;
  /** Workers `open` started that are not up yet; they are prepared once `prepare` has the era (`ready`). */
  private starting = 0;
  private openReady: () => void = () => undefined;
  private readonly ready = new Promise<void>((r) => (this.openReady = r));
  private jobs = 0;
  private closed = false;

  private constructor(
    readonly env: PythonEnv,
    readonly hello: Hello,
    private readonly runDir: string,
    private readonly opts: PoolOptions,
  ) {}

  /**
   * Starts every worker at once (their imports of TVM run side by side) and waits for the first
   * to describe the environment; the others are prepared and join the pool as they come up.
   */
  static async open(env: PythonEnv, opts: PoolOptions): Promise<ProbePool> {
    const runDir = await mkdtemp(join(tmpdir(), 'tvm-compat-run-'));
    await mkdir(join(runDir, 'home'));
    // A container's user is not this one: HOME and the job folders must be writable to it.
    if (env.container) await Promise.all([runDir, join(runDir, 'home')].map((d) => chmod(d, 0o777)));
    try {
      const first = await spawnWorker(env, runDir, opts);
      const others = Array.from({ length: Math.max(0, opts.workers - 1) }, () => spawnWorker(env, runDir, opts));
      let hello: Hello;
      try {
        hello = await readHello(first, env);
      } catch (err) {
        const up = await Promise.allSettled(others);
        await Promise.all([first, ...up.flatMap((w) => (w.status === 'fulfilled' ? [w.value] : []))].map((w) => w.proc.kill(null)));
        throw err;
      }
      const pool = new ProbePool(env, hello, runDir, opts);
      pool.adopt(first);
      for (const other of others) void pool.bringUp(other);
      opts.signal?.addEventListener('abort', () => void pool.kill(), { once: true });
      return pool;
    } catch (err) {
      await rm(runDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** A worker `open` started: counted at once (close stops it), idle once its hello and prepare are done. */
  private async bringUp(spawned: Promise<Worker>): Promise<void> {
    this.starting += 1;
    let w: Worker | undefined;
    try {
      w = await spawned;
      this.all.add(w);
      await readHello(w, this.env);
      await this.ready;
      await this.prepareWorker(w);
      this.starting -= 1;
      if (!this.closed) this.release(w);
    } catch (err) {
      // One worker fewer; the others serve. Only a pool with no worker left is broken.
      this.starting -= 1;
      if (w) {
        this.all.delete(w);
        await w.proc.kill(null);
      }
      if (this.all.size === 0 && this.starting === 0 && !this.closed) this.fail(err as Error);
    }
  }

  private fail(err: Error): void {
    this.broken = err;
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  get info(): EnvInfo | null {
    return this.hello.info;
  }

  /**
   * Tells every worker (now and later) the era and the collectors, so they are loaded before the
   * forks. Returns once the workers already up are prepared; those still importing TVM are
   * prepared when they come up and take jobs from then on.
   */
  async prepare(era: Era, collectors: string[]): Promise<void> {
    this.prepared = { era, collectors };
    const up = [...this.idle];
    this.idle.length = 0;
    try {
      await Promise.all(up.map((w) => this.prepareWorker(w)));
    } finally {
      this.openReady();
    }
    for (const w of up) this.release(w);
  }

  private async prepareWorker(w: Worker): Promise<void> {
    if (!this.prepared) return;
    w.send({ type: 'prepare', ...this.prepared });
    const m = await w.next(HELLO_TIMEOUT_MS);
    if (m?.type !== 'ready') throw new InfraError(`${this.env.label}: the probe worker died while loading TVM's modules: ${lastLine(w.stderrTail())}`);
  }

  private adopt(w: Worker): void {
    this.all.add(w);
    this.release(w);
  }

  private release(w: Worker): void {
    const next = this.waiters.shift();
    if (next) next.resolve(w);
    else this.idle.push(w);
  }

  private async acquire(): Promise<Worker> {
    if (this.broken) throw this.broken;
    const idle = this.idle.pop();
    if (idle) return idle;
    // Start workers up to the limit lazily: a run of one job never pays for a second import.
    if (this.all.size + this.starting < this.opts.workers) {
      const w = await spawnWorker(this.env, this.runDir, this.opts);
      this.all.add(w);
      await readHello(w, this.env);
      await this.prepareWorker(w);
      return w;
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Runs one job on the next free worker. */
  async run(job: ProbeJob, timeoutMs: number): Promise<ProbeRun> {
    if (this.opts.signal?.aborted || this.closed) throw new Interrupted();
    this.openReady(); // a pool never told the era lets its other workers take jobs as they are
    const id = ++this.jobs;
    const dir = join(this.runDir, 'jobs', String(id));
    const filesDir = join(dir, 'files');
    await mkdir(filesDir, { recursive: true });
    // A container's user is not this one: the job's folders must be writable to it.
    if (this.env.container) await Promise.all([join(this.runDir, 'jobs'), dir, filesDir].map((d) => chmod(d, 0o777)));
    const files = { job: join(dir, 'job.json'), out: join(dir, 'snapshot.json'), log: join(dir, 'log.txt') };
    const era = this.prepared?.era ?? null;
    await writeFile(files.job, JSON.stringify({ ...job, era, outDir: filesDir }));
    // bench/check-limit.mjs replays the very jobs a check ran, in one process, to measure TVM's own work.
    const keep = process.env.TVM_COMPAT_KEEP_JOBS;
    if (keep) await copyFile(files.job, join(keep, `job-${String(id).padStart(4, '0')}.json`));
    const started = Date.now();
    if (this.hello.import.status !== 'ok') {
      // TVM does not import here: every job's answer is the import's traceback.
      return { snapshot: importFailed(job, this.hello.import), timings: {}, wallSeconds: 0, filesDir, files: new Map() };
    }
    const worker = await this.acquire();
    if (this.opts.signal?.aborted) throw new Interrupted();
    worker.send({ type: 'job', id, job: files.job, out: files.out, log: files.log, timeout: timeoutMs / 1000 });
    let childPid: number | null = null;
    let done: Message | null = null;
    const deadline = started + timeoutMs + GRACE_MS;
    while (!done) {
      const m = await worker.next(Math.max(1, deadline - Date.now()));
      if (m === null) break;
      if (m.type === 'started') worker.job = childPid = Number(m.pid);
      else if (m.type === 'done') done = m;
    }
    worker.job = null;
    if (this.opts.signal?.aborted) throw new Interrupted();
    if (done) this.release(worker);
    else await this.replace(worker, childPid);
    // The worker failed before it forked the job: nothing of TVM ran, so it says nothing of TVM.
    if (!done && childPid === null) {
      throw new InfraError(`${this.env.label}: the probe worker stopped before it started ${job.model.id}/${job.target.id}: ${lastLine(worker.stderrTail()) || worker.proc.startError() || 'no answer'}`);
    }
    const log = await readFile(files.log, 'utf8').catch(() => '');
    if (done?.exit === 70) throw new ProbeToolError(`${this.env.label}: the probe failed on ${job.model.id}/${job.target.id}: ${lastLine(log)}`);
    let snapshot = await readSnapshot(files.out);
    const clean = done !== null && done.exit === 0 && !done.timedOut && !done.signal;
    if (!clean || !snapshot) {
      const why = !done
        ? `was lost with its worker (${worker.dead ? `the worker exited${worker.stderrTail() ? `: ${lastLine(worker.stderrTail())}` : ''}` : 'no answer'})`
        : done.timedOut
          ? `timed out after ${Math.round(timeoutMs / 1000)} s`
          : done.signal
            ? `crashed with ${String(done.signal)}`
            : `exited with code ${String(done.exit)}`;
      snapshot = recordCrash(snapshot, job, log, why);
    }
    const stored = await describeFiles(snapshot, filesDir);
    const problem = validate('urn:tvm-compat:snapshot', snapshot);
    if (problem) throw new ProbeToolError(`${this.env.label}: the probe wrote an invalid snapshot for ${job.model.id}: ${problem}`);
    return { snapshot, timings: readTimings(log), wallSeconds: (Date.now() - started) / 1000, filesDir, files: stored };
  }

  /** A worker that died or stopped answering: kill what is left of it, start another for the next job. */
  private async replace(w: Worker, childPid: number | null): Promise<void> {
    this.all.delete(w);
    await w.proc.kill(childPid);
    if (this.closed || this.opts.signal?.aborted) return;
    try {
      const fresh = await spawnWorker(this.env, this.runDir, this.opts);
      this.all.add(fresh);
      await readHello(fresh, this.env);
      await this.prepareWorker(fresh);
      this.release(fresh);
    } catch (err) {
      this.fail(err as Error);
      throw err;
    }
  }

  private async kill(): Promise<void> {
    this.closed = true;
    // A job runs in a process group of its own (worker.py): kill it with its worker.
    await Promise.all([...this.all].map((w) => w.proc.kill(w.job)));
  }

  /** Stops the workers and removes the run folder (job files included: store them before). */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const w of this.all) w.proc.stdin.end();
      // The grace timer is unref'd: once every worker has exited, nothing waits it out.
      const grace = () => new Promise((r) => setTimeout(r, 10_000).unref());
      await Promise.all([...this.all].map((w) => Promise.race([w.proc.exit, grace()]).then(() => w.proc.kill(null))));
    }
    await rm(this.runDir, { recursive: true, force: true });
  }
}

export const modelFolders = (jobs: { model: CorpusModel }[]): string[] => [...new Set(jobs.map((j) => dirname(j.model.path)))];
