import { describe, expect, it } from 'vitest';
import { targetChanges, targetDefaultFindings } from '../../src/hash-keys/targets.js';
import { snapshot } from '../helpers/fixtures.js';

// v0.19's wheel completes "llvm" with -mtriple=x86_64-unknown-linux-gnu; 0.27's, whose LLVM is conda's, with x86_64-conda-linux-gnu.
const v19 = snapshot('v0.19.0-keys', 'squeezenet').stages.hash_keys!;
const v27 = snapshot('v0.27.0-keys', 'squeezenet').stages.hash_keys!;

describe('the corpus target as each TVM completes it', () => {
  it('is recorded by the probe from Target.export()', () => {
    expect(v19.canonicalTarget).toEqual({ keys: ['cpu'], kind: 'llvm', mtriple: 'x86_64-unknown-linux-gnu' });
    expect(v27.canonicalTarget).toEqual({ keys: ['cpu'], kind: 'llvm', mtriple: 'x86_64-conda-linux-gnu' });
  });

  it('names each attribute that differs, and nothing when they agree', () => {
    expect(targetChanges(v19.canonicalTarget!, v27.canonicalTarget!)).toEqual(['mtriple: x86_64-unknown-linux-gnu → x86_64-conda-linux-gnu']);
    expect(targetChanges(v27.canonicalTarget!, { keys: ['cpu'], kind: 'llvm' })).toEqual(['mtriple: x86_64-conda-linux-gnu → (none)']);
    expect(targetChanges(v19.canonicalTarget!, v19.canonicalTarget!)).toEqual([]);
  });

  it('takes a boolean attribute exported as 1 (v0.10) and as true (v0.19) for one value', () => {
    const v10vk = snapshot('v0.10.0-vulkan-keys', 'ds_cnn_s_f32', 'vulkan').stages.hash_keys!;
    const v19vk = snapshot('v0.19.0-targets', 'ds_cnn_s_f32', 'vulkan').stages.hash_keys!;
    expect(v10vk.canonicalTarget!.supports_float32).toBe(1);
    expect(v19vk.canonicalTarget!.supports_float32).toBe(true);
    expect(targetChanges(v10vk.canonicalTarget!, v19vk.canonicalTarget!)).toEqual([]);
    expect(targetDefaultFindings([{ model: 'ds_cnn_s_f32', target: 'vulkan', base: v10vk, cand: v19vk }])).toEqual([]);
  });

  it('is one finding per target, not per model, and says why its effect was not measured', () => {
    const pairs = ['squeezenet', 'squeezenet'].map((model) => ({ model, target: 'llvm', base: v19, cand: v27 }));
    const findings = targetDefaultFindings(pairs);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'target-default-changed', model: '*', target: 'llvm', severity: 'warning' });
    expect(findings[0]!.args.effect).toBe('not measured: the tuning systems differ, so no key could come back');
    expect(targetDefaultFindings([{ model: 'squeezenet', target: 'llvm', base: v19, cand: v19 }])).toEqual([]);
  });

  it('stays silent where a side has no completed target (a baseline made before it was recorded)', () => {
    const old = snapshot('v0.19.0-ir', 'squeezenet').stages.hash_keys!;
    expect(old.canonicalTarget).toBeUndefined();
    expect(targetDefaultFindings([{ model: 'squeezenet', target: 'llvm', base: old, cand: v27 }])).toEqual([]);
  });
});

describe('a default that moved, measured: plain "cuda" is -arch=sm_20 in v0.10 and sm_50 in v0.19', () => {
  const models = ['ds_cnn_s_f32', 'squeezenet'];
  const pairs = models.map((model) => ({
    model,
    target: 'cuda-unpinned',
    base: snapshot('v0.10.0-cuda-unpinned', model, 'cuda-unpinned').stages.hash_keys!,
    cand: snapshot('v0.19.0-cuda-unpinned-vs-v0.10.0', model, 'cuda-unpinned').stages.hash_keys!,
  }));

  it('is re-extracted by v0.19 for v0.10\'s completed target, and explains none of the moved keys', () => {
    expect(pairs[0]!.base.canonicalTarget).toMatchObject({ kind: 'cuda', arch: 'sm_20' });
    expect(pairs[0]!.cand.canonicalTarget).toMatchObject({ kind: 'cuda', arch: 'sm_50' });
    for (const p of pairs) expect(p.cand.underBaselineTarget, p.model).toEqual({ measured: true, moved: 0, recovered: 0 });
    const [f] = targetDefaultFindings(pairs);
    expect(f?.args.changes).toBe('arch: sm_20 → sm_50');
    expect(f?.args.effect).toBe("re-extracted for the baseline's target in 2 of 2 model(s): it moves 0 key(s) and brings back 0 of the baseline's (it is the cause of no moved key)");
  });
});
