import { finding } from '../check/finding.js';
import type { IrFunction, IrPhase, IrStage } from '../probe/snapshot.js';
import type { Finding } from '../rules/types.js';
import { unifiedDiff } from '../util/text-diff.js';
import { functionText, type BlobSource } from './blobs.js';

export interface IrStats {
  /** Functions present on both sides, all phases. */
  compared: number;
  /** Of those, how many print differently. */
  changed: number;
  added: number;
  removed: number;
  /** Phases whose text changes the cross-load proved to be printer churn. */
  printerOnlyPhases: IrPhase[];
}

export interface IrDiffContext {
  model: string;
  target: string;
  baselineLabel: string;
  candidateLabel: string;
}

const PHASES: readonly IrPhase[] = ['import', 'optimized', 'lowered'];
const CHANGE_RULE = { import: 'ir-import-changed', optimized: 'ir-graph-changed', lowered: 'tir-function-changed' } as const satisfies Record<IrPhase, string>;

const key = (f: IrFunction): string => `${f.kind}|${f.name}`;

/**
 * Compares IR phase by phase. Hashes are computed inside each TVM and do not compare across
 * versions, so a function "changed" when its text differs; the text is read only then, and only
 * for functions on both sides. Whether a phase's text changes are IR changes or printer churn is
 * decided by the candidate loading the baseline's JSON (crossLoad): structurally equal means
 * printer only.
 */
export function diffIr(base: IrStage, cand: IrStage, blobs: { baseline: BlobSource; candidate: BlobSource }, ctx: IrDiffContext): { findings: Finding[]; stats: IrStats } {
  const where = { model: ctx.model, target: ctx.target };
  const findings: Finding[] = [];
  const stats: IrStats = { compared: 0, changed: 0, added: 0, removed: 0, printerOnlyPhases: [] };
  const crossLoad = new Map((cand.crossLoad ?? []).map((c) => [c.phase, c]));
  for (const c of crossLoad.values()) {
    if (!c.loads) findings.push(finding('ir-json-no-longer-loads', { ...where, subject: c.phase, args: { error: c.error ?? 'unknown error' } }));
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
    const changed: Finding[] = [];
    for (const [k, cf] of c) {
      const bf = b.get(k);
      if (!bf) {
        stats.added += 1;
        findings.push(finding('ir-function-added', { ...where, subject: cf.name, args: { phase, path: `${phase}/${cf.name}` } }));
        continue;
      }
      stats.compared += 1;
      const before = functionText(bf, blobs.baseline);
      const after = functionText(cf, blobs.candidate);
      if (before === after) continue;
      stats.changed += 1;
      changed.push(
        finding(CHANGE_RULE[phase], {
          ...where,
          subject: cf.name,
          args: { phase, path: `${phase}/${cf.name}` },
          evidence: { diff: unifiedDiff(before, after, `${ctx.baselineLabel}/${phase}/${cf.name}`, `${ctx.candidateLabel}/${phase}/${cf.name}`) },
        }),
      );
    }
    for (const [k, bf] of b) {
      if (c.has(k)) continue;
      stats.removed += 1;
      findings.push(finding('ir-function-removed', { ...where, subject: bf.name, args: { phase, path: `${phase}/${bf.name}` } }));
    }
    const proof = crossLoad.get(phase);
    if (changed.length && proof?.loads && proof.structuralEqual === true) {
      stats.printerOnlyPhases.push(phase);
      findings.push(finding('ir-printer-only-change', { ...where, subject: phase, args: { functions: changed.length } }));
    } else findings.push(...changed);
  }
  return { findings, stats };
}
