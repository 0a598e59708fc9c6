import { finding } from '../check/finding.js';
import type { CrossCheck, FunctionVerdict, IrPhase, IrStage } from '../probe/snapshot.js';
import type { Finding } from '../rules/types.js';
import { unifiedDiff } from '../util/text-diff.js';
import { functionText, type BlobSource } from './blobs.js';

export interface IrStats {
  /** Functions present on both sides, all phases. */
  compared: number;
  /** Of those, how many print differently. */
  changed: number;
  /** Of the changed: the candidate re-parsed the baseline's text and found it structurally equal. */
  printerOnly: number;
  /** Of the changed: structurally different when re-parsed. */
  irChanged: number;
  /** Of the changed: not decided (no candidate TVM ran, or its parser rejected the baseline's text). */
  undecided: number;
  added: number;
  removed: number;
  /** The baseline's save_json per phase, loaded by the candidate: equal / different (loaded, compared) / fails / skipped. */
  jsonLoad: Partial<Record<IrPhase, 'equal' | 'different' | 'loads' | 'fails' | 'skipped'>>;
}

export interface IrDiffContext {
  model: string;
  target: string;
  baselineLabel: string;
  candidateLabel: string;
}

const PHASES: readonly IrPhase[] = ['import', 'optimized', 'lowered'];
const CHANGE_RULE = { import: 'ir-import-changed', optimized: 'ir-graph-changed', lowered: 'tir-function-changed' } as const satisfies Record<IrPhase, string>;

const key = (f: { kind: string; name: string }): string => `${f.kind}|${f.name}`;

/** Words for a changed function's verdict, shown in the finding's message. */
function decision(verdict: FunctionVerdict | undefined, cross: CrossCheck | undefined): string {
  if (!cross) return 'printer or IR not decided: no candidate TVM checked the baseline\'s text';
  if (cross.error) return `printer or IR not decided: the cross-check failed: ${cross.error}`;
  if (!verdict) return 'printer or IR not decided: the candidate reported no verdict';
  if (verdict.verdict === 'ir') return `an IR change: the baseline's text, parsed by the candidate, is structurally different${verdict.note ? `; ${verdict.note}` : ''}`;
  return `printer or IR not decided: the candidate cannot parse the baseline's text (${verdict.error ?? 'no reason given'})`;
}

/**
 * Compares IR phase by phase. Hashes are computed inside each TVM and do not compare across
 * versions, so a function "changed" when its text differs; the text is read only then, and only
 * for functions on both sides. Whether a changed text is printer churn or an IR change is what the
 * candidate decided against the baseline's IR (cand.crossCheck, see cross_check.py): printer-only
 * functions are folded into one info finding per phase; the rest keep their phase's rule, with the
 * decision in the message.
 */
export function diffIr(
  base: IrStage,
  cand: IrStage,
  blobs: { baseline: BlobSource; candidate: BlobSource },
  ctx: IrDiffContext,
): { findings: Finding[]; stats: IrStats; skipped: string[] } {
  const where = { model: ctx.model, target: ctx.target };
  const findings: Finding[] = [];
  const skipped: string[] = [];
  const stats: IrStats = { compared: 0, changed: 0, printerOnly: 0, irChanged: 0, undecided: 0, added: 0, removed: 0, jsonLoad: {} };
  // Verdicts made against another baseline (a stored candidate run diffed later) say nothing here.
  const cross = cand.crossCheck?.baseline === ctx.baselineLabel ? cand.crossCheck : undefined;
  const verdicts = new Map((cross?.functions ?? []).map((v) => [`${v.phase}|${key(v)}`, v]));
  for (const m of cross?.modules ?? []) {
    stats.jsonLoad[m.phase] = m.skipped ? 'skipped' : !m.loads ? 'fails' : m.structuralEqual === undefined ? 'loads' : m.structuralEqual ? 'equal' : 'different';
    if (m.skipped) skipped.push(`loading the baseline's ${m.phase} IR JSON: ${m.skipped}`);
    else if (m.loads === false) findings.push(finding('ir-json-no-longer-loads', { ...where, subject: m.phase, args: { error: m.error ?? 'unknown error' } }));
  }

  const baseImport = base.modules?.find((m) => m.phase === 'import');
  const candImport = cand.modules?.find((m) => m.phase === 'import');
  if (baseImport && candImport) {
    const before = new Set(baseImport.ops);
    const after = new Set(candImport.ops);
    const added = [...after].filter((o) => !before.has(o));
    const removed = [...before].filter((o) => !after.has(o));
    if (added.length || removed.length) {
      findings.push(finding('ir-op-set-changed', { ...where, subject: 'import', args: { added: added.join(', ') || 'none', removed: removed.join(', ') || 'none' } }));
    }
  }

  // A phase that failed on either side was not collected there: nothing in it is added or removed.
  const failed = new Set([...(base.errors ?? []), ...(cand.errors ?? [])].map((e) => e.phase));
  for (const phase of PHASES.filter((p) => !failed.has(p))) {
    const b = new Map((base.functions ?? []).filter((f) => f.phase === phase).map((f) => [key(f), f]));
    const c = new Map((cand.functions ?? []).filter((f) => f.phase === phase).map((f) => [key(f), f]));
    const printerOnly: { name: string; diff: string }[] = [];
    for (const [k, cf] of c) {
      const bf = b.get(k);
      if (!bf) {
        stats.added += 1;
        findings.push(finding('ir-function-added', { ...where, subject: cf.name, args: { phase, path: `${phase}/${cf.name}` } }));
        continue;
      }
      stats.compared += 1;
      // Stored on both sides: equal names of content mean equal texts, and no blob is read.
      if (bf.textSha !== undefined && bf.textSha === cf.textSha) continue;
      const before = functionText(bf, blobs.baseline);
      const after = functionText(cf, blobs.candidate);
      if (before === after) continue;
      stats.changed += 1;
      const diff = unifiedDiff(before, after, `${ctx.baselineLabel}/${phase}/${cf.name}`, `${ctx.candidateLabel}/${phase}/${cf.name}`);
      const verdict = verdicts.get(`${phase}|${k}`);
      if (verdict?.verdict === 'printer' && !cross?.error) {
        stats.printerOnly += 1;
        printerOnly.push({ name: cf.name, diff });
        continue;
      }
      if (verdict?.verdict === 'ir' && !cross?.error) stats.irChanged += 1;
      else stats.undecided += 1;
      findings.push(
        finding(CHANGE_RULE[phase], {
          ...where,
          subject: cf.name,
          args: { phase, path: `${phase}/${cf.name}`, decision: decision(verdict, cross) },
          evidence: { diff },
        }),
      );
    }
    for (const [k, bf] of b) {
      if (c.has(k)) continue;
      stats.removed += 1;
      findings.push(finding('ir-function-removed', { ...where, subject: bf.name, args: { phase, path: `${phase}/${bf.name}` } }));
    }
    if (printerOnly.length) {
      findings.push(
        finding('ir-printer-only-change', {
          ...where,
          subject: phase,
          args: { functions: printerOnly.length, names: printerOnly.map((p) => p.name).join(', ') },
          evidence: { diff: printerOnly.map((p) => p.diff).join('\n') },
        }),
      );
    }
  }
  return { findings, stats, skipped };
}
