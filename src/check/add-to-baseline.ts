/**
 * `--add`: this run's snapshots added to a stored baseline of the same environment (a new target,
 * model or stage without running the rest again), for `baseline create` and
 * `check --save-candidate-as`.
 */
import { readBaseline, snapshotKey, type Baseline } from '../baseline/store.js';
import { DEFAULT_CORPUS, loadCorpus, selectModels, type Corpus } from '../corpus/corpus.js';
import type { EnvInfo } from '../env/fingerprint.js';
import { UsageError } from '../errors.js';
import { PROBE_VERSION, type Snapshot } from '../probe/snapshot.js';

/**
 * The fingerprint without what names the machine rather than the TVM: the kernel build in
 * `platform` (one release venv on two machines of this workplace: "fc-v595" and "fc-v1147") and
 * where the venv lives.
 */
const answering = ({ platform: _p, tvmPath: _t, ...rest }: EnvInfo['fingerprint']) => rest;

type AddOptions = { baselinesDir: string; corpus?: string; models?: string[] };

/**
 * The stored baseline with this run's snapshots added (or put in place of the same model and
 * target). Refused unless the same environment made both: a baseline is one TVM's answers.
 */
export function addTarget(opts: AddOptions, name: string, info: EnvInfo): Baseline {
  if (opts.models?.length) throw new UsageError('--add takes corpus models, not --model files');
  const baseline = readBaseline(opts.baselinesDir, name);
  const where = `${baseline.dir}/manifest.json`;
  if (JSON.stringify(answering(baseline.manifest.fingerprint)) !== JSON.stringify(answering(info.fingerprint))) {
    throw new UsageError(`${where}: baseline ${name} was made by another environment (TVM ${baseline.manifest.fingerprint.tvmVersion}, ${baseline.manifest.env.label}); --add needs the same one`);
  }
  if (baseline.manifest.probeVersion !== PROBE_VERSION) throw new UsageError(`${where}: baseline ${name} was made by probe version ${baseline.manifest.probeVersion}, this tool's is ${PROBE_VERSION}`);
  return baseline;
}

/**
 * A fresh snapshot in place of the stored one of the same model and target, keeping the stored
 * stages this run did not make (`--add --artifacts --no-ir` adds libraries and keeps the IR that
 * took most of the first run). Only when the frontend gave the same answer: the same environment
 * made both, and a stage is never paired with another import than its own.
 */
export function mergeStages(stored: Snapshot | undefined, fresh: Snapshot): Snapshot {
  if (!stored || stored.stages.frontend?.status !== fresh.stages.frontend?.status) return fresh;
  const kept = Object.entries(stored.stages).filter(([k]) => !(k in fresh.stages));
  return kept.length ? { ...fresh, stages: Object.fromEntries(Object.entries({ ...fresh.stages, ...Object.fromEntries(kept) }).sort(([a], [b]) => a.localeCompare(b))) as Snapshot['stages'] } : fresh;
}

export function addTo(opts: AddOptions, baseline: Baseline, fresh: Snapshot[]): { baseline: Baseline; snapshots: Snapshot[]; corpus: Corpus } {
  const name = baseline.manifest.name;
  const where = `${baseline.dir}/manifest.json`;
  const replaced = new Set(fresh.map((s) => snapshotKey(s.model.id, s.target.id)));
  const merged = fresh.map((s) => mergeStages(baseline.snapshots.get(snapshotKey(s.model.id, s.target.id)), s));
  const snapshots = [...[...baseline.snapshots.entries()].filter(([k]) => !replaced.has(k)).map(([, s]) => s), ...merged];
  // The digest covers the inputs of every model, which the manifest does not keep: taken from the corpus file.
  const models = new Set(snapshots.map((s) => s.model.id));
  const targets = new Set(snapshots.map((s) => s.target.id));
  const full = loadCorpus(opts.corpus ?? DEFAULT_CORPUS);
  const missing = [...models].find((m) => !full.models.some((x) => x.id === m)) ?? [...targets].find((t) => !full.targets.some((x) => x.id === t));
  if (missing) throw new UsageError(`${where}: baseline ${name} has "${missing}", which the corpus does not; --add needs the corpus it was made from`);
  const corpus = selectModels(full, { only: [...models], targets: [...targets] });
  return { baseline, snapshots, corpus };
}
