import { snapshotKey, type Baseline } from '../baseline/store.js';
import type { Capabilities, Fingerprint } from '../env/fingerprint.js';
import { NO_BLOBS, type BlobSource } from '../ir-snapshots/blobs.js';
import type { Snapshot, TuningSystem } from '../probe/snapshot.js';
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';
import { TOOL } from '../version.js';
import { compareSnapshots, tuningSystemFinding } from './compare.js';
import { environmentChanges } from './environment.js';
import { sortFindings } from './finding.js';
import type { CheckResult, EnvSummary, ModelResult, PreExisting, Skipped } from './types.js';

/** The candidate side of a comparison: a fresh run or another stored baseline. */
export interface CandidateSide {
  label: string;
  fingerprint: Fingerprint;
  capabilities: Capabilities;
  snapshots: Snapshot[];
  /** IR texts of a stored candidate; a fresh run keeps them inline. */
  blobs?: BlobSource;
}

/** The tuning system an environment's tasks are matched by, from what it can import. */
export function tuningSystemOf(c: Pick<Capabilities, 'relay' | 'autoScheduler' | 'metaSchedule'>): TuningSystem | null {
  if (c.relay && c.autoScheduler) return 'auto_scheduler';
  return c.metaSchedule ? 'meta_schedule' : null;
}

/** Why a model cannot be compared with the baseline, or null when it can. */
export function notComparable(baseline: Baseline, model: string, target: string, sha256: string): string | null {
  const base = baseline.snapshots.get(snapshotKey(model, target));
  if (!base) return `not in baseline ${baseline.manifest.name}`;
  if (base.model.sha256 !== sha256) return `model file differs from the one baseline ${baseline.manifest.name} was made from`;
  return null;
}

const byKey = <T>(key: (x: T) => string) => (a: T, b: T): number => key(a).localeCompare(key(b));

/**
 * Diffs every candidate snapshot against the baseline's snapshot of the same model and target
 * and builds the one CheckResult all renderers read. Snapshots without a baseline counterpart,
 * or made from another model file, are listed as not compared.
 */
export function assembleResult(baseline: Baseline, cand: CandidateSide, corpus: { models: number; targets: string[] }, skippedBefore: Skipped[] = []): CheckResult {
  const name = baseline.manifest.name;
  const findings: Finding[] = [];
  const preExisting: PreExisting[] = [];
  const skipped: Skipped[] = [...skippedBefore];
  const models: ModelResult[] = [];
  let orphaned = 0;
  let orphanedModels = 0;
  for (const snapshot of cand.snapshots) {
    const reason = notComparable(baseline, snapshot.model.id, snapshot.target.id, snapshot.model.sha256);
    const base = baseline.snapshots.get(snapshotKey(snapshot.model.id, snapshot.target.id));
    if (reason || !base) {
      skipped.push({ model: snapshot.model.id, target: snapshot.target.id, check: 'all', reason: reason ?? 'no baseline snapshot' });
      continue;
    }
    const cmp = compareSnapshots(base, snapshot, { baseline: name, candidate: cand.label, blobs: { baseline: baseline.blobs, candidate: cand.blobs ?? NO_BLOBS } });
    findings.push(...cmp.findings);
    preExisting.push(...cmp.preExisting);
    skipped.push(...cmp.skipped);
    models.push(cmp.model);
    orphaned += cmp.orphanedTasks;
    if (cmp.orphanedTasks) orphanedModels += 1;
  }
  const baseSystem = tuningSystemOf(baseline.manifest.capabilities);
  if (baseSystem) {
    const era = tuningSystemFinding(baseSystem, tuningSystemOf(cand.capabilities), orphaned, orphanedModels);
    if (era) findings.push(era);
  }
  const sorted = sortFindings(findings);
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, sorted.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  return {
    tool: { ...TOOL },
    baseline: { name, ...summarise(baseline.manifest.env.label, baseline.manifest.fingerprint, baseline.manifest.capabilities) },
    candidate: summarise(cand.label, cand.fingerprint, cand.capabilities),
    corpus,
    environment: environmentChanges(baseline.manifest.fingerprint, cand.fingerprint),
    findings: sorted,
    preExisting: preExisting.sort(byKey((p) => `${p.model}/${p.target}/${p.stage}`)),
    skipped: skipped.sort(byKey((s) => `${s.model}/${s.target}/${s.check}`)),
    models: models.sort(byKey((m) => `${m.model}/${m.target}`)),
    summary,
  };
}

function summarise(label: string, fp: CandidateSide['fingerprint'], caps: Capabilities): EnvSummary {
  const system = tuningSystemOf(caps);
  return { label, tvmVersion: fp.tvmVersion, gitCommit: fp.gitCommit ?? null, era: system === 'auto_scheduler' ? 'relay' : caps.relax ? 'relax' : null };
}
