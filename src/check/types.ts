import type { KeyStats } from '../hash-keys/diff.js';
import type { IrStats } from '../ir-snapshots/diff.js';
import type { EnvChange } from './environment.js';
import type { TuningSystem } from '../probe/snapshot.js';
import type { Finding, Severity } from '../rules/types.js';

/** A stage that failed in the baseline and in the candidate: shown, but not the candidate's fault. */
export interface PreExisting {
  model: string;
  target: string;
  stage: string;
  baselineError: string;
  candidateError: string;
}

/** A comparison that could not be made; never counted as passed. */
export interface Skipped {
  model: string;
  target: string;
  check: string;
  reason: string;
}

/** What one model on one target looked like on both sides. */
export interface ModelResult {
  model: string;
  target: string;
  /** Stage name → "baseline status/candidate status", e.g. "ok/error". */
  stages: Record<string, string>;
  tuningSystem: { baseline: TuningSystem | null; candidate: TuningSystem | null };
  /** Present when both sides extracted tasks with the same tuning system. */
  keys?: KeyStats;
  /** Present when both sides collected IR of the same era. */
  ir?: IrStats;
}

export interface EnvSummary {
  label: string;
  tvmVersion: string;
  gitCommit: string | null;
  era: 'relay' | 'relax' | null;
}

export interface CheckResult {
  tool: { name: string; version: string };
  baseline: EnvSummary & { name: string };
  candidate: EnvSummary;
  corpus: { models: number; targets: string[] };
  /** Fingerprint fields that differ: the context of the findings. */
  environment: EnvChange[];
  findings: Finding[];
  preExisting: PreExisting[];
  skipped: Skipped[];
  models: ModelResult[];
  summary: Record<Severity, number>;
}
