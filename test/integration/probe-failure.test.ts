/** A candidate that crashes or hangs on a model is a finding about the candidate (exit 1), not exit 3. */
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../helpers/cli.js';

describe('a probe killed by --timeout', () => {
  it('is reported as probe-failed for that model', async () => {
    const r = await runCli(['check', '--against', 'v0.27', '--tvm', 'v0.27', '--only', 'squeezenet', '--timeout', '1', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ rule: 'probe-failed', model: 'squeezenet', args: { error: 'probe process timed out after 1 s during import' } });
  });
});
