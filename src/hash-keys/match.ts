import semver from 'semver';
import type { HashKeyTask } from '../probe/snapshot.js';

/** How a baseline task was paired with a candidate task, strongest evidence first. */
export type MatchKind = 'key' | 'text' | 'identity' | 'reordered';

export interface TaskPair {
  by: MatchKind;
  baseline: HashKeyTask;
  candidate: HashKeyTask;
}

export interface TaskMatching {
  pairs: TaskPair[];
  removed: HashKeyTask[];
  added: HashKeyTask[];
}

/** What a record is matched by: auto_scheduler compares md5 and shapes, MetaSchedule the hash. */
export const recordKey = (t: HashKeyTask): string => t.workloadKey ?? t.key;

/**
 * Whether this TVM's MetaSchedule JSONDatabase recomputes each stored workload's structural hash
 * when it opens a database (v0.12 on, apache/tvm#14188), rather than refusing one whose stored hash
 * differs (v0.10, v0.11: "ValueError: Module hash changed"). A version that does not parse is
 * taken as the stricter kind.
 */
export function recomputesStoredHashes(tvmVersion: string): boolean {
  const v = semver.coerce(tvmVersion);
  return v !== null && semver.gte(v, '0.12.0');
}

const shapesOf = (t: HashKeyTask): string => JSON.stringify(t.shapes);

/**
 * Name without TVM's de-duplication suffixes ("fused_conv2d_add_relu_3" and "conv2d1" become
 * "fused_conv2d_add_relu" and "conv2d"), so that a renumbered task is still the same task.
 */
export function baseName(name: string): string {
  return name
    .split(',')
    .map((part) => part.replace(/_?\d+$/, ''))
    .join(',');
}

const identity = (t: HashKeyTask): string => `${baseName(t.name)}|${shapesOf(t)}`;
const textKey = (t: HashKeyTask): string => `${t.text}|${shapesOf(t)}`;
/** Name and the shapes as a set: a same-maths rewrite may reorder the tensors a key lists. */
const reordered = (t: HashKeyTask): string => `${baseName(t.name)}|${JSON.stringify(t.shapes.map((s) => JSON.stringify(s)).sort())}`;

/**
 * Pairs tasks by record key, then by identical text, then by name and shapes, then by name and
 * the same shapes in another order. Whatever is left is removed (baseline only) or added
 * (candidate only). Within one bucket, tasks pair in
 * sorted order, so the result is deterministic.
 */
export function matchTasks(baseline: HashKeyTask[], candidate: HashKeyTask[]): TaskMatching {
  const pairs: TaskPair[] = [];
  let base = [...baseline];
  let cand = [...candidate];
  for (const [by, keyOf] of [
    ['key', recordKey],
    ['text', textKey],
    ['identity', identity],
    ['reordered', reordered],
  ] as const) {
    const buckets = new Map<string, HashKeyTask[]>();
    for (const t of cand) {
      const k = keyOf(t);
      const list = buckets.get(k);
      if (list) list.push(t);
      else buckets.set(k, [t]);
    }
    const usedCand = new Set<HashKeyTask>();
    const restBase: HashKeyTask[] = [];
    for (const b of base) {
      const c = buckets.get(keyOf(b))?.shift();
      if (c) {
        pairs.push({ by, baseline: b, candidate: c });
        usedCand.add(c);
      } else restBase.push(b);
    }
    base = restBase;
    cand = cand.filter((t) => !usedCand.has(t));
  }
  return { pairs, removed: base, added: cand };
}
