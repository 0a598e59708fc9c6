/**
 * A corpus target string that the candidate completes differently from the baseline (a default
 * that moved: -mtriple, the CUDA arch, thread limits), once per target, with what the candidate
 * measured of its effect on the keys (hash-keys/collect.py, _under_baseline_target).
 */
import type { HashKeysStage, UnderBaselineTarget } from '../probe/snapshot.js';
import { finding, type Finding } from '../rules/types.js';
import { targetDefaultChanged } from './rules.js';

type Completed = Record<string, unknown>;

const show = (v: unknown): string => (v === undefined ? '(none)' : Array.isArray(v) ? v.join(',') : String(v));
/**
 * An attribute's value as TVM means it: a boolean attribute exported as 1 by v0.10 (an IntImm) and
 * as true by v0.19 (a Bool) is one value, as it is to the probe (Python: 1 == True), which then
 * does not extract again.
 */
const value = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x === true ? 1 : x === false ? 0 : x));
const stable = (t: Completed): string => JSON.stringify(Object.keys(t).sort().map((k) => [k, value(t[k])]));

/** "mtriple: x86_64-unknown-linux-gnu → x86_64-conda-linux-gnu", one per attribute that differs. */
export function targetChanges(base: Completed, cand: Completed): string[] {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(cand)])].sort();
  return keys.filter((k) => value(base[k]) !== value(cand[k])).map((k) => `${k}: ${show(base[k])} → ${show(cand[k])}`);
}

function effect(models: number, under: UnderBaselineTarget[], sameSystem: boolean): string {
  const measured = under.filter((u) => u.measured);
  if (measured.length) {
    const moved = measured.reduce((s, u) => s + (u.moved ?? 0), 0);
    const recovered = measured.reduce((s, u) => s + (u.recovered ?? 0), 0);
    const cause = recovered ? `this default is the cause of ${recovered} moved key(s)` : 'it is the cause of no moved key';
    return `re-extracted for the baseline's target in ${measured.length} of ${models} model(s): it moves ${moved} key(s) and brings back ${recovered} of the baseline's (${cause})`;
  }
  if (under.length) return `not measured: ${[...new Set(under.map((u) => u.reason ?? '?'))].join('; ')}`;
  return sameSystem ? 'not measured: no candidate TVM ran (a diff of two stored runs)' : 'not measured: the tuning systems differ, so no key could come back';
}

export function targetDefaultFindings(pairs: { target: string; base: HashKeysStage | undefined; cand: HashKeysStage | undefined }[]): Finding[] {
  const byTarget = new Map<string, { base: Completed; cand: Completed; models: number; under: UnderBaselineTarget[]; sameSystem: boolean }>();
  for (const { target, base, cand } of pairs) {
    const b = base?.status === 'ok' ? base.canonicalTarget : undefined;
    const c = cand?.status === 'ok' ? cand.canonicalTarget : undefined;
    if (!b || !c || stable(b) === stable(c)) continue;
    const entry = byTarget.get(target) ?? { base: b, cand: c, models: 0, under: [], sameSystem: base?.kind === cand?.kind };
    entry.models += 1;
    if (cand?.underBaselineTarget) entry.under.push(cand.underBaselineTarget);
    byTarget.set(target, entry);
  }
  return [...byTarget].map(([target, e]) =>
    finding(targetDefaultChanged, {
      model: '*',
      target,
      subject: target,
      args: {
        changes: targetChanges(e.base, e.cand).join(', '),
        effect: effect(e.models, e.under, e.sameSystem),
        baselineTarget: JSON.stringify(e.base),
        candidateTarget: JSON.stringify(e.cand),
      },
    }),
  );
}
