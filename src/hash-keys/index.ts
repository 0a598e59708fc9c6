import type { Concern } from '../concerns/types.js';
import { tuningSystemOf } from '../env/capabilities.js';
import type { Capabilities } from '../env/fingerprint.js';
import type { HashKeysStage } from '../probe/snapshot.js';
import { finding, type Finding } from '../rules/types.js';
import { diffHashKeys, diffRelayMetaSchedule, type KeyStats } from './diff.js';
import { autoSchedulerRecordsUnusable, HASH_KEY_RULES, hashKeysFailed, metaScheduleRecordsUnusable } from './rules.js';
import { targetDefaultFindings } from './targets.js';

/** The baseline's tuning system is gone from the candidate: reported once for the run. */
function tuningSystemGone(pairs: { base: HashKeysStage | undefined; cand: HashKeysStage | undefined }[], sides: { baseline: Capabilities; candidate: Capabilities }): Finding[] {
  const baseline = tuningSystemOf(sides.baseline);
  const candidate = tuningSystemOf(sides.candidate);
  if (!baseline || baseline === candidate) return [];
  let tasks = 0;
  let models = 0;
  for (const { base, cand } of pairs) {
    if (base?.status !== 'ok' || cand?.status !== 'ok' || base.kind === cand.kind) continue;
    tasks += base.tasks?.length ?? 0;
    models += 1;
  }
  // Nothing to say when no candidate model got as far as tasks (a candidate that cannot import TVM).
  if (models === 0 && pairs.every((p) => p.cand?.status !== 'ok')) return [];
  const rule = baseline === 'auto_scheduler' ? autoSchedulerRecordsUnusable : metaScheduleRecordsUnusable;
  return [finding(rule, { model: '*', target: '*', subject: baseline, args: { tasks, models, candidateKind: candidate ?? 'no tuning system' } })];
}

/** Relay era: MetaSchedule's keys beside auto_scheduler's, as survived/baseline tasks. */
const metaScheduleCell = (v: unknown): string => {
  const s = v as KeyStats | undefined;
  return s ? `${s.survived}/${s.baselineTasks}` : '-';
};

/** The keys tuning records are looked up by: auto_scheduler workload keys or MetaSchedule structural hashes. */
export const hashKeys: Concern<HashKeysStage> = {
  id: 'hash-keys',
  stage: 'hash_keys',
  noun: 'tasks',
  collector: 'hash-keys/collect.py',
  needs: ['frontend'],
  // Not on c: its auto_scheduler tasks are the CPU ones (SqueezeNet, v0.19: the same 6 keys as llvm).
  targetKinds: ['llvm', 'cuda', 'vulkan'],
  wanted: () => true,
  failedRule: hashKeysFailed,
  // Tasks of different tuning systems cannot be paired; `overall` reports them once for the run.
  notCompared: (base, cand) => (base.kind !== cand.kind ? `${base.kind} tasks and ${cand.kind} tasks do not pair: one finding for the run` : undefined),
  diff: (base, cand, ctx) => {
    const primary = base.kind !== cand.kind ? { findings: [], skipped: [] } : diffHashKeys(base, cand, ctx);
    const meta = base.kind === 'auto_scheduler' && cand.kind === 'auto_scheduler' ? diffRelayMetaSchedule(base, cand, ctx) : undefined;
    if (!meta) return primary;
    const stats = 'stats' in primary ? { ...primary.stats, ...(meta.stats ? { metaSchedule: meta.stats } : {}) } : undefined;
    return { findings: [...primary.findings, ...meta.findings], skipped: [...primary.skipped, ...meta.skipped], ...(stats ? { stats } : {}) };
  },
  // The baseline's completed target and keys: the candidate extracts again for that target where its own differs.
  crossInput: (base) =>
    base.canonicalTarget ? { kind: base.kind, canonicalTarget: base.canonicalTarget, keys: (base.tasks ?? []).map((t) => t.key) } : undefined,
  overall: (pairs, sides) => [...targetDefaultFindings(pairs), ...tuningSystemGone(pairs, sides)],
  table: {
    resultKey: 'keys',
    title: { text: 'Tuning-record keys that survived (baseline tasks the candidate finds by key: the same key, or for MetaSchedule from v0.12 the same workload)', markdown: 'Tuning-record keys' },
    columns: [
      { key: 'baselineTasks', title: 'baseline', markdown: 'baseline tasks', format: 'count' },
      { key: 'candidateTasks', title: 'candidate', markdown: 'candidate tasks', format: 'count' },
      { key: 'survived', title: 'survived', markdown: 'keys found', format: 'count' },
      { key: 'share', title: 'share', markdown: 'share', format: 'percent', width: 6 },
      { key: 'weightedShare', title: 'weighted', markdown: 'weighted', format: 'percent' },
      { key: 'metaSchedule', title: 'MetaSchedule', markdown: 'MetaSchedule keys found', format: metaScheduleCell, optional: true },
    ],
  },
  rules: HASH_KEY_RULES,
};
