/**
 * `--add` in place of a stored model and target keeps the stored stages the run did not make:
 * real v0.19 snapshots, one with IR (v0.19.0-ir) and one with libraries (v0.19.0-targets).
 */
import { describe, expect, it } from 'vitest';
import { mergeStages } from '../../src/check/add-to-baseline.js';
import { snapshot } from '../helpers/fixtures.js';

describe('mergeStages', () => {
  const withIr = snapshot('v0.19.0-ir', 'ds_cnn_s_f32');
  // A run with --no-ir: v0.19.0-targets (captured with IR and libraries) without its IR stage.
  const { ir: _ir, ...noIr } = snapshot('v0.19.0-targets', 'ds_cnn_s_f32').stages;
  const withLibrary = { ...snapshot('v0.19.0-targets', 'ds_cnn_s_f32'), stages: noIr };

  it("keeps the stored IR beside a fresh run's library, and takes every stage the run made from the run", () => {
    const merged = mergeStages(withIr, withLibrary);
    expect(Object.keys(merged.stages)).toEqual(['artifacts', 'frontend', 'hash_keys', 'import', 'ir']);
    expect(merged.stages.ir).toBe(withIr.stages.ir);
    expect(merged.stages.artifacts).toBe(withLibrary.stages.artifacts);
    expect(merged.stages.hash_keys).toBe(withLibrary.stages.hash_keys);
  });

  it('keeps nothing when there is no stored snapshot, or its frontend gave another answer', () => {
    expect(mergeStages(undefined, withLibrary)).toBe(withLibrary);
    const failed = { ...withIr, stages: { ...withIr.stages, frontend: { status: 'error' as const, message: 'x' } } };
    expect(mergeStages(failed, withLibrary)).toBe(withLibrary);
  });
});
