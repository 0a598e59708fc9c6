import semver from 'semver';
import type { Manifest } from '../baseline/store.js';
import { corpusDigest, type Corpus } from '../corpus/corpus.js';
import type { EnvInfo, Fingerprint } from '../env/fingerprint.js';
import type { PythonEnv } from '../env/resolve.js';
import { UsageError } from '../errors.js';
import type { Snapshot } from '../probe/snapshot.js';
import { TOOL } from '../version.js';

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
    probeVersion: snapshots.find((s) => s.probeVersion !== 'unknown')?.probeVersion ?? 'unknown',
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
