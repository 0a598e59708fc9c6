/**
 * `--add`: this run's snapshots added to a stored baseline of the same environment (a new target
 * or model without running the rest again), for `baseline create` and `check --save-candidate-as`.
 */
import { readBaseline, snapshotKey, type Baseline } from '../baseline/store.js';
import { DEFAULT_CORPUS, loadCorpus, selectModels, type Corpus } from '../corpus/corpus.js';
import type { EnvInfo } from '../env/fingerprint.js';
import { UsageError } from '../errors.js';
import { PROBE_VERSION, type Snapshot } from '../probe/snapshot.js';

type AddOptions = { baselinesDir: string; corpus?: string; models?: string[] };

/**
 * The stored baseline with this run's snapshots added (or put in place of the same model and
 * target). Refused unless the same environment made both: a baseline is one TVM's answers.
 */
export function addTarget(opts: AddOptions, name: string, info: EnvInfo): Baseline {
  if (opts.models?.length) throw new UsageError('--add takes corpus models, not --model files');
  const baseline = readBaseline(opts.baselinesDir, name);
  const where = `${baseline.dir}/manifest.json`;
  if (JSON.stringify(baseline.manifest.fingerprint) !== JSON.stringify(info.fingerprint)) {
    throw new UsageError(`${where}: baseline ${name} was made by another environment (TVM ${baseline.manifest.fingerprint.tvmVersion}, ${baseline.manifest.env.label}); --add needs the same one`);
  }
  if (baseline.manifest.probeVersion !== PROBE_VERSION) throw new UsageError(`${where}: baseline ${name} was made by probe version ${baseline.manifest.probeVersion}, this tool's is ${PROBE_VERSION}`);
  return baseline;
}

export function addTo(opts: AddOptions, baseline: Baseline, fresh: Snapshot[]): { baseline: Baseline; snapshots: Snapshot[]; corpus: Corpus } {
  const name = baseline.manifest.name;
  const where = `${baseline.dir}/manifest.json`;
  const replaced = new Set(fresh.map((s) => snapshotKey(s.model.id, s.target.id)));
  const snapshots = [...[...baseline.snapshots.entries()].filter(([k]) => !replaced.has(k)).map(([, s]) => s), ...fresh];
  // The digest covers the inputs of every model, which the manifest does not keep: taken from the corpus file.
  const models = new Set(snapshots.map((s) => s.model.id));
  const targets = new Set(snapshots.map((s) => s.target.id));
  const full = loadCorpus(opts.corpus ?? DEFAULT_CORPUS);
  const missing = [...models].find((m) => !full.models.some((x) => x.id === m)) ?? [...targets].find((t) => !full.targets.some((x) => x.id === t));
  if (missing) throw new UsageError(`${where}: baseline ${name} has "${missing}", which the corpus does not; --add needs the corpus it was made from`);
  const corpus = selectModels(full, { only: [...models], targets: [...targets] });
  return { baseline, snapshots, corpus };
}
