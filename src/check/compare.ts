import { diffHashKeys } from '../hash-keys/diff.js';
import type { BlobSource } from '../ir-snapshots/blobs.js';
import { diffIr } from '../ir-snapshots/diff.js';
import type { Snapshot, StageRecord, TuningSystem } from '../probe/snapshot.js';
import type { Finding } from '../rules/types.js';
import { finding } from './finding.js';
import type { ModelResult, PreExisting, Skipped } from './types.js';

export interface PairComparison {
  findings: Finding[];
  preExisting: PreExisting[];
  skipped: Skipped[];
  model: ModelResult;
  /** Baseline tasks that cannot be compared because the tuning system differs between the two. */
  orphanedTasks: number;
}

export interface Sides {
  baseline: string;
  candidate: string;
  /** Where each side's IR texts are (a stored baseline keeps them in blobs). */
  blobs: { baseline: BlobSource; candidate: BlobSource };
}

const errorText = (s: StageRecord | undefined): string => (s ? (s.message ?? s.reason ?? s.status) : 'missing');

/** Compares the snapshots of one model on one target: stage outcomes first, then hash keys. */
export function compareSnapshots(base: Snapshot, cand: Snapshot, sides: Sides): PairComparison {
  const model = cand.model.id;
  const target = cand.target.id;
  const where = { model, target };
  const out: PairComparison = {
    findings: [],
    preExisting: [],
    skipped: [],
    orphanedTasks: 0,
    model: {
      model,
      target,
      stages: {},
      tuningSystem: { baseline: base.stages.hash_keys?.kind ?? null, candidate: cand.stages.hash_keys?.kind ?? null },
    },
  };
  for (const stage of ['import', 'frontend', 'hash_keys', 'ir'] as const) {
    if (!base.stages[stage] && !cand.stages[stage]) continue;
    out.model.stages[stage] = `${base.stages[stage]?.status ?? 'missing'}/${cand.stages[stage]?.status ?? 'missing'}`;
  }

  const bi = base.stages.import;
  const ci = cand.stages.import;
  if (bi.status === 'ok' && ci.status !== 'ok') {
    out.findings.push(finding('probe-failed', { ...where, subject: 'import', args: { error: errorText(ci) }, evidence: ci.detail ? { candidate: ci.detail } : undefined }));
    return out;
  }
  if (bi.status !== 'ok') {
    if (ci.status !== 'ok') out.preExisting.push({ ...where, stage: 'import', baselineError: errorText(bi), candidateError: errorText(ci) });
    else out.skipped.push({ ...where, check: 'all', reason: `the baseline's probe failed: ${errorText(bi)}` });
    return out;
  }

  const bf = base.stages.frontend;
  const cf = cand.stages.frontend;
  if (bf?.status === 'ok' && cf?.status !== 'ok') {
    if (cf?.status === 'error') {
      out.findings.push(finding('frontend-import-fails', { ...where, subject: 'frontend', args: { error: errorText(cf), ir: cand.era ?? 'unknown' } }));
    } else out.skipped.push({ ...where, check: 'frontend', reason: `candidate frontend ${errorText(cf)}` });
    return out;
  }
  if (bf?.status !== 'ok' && cf?.status === 'ok') {
    if (bf?.status === 'error') out.findings.push(finding('frontend-import-fixed', { ...where, subject: 'frontend', args: { error: errorText(bf) } }));
    out.skipped.push({ ...where, check: 'hash-keys', reason: `the baseline has no tasks: its frontend ${bf?.status === 'error' ? 'failed' : errorText(bf)}` });
    return out;
  }
  if (bf?.status !== 'ok' || cf?.status !== 'ok') {
    if (bf?.status === 'error' && cf?.status === 'error') {
      out.preExisting.push({ ...where, stage: 'frontend', baselineError: errorText(bf), candidateError: errorText(cf) });
    } else out.skipped.push({ ...where, check: 'frontend', reason: `frontend did not run (baseline: ${errorText(bf)}, candidate: ${errorText(cf)})` });
    return out;
  }

  compareHashKeys(base, cand, sides, out);
  compareIr(base, cand, sides, out);
  return out;
}

function compareHashKeys(base: Snapshot, cand: Snapshot, sides: Sides, out: PairComparison): void {
  const where = { model: out.model.model, target: out.model.target };
  const bk = base.stages.hash_keys;
  const ck = cand.stages.hash_keys;
  if (!bk && !ck) return;
  if (bk?.status === 'ok' && ck?.status === 'ok') {
    if (bk.kind !== ck.kind) {
      out.orphanedTasks = bk.tasks?.length ?? 0;
      return;
    }
    const diff = diffHashKeys(bk, ck, { ...where, baselineLabel: sides.baseline, candidateLabel: sides.candidate });
    out.findings.push(...diff.findings);
    out.model.keys = diff.stats;
  } else if (bk?.status === 'ok' && ck?.status === 'error') {
    out.findings.push(finding('hash-keys-failed', { ...where, subject: 'hash_keys', args: { error: errorText(ck) }, evidence: ck.detail ? { candidate: ck.detail } : undefined }));
  } else if (bk?.status === 'error' && ck?.status === 'error') {
    out.preExisting.push({ ...where, stage: 'hash_keys', baselineError: errorText(bk), candidateError: errorText(ck) });
  } else {
    out.skipped.push({ ...where, check: 'hash-keys', reason: `task extraction did not run on both sides (baseline: ${errorText(bk)}, candidate: ${errorText(ck)})` });
  }
}

function compareIr(base: Snapshot, cand: Snapshot, sides: Sides, out: PairComparison): void {
  const where = { model: out.model.model, target: out.model.target };
  const bi = base.stages.ir;
  const ci = cand.stages.ir;
  if (!bi || !ci) {
    // A baseline with IR checked without --ir is not a skipped check: nobody asked for it.
    if (ci) out.skipped.push({ ...where, check: 'ir', reason: `the baseline has no IR of this model (made without --ir)` });
    return;
  }
  if (base.era !== cand.era) {
    out.skipped.push({ ...where, check: 'ir', reason: `${base.era} IR and ${cand.era} IR are not comparable` });
    return;
  }
  if (bi.status === 'ok' && ci.status === 'error') {
    out.findings.push(finding('ir-failed', { ...where, subject: 'ir', args: { error: errorText(ci) } }));
  } else if (bi.status === 'error' && ci.status === 'error') {
    out.preExisting.push({ ...where, stage: 'ir', baselineError: errorText(bi), candidateError: errorText(ci) });
  }
  // A partial collection (status error) still carries the phases that succeeded: compare those.
  if (bi.functions && ci.functions) {
    const diff = diffIr(bi, ci, sides.blobs, { ...where, baselineLabel: sides.baseline, candidateLabel: sides.candidate });
    out.findings.push(...diff.findings);
    out.skipped.push(...diff.skipped.map((reason) => ({ ...where, check: 'ir', reason })));
    out.model.ir = diff.stats;
  } else if (bi.status !== 'error' || ci.status !== 'error') {
    out.skipped.push({ ...where, check: 'ir', reason: `IR missing (baseline: ${errorText(bi)}, candidate: ${errorText(ci)})` });
  }
}

/** One finding for the whole check when the tuning system itself changed between the two. */
export function tuningSystemFinding(baseline: TuningSystem, candidate: TuningSystem | null, tasks: number, models: number): Finding | null {
  if (baseline === candidate) return null;
  const rule = baseline === 'auto_scheduler' ? 'auto-scheduler-records-unusable' : 'meta-schedule-records-unusable';
  return finding(rule, { model: '*', target: '*', subject: baseline, args: { tasks, models, candidateKind: candidate ?? 'no tuning system' } });
}
