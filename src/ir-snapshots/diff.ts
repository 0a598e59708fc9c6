import { skip, type Skip } from '../concerns/skips.js';
import type { CompareContext, ConcernDiff } from '../concerns/types.js';
import type { CrossCheck, FunctionVerdict, IrPhase, IrStage } from '../probe/snapshot.js';
import { finding, type Finding } from '../rules/types.js';
import { unifiedDiff } from '../util/text-diff.js';
import { functionText } from './blobs.js';
import { irFunctionAdded, irFunctionRemoved, irGraphChanged, irImportChanged, irJsonNoLongerLoads, irOpSetChanged, irPrinterOnlyChange, tirFunctionChanged } from './rules.js';

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

const PHASES: readonly IrPhase[] = ['import', 'optimized', 'lowered'];
const CHANGE_RULE = { import: irImportChanged, optimized: irGraphChanged, lowered: tirFunctionChanged } satisfies Record<IrPhase, unknown>;

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
export function diffIr(base: IrStage, cand: IrStage, ctx: CompareContext): ConcernDiff & { stats: IrStats } {
  const where = { model: ctx.model, target: ctx.target };
  const blobs = { baseline: ctx.baseline.blobs, candidate: ctx.candidate.blobs };
  const findings: Finding[] = [];
  const skipped: Skip[] = [];
  const stats: IrStats = { compared: 0, changed: 0, printerOnly: 0, irChanged: 0, undecided: 0, added: 0, removed: 0, jsonLoad: {} };
  // Verdicts made against another baseline (a stored candidate run diffed later) say nothing here.
  const cross = cand.crossCheck?.baseline === ctx.baseline.name ? cand.crossCheck : undefined;
  const verdicts = new Map((cross?.functions ?? []).map((v) => [`${v.phase}|${key(v)}`, v]));
  // The cross-check failing as a whole decided nothing, and loaded nothing: the JSON loads are unverified.
  if (cross?.error) skipped.push(skip('cross-check-failed', { error: cross.error }));
  for (const m of cross?.modules ?? []) {
    stats.jsonLoad[m.phase] = m.skipped ? 'skipped' : !m.loads ? 'fails' : m.structuralEqual === undefined ? 'loads' : m.structuralEqual ? 'equal' : 'different';
    if (m.skipped) skipped.push(skip('not-stored', { what: `the baseline's ${m.phase} IR JSON`, reason: m.skipped }));
    else if (m.loads === false) findings.push(finding(irJsonNoLongerLoads, { ...where, subject: m.phase, args: { error: m.error ?? 'unknown error' } }));
  }
  if (!cross) {
    // Nothing loaded the baseline's serialized IR in the candidate (a diff of two stored runs).
    for (const m of base.modules ?? []) if (m.json || m.jsonSha) skipped.push(skip('not-tried', { what: `loading the baseline's ${m.phase} IR JSON`, reason: 'no candidate TVM ran' }));
  }

  const baseImport = base.modules?.find((m) => m.phase === 'import');
  const candImport = cand.modules?.find((m) => m.phase === 'import');
  if (baseImport && candImport) {
    const before = new Set(baseImport.ops);
    const after = new Set(candImport.ops);
    const added = [...after].filter((o) => !before.has(o));
    const removed = [...before].filter((o) => !after.has(o));
    if (added.length || removed.length) {
      findings.push(finding(irOpSetChanged, { ...where, subject: 'import', args: { added: added.join(', ') || 'none', removed: removed.join(', ') || 'none' } }));
    }
  }

  // A phase that failed on either side was not collected there, nor any phase after it (Relay
  // lowers the optimized module): nothing in them is added or removed.
  const failedAt = Math.min(...[...(base.errors ?? []), ...(cand.errors ?? [])].map((e) => PHASES.indexOf(e.phase)), PHASES.length);
  for (const phase of PHASES.slice(failedAt)) {
    const collected = [...(base.functions ?? []), ...(cand.functions ?? [])].some((f) => f.phase === phase);
    if (collected) skipped.push(skip('phase-failed', { phase, failed: PHASES[failedAt]! }));
  }
  for (const phase of PHASES.slice(0, failedAt)) {
    const b = new Map((base.functions ?? []).filter((f) => f.phase === phase).map((f) => [key(f), f]));
    const c = new Map((cand.functions ?? []).filter((f) => f.phase === phase).map((f) => [key(f), f]));
    const printerOnly: { name: string; diff: string }[] = [];
    for (const [k, cf] of c) {
      const bf = b.get(k);
      if (!bf) {
        stats.added += 1;
        findings.push(finding(irFunctionAdded, { ...where, subject: cf.name, args: { phase, path: `${phase}/${cf.name}` } }));
        continue;
      }
      stats.compared += 1;
      // Stored on both sides: equal names of content mean equal texts, and no blob is read.
      if (bf.textSha !== undefined && bf.textSha === cf.textSha) continue;
      const before = functionText(bf, blobs.baseline);
      const after = functionText(cf, blobs.candidate);
      if (before === after) continue;
      stats.changed += 1;
      const diff = unifiedDiff(before, after, `${ctx.baseline.name}/${phase}/${cf.name}`, `${ctx.candidate.label}/${phase}/${cf.name}`);
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
      findings.push(finding(irFunctionRemoved, { ...where, subject: bf.name, args: { phase, path: `${phase}/${bf.name}` } }));
    }
    if (printerOnly.length) {
      findings.push(
        finding(irPrinterOnlyChange, {
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
