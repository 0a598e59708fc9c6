import diff from 'microdiff';
import type { Fingerprint } from '../env/fingerprint.js';

/** One fingerprint field that differs between baseline and candidate, e.g. packages.apache-tvm-ffi. */
export interface EnvChange {
  path: string;
  baseline: string | null;
  candidate: string | null;
}

/** Where the environment lives says nothing about its behaviour. */
const IGNORED = new Set(['tvmPath']);

/**
 * What differs between the two environments: versions, build flags, packages. Context for the
 * findings (a same-text key change next to a changed apache-tvm-ffi explains itself).
 * microdiff over deep-diff: same paths on real fingerprints and snapshots, 2-4x faster where
 * there are differences, native ESM with types, maintained (bench/structural-diff.mjs).
 */
export function environmentChanges(base: Partial<Fingerprint>, cand: Partial<Fingerprint>): EnvChange[] {
  const show = (v: unknown): string | null => (v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return diff(base as Record<string, unknown>, cand as Record<string, unknown>)
    .filter((d) => !IGNORED.has(String(d.path[0])))
    .map((d) => ({
      path: d.path.join('.'),
      baseline: show(d.type === 'CREATE' ? null : d.oldValue),
      candidate: show(d.type === 'REMOVE' ? null : d.value),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}
