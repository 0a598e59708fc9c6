import { resolve } from 'node:path';
import { DEFAULT_BASELINES, readBaseline, type Baseline } from '../../src/baseline/store.js';
import { packageRoot } from '../../src/paths.js';
import type { CompareContext } from '../../src/concerns/types.js';
import type { Snapshot } from '../../src/probe/snapshot.js';

/** Snapshots captured from real probe runs by scripts/capture-fixtures.sh (never typed by hand). */
export const FIXTURE_BASELINES = resolve(packageRoot, 'test', 'fixtures', 'baselines');

const cache = new Map<string, Baseline>();

/** A committed baseline (baselines/) or a captured fixture (test/fixtures/baselines/). */
export function baseline(name: string): Baseline {
  let b = cache.get(name);
  if (!b) {
    b = name.includes('-') ? readBaseline(FIXTURE_BASELINES, name) : readBaseline(DEFAULT_BASELINES, name);
    cache.set(name, b);
  }
  return b;
}

export function snapshot(baselineName: string, model: string, target = 'llvm'): Snapshot {
  const s = baseline(baselineName).snapshots.get(`${model}/${target}`);
  if (!s) throw new Error(`no snapshot ${model}/${target} in ${baselineName}`);
  return s;
}

/** The comparison context of a model between two stored baselines or fixtures, as the check builds it. */
export function compareContext(base: string, cand: string, model: string, target = 'llvm'): CompareContext {
  const b = baseline(base);
  const c = baseline(cand);
  return {
    model,
    target,
    baseline: { name: base, label: base, tvmVersion: b.manifest.fingerprint.tvmVersion, blobs: b.blobs },
    candidate: { label: cand, tvmVersion: c.manifest.fingerprint.tvmVersion, blobs: c.blobs },
  };
}
