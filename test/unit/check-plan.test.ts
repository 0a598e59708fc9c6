import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baselineSnapshot, checkBaselineFor, isSkip } from '../../src/check/plan.js';
import { InputError } from '../../src/errors.js';
import { srcPath } from '../../src/paths.js';
import { PROBE_VERSION } from '../../src/probe/snapshot.js';
import { baseline, snapshot } from '../helpers/fixtures.js';

describe('what stops or limits a comparison before it starts', () => {
  it('knows the probe version the Python probe writes', () => {
    expect(readFileSync(srcPath('probe', 'probe.py'), 'utf8')).toContain(`PROBE_VERSION = "${PROBE_VERSION}"`);
  });

  it('refuses a baseline made by another probe version, naming its manifest', () => {
    const b = baseline('v0.27.0');
    expect(() => checkBaselineFor(b, { models: [], targets: [] }, '1')).toThrow(InputError);
    expect(() => checkBaselineFor(b, { models: [], targets: [] }, '1')).toThrow(/v0\.27\.0\/manifest\.json: .*probe version 2, this tool's probe is 1; re-create it/);
    expect(checkBaselineFor(b, { models: [], targets: [] })).toEqual([]);
  });

  it('pairs a snapshot with the baseline only for the same model file and target string', () => {
    const b = baseline('v0.27.0');
    const s = snapshot('v0.27.0', 'squeezenet');
    expect(isSkip(baselineSnapshot(b, s))).toBe(false);
    expect(baselineSnapshot(b, { ...s, target: { id: 'llvm', target: 'llvm -mcpu=skylake' } })).toMatchObject({ code: 'target-differs', args: { was: 'llvm', now: 'llvm -mcpu=skylake' } });
    expect(baselineSnapshot(b, { ...s, model: { ...s.model, sha256: '0'.repeat(64) } })).toMatchObject({ code: 'model-file-differs' });
    expect(baselineSnapshot(b, { ...s, model: { ...s.model, id: 'mine' } })).toMatchObject({ code: 'not-in-baseline' });
  });
});
