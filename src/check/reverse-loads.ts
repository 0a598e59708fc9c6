/**
 * The fourth cell of the compiler × runtime matrix: the candidate's libraries loaded and run by
 * the baseline's runtime. A check has the candidate's TVM only; the baseline's environment is made
 * again from the spec its manifest records (a release venv from the cache, an image, a tree) and
 * refused unless it is the same TVM (version and commit). Its probe runs only the artifacts
 * collector's cross side (no build), in child processes, as the candidate ran the baseline's
 * libraries.
 */
import { dirname } from 'node:path';
import { reverseCrossInput, type ArtifactsStage, type CrossLoad } from '../artifacts/stage.js';
import { artifacts } from '../artifacts/index.js';
import { snapshotKey, type Baseline } from '../baseline/store.js';
import type { Corpus } from '../corpus/corpus.js';
import type { ProbeJob, ProbeRun } from '../probe/pool.js';
import { openProbes, prepareEnv, runJobs, type ProgressEvent } from './prepare.js';

export interface ReverseOptions {
  cacheDir?: string;
  jobs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** Each candidate run's reverse load, by model and target; or why the baseline's runtime could not run here. */
/** Per model and target: the reverse load of the candidate's library, and of its Relay VM library where it built one. */
export type ReverseLoads = { loads: Map<string, CrossLoad & { relayVm?: CrossLoad }> } | { unavailable: string };

export async function reverseLoads(baseline: Baseline, candidateLabel: string, runs: ProbeRun[], corpus: Corpus, opts: ReverseOptions): Promise<ReverseLoads> {
  const name = baseline.manifest.name;
  const jobs: ProbeJob[] = [];
  for (const run of runs) {
    const { model, target } = run.snapshot;
    const job = corpus.models.find((m) => m.id === model.id);
    const tgt = corpus.targets.find((t) => t.id === target.id);
    const base = baseline.snapshots.get(snapshotKey(model.id, target.id))?.stages.artifacts as ArtifactsStage | undefined;
    const input = reverseCrossInput(run.snapshot.stages.artifacts as ArtifactsStage | undefined, run.files, base, candidateLabel);
    if (job && tgt && input && base?.status === 'ok') jobs.push({ model: job, target: tgt, stages: [{ name: artifacts.stage, collector: artifacts.collector, needs: [] }], settings: { artifacts: { reverse: true } }, cross: { artifacts: input } });
  }
  if (!jobs.length) return { loads: new Map() };
  const spec = baseline.manifest.env.spec;
  if (!spec) return { unavailable: `baseline ${name} records no environment spec to make its runtime again` };
  const onMessage = (text: string) => opts.onProgress?.({ kind: 'message', text });
  let env;
  try {
    ({ env } = await prepareEnv(spec, { cacheDir: opts.cacheDir, onMessage }));
  } catch (err) {
    return { unavailable: `the baseline's environment (${spec}) cannot be made here: ${(err as Error).message.split('\n')[0]}` };
  }
  const reads = [...new Set(jobs.map((j) => dirname((j.cross!.artifacts as { library: string }).library)))];
  const { pool, info, importFailure } = await openProbes(env, { ...corpus, models: jobs.map((j) => j.model) }, [artifacts], { workers: opts.jobs, jobs: jobs.length, signal: opts.signal, onMessage, reads });
  try {
    const was = baseline.manifest.fingerprint;
    if (importFailure) return { unavailable: `the baseline's environment (${spec}) does not import TVM here: ${importFailure.message ?? '?'}` };
    if (info.fingerprint.tvmVersion !== was.tvmVersion || info.fingerprint.gitCommit !== was.gitCommit) {
      return { unavailable: `${spec} now gives TVM ${info.fingerprint.tvmVersion} (${info.fingerprint.gitCommit ?? '?'}); baseline ${name} was made with ${was.tvmVersion} (${was.gitCommit ?? '?'})` };
    }
    const done = await runJobs(pool, jobs, { timeoutMs: opts.timeoutMs, jobs: opts.jobs, onProgress: opts.onProgress });
    const loads = new Map<string, CrossLoad>();
    for (const r of done) {
      const stage = r.snapshot.stages.artifacts as ArtifactsStage | undefined;
      const key = snapshotKey(r.snapshot.model.id, r.snapshot.target.id);
      // A crash of the job itself (not of the load, which runs in a child of it) says nothing about the library.
      const vm = stage?.status === 'ok' && stage.relayVm?.cross ? { relayVm: { ...stage.relayVm.cross, baseline: name } } : {};
      loads.set(key, stage?.status === 'ok' && stage.cross ? { ...stage.cross, baseline: name, ...vm } : { executor: 'vm', loads: false, runs: false, baseline: name, toolError: stage?.message ?? stage?.status ?? 'no record' });
    }
    return { loads };
  } finally {
    await pool.close();
  }
}

/** Puts each reverse load (or why there is none) into the candidate's artifacts stage, as `reverse`. */
export function attachReverse(runs: ProbeRun[], result: ReverseLoads, baseline: string): void {
  for (const run of runs) {
    const stage = run.snapshot.stages.artifacts as ArtifactsStage | undefined;
    if (!stage || stage.status !== 'ok' || !stage.library) continue;
    if ('unavailable' in result) {
      stage.reverse = { baseline, executor: stage.executor ?? 'vm', loads: false, runs: false, unavailable: result.unavailable };
      if (stage.relayVm?.library) stage.relayVm.reverse = { baseline, executor: 'relay-vm', loads: false, runs: false, unavailable: result.unavailable };
    } else {
      const x = result.loads.get(snapshotKey(run.snapshot.model.id, run.snapshot.target.id));
      if (x) {
        const { relayVm, ...main } = x;
        stage.reverse = main;
        if (relayVm && stage.relayVm) stage.relayVm.reverse = relayVm;
      }
    }
  }
}
