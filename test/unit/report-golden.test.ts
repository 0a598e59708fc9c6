/**
 * Golden reports of a real comparison (committed 0.25.0 and 0.27.0 baselines). Regenerate with
 * UPDATE_GOLDEN=1 npm test after a deliberate change, and read the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffBaselines } from '../../src/check/run-check.js';
import { DEFAULT_BASELINES } from '../../src/baseline/store.js';
import { packageRoot } from '../../src/paths.js';
import { FORMATS, RENDERERS } from '../../src/report/index.js';

const EXT = { text: 'txt', markdown: 'md', json: 'json' } as const;

/** Volatile text replaced by tokens: the machine's cache path and the tool version. */
function normalise(text: string): string {
  return text.replaceAll(packageRoot, '[ROOT]');
}

describe('golden reports: v0.25.0 → v0.27.0', () => {
  const result = diffBaselines(DEFAULT_BASELINES, 'v0.25', 'v0.27');
  for (const format of FORMATS) {
    it(format, () => {
      const file = resolve(packageRoot, 'test', 'golden', `v0.25.0-to-v0.27.0.${EXT[format]}`);
      const actual = normalise(RENDERERS[format](result));
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
      expect(actual).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('keeps the markdown (a PR comment) under GitHub\'s 65,536-character limit, though the IR diffs alone are over 1 MB', () => {
    expect(RENDERERS.markdown(result).length).toBeLessThan(65_536);
    const diffs = result.findings.reduce((n, f) => n + (f.evidence?.diff?.length ?? 0), 0);
    expect(diffs).toBeGreaterThan(1_000_000);
  });

  it('renders the same bytes twice', () => {
    expect(RENDERERS.json(diffBaselines(DEFAULT_BASELINES, 'v0.25', 'v0.27'))).toBe(RENDERERS.json(result));
  });
});
