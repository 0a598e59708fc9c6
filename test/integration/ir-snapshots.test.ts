/**
 * --ir on a real candidate: 0.27 against a 0.25 baseline captured with --ir
 * (test/fixtures/baselines/v0.25.0-ir, made by scripts/capture-fixtures.sh).
 */
import { describe, expect, it } from 'vitest';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';
import { countByRule, runCli, type JsonReport } from '../helpers/cli.js';

describe('check --ir: v0.27 against the v0.25 IR baseline (ds_cnn_s_f32)', () => {
  it('reports the Relax main that prints differently, and every PrimFunc as unchanged', async () => {
    const r = await runCli(['check', '--against', 'v0.25.0-ir', '--baselines', FIXTURE_BASELINES, '--tvm', 'v0.27', '--ir', '--only', 'ds_cnn_s_f32', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport & { models: { ir?: { compared: number; changed: number } }[] };
    expect(countByRule(report)).toEqual({ 'task-key-changed-same-text': 7, 'ir-import-changed': 1, 'ir-graph-changed': 1 });
    expect(report.models[0]?.ir).toMatchObject({ compared: 9, changed: 2 });
    for (const f of report.findings.filter((x) => x.rule.startsWith('ir-'))) expect(f.evidence?.diff).toMatch(/^@@ /m);
  });
});
