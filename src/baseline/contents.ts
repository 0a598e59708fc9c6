import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { sha256 } from '../util/fs.js';

/**
 * Every file of a stored baseline (manifest, snapshots, IR blobs, stage files, whatever a later
 * version stores) is listed with the sha256 of its bytes in `<baseline>/SHA256SUMS`, in the format
 * of coreutils' `sha256sum` (so `cd baselines/v0.27.0 && sha256sum -c SHA256SUMS` checks it too),
 * sorted by path. The record lives beside the manifest rather than in it, so that it covers the
 * manifest byte for byte. There is no fallback for a baseline without one: a baseline whose record
 * was deleted could not be told from an old one.
 */
export const CONTENT_RECORD = 'SHA256SUMS';

const RECORD_LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/** The record's entries, checked on read: eagerly for the file list, manifest and snapshots; lazily, on first use, for blobs and stage files. */
export class BaselineContents {
  private constructor(
    /** The baseline folder. */
    readonly root: string,
    /** Relative path (with /) → sha256 of the bytes. */
    readonly entries: ReadonlyMap<string, string>,
    /** sha256 of the record's bytes: one value for the whole baseline's content. */
    readonly digest: string,
  ) {}

  get file(): string {
    return join(this.root, CONTENT_RECORD);
  }

  /** Reads and parses `<root>/SHA256SUMS`; a missing or malformed record is an InputError naming it. */
  static read(root: string): BaselineContents {
    const file = join(root, CONTENT_RECORD);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new InputError(
        `${file}: the baseline's content record is missing (a baseline made before content digests, or the record was removed); re-create the baseline with \`compat baseline create\``,
      );
    }
    const entries = new Map<string, string>();
    const lines = bytes.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    lines.forEach((line, i) => {
      const m = RECORD_LINE.exec(line);
      if (!m || m[2]!.startsWith('/') || m[2]!.split('/').includes('..') || entries.has(m[2]!)) {
        throw new InputError(`${file}:${i + 1}: not a "<sha256>  <relative path>" line of a content record`);
      }
      entries.set(m[2]!, m[1]!);
    });
    return new BaselineContents(root, entries, sha256(bytes));
  }

  /** The record of the files now in `root` (all of them but the record itself). */
  static compute(root: string): string {
    return filesUnder(root)
      .map((rel) => `${sha256(readFileSync(join(root, rel)))}  ${rel}\n`)
      .join('');
  }

  /** Files in the folder that the record does not list, and listed files that are gone: each named. */
  checkListing(): void {
    const onDisk = filesUnder(this.root);
    const extra = onDisk.find((rel) => !this.entries.has(rel));
    if (extra !== undefined) throw new InputError(`${join(this.root, extra)}: not listed in ${this.file}: added after the baseline was written`);
    if (onDisk.length !== this.entries.size) {
      const present = new Set(onDisk);
      const gone = [...this.entries.keys()].find((rel) => !present.has(rel));
      throw new InputError(`${join(this.root, gone ?? '')}: listed in ${this.file} but missing`);
    }
  }

  /** Throws an InputError naming `file` unless its bytes are the ones recorded; returns their sha256. */
  check(file: string, bytes: Buffer): string {
    const rel = relative(this.root, file).split(sep).join('/');
    const want = this.entries.get(rel);
    if (want === undefined) throw new InputError(`${file}: not listed in ${this.file}`);
    const sha = sha256(bytes);
    if (sha !== want) throw new InputError(`${file}: content does not match its sha256 in ${this.file} (edited or truncated after the baseline was written)`);
    return sha;
  }

  /** Reads a stored file after checking it against the record. */
  read(file: string): Buffer {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new InputError(`${file}: listed in ${this.file} but missing or unreadable`);
    }
    this.check(file, bytes);
    return bytes;
  }
}

/** Relative paths (with /) of every regular file under `root` except the content record, sorted; anything else (a link, a socket) is refused. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isDirectory()) continue;
    const rel = relative(root, join(e.parentPath, e.name)).split(sep).join('/');
    if (!e.isFile()) throw new InputError(`${join(root, rel)}: not a regular file; a baseline holds only files and folders`);
    if (rel !== CONTENT_RECORD) out.push(rel);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
