import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';
import type { Capabilities, Fingerprint } from '../env/fingerprint.js';
import { InputError, UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import type { Snapshot } from '../probe/snapshot.js';
import { BlobDir, compress, dehydrate, type BlobSource } from '../ir-snapshots/blobs.js';
import { validate } from '../util/schema.js';
import { sha256, toJson } from '../util/fs.js';

export const DEFAULT_BASELINES = resolve(packageRoot, 'baselines');

export interface SnapshotEntry {
  model: string;
  target: string;
  /** Relative to the baseline folder. */
  file: string;
  sha256: string;
}

export interface Manifest {
  schemaVersion: 1;
  name: string;
  tool: { name: string; version: string };
  probeVersion: string;
  env: { label: string; spec: string };
  fingerprint: Fingerprint;
  capabilities: Capabilities;
  corpus: {
    digest: string;
    models: { id: string; sha256: string; format: 'onnx' | 'tflite' }[];
    targets: { id: string; target: string }[];
  };
  snapshots: SnapshotEntry[];
}

export interface Baseline {
  dir: string;
  manifest: Manifest;
  /** Keyed by snapshotKey(model, target). IR texts are in `blobs`. */
  snapshots: Map<string, Snapshot>;
  blobs: BlobSource;
}

export const snapshotKey = (model: string, target: string): string => `${model}/${target}`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** Names of the stored baselines (folders holding a manifest.json), sorted by version where they have one. */
export function listBaselines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(join(dir, e.name, 'manifest.json')))
    .map((e) => e.name)
    .sort((a, b) => {
      const va = semver.coerce(a);
      const vb = semver.coerce(b);
      return va && vb ? semver.compare(va, vb) || a.localeCompare(b) : a.localeCompare(b);
    });
}

/** A release-named baseline: `v0.27.0` or `0.27.0`, nothing after the patch number. */
const RELEASE_NAME = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
/** What `--against` may abbreviate: `v0`, `v0.27`, `v0.27.0` (with or without the v). */
const VERSION_QUERY = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?$/;

/**
 * "v0.25" → the highest stored release-named baseline in 0.25.x; an exact folder name always wins.
 * A name with anything after the version (`v0.27.0-candidate-run`, which `check --save-candidate-as`
 * writes beside the releases, or `v0.28.0-rc1`) is never taken for a release: semver would read its
 * suffix as a pre-release, and coercing would drop it. Such baselines are reached by their exact name.
 * Unknown names list what is stored.
 */
export function resolveBaselineName(dir: string, against: string): string {
  const stored = listBaselines(dir);
  if (stored.includes(against)) return against;
  const q = VERSION_QUERY.exec(against);
  if (q) {
    const [major, minor, patch] = q.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
    const hits = stored
      .map((name) => ({ name, v: RELEASE_NAME.exec(name)?.slice(1).map(Number) }))
      .filter((h): h is { name: string; v: number[] } => h.v !== undefined)
      .filter(({ v }) => v[0] === major && (minor === undefined || v[1] === minor) && (patch === undefined || v[2] === patch))
      .sort((a, b) => a.v[0]! - b.v[0]! || a.v[1]! - b.v[1]! || a.v[2]! - b.v[2]! || a.name.localeCompare(b.name));
    const best = hits.at(-1);
    if (best) return best.name;
  }
  const list = stored.length ? stored.join(', ') : 'none';
  throw new UsageError(`no baseline matches "${against}" in ${dir} (stored: ${list})`);
}

/** Parsed JSON and the sha256 of the bytes it came from: each file is read once. */
function readJson(file: string, what: string): { data: unknown; sha: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: ${what} is missing or unreadable`);
  }
  try {
    return { data: JSON.parse(text), sha: sha256(text) };
  } catch (err) {
    throw new InputError(`${file}: ${what} is not valid JSON (${(err as Error).message})`);
  }
}

/** Reads and validates a baseline; a corrupt file is an InputError naming that file. */
export function readBaseline(dir: string, name: string): Baseline {
  const root = join(dir, name);
  const manifestFile = join(root, 'manifest.json');
  const { data: manifest } = readJson(manifestFile, 'baseline manifest');
  const problem = validate('urn:tvm-compat:manifest', manifest);
  if (problem) throw new InputError(`${manifestFile}: invalid baseline manifest: ${problem}`);
  const m = manifest as Manifest;
  const snapshots = new Map<string, Snapshot>();
  for (const entry of m.snapshots) {
    const file = join(root, entry.file);
    const { data, sha } = readJson(file, 'baseline snapshot');
    if (sha !== entry.sha256) {
      throw new InputError(`${file}: content does not match the sha256 in ${manifestFile}`);
    }
    const bad = validate('urn:tvm-compat:snapshot', data);
    if (bad) throw new InputError(`${file}: invalid snapshot: ${bad}`);
    const s = data as Snapshot;
    if (s.model.id !== entry.model || s.target.id !== entry.target) {
      throw new InputError(`${file}: snapshot is of ${s.model.id}/${s.target.id}, the manifest says ${entry.model}/${entry.target}`);
    }
    snapshots.set(snapshotKey(entry.model, entry.target), s);
  }
  return { dir: root, manifest: m, snapshots, blobs: new BlobDir(join(root, 'blobs')) };
}

/**
 * Writes baselines/<name>/ whole or not at all: everything goes to a temporary sibling folder
 * that is renamed into place; an existing baseline is moved aside first and removed after.
 */
export function writeBaseline(dir: string, manifest: Omit<Manifest, 'snapshots'>, snapshots: Snapshot[]): string {
  if (!NAME.test(manifest.name)) throw new UsageError(`baseline name "${manifest.name}" must match ${NAME}`);
  mkdirSync(dir, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const tmp = join(dir, `.tmp-${manifest.name}-${tag}`);
  mkdirSync(join(tmp, 'snapshots'), { recursive: true });
  try {
    const entries: SnapshotEntry[] = [];
    const blobs = new Map<string, string>();
    for (const s of snapshots) {
      const bad = validate('urn:tvm-compat:snapshot', s);
      if (bad) throw new InputError(`snapshot of ${s.model?.id}/${s.target?.id} for baseline ${manifest.name}: ${bad}`);
      for (const id of [s.model.id, s.target.id]) if (!NAME.test(id)) throw new InputError(`baseline ${manifest.name}: "${id}" cannot be a file name`);
    }
    for (const s of [...snapshots].sort((a, b) => snapshotKey(a.model.id, a.target.id).localeCompare(snapshotKey(b.model.id, b.target.id)))) {
      const file = `snapshots/${s.model.id}.${s.target.id}.json`;
      const text = toJson(dehydrate(s, blobs));
      writeFileSync(join(tmp, file), text);
      entries.push({ model: s.model.id, target: s.target.id, file, sha256: sha256(text) });
    }
    if (blobs.size) mkdirSync(join(tmp, 'blobs'));
    for (const [sha, text] of blobs) writeFileSync(join(tmp, 'blobs', `${sha}.gz`), compress(text));
    writeFileSync(join(tmp, 'manifest.json'), toJson({ ...manifest, snapshots: entries }));
    const final = join(dir, manifest.name);
    const old = join(dir, `.old-${manifest.name}-${tag}`);
    if (existsSync(final)) renameSync(final, old);
    renameSync(tmp, final);
    rmSync(old, { recursive: true, force: true });
    return final;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
