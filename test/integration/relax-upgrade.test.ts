/**
 * 0.27 against the committed 0.25 baseline: the real differences between two Relax-era releases,
 * asserted on rule ids and counts recorded from a real run (see the closing figures in README).
 */
import { describe, expect, it } from 'vitest';
import { countByRule, runCli, type JsonReport } from '../helpers/cli.js';

describe('v0.27 against the v0.25 baseline (ci subset)', () => {
  it("reports the frontend differences, the serialized IR and databases that no longer load, and the moved hashes as warnings", async () => {
    const r = await runCli(['check', '--against', 'v0.25', '--tvm', 'v0.27', '--subset', 'ci', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(countByRule({ ...report, findings: report.findings.filter((f) => f.target === 'llvm') })).toEqual(EXPECTED_RULE_COUNTS);
    // The baseline has every corpus target: MetaSchedule's tasks (and their moved keys) are the
    // same on cuda and vulkan; frontends are compared on every target, IR on llvm only.
    for (const target of ['cuda', 'vulkan']) {
      expect(countByRule({ ...report, findings: report.findings.filter((f) => f.target === target) }), target).toEqual({ 'workload-hash-changed-same-text': 80, 'frontend-import-fixed': 3 });
    }
    expect(countByRule({ ...report, findings: report.findings.filter((f) => f.target === 'c') })).toEqual({ 'frontend-import-fixed': 3 });
    // Every hash moved with its TVMScript unchanged: 0.27 recomputes stored hashes, so the keys are
    // found; what loses the records is the database that no longer opens, measured by applying them.
    const shufflenet = report.models.find((m) => m.model === 'shufflenet' && m.target === 'llvm');
    expect(shufflenet?.keys).toMatchObject({ baselineTasks: 57, candidateTasks: 57, survived: 57 });
    expect(report.models.find((m) => m.model === 'mobilenet_v1_025_f32' && m.target === 'llvm')?.keys).toMatchObject({ baselineTasks: 23, survived: 23 });
    for (const model of ['mobilenet_v1_025_f32', 'shufflenet']) {
      expect((report.models.find((m) => m.model === model && m.target === 'llvm') as { tuning?: unknown }).tuning).toMatchObject({ stored: 4, applied: 0 });
    }
    expect(report.findings.filter((f) => f.rule === 'tuning-database-no-longer-loads').map((f) => f.args.error)).toEqual([expect.stringMatching(/Cannot find type `tirx.Var`/), expect.stringMatching(/Cannot find type `tirx.Var`/)]);
    // The 0.25 ONNX frontend has no Dropout: SqueezeNet fails there and imports in 0.27.
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'frontend-import-fixed', model: 'squeezenet' }));
    // Every moved key kept its TVMScript, so there is no task-key-changed here to check the diff
    // evidence of (the counts above say so); test/unit/hash-keys-match.test.ts checks it on 18 real ones.
    const sameText = report.findings.filter((x) => x.rule === 'workload-hash-changed-same-text');
    expect(sameText).toHaveLength(240);
    for (const f of sameText) expect([f.severity, f.evidence]).toEqual(['warning', undefined]);
    expect(report.findings.filter((x) => x.rule === 'task-key-changed-same-text')).toEqual([]);
  });
});

/**
 * Recorded from a real run of 0.27.0.post1 against the committed 0.25.0 baseline (2026-11-22):
 * every MetaSchedule workload hash of ShuffleNet (57) and MobileNet v1 (23) moved although the
 * TVMScript is identical (a warning since 2026-12-07: 0.27 recomputes stored hashes); SqueezeNet (Dropout) and two int8 TFLite models import only in 0.27.
 * IR is compared by default since the concern registry (re-recorded 2026-12-01): ShuffleNet's 0.25
 * save_json of the import and optimized phases no longer loads in 0.27 (MobileNet v1's is over the
 * 4 MB cap, not stored: a "not compared" line), and `main` of both is reported by ir-import-changed
 * and ir-graph-changed. These are the llvm findings; the baseline has every corpus target since
 * 2026-12-03.
 */
const EXPECTED_RULE_COUNTS: Record<string, number> = {
  'workload-hash-changed-same-text': 80,
  // 0.25's real records (committed 2026-12-07): 0.27 cannot open the database; all re-attach.
  'tuning-database-no-longer-loads': 2,
  'tuning-records-no-longer-apply': 2,
  'tuning-records-rescuable': 2,
  'frontend-import-fixed': 3,
  'ir-json-no-longer-loads': 2,
  'ir-graph-changed': 2,
  'ir-import-changed': 2,
};
