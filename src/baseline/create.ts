import semver from 'semver';
import { collectSnapshots, planJobs, stagesFor, type ProgressEvent } from '../check/collect.js';
import { checkInputs, prepareCorpus, prepareEnv, type CorpusOptions } from '../check/prepare.js';
import { corpusDigest, type Corpus } from '../corpus/corpus.js';
import type { EnvInfo } from '../env/fingerprint.js';
import type { PythonEnv } from '../env/resolve.js';
import type { Snapshot } from '../probe/snapshot.js';
import type { Fingerprint } from '../env/fingerprint.js';
import { UsageError } from '../errors.js';
import { TOOL } from '../version.js';
import { writeBaseline, type Manifest } from './store.js';

export interface CreateOptions extends CorpusOptions {
  tvm: string;
  /** Folder name under the baselines folder; derived from the TVM version when absent. */
  name?: string;
  baselinesDir: string;
  jobs: number;
  timeoutMs: number;
  cacheDir?: string;
  onProgress?: (event: ProgressEvent) => void;
}

export interface CreateResult {
  name: string;
  dir: string;
  snapshots: number;
  /** Stage outcome counts, e.g. { "hash_keys:ok": 14, "frontend:error": 1 }. */
  outcomes: Record<string, number>;
  seconds: number;
}

/** "0.27.0.post1" → "v0.27.0": baselines are looked up by semver. */
export function defaultBaselineName(fp: Fingerprint): string {
  const v = semver.coerce(fp.tvmVersion);
  if (!v) throw new UsageError(`TVM version "${fp.tvmVersion}" is not a version; pass --name`);
  return `v${v.version}`;
}

/** The manifest of a baseline made of these snapshots (by `baseline create`, or a check's candidate run). */
export function baselineManifest(name: string, env: PythonEnv, specText: string, info: EnvInfo, corpus: Corpus, snapshots: Snapshot[]): Omit<Manifest, 'snapshots'> {
  return {
    schemaVersion: 1,
    name,
    tool: { ...TOOL },
    probeVersion: snapshots[0]?.probeVersion ?? 'unknown',
    env: { label: env.label, spec: specText },
    fingerprint: info.fingerprint,
    capabilities: info.capabilities,
    corpus: {
      digest: corpusDigest(corpus),
      models: corpus.models.map((m) => ({ id: m.id, sha256: m.sha256, format: m.format })),
      targets: corpus.targets.map((t) => ({ id: t.id, target: t.target })),
    },
  };
}

export async function createBaseline(opts: CreateOptions): Promise<CreateResult> {
  const started = Date.now();
  checkInputs(opts.tvm, opts);
  const onMessage = (text: string) => opts.onProgress?.({ kind: 'message', text });
  const { env, info, specText } = await prepareEnv(opts.tvm, { cacheDir: opts.cacheDir, onMessage });
  const corpus = await prepareCorpus(opts, env);
  const runs = await collectSnapshots(env, planJobs(corpus, stagesFor(opts)), { jobs: opts.jobs, timeoutMs: opts.timeoutMs, onProgress: opts.onProgress });
  const name = opts.name ?? defaultBaselineName(info.fingerprint);
  const snapshots = runs.map((r) => r.snapshot);
  const dir = writeBaseline(opts.baselinesDir, baselineManifest(name, env, specText, info, corpus, snapshots), snapshots);
  const outcomes: Record<string, number> = {};
  for (const s of snapshots)
    for (const [stage, rec] of Object.entries(s.stages)) {
      const k = `${stage}:${rec?.status}`;
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    }
  return { name, dir, snapshots: snapshots.length, outcomes, seconds: (Date.now() - started) / 1000 };
}
