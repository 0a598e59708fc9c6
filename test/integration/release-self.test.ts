/**
 * A release checked against its own committed baseline: nothing may be reported, and two runs
 * must produce the same bytes (TOPHUB_LOCATION=NONE, PYTHONHASHSEED=0, sorted output).
 */
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../helpers/cli.js';

describe('v0.27 against its own baseline (ci subset)', () => {
  it('reports zero findings, twice, byte-identical', async () => {
    const args = ['check', '--against', 'v0.27', '--tvm', 'v0.27', '--subset', 'ci', '--format', 'json', '--quiet'];
    const first = await runCli(args);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const report = JSON.parse(first.stdout) as JsonReport;
    expect(report.findings).toEqual([]);
    // Only what the baseline does not store by design (save_json over its size cap) is left out.
    expect(report.skipped.filter((x) => x.code !== 'not-stored')).toEqual([]);
    expect(report.verdict).toBe('compatible');
    expect(report.models.length).toBeGreaterThanOrEqual(5);
    for (const m of report.models.filter((x) => x.keys)) expect(m.keys?.share).toBe(1);
    const second = await runCli(args);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });
});
