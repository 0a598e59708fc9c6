import { statSync } from 'node:fs';
import { DEFAULT_CORPUS, loadCorpus, selectModels, type Corpus } from '../corpus/corpus.js';
import { checkModelPaths, corpusFromPaths } from '../corpus/from-paths.js';
import { eraOf } from '../env/capabilities.js';
import { infoWithoutTvm, type EnvInfo } from '../env/fingerprint.js';
import { newestRelease } from '../env/releases.js';
import { resolveEnv, type PythonEnv } from '../env/resolve.js';
import { parseEnvSpec } from '../env/spec.js';
import { InfraError, UsageError } from '../errors.js';
import { Interrupted, modelFolders, ProbePool, type ProbeJob, type ProbeRun } from '../probe/pool.js';
import type { StageRecord } from '../probe/snapshot.js';
import type { Concern } from '../concerns/types.js';
import { mapPool } from '../util/pool.js';

export interface CorpusOptions {
  /** A corpus.json; the embedded corpus when absent. */
  corpus?: string;
  /** Model files to use instead of a corpus (inputs are read from the files). */
  models?: string[];
  /** A subset named in the corpus file, e.g. "ci". */
  subset?: string;
  /** Model ids to keep. */
  only?: string[];
  /** Corpus target ids to keep (all when absent; a check defaults to the baseline's). */
  targets?: string[];
  /** Snapshot and compare the IR (on unless --no-ir). */
  ir?: boolean;
  /** Build, run and cross-load compiled libraries (--artifacts; the committed baselines do not carry them yet). */
  artifacts?: boolean;
  /** baseline create: tune and store real records (--tuning); check: apply the baseline's (default: when it has them; --no-tuning: never). */
  tuning?: boolean;
}

export type ProgressEvent =
  | { kind: 'message'; text: string }
  | { kind: 'job'; env: string; index: number; total: number; model: string; target: string; seconds: number; stages: Record<string, string>; timings: Record<string, number> };

export interface EnvOptions {
  cacheDir?: string;
  onMessage?: (text: string) => void;
}

/** Input errors that need no TVM: the spec parses, model files exist. Run before provisioning. */
export function checkInputs(spec: string | undefined, corpus: CorpusOptions): void {
  if (spec) parseEnvSpec(spec);
  if (corpus.models?.length) checkModelPaths(corpus.models);
}

/** Resolves and provisions an environment; no spec means the newest release. */
export async function prepareEnv(spec: string | undefined, opts: EnvOptions): Promise<{ env: PythonEnv; specText: string }> {
  const specText = spec ?? `v${newestRelease().version}`;
  const env = await resolveEnv(parseEnvSpec(specText), { cacheDir: opts.cacheDir, onProgress: opts.onMessage });
  return { env, specText };
}

export async function prepareCorpus(opts: CorpusOptions, env: PythonEnv): Promise<Corpus> {
  if (opts.models?.length && opts.corpus) throw new UsageError('--model and --corpus cannot be combined');
  if (opts.models?.length) {
    if (opts.subset) throw new UsageError('--subset needs a corpus file, not --model');
    return selectModels(await corpusFromPaths(opts.models, env), { only: opts.only, targets: opts.targets });
  }
  const corpus = selectModels(loadCorpus(opts.corpus ?? DEFAULT_CORPUS), { subset: opts.subset, only: opts.only, targets: opts.targets });
  if (!corpus.models.length) throw new UsageError('the selection leaves no model to run');
  return corpus;
}

export interface OpenedProbes {
  pool: ProbePool;
  info: EnvInfo;
  /** The import stage's record when TVM does not import in the environment (with its traceback). */
  importFailure: StageRecord | null;
}

/**
 * Starts the environment's probe workers (the first one describes it: the fingerprint) and tells
 * them the era, decided here from the capabilities, and the collectors the jobs will run.
 */
export async function openProbes(
  env: PythonEnv,
  corpus: Corpus,
  concerns: readonly Concern[],
  opts: { workers: number; jobs: number; signal?: AbortSignal; onMessage?: (text: string) => void; reads?: string[] },
): Promise<OpenedProbes> {
  opts.onMessage?.(`${env.label}: starting the probe (import tvm)`);
  // No more workers than jobs: each one is an import of TVM.
  const pool = await interruptible(opts.signal, () =>
    ProbePool.open(env, { workers: Math.max(1, Math.min(opts.workers, opts.jobs)), reads: [...modelFolders(corpus.models.map((model) => ({ model }))), ...(opts.reads ?? [])], signal: opts.signal }),
  );
  const { hello } = pool;
  if (opts.signal?.aborted) {
    await pool.close();
    throw new Interrupted();
  }
  if (!hello.info) {
    opts.onMessage?.(`${env.label}: TVM does not import: ${hello.import.message ?? 'unknown error'}`);
    return { pool, info: infoWithoutTvm(hello.partial), importFailure: hello.import };
  }
  const fp = hello.info.fingerprint;
  opts.onMessage?.(`${env.label}: TVM ${fp.tvmVersion} (${fp.gitCommit?.slice(0, 8) ?? 'no commit recorded'}), imported in ${hello.importSeconds.toFixed(1)} s`);
  try {
    await interruptible(opts.signal, () => pool.prepare(eraOf(hello.info!.capabilities) ?? 'relax', concerns.map((c) => c.collector)));
  } catch (err) {
    await pool.close();
    throw err;
  }
  return { pool, info: hello.info, importFailure: null };
}

export interface RunOptions {
  timeoutMs: number;
  jobs: number;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Runs every job on the pool (its workers bound how many run at once) and returns the runs in
 * input order. The biggest model files start first, so that no worker is left with a big one
 * at the end while the others idle.
 */
export async function runJobs(pool: ProbePool, jobs: ProbeJob[], opts: RunOptions): Promise<ProbeRun[]> {
  let done = 0;
  const size = new Map(jobs.map((j) => [j, statSync(j.model.path).size]));
  const order = [...jobs].sort((a, b) => size.get(b)! - size.get(a)!);
  const runs = await mapPool(order, opts.jobs, async (job) => {
    const run = await interruptible(pool.signal, () => pool.run(job, opts.timeoutMs));
    done += 1;
    const stages = Object.fromEntries(Object.entries(run.snapshot.stages).map(([k, v]) => [k, v?.status ?? 'missing']));
    opts.onProgress?.({ kind: 'job', env: pool.env.label, index: done, total: jobs.length, model: job.model.id, target: job.target.id, seconds: run.wallSeconds, stages, timings: run.timings });
    return [job, run] as const;
  });
  const byJob = new Map(runs);
  return jobs.map((j) => byJob.get(j)!);
}

/** The environment's fingerprint and capabilities, from one probe worker (`env inspect`). */
export async function describeEnv(env: PythonEnv, onMessage?: (text: string) => void): Promise<EnvInfo> {
  const pool = await ProbePool.open(env, { workers: 1, reads: [] });
  try {
    if (!pool.hello.info) throw new InfraError(`${env.label}: cannot import tvm: ${pool.hello.import.message ?? 'unknown error'}`);
    onMessage?.(`${env.label}: TVM ${pool.hello.info.fingerprint.tvmVersion}, imported in ${pool.hello.importSeconds.toFixed(1)} s`);
    return pool.hello.info;
  } finally {
    await pool.close();
  }
}

/** Every stage file of a run, by sha256, for writeBaseline. */
export const runFiles = (runs: ProbeRun[]): Map<string, string> => new Map(runs.flatMap((r) => [...r.files]));

/** Whatever fails once the run was interrupted (a worker the abort killed) is the interruption. */
async function interruptible<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (signal?.aborted) throw new Interrupted();
    throw err;
  }
}
