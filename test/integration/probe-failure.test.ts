/** A candidate that crashes or hangs on a model is a finding about the candidate (exit 1), not exit 3. */
import { describe, expect, it } from 'vitest';
import { runCli, type JsonReport } from '../helpers/cli.js';

describe('a probe killed by --timeout', () => {
  it('is reported against the stage that was running, for that model', async () => {
    const r = await runCli(['check', '--against', 'v0.27', '--tvm', 'v0.27', '--only', 'densenet121', '--target', 'llvm', '--timeout', '1', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    // densenet121: its frontend, tasks and IR take several seconds even in a warm worker (squeezenet
    // finishes within 1 s there). TVM is imported once per worker, outside the job's limit: the limit hits a model stage, which
    // is named as the one that was running; nothing after it is compared, and nothing before is lost.
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f.model).toBe('densenet121');
    expect(f.rule).toMatch(/^(frontend-import-fails|hash-keys-failed|ir-failed)$/);
    expect(String(f.args.error)).toMatch(/^probe process timed out after 1 s during (frontend|hash_keys|ir)$/);
  });
});
