import { describe, expect, it } from 'vitest';
import { diffHashKeys } from '../../src/hash-keys/diff.js';
import { hashKeys } from '../../src/hash-keys/index.js';
import { baseName, matchTasks, recomputesStoredHashes } from '../../src/hash-keys/match.js';
import { compareContext, snapshot } from '../helpers/fixtures.js';

const ctx = compareContext('v0.19.0', 'v0.19.0-conv2d-index-order', 'squeezenet');

describe('baseName', () => {
  it('drops TVM de-duplication suffixes of every name part', () => {
    expect(baseName('vm_mod_fused_nn_contrib_conv2d_NCHWc_add_nn_relu_17')).toBe('vm_mod_fused_nn_contrib_conv2d_NCHWc_add_nn_relu');
    expect(baseName('conv2d13')).toBe('conv2d');
    expect(baseName('a_1,b2')).toBe('a,b');
  });
});

describe('matchTasks on real tasks', () => {
  const relay = snapshot('v0.19.0', 'squeezenet').stages.hash_keys?.tasks ?? [];
  const relax25 = snapshot('v0.25.0', 'shufflenet').stages.hash_keys?.tasks ?? [];
  const relax27 = snapshot('v0.27.0', 'shufflenet').stages.hash_keys?.tasks ?? [];

  // Every test below would pass on empty lists (a renamed stage, a fixture without tasks).
  it('has the real tasks the tests are about', () => {
    expect(relay).toHaveLength(23);
    expect(relax25).toHaveLength(57);
    expect(relax27).toHaveLength(57);
  });

  it('pairs every task of a snapshot with itself by key', () => {
    expect(relay.length).toBeGreaterThan(0);
    const m = matchTasks(relay, relay);
    expect(m.pairs.every((p) => p.by === 'key')).toBe(true);
    expect(m.pairs).toHaveLength(relay.length);
    expect(m.added).toEqual([]);
    expect(m.removed).toEqual([]);
  });

  it('pairs 0.25 and 0.27 ShuffleNet tasks by their identical text when every hash moved', () => {
    const m = matchTasks(relax25, relax27);
    expect(m.pairs).toHaveLength(57);
    expect(new Set(m.pairs.map((p) => p.by))).toEqual(new Set(['text']));
  });

  it('falls back to name and shapes when key and text both changed', () => {
    const patched = snapshot('v0.19.0-conv2d-index-order', 'squeezenet').stages.hash_keys?.tasks ?? [];
    const m = matchTasks(relay, patched);
    expect(m.pairs.filter((p) => p.by === 'identity')).toHaveLength(18);
    expect(m.pairs.filter((p) => p.by === 'key')).toHaveLength(5);
  });

  it('calls a task that is gone removed, and one that appears added', () => {
    const m = matchTasks(relay, relay.slice(1));
    expect(m.removed.map((t) => t.name)).toEqual([relay[0]?.name]);
    const d = diffHashKeys({ tasks: relay.slice(1), status: 'ok' }, { tasks: relay, status: 'ok' }, ctx);
    expect(d.findings.map((f) => f.rule)).toEqual(['task-added']);
    expect(d.stats.share).toBe(1);
  });

  it('gives every task-key-changed finding the diff of the two texts, and a same-text hash move none', () => {
    const changed = diffHashKeys(snapshot('v0.19.0', 'squeezenet').stages.hash_keys!, snapshot('v0.19.0-conv2d-index-order', 'squeezenet').stages.hash_keys!, ctx);
    const withText = changed.findings.filter((f) => f.rule === 'task-key-changed');
    expect(withText).toHaveLength(18);
    for (const f of withText) expect(f.evidence?.diff).toMatch(/^--- v0\.19\.0\/.*\n\+\+\+ .*\n@@ /);
    const relaxCtx = compareContext('v0.25.0', 'v0.27.0', 'shufflenet');
    const same = diffHashKeys(snapshot('v0.25.0', 'shufflenet').stages.hash_keys!, snapshot('v0.27.0', 'shufflenet').stages.hash_keys!, relaxCtx);
    const sameText = same.findings.filter((f) => f.rule === 'workload-hash-changed-same-text');
    expect(sameText).toHaveLength(57);
    for (const f of sameText) expect(f.evidence).toBeUndefined();
  });

  it('counts the share of baseline tasks whose key survived, plain and weighted', () => {
    const patched = snapshot('v0.19.0-conv2d-index-order', 'squeezenet').stages.hash_keys;
    const d = diffHashKeys(snapshot('v0.19.0', 'squeezenet').stages.hash_keys ?? { status: 'ok' }, patched ?? { status: 'ok' }, ctx);
    expect(d.stats).toMatchObject({ baselineTasks: 23, candidateTasks: 23, survived: 5 });
    expect(d.stats.share).toBeCloseTo(5 / 23, 4);
    expect(d.stats.weightedShare).toBeLessThan(d.stats.share);
  });
});

describe('MetaSchedule keys of the Relay era (v0.19 has both tuning systems)', () => {
  const plain = snapshot('v0.19.0-keys', 'squeezenet').stages.hash_keys!;
  const patched = snapshot('v0.19.0-conv2d-index-order', 'squeezenet').stages.hash_keys!;
  const msCtx = compareContext('v0.19.0-keys', 'v0.19.0-conv2d-index-order', 'squeezenet');

  it('are collected beside the auto_scheduler keys, with their texts', () => {
    expect(plain.kind).toBe('auto_scheduler');
    expect(plain.tasks).toHaveLength(23);
    expect(plain.metaSchedule?.hashFunction).toBe('tvm.ir.structural_hash');
    expect(plain.metaSchedule?.tasks).toHaveLength(26);
    for (const t of plain.metaSchedule?.tasks ?? []) expect(t.text).toMatch(/@T\.prim_func/);
  });

  it('move where a TOPI change moves the TIR: every NCHWc conv2d task, with the TIR diff', () => {
    const d = hashKeys.diff(plain, patched, msCtx, { baseline: {} as never, candidate: {} as never });
    const ms = d.findings.filter((f) => f.subject.startsWith('meta_schedule:'));
    expect(ms).toHaveLength(17);
    for (const f of ms) {
      expect(f.rule).toBe('task-key-changed');
      expect(f.subject).toMatch(/^meta_schedule:fused_nn_contrib_conv2d_NCHWc/);
      expect(f.evidence?.diff).toMatch(/v_kh \+ v_oh/);
    }
    expect(d.findings.filter((f) => !f.subject.startsWith('meta_schedule:'))).toHaveLength(18);
    expect(d.stats).toMatchObject({ survived: 5, metaSchedule: { baselineTasks: 26, survived: 9 } });
  });

  it('are silent same-vs-same and absent from the figures where the baseline has none', () => {
    const same = hashKeys.diff(plain, plain, msCtx, { baseline: {} as never, candidate: {} as never });
    expect(same.findings).toEqual([]);
    expect(same.stats).toMatchObject({ metaSchedule: { survived: 26, share: 1 } });
    const old = hashKeys.diff(snapshot('v0.19.0-ir', 'squeezenet').stages.hash_keys!, patched, ctx, { baseline: {} as never, candidate: {} as never });
    expect(old.stats).not.toHaveProperty('metaSchedule');
    expect(old.findings.some((f) => f.subject.startsWith('meta_schedule:'))).toBe(false);
  });

  it('a candidate whose extraction fails is hash-keys-failed; one with no Relay MetaSchedule is not available, never passed', () => {
    const failed = { ...patched, metaSchedule: { module: 'tvm.meta_schedule', error: { type: 'TVMError', message: 'boom' } } };
    const f = hashKeys.diff(plain, failed, msCtx, { baseline: {} as never, candidate: {} as never });
    expect(f.findings.filter((x) => x.rule === 'hash-keys-failed').map((x) => x.args.error)).toEqual(['MetaSchedule: boom']);
    const { metaSchedule: _gone, ...without } = patched;
    const n = hashKeys.diff(plain, without, msCtx, { baseline: {} as never, candidate: {} as never });
    expect(n.skipped.map((s) => [s.code, s.args.what, s.args.side])).toEqual([['not-available', 'MetaSchedule keys on Relay', 'candidate']]);
    expect(n.stats).not.toHaveProperty('metaSchedule');
  });
});

describe('a MetaSchedule hash that moved with its TVMScript unchanged (0.25 → 0.27, ShuffleNet)', () => {
  const b = snapshot('v0.25.0', 'shufflenet').stages.hash_keys!;
  const c = snapshot('v0.27.0', 'shufflenet').stages.hash_keys!;
  const real = compareContext('v0.25.0', 'v0.27.0', 'shufflenet');

  it('is a warning where the candidate recomputes stored hashes (v0.12 on): the database still matches it', () => {
    const d = diffHashKeys(b, c, real);
    expect(d.findings).toHaveLength(57);
    for (const f of d.findings) expect([f.rule, f.severity]).toEqual(['workload-hash-changed-same-text', 'warning']);
    expect(d.stats).toMatchObject({ baselineTasks: 57, survived: 57, share: 1 });
  });

  it("is breaking where the candidate checks them (v0.10/v0.11 stop at 'Module hash changed')", () => {
    const d = diffHashKeys(b, c, { ...real, candidate: { ...real.candidate, tvmVersion: '0.11.dev0' } });
    expect(new Set(d.findings.map((f) => `${f.rule} ${f.severity}`))).toEqual(new Set(['task-key-changed-same-text breaking']));
    expect(d.stats).toMatchObject({ baselineTasks: 57, survived: 0, share: 0 });
    expect(String(d.findings[0]!.args.why)).toMatch(/Module hash changed/);
  });

  it('knows which releases recompute, from the version each reports', () => {
    expect(['0.10.0', '0.11.dev0', '0.11.1'].map(recomputesStoredHashes)).toEqual([false, false, false]);
    expect(['0.12.0', '0.19.0', '0.27.0.post1', '0.20.dev0'].map(recomputesStoredHashes)).toEqual([true, true, true, true]);
    expect(recomputesStoredHashes('unknown')).toBe(false);
  });
});
