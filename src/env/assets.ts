/**
 * Locates the non-TypeScript files of this folder (releases.json, fingerprint.py).
 * tsc does not copy them into dist/, and the package ships src/**\/*.json and *.py,
 * so compiled code falls back from dist/env/ to src/env/.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function envAsset(name: string): string {
  const candidates = [new URL(`./${name}`, import.meta.url), new URL(`../../src/env/${name}`, import.meta.url)];
  for (const url of candidates) {
    const file = fileURLToPath(url);
    if (existsSync(file)) return file;
  }
  return fileURLToPath(candidates[0]!);
}
