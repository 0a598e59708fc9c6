/**
 * Whether a candidate run can be compared with a stored baseline at all, decided from the
 * manifest before any comparison: pure, returns data; the caller reports it.
 */
import { corpusDigest, sortById, type Corpus } from '../corpus/corpus.js';
import type { Manifest } from './store.js';

export type MismatchCode =
  /** The probe that made the baseline is not the candidate's: its records may mean other things. The baseline must be re-created. */
  | 'probe-version-differs'
  /** The same model id names other bytes: that model is not comparable. */
  | 'model-sha256-differs'
  /** The candidate runs a model the baseline does not have: not compared. */
  | 'model-not-in-baseline'
  /** The same target id names another target string: not comparable on that target. */
  | 'target-differs'
  /** The candidate runs a target the baseline does not have: not compared. */
  | 'target-not-in-baseline'
  /** Same models (by id and sha256) and targets, other corpus digest: the inputs (names, shapes, dtypes) changed. */
  | 'corpus-digest-differs';

export interface Mismatch {
  code: MismatchCode;
  args: Record<string, string>;
}

/** What the candidate will run: its probe's version and the corpus after --subset/--only/--model. */
export interface CandidateRun {
  probeVersion: string;
  corpus: Pick<Corpus, 'models' | 'targets'>;
}

/**
 * Every reason the candidate's results could not be compared with `baseline` as they stand,
 * sorted: probe version first, then models and targets by id.
 */
export function baselineMismatches(baseline: Pick<Manifest, 'probeVersion' | 'corpus'>, candidate: CandidateRun): Mismatch[] {
  const out: Mismatch[] = [];
  if (baseline.probeVersion !== candidate.probeVersion) {
    out.push({ code: 'probe-version-differs', args: { baseline: baseline.probeVersion, candidate: candidate.probeVersion } });
  }
  const baseModels = new Map(baseline.corpus.models.map((m) => [m.id, m]));
  for (const m of sortById(candidate.corpus.models)) {
    const b = baseModels.get(m.id);
    if (!b) out.push({ code: 'model-not-in-baseline', args: { model: m.id } });
    else if (b.sha256 !== m.sha256) out.push({ code: 'model-sha256-differs', args: { model: m.id, baseline: b.sha256, candidate: m.sha256 } });
  }
  const baseTargets = new Map(baseline.corpus.targets.map((t) => [t.id, t]));
  for (const t of sortById(candidate.corpus.targets)) {
    const b = baseTargets.get(t.id);
    if (!b) out.push({ code: 'target-not-in-baseline', args: { target: t.id } });
    else if (b.target !== t.target) out.push({ code: 'target-differs', args: { target: t.id, baseline: b.target, candidate: t.target } });
  }
  // The manifest keeps no inputs per model, only the digest of the whole corpus; it can be
  // compared only when the candidate runs exactly the baseline's models and targets.
  const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (
    !out.some((x) => x.code !== 'probe-version-differs') &&
    sameSet(candidate.corpus.models.map((m) => m.id), [...baseModels.keys()]) &&
    sameSet(candidate.corpus.targets.map((t) => t.id), [...baseTargets.keys()])
  ) {
    const digest = corpusDigest(candidate.corpus);
    if (digest !== baseline.corpus.digest) out.push({ code: 'corpus-digest-differs', args: { baseline: baseline.corpus.digest, candidate: digest } });
  }
  return out;
}
