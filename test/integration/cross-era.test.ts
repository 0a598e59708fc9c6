/** Relay era → Relax era: the tuning system itself is gone, reported once, not as a crash per model. */
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../helpers/cli.js';

describe('v0.27 against the v0.19 baseline', () => {
  it('reports auto-scheduler records as unusable, once', async () => {
    const r = await runCli(['check', '--against', 'v0.19', '--tvm', 'v0.27', '--only', 'shufflenet,mobilenet_v1_025_f32', '--format', 'json', '--quiet']);
    // Relay IR and Relax IR do not pair: said once per model, as a comparison that could not be made.
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    const era = report.findings.filter((f) => f.rule === 'auto-scheduler-records-unusable');
    expect(era).toHaveLength(1);
    // Two models on the three targets with keys (the baseline has llvm, cuda, vulkan and c).
    expect(era[0]).toMatchObject({ model: '*', severity: 'breaking', args: { models: 6, candidateKind: 'meta_schedule' } });
    expect(report.findings.filter((f) => f.rule.startsWith('task-'))).toEqual([]);
    // IR on every target with IR (llvm, cuda, vulkan), once per model and target.
    expect(report.skipped.filter((s) => s.code === 'not-comparable').map((s) => `${s.model}/${s.target}`).sort()).toEqual(
      ['mobilenet_v1_025_f32', 'shufflenet'].flatMap((m) => ['cuda', 'llvm', 'vulkan'].map((t) => `${m}/${t}`)),
    );
    // Per target, what each concern compared there: IR not on c (it lowers as llvm), keys not on c.
    const rows = Object.fromEntries((report as JsonReport & { targets: { rows: { target: string; cells: Record<string, string> }[] } }).targets.rows.map((r) => [r.target, r.cells]));
    // Keys and IR of the two eras do not pair: never "compared". v0.19's real records were applied
    // by 0.27 and none could be: measured, with the cause.
    const keys = 'not compared 2 (auto_scheduler tasks and meta_schedule tasks do not pair: one finding for the run)';
    const ir = 'not compared 2 (relay IR and relax IR do not pair)';
    const none = 'not collected on this target';
    expect(rows).toEqual({
      llvm: { frontend: 'compared 2', 'hash-keys': keys, 'ir-snapshots': ir, 'tuning-records': 'compared 2' },
      cuda: { frontend: 'compared 2', 'hash-keys': keys, 'ir-snapshots': ir, 'tuning-records': none },
      vulkan: { frontend: 'compared 2', 'hash-keys': keys, 'ir-snapshots': ir, 'tuning-records': none },
      c: { frontend: 'compared 2', 'hash-keys': none, 'ir-snapshots': none, 'tuning-records': none },
    });
    const lost = report.findings.filter((f) => f.rule === 'tuning-records-no-longer-apply');
    expect(lost.map((f) => [f.model, f.args.applied, f.args.cause])).toEqual([
      ['mobilenet_v1_025_f32', 0, 'auto_scheduler removed'],
      ['shufflenet', 0, 'auto_scheduler removed'],
    ]);
  });
});
