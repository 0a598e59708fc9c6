import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Hex sha256: the one digest used for model files, snapshots, blobs and corpus digests. */
export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export const sha256File = (path: string): string => sha256(readFileSync(path));

/** Stable JSON: two-space indent and a final newline, so committed files diff cleanly. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
