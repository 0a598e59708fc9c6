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
    expect(era[0]).toMatchObject({ model: '*', severity: 'breaking', args: { models: 2, candidateKind: 'meta_schedule' } });
    expect(report.findings.filter((f) => f.rule.startsWith('task-'))).toEqual([]);
    expect(report.skipped.filter((s) => s.code === 'not-comparable').map((s) => s.model)).toEqual(['mobilenet_v1_025_f32', 'shufflenet']);
  });
});
