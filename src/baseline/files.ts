import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FileStore } from '../concerns/types.js';
import { InputError } from '../errors.js';
import { sha256 } from '../util/fs.js';
import type { Baseline } from './store.js';

/**
 * The files a baseline's stages stored (compiled libraries, tuning databases), as
 * `<baseline>/files/<sha256>.gz`, handed to a candidate's probe as plain files: unpacked once into
 * the tool's cache as `files/<sha256>/<name>`, checked against the record and their sha256.
 */
export class BaselineFiles implements FileStore {
  constructor(
    private readonly baseline: Pick<Baseline, 'dir' | 'contents'>,
    private readonly unpacked: string,
  ) {}

  path({ sha256: sha, name }: { sha256: string; name: string }): string {
    const folder = join(this.unpacked, sha);
    const out = join(folder, basename(name));
    if (existsSync(out)) return out;
    const file = join(this.baseline.dir, 'files', `${sha}.gz`);
    let data: Buffer;
    try {
      // Checked against the baseline's content record first: a truncated file is named, not a zlib error.
      data = gunzipSync(this.baseline.contents.read(file));
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${file}: stored file does not unpack: ${(err as Error).message}`);
    }
    if (sha256(data) !== sha) throw new InputError(`${file}: content does not match its name`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(`${out}.tmp`, data);
    renameSync(`${out}.tmp`, out);
    return out;
  }
}
