import { artifacts } from '../artifacts/index.js';
import { frontend } from '../frontend/index.js';
import { hashKeys } from '../hash-keys/index.js';
import { irSnapshots } from '../ir-snapshots/index.js';
import { tuningRecordsConcern } from '../tuning-records/concern.js';
import type { Concern, RunWants } from '../concerns/types.js';

/**
 * Every concern, in the order its stage runs (a concern comes after the stages it needs). Adding a
 * concern is one folder of src/ and one line here.
 */
export const CONCERNS: readonly Concern[] = [frontend, hashKeys, irSnapshots, artifacts, tuningRecordsConcern];

export const wantedConcerns = (run: RunWants): Concern[] => CONCERNS.filter((c) => c.wanted(run));
