import type { ModelResult, PreExisting } from './compare.js';
import type { Skipped } from '../concerns/skips.js';
import type { Era } from '../env/capabilities.js';
import type { Finding, Severity } from '../rules/types.js';
import type { EnvChange } from './environment.js';
import type { TargetRow } from './targets.js';

export type { ModelResult, PreExisting } from './compare.js';
export type { Skipped } from '../concerns/skips.js';

/**
 * breaking: a finding says something that worked no longer does (exit 1). incomplete: nothing
 * breaking was found, but something the baseline has could not be compared (exit 4): never to be
 * read as compatible. compatible: everything asked for was compared and nothing broke (exit 0).
 */
export type Verdict = 'breaking' | 'incomplete' | 'compatible';

export interface EnvSummary {
  label: string;
  tvmVersion: string;
  gitCommit: string | null;
  era: Era | null;
}

export interface CheckResult {
  tool: { name: string; version: string };
  verdict: Verdict;
  baseline: EnvSummary & { name: string };
  candidate: EnvSummary;
  /** targets: those compared; notRun: targets one side has and the other was made without (never counted as passed). */
  corpus: { models: number; targets: string[]; notRun?: { target: string; reason: string }[] };
  /** Target × concern: what was compared where, and what was not available or not collected (src/check/targets.ts). */
  targets: { concerns: string[]; rows: TargetRow[] };
  /** Fingerprint fields that differ: the context of the findings. */
  environment: EnvChange[];
  findings: Finding[];
  preExisting: PreExisting[];
  /** Comparisons that could not be made; never counted as passed. */
  skipped: Skipped[];
  models: ModelResult[];
  summary: Record<Severity, number> & { incomplete: number };
}
