/**
 * The committed v0.10.0 baseline (made from a source build of the v0.10.0 release tree,
 * docs/source-builds.md) checked with v0.19, which installs in seconds: real Relay-era keys (both
 * tuning systems), v0.10's real auto_scheduler records applied by v0.19's relay.build, and a real
 * v0.10 library loaded and run by v0.19's runtime. No source build runs here.
 */
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../helpers/cli.js';

/** v0.11's image (compat env build v0.11 --source ../shared/tvm-src/tvm-v0.11.0.tar.gz, ~70 min cold): only where it was built. */
const V011 = 'tvm-compat/tvm-src:0.11.dev0-77597b4c53fe';
const hasV011 = execaSync('docker', ['image', 'inspect', V011], { reject: false }).exitCode === 0;

/** "rule subject" → the printer-or-IR decision of each finding the candidate could not decide. */
const decisions = (report: JsonReport): Map<string, string> =>
  new Map(report.findings.filter((f) => String(f.args.decision ?? '').startsWith('printer or IR not decided')).map((f) => [`${f.rule} ${f.subject}`, String(f.args.decision)]));

interface ModelRow {
  model: string;
  keys: { baselineTasks: number; candidateTasks: number; survived: number; metaSchedule?: { baselineTasks: number; survived: number } } | null;
  artifacts: { baselineOnCandidate: string; maxAbs?: number } | null;
  tuning?: { stored: number; applied: number } | null;
}

describe('check --against v0.10 --tvm v0.19', () => {
  it("says in TVM's own words why v0.19 cannot load v0.10's serialized IR or parse its printed IR", async () => {
    const r = await runCli(['check', '--against', 'v0.10', '--tvm', 'v0.19', '--target', 'llvm', '--no-tuning', '--only', 'ds_cnn_s_f32', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.filter((f) => f.rule === 'ir-json-no-longer-loads').map((f) => `${f.subject}: ${String(f.args.error)}`).sort()).toEqual([
      'import: TVMError: JSONReader: cannot find field global_infos',
      "optimized: InternalError: InternalError: Check failed: (kind.defined()) is false: Cannot find target kind ''",
    ]);
    // v0.19 renders parser diagnostics to stderr and raises a bare DiagnosticError: the decision carries the diagnostic itself.
    const undecided = decisions(report);
    expect(undecided.get('tir-function-changed tvmgen_default_fused_nn_avg_pool2d')).toMatch(/has no attribute 'preflattened_buffer'/);
    expect(undecided.get('ir-import-changed main')).toMatch(/no entry in the meta table for `relay\.Constant`/);
    for (const d of undecided.values()) expect(d).not.toMatch(/one or more error diagnostics were emitted/);
  });

  it("applies v0.10's real auto_scheduler records in v0.19, keeps v0.10's graph library running there, and loses the pooling and dense keys and every MetaSchedule key", async () => {
    const r = await runCli(['check', '--against', 'v0.10', '--tvm', 'v0.19', '--target', 'llvm', '--no-ir', '--artifacts', '--only', 'ds_cnn_s_f32,squeezenet', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport & { models: ModelRow[] };
    expect(report.baseline.tvmVersion).toBe('0.10.0');
    expect(report.verdict).toBe('breaking');
    // The reverse load needs v0.10's own image (its baseline's spec): CI has none; where it is here, it ran.
    const findings = report.findings.filter((f) => f.rule !== 'library-needs-new-runtime');
    // auto_scheduler: keys that moved; no library finding: v0.10's lib.so loads, runs and computes the same.
    expect(findings.filter((f) => !f.subject.startsWith('meta_schedule:') && f.model !== '*').map((f) => `${f.rule} ${f.model} ${f.subject}`).sort()).toEqual([
      'task-key-changed ds_cnn_s_f32 vm_mod_fused_nn_avg_pool2d',
      'task-key-changed ds_cnn_s_f32 vm_mod_fused_nn_dense',
      'task-key-changed squeezenet vm_mod_fused_nn_global_avg_pool2d',
      'task-key-changed squeezenet vm_mod_fused_nn_max_pool2d',
      'task-key-changed squeezenet vm_mod_fused_nn_max_pool2d_1',
      'task-key-changed squeezenet vm_mod_fused_nn_max_pool2d_2',
    ]);
    // MetaSchedule on Relay: every task pairs by name and shapes, and every key moved.
    const ms = findings.filter((f) => f.subject.startsWith('meta_schedule:'));
    expect(new Set(ms.map((f) => f.rule))).toEqual(new Set(['task-key-changed']));
    expect(ms.filter((f) => f.model === 'ds_cnn_s_f32')).toHaveLength(7);
    expect(ms.filter((f) => f.model === 'squeezenet')).toHaveLength(26);
    // v0.10 completes llvm with no -mtriple, v0.19 adds its own: said, and why it was not measured.
    expect(findings.filter((f) => f.model === '*').map((f) => [f.rule, f.target, f.args.changes, f.args.effect])).toEqual([
      ['target-default-changed', 'llvm', 'mtriple: (none) → x86_64-unknown-linux-gnu', "not measured: this TVM completes the baseline's target with its own mtriple"],
    ]);
    for (const f of report.findings.filter((x) => x.rule === 'library-needs-new-runtime')) {
      expect(f.subject).toBe('relay-vm');
      expect(String(f.args.detail)).toContain('Invalid VM file format in the version section');
    }
    expect(report.skipped.filter((s) => s.check !== 'artifacts')).toEqual([]);
    for (const s of report.skipped.filter((x) => x.check === 'artifacts')) expect(s).toMatchObject({ model: '*', code: 'not-available' });
    const row = (id: string) => report.models.find((m) => m.model === id)!;
    expect(row('ds_cnn_s_f32').keys).toMatchObject({ baselineTasks: 6, candidateTasks: 6, survived: 4, metaSchedule: { baselineTasks: 7, survived: 0 } });
    expect(row('squeezenet').keys).toMatchObject({ baselineTasks: 23, candidateTasks: 23, survived: 19, metaSchedule: { baselineTasks: 26, survived: 0 } });
    // The records v0.10 tuned (its heaviest tasks) are all applied by v0.19's relay.build: measured, not inferred from keys.
    expect(row('ds_cnn_s_f32').tuning).toMatchObject({ stored: 12, applied: 12 });
    expect(row('squeezenet').tuning).toMatchObject({ stored: 8, applied: 8 });
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
    // The v0.19 wheel is built without USE_VULKAN: its runtime has no vulkan loader (TVM's own words);
    // and v0.10's Relay VM executable records v0.10's TVM_VERSION, which v0.19's loader refuses first.
    const loads = new Map(byRule('library-no-longer-loads').map((f) => [`${f.target} ${f.subject === 'relay-vm' ? 'relay-vm' : 'graph'}`, String(f.args.error)]));
    expect([...loads.keys()].sort()).toEqual(['vulkan graph', 'vulkan relay-vm']);
    expect(loads.get('vulkan graph')).toContain('Binary was created using {vulkan} but a loader of that name is not registered');
    expect(loads.get('vulkan relay-vm')).toContain('Check failed: (version == "0.19.0") is false: Invalid VM file format in the version section');
    expect(byRule('codegen-not-in-build').map((f) => f.target)).toEqual(['vulkan']);
    expect(byRule('model-library-format-changed').map((f) => [f.target, f.args.detail])).toEqual([['c', expect.stringMatching(/^no longer exported \(not available in this build: no tvm.micro/)]]);
    // The Vulkan keys move as the llvm ones do (the same auto_scheduler DAGs).
    const moved = byRule('task-key-changed');
    expect(moved.filter((f) => !f.subject.startsWith('meta_schedule:')).map((f) => `${f.target} ${f.subject}`).sort()).toEqual(['vulkan vm_mod_fused_nn_avg_pool2d', 'vulkan vm_mod_fused_nn_dense']);
    // v0.10's vulkan MetaSchedule-on-Relay keys (stored since 2026-12-07): every one of the 7 moves, as on llvm.
    expect(moved.filter((f) => f.subject.startsWith('meta_schedule:')).map((f) => f.target)).toEqual(Array(7).fill('vulkan'));
    expect(report.findings.length).toBe(13);
  });

  // Skipped (and counted as skipped) where v0.11's image was not built: CI cannot build it in its budget.
  it.skipIf(!hasV011)("in v0.11 (the founding report's pair): v0.10's records apply, and every MetaSchedule key moves because v0.11's TIR is int64", async () => {
    const r = await runCli(['check', '--against', 'v0.10', '--tvm', `docker:${V011}`, '--target', 'llvm', '--no-ir', '--only', 'ds_cnn_s_f32', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport & { models: ModelRow[] };
    expect(report.candidate.tvmVersion).toBe('0.11.dev0');
    const row = report.models.find((m) => m.model === 'ds_cnn_s_f32')!;
    expect(row.tuning).toMatchObject({ stored: 12, applied: 12 });
    expect(row.keys).toMatchObject({ baselineTasks: 6, survived: 5, metaSchedule: { baselineTasks: 7, survived: 0 } });
    const ms = report.findings.filter((f) => f.subject.startsWith('meta_schedule:'));
    expect(ms.map((f) => f.rule)).toEqual(Array(7).fill('task-key-changed'));
    // The explanation is the text diff, and it is the true cause: v0.11 writes every shape as T.int64.
    for (const f of ms) expect((f as { evidence?: { diff?: string } }).evidence?.diff, f.subject).toMatch(/^\+.*T\.int64\(/m);
  });

  it.skipIf(!hasV011)("in v0.11: v0.10's serialized Relay IR no longer loads, and v0.10's Relay text reaches v0.11's own parser (tvm.parser, not tvm.relay.parse_expr)", async () => {
    const r = await runCli(['check', '--against', 'v0.10', '--tvm', `docker:${V011}`, '--target', 'llvm', '--no-tuning', '--only', 'ds_cnn_s_f32', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    // v0.11's json_compact upgrades only from 0.6-0.8 (the 0.10 updater came later): TVM's own words.
    expect(report.findings.filter((f) => f.rule === 'ir-json-no-longer-loads').map((f) => `${f.subject}: ${String(f.args.error)}`)).toEqual(['optimized: ValueError: Cannot update from version 0.10.0']);
    // Undecided for TVM's reasons, in its parser's words: never because the tool called a function v0.11 does not have.
    const undecided = decisions(report);
    expect(undecided.get('ir-import-changed main')).toMatch(/no entry in the meta table for `relay\.Constant`/);
    // v0.11's new TVMScript parser has no T.preflattened_buffer; and its own avg_pool2d text does not parse back.
    const tir = [...undecided].filter(([k]) => k.startsWith('tir-function-changed '));
    expect(tir.filter(([, d]) => /has no attribute 'preflattened_buffer'/.test(d)).length).toBe(6);
    expect(undecided.get('tir-function-changed tvmgen_default_fused_nn_avg_pool2d')).toMatch(/own text does not parse back .*'BufferRegion' and 'BufferRegion'/);
    for (const d of undecided.values()) expect(d).not.toMatch(/tvm\.relay' has no attribute|one or more error diagnostics were emitted/);
  });
});
