import type { Corpus } from '../corpus/corpus.js';
import type { PythonEnv } from '../env/resolve.js';
import { runProbe, type ProbeJob, type ProbeRun } from '../probe/runner.js';
import type { StageName } from '../probe/snapshot.js';
import { mapPool } from '../util/pool.js';

export type ProgressEvent =
  | { kind: 'message'; text: string }
  | { kind: 'job'; env: string; index: number; total: number; model: string; target: string; seconds: number; stages: Record<string, string> };

export interface CollectOptions {
  jobs: number;
  timeoutMs: number;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** The stages every check runs; `--ir` adds the IR snapshot stage (experimental, see docs). */
export const CHECK_STAGES: StageName[] = ['frontend', 'hash_keys'];

export const stagesFor = (opts: { ir?: boolean }): StageName[] => (opts.ir ? [...CHECK_STAGES, 'ir'] : CHECK_STAGES);

export function planJobs(corpus: Corpus, stages: StageName[] = CHECK_STAGES): ProbeJob[] {
  return corpus.models.flatMap((model) => corpus.targets.map((target) => ({ model, target, stages })));
}

/** Runs every (model, target) job of the corpus in the environment, `jobs` processes at a time. */
export async function collectSnapshots(env: PythonEnv, jobs: ProbeJob[], opts: CollectOptions): Promise<ProbeRun[]> {
  let done = 0;
  return mapPool(jobs, opts.jobs, async (job) => {
    const run = await runProbe(env, job, { timeoutMs: opts.timeoutMs, signal: opts.signal });
    done += 1;
    const stages = Object.fromEntries(Object.entries(run.snapshot.stages).map(([k, v]) => [k, v?.status ?? 'missing']));
    opts.onProgress?.({ kind: 'job', env: env.label, index: done, total: jobs.length, model: job.model.id, target: job.target.id, seconds: run.wallSeconds, stages });
    return run;
  });
}
