/**
 * --ir on a real candidate (0.27) against IR baselines of 0.25, 0.26 and 0.27 captured with --ir
 * (test/fixtures/baselines/*-ir, made by scripts/capture-fixtures.sh). The candidate decides,
 * with its own parser and structural_equal, whether each text change is printer churn or an IR
 * change, and loads the baseline's save_json where the baseline has one.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';
import { countByRule, runCli, type JsonReport } from '../helpers/cli.js';

type IrReport = JsonReport & { models: { ir?: { compared: number; changed: number; printerOnly: number; irChanged: number; undecided: number; jsonLoad: Record<string, string> } }[] };

const checkIr = async (against: string): Promise<{ exitCode: number; report: IrReport }> => {
  const r = await runCli(['check', '--against', against, '--baselines', FIXTURE_BASELINES, '--tvm', 'v0.27', '--ir', '--only', 'ds_cnn_s_f32', '--format', 'json', '--quiet']);
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as IrReport };
};

describe('check --ir with v0.27 as the candidate (ds_cnn_s_f32)', () => {
  it('against its own IR baseline: no findings; the load of its JSON is skipped because 0.27 cannot save_json', async () => {
    const { exitCode, report } = await checkIr('v0.27.0-ir');
    expect(exitCode).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.models[0]?.ir).toMatchObject({ compared: 9, changed: 0 });
    expect(report.skipped.map((s) => String(s.args.reason)).join('\n')).toMatch(/no save_json of this phase: .*signal 11/);
  });

  it('against 0.26: both Relax mains print differently, and 0.27 parses 0.26\'s text into the same IR: printer churn only', async () => {
    const { exitCode, report } = await checkIr('v0.26.0-ir');
    // Every MetaSchedule hash moved with the same TVMScript; 0.27 recomputes stored hashes, so
    // that is a warning, and printer churn is info: nothing breaks.
    expect(exitCode).toBe(0);
    expect(countByRule(report)).toEqual({ 'workload-hash-changed-same-text': 7, 'ir-printer-only-change': 2 });
    expect(report.models[0]?.ir).toMatchObject({ compared: 9, changed: 2, printerOnly: 2, irChanged: 0, undecided: 0 });
  });

  it('against 0.25: the 0.25 JSON no longer loads (TypeError, then SIGSEGV in a child), the imported main changed as IR, the fused main is undecided', async () => {
    const { exitCode, report } = await checkIr('v0.25.0-ir');
    expect(exitCode).toBe(1);
    expect(countByRule(report)).toEqual({ 'workload-hash-changed-same-text': 7, 'ir-json-no-longer-loads': 2, 'ir-import-changed': 1, 'ir-graph-changed': 1 });
    const by = (rule: string) => report.findings.filter((f) => f.rule === rule);
    expect(by('ir-json-no-longer-loads').map((f) => f.args.error)).toEqual([expect.stringMatching(/ir\.Var/), expect.stringMatching(/signal 11/)]);
    expect(by('ir-import-changed')[0]?.args.decision).toMatch(/^an IR change/);
    expect(by('ir-graph-changed')[0]?.args.decision).toMatch(/^printer or IR not decided: .*out_sinfo/);
    for (const f of [...by('ir-import-changed'), ...by('ir-graph-changed')]) expect(f.evidence?.diff).toMatch(/^@@ /m);
    expect(report.models[0]?.ir).toMatchObject({ irChanged: 1, undecided: 1, jsonLoad: { import: 'fails', optimized: 'fails' } });
  });
});
