/**
 * What runs and against what, decided once for `check`, `diff` and `baseline create`: the jobs
 * (models × targets, with the stages of the concerns the run wants), which of them the baseline
 * can be compared with, and what each candidate job gets from the baseline.
 */
import { snapshotKey, type Baseline } from '../baseline/store.js';
import { wantedConcerns } from './concerns.js';
import { skip, type Skip } from '../concerns/skips.js';
import type { Concern, FileStore, RunWants } from '../concerns/types.js';
import type { Corpus } from '../corpus/corpus.js';
import type { JobStage, ProbeJob } from '../probe/pool.js';
import type { Snapshot, StageRecord } from '../probe/snapshot.js';

export const jobStages = (concerns: readonly Concern[]): JobStage[] => concerns.map((c) => ({ name: c.stage, collector: c.collector, needs: c.needs }));

export function planJobs(corpus: Corpus, run: RunWants): { concerns: Concern[]; jobs: ProbeJob[] } {
  const concerns = wantedConcerns(run);
  const stages = jobStages(concerns);
  return { concerns, jobs: corpus.models.flatMap((model) => corpus.targets.map((target) => ({ model, target, stages }))) };
}

/** The baseline's snapshot of this model and target, or why there is none to compare with. */
export function baselineSnapshot(baseline: Baseline, model: string, target: string, sha256: string): Snapshot | Skip {
  const base = baseline.snapshots.get(snapshotKey(model, target));
  if (!base) return skip('not-in-baseline', { baseline: baseline.manifest.name });
  if (base.model.sha256 !== sha256) return skip('model-file-differs', { baseline: baseline.manifest.name });
  return base;
}

export const isSkip = (x: Snapshot | Skip): x is Skip => 'code' in x;

/** Candidate jobs with what each gets from the baseline, and the jobs the baseline cannot be compared with. */
export function pairJobs(jobs: ProbeJob[], concerns: readonly Concern[], baseline: Baseline, files: FileStore): { runnable: ProbeJob[]; notRun: (Skip & { model: string; target: string })[] } {
  const runnable: ProbeJob[] = [];
  const notRun: (Skip & { model: string; target: string })[] = [];
  const side = { name: baseline.manifest.name, label: baseline.manifest.name, tvmVersion: baseline.manifest.fingerprint.tvmVersion, blobs: baseline.blobs };
  for (const job of jobs) {
    const base = baselineSnapshot(baseline, job.model.id, job.target.id, job.model.sha256);
    if (isSkip(base)) {
      notRun.push({ ...base, model: job.model.id, target: job.target.id });
      continue;
    }
    const cross: NonNullable<ProbeJob['cross']> = {};
    for (const c of concerns) {
      const stage = (base.stages as Record<string, StageRecord | undefined>)[c.stage];
      const input = stage && c.crossInput?.(stage, side, files);
      if (input !== undefined) cross[c.stage] = input;
    }
    runnable.push(Object.keys(cross).length ? { ...job, cross } : job);
  }
  return { runnable, notRun };
}
