import { withBaselineLock, writeBaseline } from '../baseline/store.js';
import { InfraError } from '../errors.js';
import { addTarget, addTo } from './add-to-baseline.js';
import { forStorage } from './concerns.js';
import { baselineManifest, defaultBaselineName } from './manifest.js';
import { planJobs } from './plan.js';
import { checkInputs, openProbes, runFiles, prepareCorpus, prepareEnv, runJobs, type CorpusOptions, type ProgressEvent } from './prepare.js';
import { checkWants } from './run-check.js';

export interface CreateOptions extends CorpusOptions {
  tvm: string;
  /** Folder name under the baselines folder; derived from the TVM version when absent. */
  name?: string;
  /**
   * Add this run's models × targets to the stored baseline of that name (made by the same
   * environment: same fingerprint, same probe), replacing the pairs it already has: a new target
   * without running the others again.
   */
  add?: boolean;
  baselinesDir: string;
  jobs: number;
  timeoutMs: number;
  cacheDir?: string;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface CreateResult {
  name: string;
  dir: string;
  snapshots: number;
  /** Stage outcome counts, e.g. { "hash_keys:ok": 14, "frontend:error": 1 }. */
  outcomes: Record<string, number>;
  /** With --add: how many of the snapshots this run made (the rest were the stored baseline's). */
  added?: number;
  /** Jobs whose probe crashed or timed out: stored as such, and every check against them is incomplete there. */
  crashed: string[];
  seconds: number;
}

/**
 * A baseline is made holding its name's lock, so a second create of the same name fails at once,
 * naming the first. With --name the lock is taken before anything runs (the second fails in a
 * second, not after importing TVM); else once the TVM version has named it.
 */
export async function createBaseline(opts: CreateOptions): Promise<CreateResult> {
  const name = opts.name;
  if (name !== undefined) return withBaselineLock(opts.baselinesDir, name, () => make(opts, (_, write) => write()));
  return make(opts, (derived, write) => withBaselineLock(opts.baselinesDir, derived, write));
}

type Locked = (name: string, write: () => Promise<CreateResult>) => Promise<CreateResult>;

async function make(opts: CreateOptions, locked: Locked): Promise<CreateResult> {
  const started = Date.now();
  checkInputs(opts.tvm, opts);
  const onMessage = (text: string) => opts.onProgress?.({ kind: 'message', text });
  const { env, specText } = await prepareEnv(opts.tvm, { cacheDir: opts.cacheDir, onMessage });
  const corpus = await prepareCorpus(opts, env);
  const { concerns, jobs } = planJobs(corpus, checkWants(opts, 'baseline'));
  const { pool, info, importFailure } = await openProbes(env, corpus, concerns, { workers: opts.jobs, jobs: jobs.length, signal: opts.signal, onMessage });
  try {
    // A baseline of an environment that cannot import TVM would be a baseline of nothing.
    if (importFailure) throw new InfraError(`${env.label}: cannot import tvm: ${importFailure.message ?? 'unknown error'}`);
    const name = opts.name ?? defaultBaselineName(info.fingerprint);
    return await locked(name, async () => {
      // Refused before anything runs: the stored baseline must be this environment's.
      const target = opts.add ? addTarget(opts, name, info) : null;
      const runs = await runJobs(pool, jobs, { timeoutMs: opts.timeoutMs, jobs: opts.jobs, onProgress: opts.onProgress });
      const fresh = forStorage(runs.map((r) => r.snapshot), corpus.subsets);
      const crashed = fresh
        .filter((s) => Object.values(s.stages).some((st) => st?.type === 'ProbeCrash'))
        .map((s) => `${s.model.id}/${s.target.id}`);
      if (crashed.length === fresh.length) throw new InfraError(`${env.label}: the probe crashed or timed out on every job (${crashed.length}); no baseline written`);
      const into = target ? addTo(opts, target, fresh) : null;
      const snapshots = into ? into.snapshots : fresh;
      const manifest = baselineManifest(name, env, specText, info, into ? into.corpus : corpus, snapshots);
      const dir = writeBaseline(opts.baselinesDir, manifest, snapshots, runFiles(runs), into?.baseline);
      const outcomes: Record<string, number> = {};
      for (const s of snapshots)
        for (const [stage, rec] of Object.entries(s.stages)) {
          const k = `${stage}:${rec?.status}`;
          outcomes[k] = (outcomes[k] ?? 0) + 1;
        }
      return { name, dir, snapshots: snapshots.length, ...(into ? { added: fresh.length } : {}), outcomes, crashed, seconds: (Date.now() - started) / 1000 };
    });
  } finally {
    await pool.close();
  }
}
