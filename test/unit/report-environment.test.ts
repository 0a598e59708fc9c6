/**
 * Environment changes across releases whose builds report different libinfo fields (v0.19's
 * wheel 104, 0.25's and later 15), from the committed baselines' real fingerprints.
 */
import { describe, expect, it } from 'vitest';
import { diffBaselines } from '../../src/check/run-check.js';
import { DEFAULT_BASELINES } from '../../src/baseline/store.js';
import { foldEnvironment } from '../../src/report/common.js';
import { RENDERERS } from '../../src/report/index.js';

describe('environment changes in the reports', () => {
  const across = diffBaselines(DEFAULT_BASELINES, 'v0.19', 'v0.27');

  it('folds the libinfo fields only one build reports into one line, and keeps every changed field', () => {
    const oneSided = across.environment.filter((c) => c.path.startsWith('libinfo.') && c.candidate === null);
    expect(oneSided.length).toBe(89);
    const text = RENDERERS.text(across);
    expect(text).toContain('  libinfo: 89 fields only the baseline reports: BACKTRACE_ON_SEGFAULT, BUILD_DUMMY_LIBTVM,');
    expect(text).not.toMatch(/^ {2}libinfo\.BACKTRACE_ON_SEGFAULT:/m);
    expect(text).toMatch(/^ {2}libinfo\.USE_CUDA: OFF → ON$/m);
    expect(text).toMatch(/^ {2}packages\.scipy: 1\.17\.1 → \(none\)$/m);
    expect(RENDERERS.markdown(across)).toContain('| libinfo | 89 fields only the baseline reports: ');
    // The JSON report keeps every field.
    expect(JSON.parse(RENDERERS.json(across)).environment.length).toBe(across.environment.length);
  });

  it('folds nothing between builds that report the same fields', () => {
    const same = diffBaselines(DEFAULT_BASELINES, 'v0.25', 'v0.27');
    expect(foldEnvironment(same.environment)).toEqual(same.environment);
    expect(foldEnvironment(diffBaselines(DEFAULT_BASELINES, 'v0.27', 'v0.27').environment)).toEqual([]);
  });
});
