/**
 * What runs and against what, decided once for `check`, `diff` and `baseline create`: the jobs
 * (models × targets, with the stages of the concerns the run wants), which of them the baseline
 * can be compared with, and what each candidate job gets from the baseline.
 */
import { snapshotKey, type Baseline } from '../baseline/store.js';
import { wantedConcerns } from './concerns.js';
import { join } from 'node:path';
import { baselineMismatches } from '../baseline/comparable.js';
import { skip, type Skip, type Skipped } from '../concerns/skips.js';
import { InputError } from '../errors.js';
import { PROBE_VERSION } from '../probe/snapshot.js';
import type { Concern, FileStore, RunWants } from '../concerns/types.js';
import type { Corpus } from '../corpus/corpus.js';
import type { JobStage, ProbeJob } from '../probe/pool.js';
import type { Snapshot, StageRecord } from '../probe/snapshot.js';

export const jobStages = (concerns: readonly Concern[]): JobStage[] => concerns.map((c) => ({ name: c.stage, collector: c.collector, needs: c.needs }));

export function planJobs(corpus: Corpus, run: RunWants): { concerns: Concern[]; jobs: ProbeJob[] } {
  const concerns = wantedConcerns(run);
  const stages = jobStages(concerns);
  const forTarget = (kind: string) => stages.filter((_, i) => concerns[i]!.targetKinds?.includes(kind as never) ?? true);
  const settings: NonNullable<ProbeJob['settings']> = {};
  for (const c of concerns) {
    const value = c.settings?.(run);
    if (value !== undefined) settings[c.stage] = value;
  }
  const extra = Object.keys(settings).length ? { settings } : {};
  return { concerns, jobs: corpus.models.flatMap((model) => corpus.targets.map((target) => ({ model, target, stages: forTarget(target.kind), ...extra }))) };
}

/** The baseline's snapshot of this model and target, or why there is none to compare with. */
export function baselineSnapshot(baseline: Baseline, cand: Pick<Snapshot, 'model' | 'target'>): Snapshot | Skip {
  const base = baseline.snapshots.get(snapshotKey(cand.model.id, cand.target.id));
  const name = baseline.manifest.name;
  if (!base) return skip('not-in-baseline', { baseline: name });
  if (base.model.sha256 !== cand.model.sha256) return skip('model-file-differs', { baseline: name });
  if (base.target.target !== cand.target.target) return skip('target-differs', { baseline: name, target: cand.target.id, was: base.target.target, now: cand.target.target });
  return base;
}

/**
 * What stops the comparison before it starts: a baseline made by another probe version must be
 * re-created (its records may mean other things). Mismatches of single models and targets are
 * left to pairing; a changed corpus (other inputs under the same ids) is a skip of the whole run.
 */
export function checkBaselineFor(baseline: Baseline, corpus: Pick<Corpus, 'models' | 'targets'>, probeVersion: string = PROBE_VERSION): Skipped[] {
  const mismatches = baselineMismatches(baseline.manifest, { probeVersion, corpus });
  // 'unknown': no job of that baseline got as far as the probe reporting its version (every one
  // crashed before); its snapshots are crash records, compared as such.
  const probe = baseline.manifest.probeVersion === 'unknown' ? undefined : mismatches.find((m) => m.code === 'probe-version-differs');
  if (probe) {
    throw new InputError(
      `${join(baseline.dir, 'manifest.json')}: baseline ${baseline.manifest.name} was made by probe version ${probe.args.baseline}, this tool's probe is ${probe.args.candidate}; re-create it with compat baseline create`,
    );
  }
  const digest = mismatches.find((m) => m.code === 'corpus-digest-differs');
  return digest ? [{ model: '*', target: '*', check: 'all', ...skip('corpus-differs', { baseline: baseline.manifest.name, was: digest.args.baseline!, now: digest.args.candidate! }) }] : [];
}

export const isSkip = (x: Snapshot | Skip): x is Skip => 'code' in x;

/** Candidate jobs with what each gets from the baseline, and the jobs the baseline cannot be compared with. */
export function pairJobs(jobs: ProbeJob[], concerns: readonly Concern[], baseline: Baseline, files: FileStore): { runnable: ProbeJob[]; notRun: (Skip & { model: string; target: string })[] } {
  const runnable: ProbeJob[] = [];
  const notRun: (Skip & { model: string; target: string })[] = [];
  const side = { name: baseline.manifest.name, label: baseline.manifest.name, tvmVersion: baseline.manifest.fingerprint.tvmVersion, blobs: baseline.blobs };
  for (const job of jobs) {
    const base = baselineSnapshot(baseline, { model: job.model, target: job.target });
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
