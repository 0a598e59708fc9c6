import type { CompareContext, ConcernDiff } from '../concerns/types.js';
import type { HashKeysStage, HashKeyTask } from '../probe/snapshot.js';
import { finding, type Finding } from '../rules/types.js';
import { unifiedDiff } from '../util/text-diff.js';
import { matchTasks } from './match.js';
import { hashKeysFailed, taskAdded, taskKeyChanged, taskKeyChangedSameText, taskRemoved, taskWeightChanged, workloadHashChangedSameText } from './rules.js';
import { recomputesStoredHashes } from './match.js';
import { skip } from '../concerns/skips.js';

export interface KeyStats {
  baselineTasks: number;
  candidateTasks: number;
  /**
   * Baseline tasks whose records the candidate still finds by key: the key is unchanged, or (MetaSchedule
   * in a TVM that recomputes stored hashes, v0.12 on) the workload prints the same. Whether the
   * database opens at all is the tuning-records concern's, measured where the baseline has records.
   */
  survived: number;
  /** survived / baselineTasks, 0..1, rounded to 4 places. */
  share: number;
  /** The same share weighted by task weight: how much of the tuned work still applies. */
  weightedShare: number;
  /** Relay era, where both sides extracted MetaSchedule tasks too: the same figures for those keys. */
  metaSchedule?: KeyStats;
}

export interface HashKeyDiff extends ConcernDiff {
  stats: KeyStats;
}

const round4 = (x: number): number => Math.round(x * 10000) / 10000;

/** Compares the tuning tasks of one model and target; both stages must be ok and of one kind. */
export function diffHashKeys(base: HashKeysStage, cand: HashKeysStage, ctx: Pick<CompareContext, 'model' | 'target' | 'baseline' | 'candidate'>): HashKeyDiff {
  const baseTasks = base.tasks ?? [];
  const candTasks = cand.tasks ?? [];
  const { pairs, removed, added } = matchTasks(baseTasks, candTasks);
  const where = { model: ctx.model, target: ctx.target };
  const findings: Finding[] = [];
  const recomputed = cand.kind === 'meta_schedule' && recomputesStoredHashes(ctx.candidate.tvmVersion);
  let survived = 0;
  let survivedWeight = 0;
  for (const { by, baseline: b, candidate: c } of pairs) {
    const subject = c.name;
    // A MetaSchedule database that recomputes stored hashes still finds a workload that prints the same.
    const found = by === 'key' || (recomputed && b.text === c.text);
    if (found) {
      survived += 1;
      survivedWeight += b.weight;
    }
    if (by !== 'key') {
      const args = { baselineKey: b.key, candidateKey: c.key, matchedBy: by, baselineName: b.name };
      if (b.text === c.text && recomputed) findings.push(finding(workloadHashChangedSameText, { ...where, subject, args }));
      else if (b.text === c.text) findings.push(finding(taskKeyChangedSameText, { ...where, subject, args: { ...args, why: sameTextLoss(cand.kind) } }));
      else
        findings.push(
          finding(taskKeyChanged, {
            ...where,
            subject,
            args,
            evidence: { diff: unifiedDiff(b.text, c.text, `${ctx.baseline.name}/${b.name}`, `${ctx.candidate.label}/${c.name}`) },
          }),
        );
    }
    if (b.weight !== c.weight) {
      findings.push(finding(taskWeightChanged, { ...where, subject, args: { baselineWeight: b.weight, candidateWeight: c.weight } }));
    }
  }
  for (const t of removed) findings.push(finding(taskRemoved, { ...where, subject: t.name, args: taskArgs(t), evidence: { baseline: t.text } }));
  for (const t of added) findings.push(finding(taskAdded, { ...where, subject: t.name, args: taskArgs(t), evidence: { candidate: t.text } }));
  const totalWeight = baseTasks.reduce((s, t) => s + t.weight, 0);
  return {
    findings,
    skipped: [],
    stats: {
      baselineTasks: baseTasks.length,
      candidateTasks: candTasks.length,
      survived,
      share: baseTasks.length ? round4(survived / baseTasks.length) : 1,
      weightedShare: totalWeight ? round4(survivedWeight / totalWeight) : 1,
    },
  };
}

/** Why a key that moved with its text unchanged still loses the record: what the lookup compares. */
const sameTextLoss = (kind: HashKeysStage['kind']): string =>
  kind === 'meta_schedule'
    ? "the candidate's JSONDatabase refuses a stored hash it does not recompute (v0.10/v0.11: \"Module hash changed\"), so the database no longer loads"
    : 'auto_scheduler looks records up by the key string';

const taskArgs = (t: HashKeyTask) => ({ key: t.key, shapes: JSON.stringify(t.shapes), weight: t.weight });

/**
 * The Relay era's second tuning system: MetaSchedule keys beside the auto_scheduler ones. Compared
 * where the baseline has them; findings name the task `meta_schedule:<task>`. Undefined when the
 * baseline extracted none (a baseline made before they were collected, or a failed extraction).
 */
export function diffRelayMetaSchedule(base: HashKeysStage, cand: HashKeysStage, ctx: Pick<CompareContext, 'model' | 'target' | 'baseline' | 'candidate'>): (ConcernDiff & { stats?: KeyStats }) | undefined {
  const b = base.metaSchedule;
  const c = cand.metaSchedule;
  if (!b?.tasks) return undefined;
  const where = { model: ctx.model, target: ctx.target, subject: 'meta_schedule' };
  if (!c) {
    const reason = 'the candidate extracted none (no tvm.meta_schedule.relay_integration, or a snapshot made without them)';
    return { findings: [], skipped: [skip('not-available', { what: 'MetaSchedule keys on Relay', reason, side: 'candidate' })] };
  }
  if (!c.tasks) {
    const error = `MetaSchedule: ${c.error?.message ?? 'no tasks'}`;
    return { findings: [finding(hashKeysFailed, { ...where, args: { error } })], skipped: [] };
  }
  const named = (tasks: HashKeyTask[]) => tasks.map((t) => ({ ...t, name: `meta_schedule:${t.name}` }));
  return diffHashKeys({ ...b, status: 'ok', kind: 'meta_schedule', tasks: named(b.tasks) }, { ...c, status: 'ok', kind: 'meta_schedule', tasks: named(c.tasks) }, ctx);
}
