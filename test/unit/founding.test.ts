/**
 * The founding report (v0.10 → v0.11), from the committed baselines made from source builds of
 * both release trees: the figures README states, recomputed from the stored runs (no TVM runs).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASELINES } from '../../src/baseline/store.js';
import { diffBaselines } from '../../src/check/run-check.js';

const r = diffBaselines(DEFAULT_BASELINES, 'v0.10', 'v0.11');
type Keys = { baselineTasks: number; survived: number; metaSchedule?: { baselineTasks: number; survived: number } };
const keys = (target: string) => r.models.filter((m) => m.target === target && m.keys).map((m) => [m.model, m.keys as Keys] as const);

describe('v0.10 → v0.11', () => {
  it('keeps 300 of 400 llvm auto-scheduler keys; the moved ones are the pooling tasks, the BatchNorm fusions and the QNN requantize', () => {
    const llvm = keys('llvm');
    expect(llvm.length).toBe(13);
    expect(llvm.reduce((n, [, k]) => n + k.baselineTasks, 0)).toBe(400);
    expect(llvm.reduce((n, [, k]) => n + k.survived, 0)).toBe(300);
    const moved = r.findings.filter((f) => f.rule === 'task-key-changed' && f.target === 'llvm' && !f.subject.startsWith('meta_schedule:'));
    expect(moved.length).toBe(49);
    for (const f of moved) expect(f.subject).toMatch(/pool2d/);
    expect(f(moved[0]!.evidence?.diff)).toMatch(/^-tensor\(.*\n\+(pool_max|pool_sum|pool_avg|adaptive_pool_sum|adaptive_pool_max)\(/m);
    const added = r.findings.filter((x) => x.rule === 'task-added' && x.target === 'llvm' && x.model === 'mobilenet_v1_025_int8' && !x.subject.startsWith('meta_schedule:'));
    expect(added.length).toBe(22);
    for (const x of added) expect(x.subject).toMatch(/fixed_point_multiply_per_axis/);
  });

  it('moves the cuda and vulkan auto_scheduler keys of all 13 models exactly as the llvm ones, and every cuda and vulkan MetaSchedule key', () => {
    const llvm = new Map(keys('llvm'));
    for (const t of ['cuda', 'vulkan']) {
      const got = keys(t);
      expect(got.map(([m]) => m).sort(), t).toEqual([...llvm.keys()].sort());
      for (const [m, { metaSchedule, ...k }] of got) {
        expect(k, `${t} ${m}`).toEqual({ ...llvm.get(m), metaSchedule: undefined });
        expect(metaSchedule?.baselineTasks, `${t} ${m}`).toBeGreaterThan(0);
        expect(metaSchedule?.survived, `${t} ${m}`).toBe(0);
      }
    }
  });

  it('moves every llvm MetaSchedule-on-Relay key of all 13 models', () => {
    const ms = keys('llvm').map(([m, k]) => [m, k.metaSchedule] as const);
    expect(ms.filter(([, k]) => k && k.baselineTasks > 0).length).toBe(13);
    expect(ms.reduce((n, [, k]) => n + (k?.survived ?? 0), 0)).toBe(0);
    const moved = r.findings.filter((x) => x.rule === 'task-key-changed' && x.target === 'llvm' && x.subject.startsWith('meta_schedule:'));
    expect(moved.length).toBe(454);
  });

  it("stores v0.11's run of v0.10's libraries: graph-executor ones load and run with max abs 0, Relay VM executables do not load", () => {
    const cells = r.models.filter((m) => m.target === 'llvm' || m.target === 'vulkan').map((m) => [m.model, m.target, (m.artifacts as { baselineOnCandidate?: string } | undefined)?.baselineOnCandidate]);
    const ran = cells.filter(([, , c]) => c?.startsWith('runs, max abs 0'));
    // Stored v0.10 libraries only: the others are kept as digests (outputs that do not depend on the input, not in the ci subset).
    expect(ran.map(([m, t]) => `${m}/${t}`).sort()).toEqual(
      ['ds_cnn_s_f32', 'mobilenet_v1_025_f32', 'mobilenet_v2_035_f32', 'mobilenet_v1_025_int8', 'shufflenet', 'squeezenet'].map((m) => `${m}/llvm`)
        .concat(['ds_cnn_s_f32', 'mobilenet_v1_025_f32', 'shufflenet', 'squeezenet'].map((m) => `${m}/vulkan`)).sort(),
    );
    expect(cells.find(([m, t]) => m === 'ds_cnn_s_f32' && t === 'vulkan')?.[2]).toBe('runs, max abs 0');
    // The Relay VM executable records TVM_VERSION and its loader wants its own (src/runtime/vm/executable.cc), both ways.
    const lib = r.findings.filter((x) => x.rule.startsWith('library-') || x.rule === 'model-library-format-changed');
    expect(lib.filter((x) => x.rule === 'library-no-longer-loads').map((x) => `${x.model}/${x.target} ${x.subject}`).sort()).toEqual(
      ['ds_cnn_s_f32', 'mobilenet_v1_025_f32', 'shufflenet', 'squeezenet'].map((m) => `${m}/vulkan relay-vm`),
    );
    for (const x of lib.filter((y) => y.rule === 'library-no-longer-loads')) expect(String(x.args.error)).toMatch(/Check failed: \(version == "0\.11\.dev0"\) is false: Invalid VM file format in the version section/);
    expect(lib.filter((x) => x.rule === 'library-needs-new-runtime').map((x) => `${x.model}/${x.target} ${x.subject}`).sort()).toEqual(
      ['ds_cnn_s_f32', 'mobilenet_v1_025_f32', 'mobilenet_v2_035_f32', 'shufflenet', 'squeezenet'].map((m) => `${m}/vulkan relay-vm`),
    );
    expect(lib.filter((x) => x.rule !== 'library-no-longer-loads' && x.rule !== 'library-needs-new-runtime')).toEqual([]);
  });
});

const f = (s: string | undefined): string => s ?? '';
