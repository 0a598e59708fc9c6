import { artifacts } from '../artifacts/index.js';
import { frontend } from '../frontend/index.js';
import { hashKeys } from '../hash-keys/index.js';
import { irSnapshots } from '../ir-snapshots/index.js';
import { tuningRecordsConcern } from '../tuning-records/concern.js';
import type { Concern, RunWants } from '../concerns/types.js';
import type { Snapshot } from '../probe/snapshot.js';

/**
 * Every concern, in the order its stage runs (a concern comes after the stages it needs). Adding a
 * concern is one folder of src/ and one line here.
 */
export const CONCERNS: readonly Concern[] = [frontend, hashKeys, irSnapshots, artifacts, tuningRecordsConcern];

export const wantedConcerns = (run: RunWants): Concern[] => CONCERNS.filter((c) => c.wanted(run));

/** Each snapshot as a stored baseline keeps it: every concern's `store` (the artifacts concern keeps digests of some libraries). */
export function forStorage(snapshots: Snapshot[], subsets: Readonly<Record<string, string[]>> = {}): Snapshot[] {
  return snapshots.map((s) => {
    let stages = s.stages;
    for (const c of CONCERNS) {
      const stage = (stages as Record<string, Snapshot['stages']['import'] | undefined>)[c.stage];
      const kept = stage && c.store ? c.store(stage, s.model.id, subsets) : stage;
      if (kept !== stage) stages = { ...stages, [c.stage]: kept };
    }
    return stages === s.stages ? s : { ...s, stages };
  });
}
