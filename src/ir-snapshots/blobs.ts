import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { BlobSource } from '../concerns/types.js';
import { InputError } from '../errors.js';
import type { HashKeyTask, IrFunction, Snapshot } from '../probe/snapshot.js';
import { sha256 } from '../util/fs.js';

/**
 * Large IR texts live outside snapshots, gzip-compressed and named by the sha256 of their text,
 * so a function that is identical in several models (or baselines) is stored once and a diff
 * reads only the texts whose hashes differ. gzip over zstd: node:zlib has it on Node 20.
 */
export type { BlobSource } from '../concerns/types.js';


/** Blobs of a stored baseline: blobs/<sha256>.gz, read on first use. */
export class BlobDir implements BlobSource {
  private readonly cache = new Map<string, string>();
  constructor(readonly dir: string) {}

  get(sha: string): string {
    let text = this.cache.get(sha);
    if (text === undefined) {
      const file = join(this.dir, `${sha}.gz`);
      if (!existsSync(file)) throw new InputError(`${file}: IR blob is missing`);
      text = gunzipSync(readFileSync(file)).toString('utf8');
      if (sha256(text) !== sha) throw new InputError(`${file}: IR blob content does not match its name`);
      this.cache.set(sha, text);
    }
    return text;
  }
}

/** A fresh run keeps texts inline; nothing to look up. */
export const NO_BLOBS: BlobSource = {
  get(sha: string): string {
    throw new Error(`no blob store to read ${sha} from`);
  },
};

export const functionText = (f: IrFunction, blobs: BlobSource): string => f.text ?? (f.textSha ? blobs.get(f.textSha) : '');

/**
 * Moves IR texts and the texts task keys are taken over out of a snapshot into `blobs`
 * (sha → text); returns the snapshot as stored. A key's text is the same on every target of a
 * model (MetaSchedule's 292 densenet121 tasks print alike for llvm, cuda and vulkan), so a
 * baseline with several targets stores it once.
 */
export function dehydrate(snapshot: Snapshot, blobs: Map<string, string>): Snapshot {
  const ir = snapshot.stages.ir;
  const keys = snapshot.stages.hash_keys;
  if (!ir?.functions && !ir?.modules && !keys?.tasks) return snapshot;
  const keep = (text: string): string => {
    const sha = sha256(text);
    blobs.set(sha, text);
    return sha;
  };
  const stages = { ...snapshot.stages };
  if (ir?.functions || ir?.modules) {
    stages.ir = {
      ...ir,
      functions: ir.functions?.map(({ text, ...f }) => (text === undefined ? f : { ...f, textSha: keep(text) })),
      modules: ir.modules?.map(({ json, ...m }) => (typeof json === 'string' ? { ...m, jsonSha: keep(json) } : { ...m, json })),
    };
  }
  if (keys?.tasks) {
    const out = (tasks: HashKeyTask[]) => tasks.map(({ text, ...t }) => (text === undefined ? t : { ...t, textSha: keep(text) })) as HashKeyTask[];
    const meta = keys.metaSchedule;
    stages.hash_keys = { ...keys, tasks: out(keys.tasks), ...(meta?.tasks ? { metaSchedule: { ...meta, tasks: out(meta.tasks) } } : {}) };
  }
  return { ...snapshot, stages };
}

/** A stored snapshot with its task-key texts read back from the blobs (the key diff reads them all). */
export function hydrateKeys(snapshot: Snapshot, blobs: BlobSource): Snapshot {
  const keys = snapshot.stages.hash_keys;
  const meta = keys?.metaSchedule;
  const stored = (tasks: HashKeyTask[] | undefined) => tasks?.some((t) => t.textSha !== undefined) ?? false;
  if (!keys || (!stored(keys.tasks) && !stored(meta?.tasks))) return snapshot;
  const read = (tasks: HashKeyTask[]) => tasks.map(({ textSha, ...t }) => (textSha === undefined ? t : { ...t, text: blobs.get(textSha) }));
  const hydrated = { ...keys, tasks: keys.tasks && read(keys.tasks), ...(meta?.tasks ? { metaSchedule: { ...meta, tasks: read(meta.tasks) } } : {}) };
  return { ...snapshot, stages: { ...snapshot.stages, hash_keys: hydrated } };
}

/** gzip at a fixed level with no file name or time in the header: the same text gives the same bytes. */
export const compress = (text: string): Buffer => gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
