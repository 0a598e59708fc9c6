import { skip } from '../concerns/skips.js';
import type { Concern } from '../concerns/types.js';
import type { IrStage } from '../probe/snapshot.js';
import { crossCheckInput } from './cross-input.js';
import { diffIr, type IrStats } from './diff.js';
import { IR_RULES, irFailed } from './rules.js';

const jsonLoadText = (load: unknown): string =>
  Object.entries(load as IrStats['jsonLoad'])
    .map(([phase, result]) => `${phase} ${result}`)
    .join(', ') || 'not tried';

/** The model's IR per phase, and the candidate's own verdict on printer churn vs IR change. */
export const irSnapshots: Concern<IrStage> = {
  id: 'ir-snapshots',
  stage: 'ir',
  noun: 'IR',
  collector: 'ir-snapshots/collect.py',
  needs: ['frontend'],
  // GPU targets record only what depends on the target (relay.py, relax.py): Relay's optimized
  // module and lowered TIR, Relax's PrimFuncs with dlight's GPU schedules. Target c builds
  // through the same lowering as llvm.
  targetKinds: ['llvm', 'cuda', 'vulkan'],
  wanted: (run) => run.ir,
  failedRule: irFailed,
  crossInput: (base, baseline) => crossCheckInput(base, baseline),
  notCompared: (_b, _c, s) => (s.baseline.era !== s.candidate.era ? `${s.baseline.era} IR and ${s.candidate.era} IR do not pair` : undefined),
  diff(base, cand, ctx, snapshots) {
    if (snapshots.baseline.era !== snapshots.candidate.era) {
      return { findings: [], skipped: [skip('not-comparable', { what: 'IR', baseline: String(snapshots.baseline.era), candidate: String(snapshots.candidate.era) })] };
    }
    return diffIr(base, cand, ctx);
  },
  // A phase that failed keeps what came before it: compare that too.
  diffsPartial: (base, cand) => Boolean(base.functions?.length && cand.functions?.length),
  table: {
    resultKey: 'ir',
    title: {
      text: 'IR functions that print differently, and what the candidate decided (printer churn, IR change, undecided)',
      markdown: 'IR',
    },
    columns: [
      { key: 'compared', title: 'compared', markdown: 'functions compared', format: 'count' },
      { key: 'changed', title: 'changed', markdown: 'print differently', format: 'count' },
      { key: 'printerOnly', title: 'printer', markdown: 'printer churn', format: 'count' },
      { key: 'irChanged', title: 'IR', markdown: 'IR change', format: 'count' },
      { key: 'undecided', title: 'undecided', markdown: 'undecided', format: 'count' },
      { key: 'jsonLoad', title: 'baseline JSON', markdown: 'baseline JSON in candidate', format: jsonLoadText },
    ],
  },
  rules: IR_RULES,
};
