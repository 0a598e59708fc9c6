/** A probe snapshot: one model on one target in one TVM environment (see snapshot.schema.json). */
import type { TuningSystem } from '../env/capabilities.js';

export type StageStatus = 'ok' | 'error' | 'not_run' | 'skipped';

/** The probe's version (src/probe/probe.py PROBE_VERSION; a unit test holds them equal): a baseline made by another must be re-created. */
export const PROBE_VERSION = '2';

/** Snapshot stages: import, then one per concern (see src/concerns/registry.ts). */
export type StageName = 'import' | 'frontend' | 'hash_keys' | 'ir' | 'artifacts' | 'tuning';

export interface StageRecord {
  status: StageStatus;
  /** Exception class name, when status is error. */
  type?: string;
  /** The useful line of the error, when status is error. */
  message?: string;
  /** Tail of the traceback or of stderr. */
  detail?: string;
  /** Why the stage did not run or was skipped. */
  reason?: string;
}

export interface HashKeyTask {
  /** md5 of the ComputeDAG (auto_scheduler) or the structural hash of the workload (MetaSchedule). */
  key: string;
  /** auto_scheduler only: the full workload key, JSON of [md5, ...shapes]. */
  workloadKey?: string;
  /** auto_scheduler: sorted function names joined by ","; MetaSchedule: the task name. */
  name: string;
  /** Input/output shapes (auto_scheduler) or buffer shapes with dtype last (MetaSchedule). */
  shapes: unknown[][];
  /** How often the task occurs in the model. */
  weight: number;
  /** The text the key is computed over. */
  /** Inline in a run; a stored baseline keeps it as `textSha` in its blobs, read back on load. */
  text: string;
  textSha?: string;
  /** auto_scheduler only: md5(text) equals key. */
  keyVerified?: boolean;
}

export type { TuningSystem };

/** MetaSchedule's keys beside auto_scheduler's in the Relay era (v0.10–v0.19 have both tuning systems). */
export interface RelayMetaScheduleKeys {
  module: string;
  hashFunction?: string;
  tasks?: HashKeyTask[];
  /** Extraction failed here: the auto_scheduler keys of the stage still stand. */
  error?: { type: string; message: string; detail?: string };
}

/** The candidate's keys extracted again for the baseline's completed target, where the two differ. */
export interface UnderBaselineTarget {
  measured: boolean;
  /** Keys the target change itself moves in the candidate (symmetric difference of the two key sets). */
  moved?: number;
  /** Baseline keys missing under the candidate's own target that the baseline's target brings back. */
  recovered?: number;
  /** Why it was not measured. */
  reason?: string;
}

export interface HashKeysStage extends StageRecord {
  kind?: TuningSystem;
  module?: string;
  hashFunction?: string;
  tasks?: HashKeyTask[];
  metaSchedule?: RelayMetaScheduleKeys;
  /** The corpus target as this TVM completes it (Target.export(): keys, -mtriple, arch …). */
  canonicalTarget?: Record<string, unknown>;
  underBaselineTarget?: UnderBaselineTarget;
}

export type IrPhase = 'import' | 'optimized' | 'lowered';

export interface IrFunction {
  name: string;
  phase: IrPhase;
  kind: 'relay' | 'relax' | 'tir';
  /** Structural hash inside that TVM: equal within one version, not comparable across versions. */
  hash: string;
  /** Inline in a fresh run; a stored baseline keeps it in a blob named by textSha. */
  text?: string;
  textSha?: string;
}

export interface IrModule {
  phase: IrPhase;
  /** Sorted operator names used by the module. */
  ops: string[];
  /** tvm.ir.save_json with tvm_version masked; null when it could not be saved (see jsonError). */
  json?: string | null;
  jsonSha?: string;
  jsonError?: string;
}

/** The baseline's IR as a candidate probe receives it, to tell printer churn from IR change. */
export interface CrossCheckInput {
  /** The baseline's name; the probe's verdicts carry it, and are applied only against that baseline. */
  baseline: string;
  /** The baseline's TVM version: written back into its save_json before loading. */
  tvmVersion: string;
  functions: { phase: IrPhase; kind: IrFunction['kind']; name: string; text: string }[];
  /** A module the baseline could not store is passed with the reason instead of its JSON. */
  modules: ({ phase: IrPhase; json: string } | { phase: IrPhase; skipped: string })[];
}

/** What the candidate found when it parsed the baseline's text of a function that prints differently. */
export interface FunctionVerdict {
  phase: IrPhase;
  kind: IrFunction['kind'];
  name: string;
  /** printer: re-parsed, structurally equal to the candidate's; ir: structurally different; unparsable: undecided. */
  verdict: 'printer' | 'ir' | 'unparsable';
  error?: string;
  note?: string;
}

/** The baseline's save_json of one phase, loaded by the candidate. */
export interface ModuleLoad {
  phase: IrPhase;
  loads?: boolean;
  error?: string;
  /** The loaded module is structurally equal to the candidate's own module of that phase. */
  structuralEqual?: boolean;
  /** Why the load was not tried (the baseline has no JSON for this phase). */
  skipped?: string;
}

export interface CrossCheck {
  /** The name of the baseline the verdicts were made against. */
  baseline: string;
  functions: FunctionVerdict[];
  modules: ModuleLoad[];
  /** The cross-check itself failed; nothing in it was decided. */
  error?: string;
}

export interface IrStage extends StageRecord {
  lowering?: string | null;
  functions?: IrFunction[];
  modules?: IrModule[];
  /** Only in a candidate run against a baseline with IR. */
  crossCheck?: CrossCheck;
  /** Phases that raised; what came before them is kept. */
  errors?: { phase: IrPhase; type: string; message: string }[];
}

export interface Snapshot {
  schemaVersion: 1;
  probeVersion: string;
  model: { id: string; sha256: string; format: 'onnx' | 'tflite' };
  target: { id: string; target: string };
  era: 'relay' | 'relax' | null;
  stages: {
    import: StageRecord;
    frontend?: StageRecord;
    hash_keys?: HashKeysStage;
    ir?: IrStage;
    /** Compiled library, reference outputs and the cross-load (src/artifacts/). */
    artifacts?: StageRecord;
    /** Real tuning records made by the baseline, or applied by the candidate (src/tuning-records/). */
    tuning?: StageRecord;
  };
}
