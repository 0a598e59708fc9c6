import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import semver from 'semver';
import type { Capabilities, Fingerprint } from '../env/fingerprint.js';
import { InputError, UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import type { Snapshot } from '../probe/snapshot.js';
import { withDirLock, type LockOptions } from '../env/lock.js';
import { compress, dehydrate, hydrateKeys, type BlobSource } from '../ir-snapshots/blobs.js';
import { validate } from '../util/schema.js';
import { sha256, toJson } from '../util/fs.js';
import { BaselineContents, CONTENT_RECORD } from './contents.js';

export { BaselineContents, CONTENT_RECORD };

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
  /** The content record (SHA256SUMS): its digest names this exact baseline; `check` verifies a file's bytes before use. */
  contents: BaselineContents;
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

/** Parsed JSON and the sha256 of the bytes it came from, checked against the content record first: each file is read once. */
function readJson(file: string, what: string, contents: BaselineContents): { data: unknown; sha: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new InputError(`${file}: ${what} is missing or unreadable`);
  }
  const sha = contents.check(file, bytes);
  try {
    return { data: JSON.parse(bytes.toString('utf8')), sha };
  } catch (err) {
    throw new InputError(`${file}: ${what} is not valid JSON (${(err as Error).message})`);
  }
}

/** IR blobs of a stored baseline, `blobs/<sha256 of the text>.gz`: the bytes are checked against the record, the text against the name. */
class RecordedBlobs implements BlobSource {
  private readonly cache = new Map<string, string>();
  constructor(private readonly contents: BaselineContents) {}

  get(sha: string): string {
    let text = this.cache.get(sha);
    if (text === undefined) {
      const file = join(this.contents.root, 'blobs', `${sha}.gz`);
      if (!existsSync(file)) throw new InputError(`${file}: IR blob is missing`);
      text = gunzipSync(this.contents.read(file)).toString('utf8');
      if (sha256(text) !== sha) throw new InputError(`${file}: IR blob content does not match its name`);
      this.cache.set(sha, text);
    }
    return text;
  }
}

/**
 * Every problem of a stored baseline, reading every byte (readBaseline reads blobs and stage files
 * only when they are used): for `baseline list`-style audits and tests.
 */
export function verifyBaseline(dir: string, name: string): void {
  const b = readBaseline(dir, name);
  for (const rel of b.contents.entries.keys()) b.contents.read(join(b.dir, rel));
}

/** The blobs (texts by `textSha`/`jsonSha`) and stage files (`files: [{sha256}]`) stored snapshots refer to. */
function referenced(snapshots: Snapshot[]): { blobs: Set<string>; files: Set<string> } {
  const out = { blobs: new Set<string>(), files: new Set<string>() };
  const walk = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (key === 'files' && x && typeof x === 'object' && typeof (x as { sha256?: unknown }).sha256 === 'string') out.files.add((x as { sha256: string }).sha256);
        walk(x);
      }
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'textSha' || k === 'jsonSha') && typeof x === 'string') out.blobs.add(x);
        else walk(x, k);
      }
    }
  };
  for (const s of snapshots) walk(s.stages);
  return out;
}

/** Reads and validates a baseline; a corrupt file is an InputError naming that file. */
export function readBaseline(dir: string, name: string): Baseline {
  const root = join(dir, name);
  const manifestFile = join(root, 'manifest.json');
  if (!existsSync(manifestFile)) throw new InputError(`${manifestFile}: baseline manifest is missing or unreadable`);
  const contents = BaselineContents.read(root);
  contents.checkListing();
  const { data: manifest } = readJson(manifestFile, 'baseline manifest', contents);
  const problem = validate('urn:tvm-compat:manifest', manifest);
  if (problem) throw new InputError(`${manifestFile}: invalid baseline manifest: ${problem}`);
  const m = manifest as Manifest;
  const snapshots = new Map<string, Snapshot>();
  for (const entry of m.snapshots) {
    const file = join(root, entry.file);
    const { data, sha } = readJson(file, 'baseline snapshot', contents);
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
  const blobs = new RecordedBlobs(contents);
  for (const [k, s] of snapshots) snapshots.set(k, hydrateKeys(s, blobs));
  return { dir: root, manifest: m, snapshots, blobs, contents };
}

/**
 * Writes baselines/<name>/ whole or not at all (`files`: sha256 → path of the stage files the
 * snapshots refer to): everything goes to a temporary sibling folder
 * that is renamed into place; an existing baseline is moved aside first and removed after.
 */
export function writeBaseline(
  dir: string,
  manifest: Omit<Manifest, 'snapshots'>,
  snapshots: Snapshot[],
  files: ReadonlyMap<string, string> = new Map(),
  /** A stored baseline whose blobs and files the snapshots still refer to (`baseline create --add`): copied as they are. */
  carried?: Baseline,
): string {
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
    const stored: Snapshot[] = [];
    for (const s of [...snapshots].sort((a, b) => snapshotKey(a.model.id, a.target.id).localeCompare(snapshotKey(b.model.id, b.target.id)))) {
      const file = `snapshots/${s.model.id}.${s.target.id}.json`;
      const dry = dehydrate(s, blobs);
      stored.push(dry);
      const text = toJson(dry);
      writeFileSync(join(tmp, file), text);
      entries.push({ model: s.model.id, target: s.target.id, file, sha256: sha256(text) });
    }
    const used = referenced(stored);
    for (const sub of ['blobs', 'files'] as const) {
      const from = carried && join(carried.dir, sub);
      if (!from || !existsSync(from)) continue;
      mkdirSync(join(tmp, sub), { recursive: true });
      // Only what a snapshot still refers to (a replaced snapshot's library goes with it); each is
      // checked against the carried baseline's content record on the way.
      for (const f of readdirSync(from)) if (used[sub].has(f.replace(/\.gz$/, ''))) writeFileSync(join(tmp, sub, f), carried.contents.read(join(from, f)));
    }
    if (blobs.size) mkdirSync(join(tmp, 'blobs'), { recursive: true });
    for (const [sha, text] of blobs) writeFileSync(join(tmp, 'blobs', `${sha}.gz`), compress(text));
    // Files the stages produced (libraries, tuning databases): gzip'd, named by the sha256 of their bytes.
    if (files.size) mkdirSync(join(tmp, 'files'), { recursive: true });
    for (const [sha, path] of files) if (used.files.has(sha)) writeFileSync(join(tmp, 'files', `${sha}.gz`), gzipSync(readFileSync(path), { level: 9 }));
    writeFileSync(join(tmp, 'manifest.json'), toJson({ ...manifest, snapshots: entries }));
    // Last, from what is on disk: it covers whatever else a caller put in the folder.
    writeFileSync(join(tmp, CONTENT_RECORD), BaselineContents.compute(tmp));
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

/**
 * Runs `fn` (the whole making of a baseline: probes, then writeBaseline) holding
 * `<dir>/.<name>.lock`. A second writer of the same name while the first one is alive fails at
 * once with a UsageError naming the holder, rather than waiting and then silently replacing the
 * first one's baseline with its own; a holder that died leaves a lock that is taken over.
 */
export async function withBaselineLock<T>(dir: string, name: string, fn: () => Promise<T>, opts: Pick<LockOptions, 'staleMs' | 'heartbeatMs'> = {}): Promise<T> {
  if (!NAME.test(name)) throw new UsageError(`baseline name "${name}" must match ${NAME}`);
  const target = join(dir, `.${name}`);
  return withDirLock(target, fn, {
    ...opts,
    onWait: () => {
      throw new UsageError(`baseline "${name}" in ${dir} is being written by another tvm-compat process (${holder(`${target}.lock`)}); wait for it to finish or choose another name`);
    },
  });
}

function holder(lockDir: string): string {
  try {
    const o = JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8')) as { pid?: number; host?: string; since?: string };
    return `pid ${o.pid} on ${o.host}, since ${o.since}`;
  } catch {
    return `lock ${lockDir}`;
  }
}
