/**
 * The committed v0.10.0 baseline (made from a source build of the v0.10.0 release tree,
 * docs/source-builds.md) checked with v0.19, which installs in seconds: real Relay-era keys and a
 * real v0.10 library loaded and run by v0.19's runtime. No source build runs here.
 */
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../helpers/cli.js';

interface ModelRow {
  model: string;
  keys: { baselineTasks: number; candidateTasks: number; survived: number } | null;
  artifacts: { baselineOnCandidate: string; maxAbs?: number } | null;
}

describe('check --against v0.10 --tvm v0.19', () => {
  it('keeps the graph-executor library of v0.10 running in v0.19 with equal outputs, and loses the pooling and dense task keys', async () => {
    const r = await runCli(['check', '--against', 'v0.10', '--tvm', 'v0.19', '--target', 'llvm', '--no-ir', '--artifacts', '--only', 'ds_cnn_s_f32,squeezenet', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport & { models: ModelRow[] };
    expect(report.baseline.tvmVersion).toBe('0.10.0');
    expect(report.verdict).toBe('breaking');
    // Every finding is a key that moved; no library finding: v0.10's lib.so loads, runs and computes the same.
    expect(report.findings.map((f) => `${f.rule} ${f.model} ${f.subject}`).sort()).toEqual([
      'task-key-changed ds_cnn_s_f32 vm_mod_fused_nn_avg_pool2d',
      'task-key-changed ds_cnn_s_f32 vm_mod_fused_nn_dense',
      'task-key-changed squeezenet vm_mod_fused_nn_global_avg_pool2d',
      'task-key-changed squeezenet vm_mod_fused_nn_max_pool2d',
      'task-key-changed squeezenet vm_mod_fused_nn_max_pool2d_1',
      'task-key-changed squeezenet vm_mod_fused_nn_max_pool2d_2',
    ]);
    expect(report.skipped.filter((s) => s.check !== 'artifacts')).toEqual([expect.objectContaining({ check: 'tuning-records', code: 'not-stored' })]);
    // v0.19's libraries on v0.10's runtime need v0.10's own image (its baseline's spec): where it is not here, that is said.
    for (const s of report.skipped.filter((x) => x.check === 'artifacts')) expect(s).toMatchObject({ model: '*', code: 'not-available' });
    const row = (id: string) => report.models.find((m) => m.model === id)!;
    expect(row('ds_cnn_s_f32').keys).toMatchObject({ baselineTasks: 6, candidateTasks: 6, survived: 4 });
    expect(row('squeezenet').keys).toMatchObject({ baselineTasks: 23, candidateTasks: 23, survived: 19 });
    // ds_cnn_s_f32 (TFLite, trained weights) is the model whose outputs depend on its input: evidence.
    expect(row('ds_cnn_s_f32').artifacts).toMatchObject({ baselineOnCandidate: 'runs, max abs 0', maxAbs: 0 });
    // SqueezeNet's corpus weights are constant: equal outputs are said to prove nothing.
    expect(row('squeezenet').artifacts?.baselineOnCandidate).toMatch(/not evidence/);
  });

  it("says why v0.10's Vulkan library does not load in the v0.19 wheel, and that the wheel has no Vulkan codegen and no Model Library Format", async () => {
    const r = await runCli(['check', '--against', 'v0.10', '--tvm', 'v0.19', '--target', 'vulkan,c', '--no-ir', '--artifacts', '--only', 'ds_cnn_s_f32', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    const byRule = (rule: string) => report.findings.filter((f) => f.rule === rule);
    // The v0.19 wheel is built without USE_VULKAN: its runtime has no vulkan loader (TVM's own words).
    expect(byRule('library-no-longer-loads').map((f) => [f.target, f.args.error])).toEqual([
      ['vulkan', expect.stringContaining('Binary was created using {vulkan} but a loader of that name is not registered')],
    ]);
    expect(byRule('codegen-not-in-build').map((f) => f.target)).toEqual(['vulkan']);
    expect(byRule('model-library-format-changed').map((f) => [f.target, f.args.detail])).toEqual([['c', expect.stringMatching(/^no longer exported \(not available in this build: no tvm.micro/)]]);
    // The Vulkan keys move as the llvm ones do (the same auto_scheduler DAGs).
    expect(byRule('task-key-changed').map((f) => `${f.target} ${f.subject}`).sort()).toEqual(['vulkan vm_mod_fused_nn_avg_pool2d', 'vulkan vm_mod_fused_nn_dense']);
    expect(report.findings.length).toBe(5);
  });
});
