/**
 * The artifacts stage record, what a stored baseline keeps of it, and what one side's record hands
 * the other side's probe (the baseline's library to the candidate, or the candidate's to the
 * baseline's TVM made again). How two records differ is diff.ts.
 */
import type { FileStore } from '../concerns/types.js';
import type { StageRecord } from '../probe/snapshot.js';

/** One output compared with a reference (src/artifacts/tensors.py compare). */
export interface Comparison {
  within: boolean;
  maxAbs?: number;
  maxRel?: number;
  atol?: number;
  rtol?: number;
  mismatch?: string;
}

export interface TensorDigest {
  name?: string;
  index?: number;
  sha256: string;
  dtype: string;
  shape: number[];
  summary?: { min: number; max: number; mean: number; std: number };
  /** Bit-identical for two different seeded inputs: equal outputs prove nothing. */
  degenerate?: boolean;
}

export interface StageFile {
  name: string;
  sha256?: string;
  bytes?: number;
}

export interface CCompile {
  name?: string;
  chars?: number;
  compiles?: boolean | null;
  errors?: string[];
  reason?: string;
}

/** The baseline's library run by the candidate's runtime, in a child process. */
export interface CrossLoad {
  baseline?: string;
  executor: 'graph' | 'vm';
  loads: boolean;
  runs: boolean;
  typeKey?: string | null;
  imports?: string[] | null;
  entryPoints?: string[] | null;
  entryPointMissing?: string;
  /** The candidate's machine has no device of the target's kind: loaded, not run. */
  noDevice?: string;
  /** tvm-compat could not run the cross-load at all: nothing about the library is known. */
  toolError?: string;
  /** A reverse load only: the baseline's runtime could not be made again here (why). */
  unavailable?: string;
  library?: { blobSymbols?: string[]; error?: string };
  /** The blob symbol the candidate's own libraries carry: what its runtime reads. */
  runtimeReads?: string[] | null;
  outputs?: Comparison[];
  within?: boolean;
  maxAbs?: number;
  maxRel?: number;
  /** The candidate's own build against the baseline's, on the same inputs. */
  ownVsBaseline?: { compared: boolean; reason?: string; within?: boolean; maxAbs?: number; outputs?: Comparison[] };
  error?: string;
  crash?: string;
}

export interface ArtifactsStage extends StageRecord {
  era?: 'relay' | 'relax';
  /** false: this build cannot make a library for the target (reason says why); nothing else is set. */
  available?: false;
  reason?: string;
  /** false: built, not run (no device of the target's kind); no reference is stored. */
  ran?: false;
  notRunReason?: string;
  executor?: 'graph' | 'vm';
  /** `stored: false`: kept as its digest only (over the cap on stored libraries, collect.py), with the reason. */
  library?: { name: string; blobSymbols: string[]; stored?: false; bytes?: number; sha256?: string; reason?: string };
  reference?: { name: string; seed: number };
  inputs?: TensorDigest[];
  outputs?: TensorDigest[];
  degenerate?: boolean;
  degenerateReason?: string;
  files?: StageFile[];
  cross?: CrossLoad;
  /** The candidate's library run by the baseline's runtime (src/check/reverse-loads.ts); `baseline` names it. */
  reverse?: CrossLoad;
  c?: {
    aot?: { available: boolean; reason?: string; builds?: boolean; sources?: CCompile[]; message?: string };
    mlf?: { available: boolean; reason?: string; file?: string; version?: unknown; layout?: string[]; members?: number; sources?: Record<string, CCompile> };
    cross?: Record<string, CCompile>;
  };
}

/** What the candidate's probe gets in ctx["cross"] (src/artifacts/collect.py cross_side). */
export interface ArtifactsCrossInput {
  baseline: string;
  tvmVersion: string;
  executor?: 'graph' | 'vm';
  library?: string;
  reference?: string;
  c?: { sources: string[] };
  /** A reverse load: the blob symbol the loading runtime's own libraries carry (its stored record says). */
  runtimeReads?: string[];
}

export const fileOf = (stage: ArtifactsStage, name: string | undefined): StageFile | undefined =>
  name === undefined ? undefined : stage.files?.find((f) => f.name === name);

/**
 * What a stored baseline keeps of a library (docs/artifacts.md): the library where it carries
 * the verdict (its outputs depend on the input, or the model is in the corpus's `ci` subset, whose
 * cross-loads CI runs), its digest and size for the rest. The committed baselines stay near 100 MB
 * so: the float MobileNets' random weights do not compress, and their outputs are 1/1000 for any
 * input.
 */
export function storedArtifacts(stage: ArtifactsStage, model: string, subsets: Readonly<Record<string, string[]>>): ArtifactsStage {
  if (stage.status !== 'ok' || !stage.library || stage.library.stored === false || !stage.degenerate || subsets.ci?.includes(model)) return stage;
  const lib = fileOf(stage, stage.library.name);
  if (!lib?.sha256) return stage;
  const drop = new Set([stage.library.name, stage.reference?.name]);
  return {
    ...stage,
    library: { ...stage.library, stored: false, bytes: lib.bytes, sha256: lib.sha256, reason: 'its outputs do not depend on the input and it is not in the ci subset: kept as its digest' },
    files: (stage.files ?? []).filter((f) => !drop.has(f.name)),
  };
}

/** The baseline's library, reference and C sources as local paths; undefined when it stored no library (digests only). */
export function artifactsCrossInput(base: ArtifactsStage, baseline: { name: string; tvmVersion: string }, files: FileStore): ArtifactsCrossInput | undefined {
  const lib = fileOf(base, base.library?.name);
  const ref = fileOf(base, base.reference?.name);
  const sources = (base.c?.aot?.sources ?? []).map((s) => fileOf(base, s.name)).filter((f): f is StageFile & { sha256: string } => Boolean(f?.sha256));
  const runnable = base.executor && lib?.sha256 && ref?.sha256;
  if (!runnable && !sources.length) return undefined;
  return {
    baseline: baseline.name,
    tvmVersion: baseline.tvmVersion,
    ...(runnable ? { executor: base.executor, library: files.path({ sha256: lib.sha256!, name: lib.name }), reference: files.path({ sha256: ref.sha256!, name: ref.name }) } : {}),
    ...(sources.length ? { c: { sources: sources.map((f) => files.path(f)) } } : {}),
  };
}

/**
 * The candidate's library and reference, for the baseline's runtime to load (a reverse load);
 * undefined when the candidate built none that ran. `files` maps sha256 to the run's file paths.
 */
export function reverseCrossInput(cand: ArtifactsStage | undefined, files: Map<string, string>, base: ArtifactsStage | undefined, candidate: string): ArtifactsCrossInput | undefined {
  if (!cand || cand.status !== 'ok' || !cand.executor) return undefined;
  const lib = files.get(fileOf(cand, cand.library?.name)?.sha256 ?? '');
  const ref = files.get(fileOf(cand, cand.reference?.name)?.sha256 ?? '');
  if (!lib || !ref) return undefined;
  return {
    baseline: candidate,
    tvmVersion: '',
    executor: cand.executor,
    library: lib,
    reference: ref,
    ...(base?.library?.blobSymbols ? { runtimeReads: base.library.blobSymbols } : {}),
  };
}
