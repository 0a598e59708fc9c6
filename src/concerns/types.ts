/**
 * What a concern is: one folder of src/ (collector in Python, stage schema, diff, rules) and one
 * entry in src/concerns/registry.ts. The comparison loop (src/concerns/compare.ts) handles the
 * ok / error / pre-existing / not-run cases once for every concern; a concern only says how two
 * ok stages differ.
 */
import type { TargetKind } from '../corpus/corpus.js';
import type { Capabilities } from '../env/fingerprint.js';
import type { Snapshot, StageName, StageRecord } from '../probe/snapshot.js';
import type { Finding, RuleDefinition } from '../rules/types.js';
import type { Skip } from './skips.js';

export type ConcernId = 'frontend' | 'hash-keys' | 'ir-snapshots' | 'artifacts' | 'tuning-records';

/** What a run asked for: decides which concerns' stages the probe runs. */
export interface RunWants {
  /** `baseline create` (the run is stored), `check` (the run is compared) or `records migrate` (the baseline's records are re-attached). */
  mode: 'baseline' | 'check' | 'migrate';
  ir: boolean;
  artifacts: boolean;
  tuning: boolean;
}

/** Where stored texts are found by the sha256 of their content (a stored baseline keeps IR texts so). */
export interface BlobSource {
  get(sha: string): string;
}

export interface SideInfo {
  /** Baseline name or candidate label, for diff headers. */
  label: string;
  tvmVersion: string;
  /** Where this side's stored texts and files are (a fresh run keeps them inline or in its run folder). */
  blobs: BlobSource;
}

export interface CompareContext {
  model: string;
  target: string;
  baseline: SideInfo & { name: string };
  candidate: SideInfo;
}

/** One column a concern contributes to its per-model table. */
export interface Column {
  key: string;
  /** Header in the text report; it also sets the column's minimum width there. */
  title: string;
  /** Header in the markdown report. */
  markdown: string;
  /** How a value is written: a count, a 0..1 share as a percentage, or a function of the value. */
  format: 'count' | 'percent' | ((value: unknown) => string);
  /** Text-report width (values are right-aligned to it); the title's length when absent. */
  width?: number;
  /** Shown only when some row has a value for it (figures only some runs have). */
  optional?: boolean;
}

export interface ConcernDiff {
  findings: Finding[];
  /** Parts of the concern that could not be compared; never counted as passed. */
  skipped: Skip[];
  /** The concern's per-model figures (its table's columns read them); absent when there is nothing to tabulate. */
  stats?: object;
}

export interface Concern<S extends StageRecord = StageRecord> {
  id: ConcernId;
  /** The snapshot stage it owns. */
  stage: StageName;
  /** What the stage holds, for "the baseline has no …" ("tasks", "IR"). */
  noun: string;
  /** Python collector, relative to src/, with `collect(ctx)` (see src/probe/common.py). */
  collector: string;
  /** Stages that must be ok before this one runs. */
  needs: StageName[];
  /** The target kinds the stage runs on (every kind when absent); elsewhere the report says "not collected on this target". */
  targetKinds?: readonly TargetKind[];
  wanted(run: RunWants): boolean;
  /** What each job's stage is asked to do in this run (ctx["job"]["settings"][stage] in the collector). */
  settings?(run: RunWants): unknown;
  /** Reported when the baseline's stage was ok and the candidate's failed. */
  failedRule: RuleDefinition;
  /** Reported when the baseline's stage failed and the candidate's is ok (the rest is then not compared). */
  fixedRule?: RuleDefinition;
  /** What the candidate's probe receives from the baseline for this stage; undefined when the baseline has nothing. */
  crossInput?(base: S, baseline: SideInfo & { name: string }, files: FileStore): unknown;
  /**
   * Why two ok stages were not compared after all, for the target table: they do not pair (Relay IR
   * and Relax IR), or the comparison needed a candidate TVM that did not run (a stored candidate run
   * that never applied the baseline's records). Undefined when they were compared.
   */
  notCompared?(base: S, cand: S, snapshots: { baseline: Snapshot; candidate: Snapshot }): string | undefined;
  /** How two ok stages differ. */
  diff(base: S, cand: S, ctx: CompareContext, snapshots: { baseline: Snapshot; candidate: Snapshot }): ConcernDiff;
  /** Where its stats go in each model's result (`keys`, `ir`, …), and the table renderers make of them. */
  table?: { resultKey: string; title: { text: string; markdown: string }; columns: Column[] };
  /**
   * The stage may carry data when it failed part-way (IR keeps the phases before the failure);
   * then `diff` also runs when either side is an error, on what both sides have.
   */
  diffsPartial?(base: S, cand: S): boolean;
  /** Findings about the whole run, from every model's pair of stages (e.g. a tuning system that is gone). */
  overall?(pairs: { model: string; target: string; base: S | undefined; cand: S | undefined }[], sides: { baseline: Capabilities; candidate: Capabilities }): Finding[];
  /**
   * What a stored baseline keeps of the stage (the rest as digests), given the model and the
   * corpus's subsets; the stage as run when absent.
   */
  store?(stage: S, model: string, subsets: Readonly<Record<string, string[]>>): S;
  rules: readonly RuleDefinition[];
}

/**
 * Files a stage produced (compiled libraries, tuning databases): a stage record refers to them as
 * { sha256, bytes, name }; the store gives back a local path, under the file's own name (TVM picks
 * a loader by the extension), to hand to a candidate's probe.
 */
export interface FileStore {
  path(file: { sha256: string; name: string }): string;
}
