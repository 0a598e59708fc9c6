import type { SideInfo } from '../concerns/types.js';
import type { CrossCheckInput, IrStage } from '../probe/snapshot.js';
import { functionText } from './blobs.js';

/**
 * The baseline's IR of one model, as the candidate's probe needs it to tell printer churn from
 * IR change (src/ir-snapshots/cross_check.py): every function's text, and each phase's
 * save_json or the reason the baseline has none. Undefined when the baseline has no IR.
 */
export function crossCheckInput(ir: IrStage, baseline: SideInfo & { name: string }): CrossCheckInput | undefined {
  if (!ir.functions?.length) return undefined;
  const { blobs } = baseline;
  return {
    baseline: baseline.name,
    tvmVersion: baseline.tvmVersion,
    functions: ir.functions.map((f) => ({ phase: f.phase, kind: f.kind, name: f.name, text: functionText(f, blobs) })),
    modules: (ir.modules ?? []).map((m) => {
      const json = m.json ?? (m.jsonSha ? blobs.get(m.jsonSha) : null);
      return json ? { phase: m.phase, json } : { phase: m.phase, skipped: `the baseline has no save_json of this phase: ${m.jsonError ?? 'not stored'}` };
    }),
  };
}
