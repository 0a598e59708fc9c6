import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Stable JSON: two-space indent and a final newline, so committed files diff cleanly. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
