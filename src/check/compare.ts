/**
 * The one comparison loop: for one model on one target, the import stage, then every concern's
 * stage in registry order. The cases (both ok, newly failing, failing in both, fixed, not run)
 * are decided here once; a concern only says how two ok stages differ.
 */
import type { Snapshot, StageName, StageRecord } from '../probe/snapshot.js';
import { probeFailed } from '../probe/rules.js';
import { finding, type Finding } from '../rules/types.js';
import { skip, type Skip, type Skipped } from '../concerns/skips.js';
import type { CompareContext, Concern } from '../concerns/types.js';

/** A stage that failed in the baseline and in the candidate: shown, but not the candidate's fault. */
export interface PreExisting {
  model: string;
  target: string;
  stage: string;
  baselineError: string;
  candidateError: string;
}

/** What one model on one target looked like on both sides; each concern adds its figures under its table's resultKey. */
export interface ModelResult {
  model: string;
  target: string;
  /** Stage name → "baseline status/candidate status", e.g. "ok/error". */
  stages: Record<string, string>;
  tuningSystem: { baseline: string | null; candidate: string | null };
  [resultKey: string]: unknown;
}

export interface PairComparison {
  findings: Finding[];
  preExisting: PreExisting[];
  skipped: Skipped[];
  model: ModelResult;
}

export const errorText = (s: StageRecord | undefined): string => (s ? (s.message ?? s.reason ?? s.status) : 'missing');

const stageOf = (s: Snapshot, stage: StageName): StageRecord | undefined => (s.stages as Record<string, StageRecord | undefined>)[stage];

export function comparePair(base: Snapshot, cand: Snapshot, ctx: CompareContext, concerns: readonly Concern[]): PairComparison {
  const where = { model: ctx.model, target: ctx.target };
  const out: PairComparison = {
    findings: [],
    preExisting: [],
    skipped: [],
    model: { ...where, stages: {}, tuningSystem: { baseline: base.stages.hash_keys?.kind ?? null, candidate: cand.stages.hash_keys?.kind ?? null } },
  };
  const skipped = (check: string, s: Skip) => out.skipped.push({ ...where, check, ...s });
  for (const stage of ['import', ...concerns.map((c) => c.stage)] as StageName[]) {
    const b = stageOf(base, stage);
    const c = stageOf(cand, stage);
    if (b || c) out.model.stages[stage] = `${b?.status ?? 'missing'}/${c?.status ?? 'missing'}`;
  }

  const bi = base.stages.import;
  const ci = cand.stages.import;
  if (bi.status === 'ok' && ci.status !== 'ok') {
    out.findings.push(finding(probeFailed, { ...where, subject: 'import', args: { error: errorText(ci) }, evidence: ci.detail ? { candidate: ci.detail } : undefined }));
    return out;
  }
  if (bi.status !== 'ok') {
    if (ci.status !== 'ok') out.preExisting.push({ ...where, stage: 'import', baselineError: errorText(bi), candidateError: errorText(ci) });
    else skipped('all', skip('baseline-probe-failed', { error: errorText(bi) }));
    return out;
  }

  for (const concern of concerns) {
    const b = stageOf(base, concern.stage);
    const c = stageOf(cand, concern.stage);
    // Not asked for in this run: nothing to say.
    if (!c) continue;
    if (!b) {
      skipped(concern.id, skip('baseline-lacks-stage', { stage: concern.stage, baseline: ctx.baseline.name }));
      continue;
    }
    let compare = b.status === 'ok' && c.status === 'ok';
    const partial = () => concern.diffsPartial?.(b, c) ?? false;
    if (compare) {
      // both ok: the concern's diff below
    } else if (b.status === 'ok' && c.status === 'error') {
      out.findings.push(
        finding(concern.failedRule, { ...where, subject: concern.stage, args: { error: errorText(c), era: cand.era ?? 'unknown' }, evidence: c.detail ? { candidate: c.detail } : undefined }),
      );
      compare = partial();
    } else if (b.status === 'error' && c.status === 'error') {
      out.preExisting.push({ ...where, stage: concern.stage, baselineError: errorText(b), candidateError: errorText(c) });
      compare = partial();
    } else if (b.status === 'error' && c.status === 'ok') {
      if (concern.fixedRule) out.findings.push(finding(concern.fixedRule, { ...where, subject: concern.stage, args: { error: errorText(b) } }));
      compare = partial();
    } else if (b.status === 'ok') {
      // The candidate did not run it: explained when a stage it needs failed there (that stage was reported).
      const explained = concern.needs.some((n) => stageOf(cand, n)?.status !== 'ok');
      if (!explained) skipped(concern.id, skip('candidate-stage-not-run', { stage: concern.stage, reason: errorText(c) }));
    } else if (c.status === 'ok' || c.status === 'error') {
      // The baseline did not run it (a stage it needs failed there): it has nothing that could break.
      const failed = concern.needs.find((n) => stageOf(base, n)?.status !== 'ok') ?? concern.stage;
      skipped(concern.id, skip('baseline-has-none', { what: concern.noun, failed }));
    }
    if (!compare) continue;
    const diff = concern.diff(b, c, ctx, { baseline: base, candidate: cand });
    out.findings.push(...diff.findings);
    for (const s of diff.skipped) skipped(concern.id, s);
    if (diff.stats && concern.table) out.model[concern.table.resultKey] = diff.stats;
  }
  return out;
}
