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

/** Relay's graph executor, the Relax VM, or the Relay VM (its executable exported as one library). */
export type Executor = 'graph' | 'vm' | 'relay-vm';

/** The baseline's library run by the candidate's runtime, in a child process. */
export interface CrossLoad {
  baseline?: string;
  executor: Executor;
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
  /** GPU targets: the device code the build generated, as size and digest (collect.py _kernels). */
  kernels?: Kernels;
  executor?: Executor;
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
  /**
   * Relay era: the model built for the Relay VM too, run on the same inputs and compared with the
   * graph executor's outputs (`matchesGraph`); its files are in the stage's `files`. In a
   * candidate of another era it holds only the cross-load of the baseline's.
   */
  relayVm?: RelayVm;
  c?: {
    aot?: { available: boolean; reason?: string; builds?: boolean; sources?: CCompile[]; message?: string };
    mlf?: { available: boolean; reason?: string; file?: string; version?: unknown; layout?: string[]; members?: number; sources?: Record<string, CCompile> };
    cross?: Record<string, CCompile>;
  };
}

export interface Kernels {
  format: 'cuda' | 'vulkan';
  bytes?: number;
  sha256?: string;
  /** CUDA: the number of __global__ functions. */
  kernels?: number;
  error?: string;
}

export interface RelayVm {
  status?: 'error';
  type?: string;
  message?: string;
  executor: 'relay-vm';
  library?: ArtifactsStage['library'];
  reference?: { name: string; seed: number };
  outputs?: TensorDigest[];
  ran?: false;
  notRunReason?: string;
  matchesGraph?: Comparison[];
  cross?: CrossLoad;
  reverse?: CrossLoad;
}

/** What the candidate's probe gets in ctx["cross"] (src/artifacts/collect.py cross_side). */
export interface ArtifactsCrossInput {
  baseline: string;
  tvmVersion: string;
  executor?: Executor;
  library?: string;
  reference?: string;
  c?: { sources: string[] };
  /** The Relay VM library and its reference, where the side built one. */
  relayVm?: { executor: 'relay-vm'; library: string; reference: string };
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
 * input. A library built where no device of its kind is (CUDA here) has no reference outputs, so
 * no run of it could be compared: its digest and its kernels' digest are kept, for every model.
 */
export function storedArtifacts(stage: ArtifactsStage, model: string, subsets: Readonly<Record<string, string[]>>): ArtifactsStage {
  const notRun = stage.ran === false;
  if (stage.status !== 'ok' || !stage.library || stage.library.stored === false || !(notRun || (stage.degenerate && !subsets.ci?.includes(model)))) return stage;
  const lib = fileOf(stage, stage.library.name);
  if (!lib?.sha256) return stage;
  const reason = notRun
    ? `built where it could not run (${stage.notRunReason ?? '?'}): no reference outputs to compare a run with, so kept as its digest and its kernels'`
    : 'its outputs do not depend on the input and it is not in the ci subset: kept as its digest';
  const drop = new Set([stage.library.name, stage.reference?.name]);
  const vm = stage.relayVm;
  const vmLib = fileOf(stage, vm?.library?.name);
  if (vm?.library && vmLib?.sha256) [vm.library.name, vm.reference?.name].forEach((n) => drop.add(n));
  return {
    ...stage,
    library: { ...stage.library, stored: false, bytes: lib.bytes, sha256: lib.sha256, reason },
    ...(vm?.library && vmLib?.sha256 ? { relayVm: { ...vm, library: { ...vm.library, stored: false, bytes: vmLib.bytes, sha256: vmLib.sha256, reason } } } : {}),
    files: (stage.files ?? []).filter((f) => !drop.has(f.name)),
  };
}

/** A Relay VM library and reference to load on the other side, as local paths; undefined when not stored. */
function relayVmInput(stage: ArtifactsStage, path: (f: StageFile & { sha256: string }) => string | undefined): ArtifactsCrossInput['relayVm'] {
  const vm = stage.relayVm;
  const lib = fileOf(stage, vm?.library?.name);
  const ref = fileOf(stage, vm?.reference?.name);
  if (!vm || vm.status === 'error' || !lib?.sha256 || !ref?.sha256) return undefined;
  const library = path(lib as StageFile & { sha256: string });
  const reference = path(ref as StageFile & { sha256: string });
  return library && reference ? { executor: 'relay-vm', library, reference } : undefined;
}

/** The baseline's library, reference and C sources as local paths; undefined when it stored no library (digests only). */
export function artifactsCrossInput(base: ArtifactsStage, baseline: { name: string; tvmVersion: string }, files: FileStore): ArtifactsCrossInput | undefined {
  const lib = fileOf(base, base.library?.name);
  const ref = fileOf(base, base.reference?.name);
  const sources = (base.c?.aot?.sources ?? []).map((s) => fileOf(base, s.name)).filter((f): f is StageFile & { sha256: string } => Boolean(f?.sha256));
  const runnable = base.executor && lib?.sha256 && ref?.sha256;
  const relayVm = relayVmInput(base, (f) => files.path(f));
  if (!runnable && !sources.length && !relayVm) return undefined;
  return {
    baseline: baseline.name,
    tvmVersion: baseline.tvmVersion,
    ...(runnable ? { executor: base.executor, library: files.path({ sha256: lib.sha256!, name: lib.name }), reference: files.path({ sha256: ref.sha256!, name: ref.name }) } : {}),
    ...(sources.length ? { c: { sources: sources.map((f) => files.path(f)) } } : {}),
    ...(relayVm ? { relayVm } : {}),
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
  const relayVm = relayVmInput(cand, (f) => files.get(f.sha256));
  return {
    baseline: candidate,
    tvmVersion: '',
    executor: cand.executor,
    library: lib,
    reference: ref,
    ...(base?.library?.blobSymbols ? { runtimeReads: base.library.blobSymbols } : {}),
    ...(relayVm ? { relayVm } : {}),
  };
}
