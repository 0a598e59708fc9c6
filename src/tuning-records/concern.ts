import { skip } from '../concerns/skips.js';
import type { Concern, ConcernDiff, FileStore } from '../concerns/types.js';
import type { StageRecord } from '../probe/snapshot.js';
import type { Finding } from '../rules/types.js';
import { TUNING_RULES, tuningDatabaseNoLongerLoads, tuningRecordsNoLongerApply, tuningRecordsRescuable } from './rules.js';

export interface TuningTask {
  name: string;
  key?: string;
  weight?: number;
  /** tune: records stored for the task. */
  records?: number;
  /** apply: the baseline's records of the task, and how many the candidate build dispatched to. */
  stored?: number;
  applied?: number;
  cause?: string;
  /** tune, Relay era: the full auto_scheduler workload key (hash and buffer shapes). */
  workloadKey?: string;
}

/** migrate: one valid record of the baseline, re-attached in the candidate or not. */
export interface Migration {
  status: 'migrated' | 'failed';
  /** The candidate's task it attached to. */
  task?: string;
  reason?: string;
  /** A real build that applies the migrated database was dispatched to it. */
  proven?: boolean;
  workload?: number;
  key?: string;
  newKey?: string;
}

export interface TuningStage extends StageRecord {
  mode?: 'tune' | 'apply' | 'migrate';
  kind?: 'auto_scheduler' | 'meta_schedule';
  baselineKind?: string | null;
  /** apply: the baseline whose records were applied (a stored candidate run carries it). */
  baseline?: string;
  tasks?: TuningTask[];
  records?: number;
  stored?: number;
  applied?: number;
  cause?: string;
  load?: { ok: boolean; type?: string; message?: string };
  rescue?: { records?: number; attached?: number; failures?: string[]; error?: string };
  files?: { name: string; sha256?: string; bytes?: number }[];
  migrations?: Migration[];
  migrated?: number;
  proven?: number;
  built?: boolean | string;
}

/** What the candidate's collector gets in ctx["cross"]: local paths of the baseline's database. */
export interface TuningCrossInput {
  kind: string;
  baseline: string;
  files: Record<string, string>;
  tasks: TuningTask[];
}

/**
 * How much a baseline tunes: the heaviest tasks of each model (by weight, then name), a few trials
 * each, seeded, with a random cost model; tasks not started within the budget are listed as skipped.
 */
export const TUNING_SETTINGS = { tasks: 3, trials: 4, seed: 0, budgetSeconds: 30 } as const;

const ROLE: Record<string, string> = { 'tuning_workload.json': 'workload', 'tuning_records.json': 'records', 'tuning.log': 'log' };

export function tuningCrossInput(base: TuningStage, baseline: { name: string }, files: FileStore): TuningCrossInput | undefined {
  if (base.mode !== 'tune' || !base.files?.length || !base.records) return undefined;
  const paths: Record<string, string> = {};
  for (const f of base.files) {
    const role = ROLE[f.name];
    if (f.sha256 && role) paths[role] = files.path({ sha256: f.sha256, name: f.name });
  }
  return { kind: base.kind ?? 'meta_schedule', baseline: baseline.name, files: paths, tasks: base.tasks ?? [] };
}

/** Whether a candidate stage applied the baseline's records (of baseline `name`, where it is known). */
const appliedHere = (cand: TuningStage, name?: string): boolean =>
  cand.mode === 'apply' && (cand.baseline === undefined || name === undefined || cand.baseline === name);

export function tuningDiff(base: TuningStage, cand: TuningStage, ctx: { model: string; target: string; baseline: { name: string } }): ConcernDiff {
  const findings: Finding[] = [];
  // Only a baseline that tuned, against a candidate that applied its records (a stored candidate
  // run compared with itself has applied on both sides: nothing to say).
  if (base.mode !== 'tune') return { findings, skipped: [] };
  if (!appliedHere(cand, ctx.baseline.name)) {
    // A stored run (compat diff) tuned records of its own, or applied another baseline's: nothing
    // applied these, so whether they still apply is not known.
    if (!base.records) return { findings, skipped: [] };
    const reason = cand.mode === 'apply' ? `the stored candidate run applied baseline ${cand.baseline}'s` : 'no candidate TVM ran';
    return { findings, skipped: [skip('not-tried', { what: `applying the baseline's ${base.records} tuning records`, reason })] };
  }
  const stored = cand.stored ?? 0;
  const applied = cand.applied ?? 0;
  const cause = cand.cause ?? '';
  const at = { model: ctx.model, target: ctx.target, subject: base.kind ?? 'meta_schedule' };
  if (cand.load && !cand.load.ok) {
    findings.push({ rule: tuningDatabaseNoLongerLoads.id, severity: tuningDatabaseNoLongerLoads.severity, ...at, args: { error: cand.load.message ?? '' } });
  }
  if (applied < stored) {
    findings.push({ rule: tuningRecordsNoLongerApply.id, severity: tuningRecordsNoLongerApply.severity, ...at, args: { applied, stored, cause } });
  }
  if (applied < stored && (cand.rescue?.attached ?? 0) > 0) {
    findings.push({ rule: tuningRecordsRescuable.id, severity: tuningRecordsRescuable.severity, ...at, args: { attached: cand.rescue?.attached ?? 0, records: cand.rescue?.records ?? 0 } });
  }
  const share = stored ? applied / stored : 0;
  return { findings, skipped: [], stats: { stored, applied, share, cause } };
}

export const tuningRecordsConcern = {
  id: 'tuning-records',
  stage: 'tuning',
  noun: 'tuning records',
  collector: 'tuning-records/collect.py',
  needs: ['frontend'],
  // Records are measured on the host's CPU; there is no GPU to measure CUDA or Vulkan kernels on.
  targetKinds: ['llvm'],
  wanted: (run) => run.tuning,
  settings: (run) => (run.mode === 'baseline' ? TUNING_SETTINGS : run.mode === 'migrate' ? { migrate: true } : undefined),
  failedRule: tuningRecordsNoLongerApply,
  crossInput: (base, baseline, files) => tuningCrossInput(base, baseline, files),
  notCompared: (base, cand) => (base.mode === 'tune' && base.records && !appliedHere(cand) ? 'no candidate TVM applied the records' : undefined),
  diff: (base, cand, ctx) => tuningDiff(base, cand, ctx),
  table: {
    resultKey: 'tuning',
    title: { text: 'Tuning records applied', markdown: 'Tuning records applied' },
    columns: [
      { key: 'stored', title: 'stored', markdown: 'stored', format: 'count' },
      { key: 'applied', title: 'applied', markdown: 'applied', format: 'count' },
      { key: 'share', title: 'share', markdown: 'share', format: 'percent' },
      { key: 'cause', title: 'cause', markdown: 'cause', format: (v) => String(v ?? '') },
    ],
  },
  rules: TUNING_RULES,
} satisfies Concern<TuningStage>;
