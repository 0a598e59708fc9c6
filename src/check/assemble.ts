import type { Baseline } from '../baseline/store.js';
import { comparePair, type ModelResult, type PreExisting } from './compare.js';
import { CONCERNS } from './concerns.js';
import { isIncomplete, type Skipped } from '../concerns/skips.js';
import type { CompareContext } from '../concerns/types.js';
import { eraOf } from '../env/capabilities.js';
import type { Capabilities, Fingerprint } from '../env/fingerprint.js';
import { NO_BLOBS, type BlobSource } from '../ir-snapshots/blobs.js';
import type { Snapshot, StageRecord } from '../probe/snapshot.js';
import { SEVERITIES, sortFindings, type Finding, type Severity } from '../rules/types.js';
import { TOOL } from '../version.js';
import { environmentChanges } from './environment.js';
import { targetTable } from './targets.js';
import { baselineSnapshot, isSkip } from './plan.js';
import type { CheckResult, EnvSummary, Verdict } from './types.js';

/** The candidate side of a comparison: a fresh run or another stored baseline. */
export interface CandidateSide {
  label: string;
  fingerprint: Fingerprint;
  capabilities: Capabilities;
  snapshots: Snapshot[];
  /** Texts and files of a stored candidate; a fresh run keeps texts inline. */
  blobs?: BlobSource;
}

const byKey = <T>(key: (x: T) => string) => (a: T, b: T): number => key(a).localeCompare(key(b));

/** The one rule: any breaking finding is breaking; else any comparison that could not be made is incomplete. */
export function verdictOf(findings: Finding[], skipped: Skipped[]): Verdict {
  if (findings.some((f) => f.severity === 'breaking')) return 'breaking';
  return skipped.some(isIncomplete) ? 'incomplete' : 'compatible';
}

/**
 * Diffs every candidate snapshot against the baseline's snapshot of the same model and target
 * with every concern, and builds the one CheckResult all renderers read.
 */
export function assembleResult(baseline: Baseline, cand: CandidateSide, corpus: CheckResult['corpus'], notRun: Skipped[] = []): CheckResult {
  const name = baseline.manifest.name;
  const findings: Finding[] = [];
  const preExisting: PreExisting[] = [];
  const skipped: Skipped[] = [...notRun];
  const models: ModelResult[] = [];
  const compared: { base: Snapshot; cand: Snapshot }[] = [];
  const pairs = new Map(CONCERNS.map((c) => [c.id, [] as { model: string; target: string; base: StageRecord | undefined; cand: StageRecord | undefined }[]]));
  for (const snapshot of cand.snapshots) {
    const where = { model: snapshot.model.id, target: snapshot.target.id };
    const base = baselineSnapshot(baseline, snapshot);
    if (isSkip(base)) {
      skipped.push({ ...where, check: 'all', ...base });
      continue;
    }
    const ctx: CompareContext = {
      ...where,
      baseline: { name, label: name, tvmVersion: baseline.manifest.fingerprint.tvmVersion, blobs: baseline.blobs },
      candidate: { label: cand.label, tvmVersion: cand.fingerprint.tvmVersion, blobs: cand.blobs ?? NO_BLOBS },
    };
    const cmp = comparePair(base, snapshot, ctx, CONCERNS);
    compared.push({ base, cand: snapshot });
    findings.push(...cmp.findings);
    preExisting.push(...cmp.preExisting);
    skipped.push(...cmp.skipped);
    models.push(cmp.model);
    for (const c of CONCERNS) {
      const stage = (s: Snapshot) => (s.stages as Record<string, StageRecord | undefined>)[c.stage];
      pairs.get(c.id)!.push({ ...where, base: stage(base), cand: stage(snapshot) });
    }
  }
  for (const c of CONCERNS) if (c.overall) findings.push(...c.overall(pairs.get(c.id)!, { baseline: baseline.manifest.capabilities, candidate: cand.capabilities }));
  const sorted = sortFindings(findings);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, sorted.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const sortedSkips = skipped.sort(byKey((s) => `${s.model}/${s.target}/${s.check}/${s.code}/${JSON.stringify(s.args)}`));
  return {
    tool: { ...TOOL },
    verdict: verdictOf(sorted, sortedSkips),
    baseline: { name, ...summarise(baseline.manifest.env.label, baseline.manifest.fingerprint, baseline.manifest.capabilities) },
    candidate: summarise(cand.label, cand.fingerprint, cand.capabilities),
    corpus,
    targets: targetTable(compared, CONCERNS, corpus.targets, corpus.notRun),
    environment: environmentChanges(baseline.manifest.fingerprint, cand.fingerprint),
    findings: sorted,
    preExisting: preExisting.sort(byKey((p) => `${p.model}/${p.target}/${p.stage}`)),
    skipped: sortedSkips,
    models: models.sort(byKey((m) => `${m.model}/${m.target}`)),
    summary: { ...counts, incomplete: sortedSkips.filter(isIncomplete).length },
  };
}

function summarise(label: string, fp: Fingerprint, caps: Capabilities): EnvSummary {
  return { label, tvmVersion: fp.tvmVersion, gitCommit: fp.gitCommit ?? null, era: eraOf(caps) };
}
