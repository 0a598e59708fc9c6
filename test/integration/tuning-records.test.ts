/**
 * Tuning records, measured the way users use them: the stored baselines hold real records tuned by
 * each release (scripts/capture-fixtures.sh); the candidate release applies them in a real build,
 * records migrate rescues them into another release and proves each by a build, and env deps
 * installs a release unpinned to find the dependency version that breaks it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countByRule, runCli, type JsonReport } from '../helpers/cli.js';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';

type TuningReport = JsonReport & { models: { tuning?: { stored: number; applied: number; share: number; cause: string } }[] };

const check = async (tvm: string, against: string): Promise<{ exitCode: number; report: TuningReport }> => {
  const r = await runCli(['check', '--against', against, '--baselines', FIXTURE_BASELINES, '--tvm', tvm, '--only', 'ds_cnn_s_f32', '--no-ir', '--format', 'json', '--quiet']);
  expect(r.stderr).toBe('');
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as TuningReport };
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tvm-compat-records-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tuning records made by 0.25, applied by 0.27 (ds_cnn_s_f32)', () => {
  it('applies every record in the release that made them', async () => {
    const { exitCode, report } = await check('v0.27', 'v0.27.0-tuning');
    expect(report.findings).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.models[0]?.tuning).toMatchObject({ share: 1 });
    expect(report.models[0]?.tuning?.stored).toBeGreaterThan(0);
  });

  it('reports that the database no longer loads, none applies, and the traces re-attach', async () => {
    const { exitCode, report } = await check('v0.27', 'v0.25.0-tuning');
    expect(exitCode).toBe(1);
    const counts = countByRule(report);
    expect(counts).toMatchObject({ 'tuning-database-no-longer-loads': 1, 'tuning-records-no-longer-apply': 1, 'tuning-records-rescuable': 1 });
    const lost = report.findings.find((f) => f.rule === 'tuning-records-no-longer-apply');
    expect(lost?.args.applied).toBe(0);
    expect(String(lost?.args.cause)).toMatch(/^the database no longer loads: .*Cannot find type `tirx\./);
    const rescue = report.findings.find((f) => f.rule === 'tuning-records-rescuable');
    expect(rescue?.args.attached).toBe(lost?.args.stored);
  });

  it('records migrate writes a database 0.27 opens and proves every record by a build that applies it', async () => {
    const out = join(dir, 'migrated');
    const r = await runCli(['records', 'migrate', '--from', 'v0.25.0-tuning', '--baselines', FIXTURE_BASELINES, '--tvm', 'v0.27', '--only', 'ds_cnn_s_f32', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(await readFile(join(out, 'migration.json'), 'utf8')) as { stored: number; migrated: number; proven: number; models: { records: { status: string; proven?: boolean }[] }[] };
    expect(m.stored).toBeGreaterThan(0);
    expect(m.proven).toBe(m.stored);
    expect(m.models[0]?.records.every((x) => x.status === 'migrated' && x.proven === true)).toBe(true);
    expect(existsSync(join(out, 'ds_cnn_s_f32.llvm', 'tuning_records.json'))).toBe(true);
    expect(r.stdout).toMatch(/(\d+) of \1 records rescued \(100\.0%\)/);
    // The output folder is written once: a second run refuses it rather than mixing two migrations.
    const again = await runCli(['records', 'migrate', '--from', 'v0.25.0-tuning', '--baselines', FIXTURE_BASELINES, '--tvm', 'v0.27', '--out', out, '--quiet']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`${out}: the output folder exists`);
  });
});

describe('env deps: a declared range that admits a breaking version', () => {
  it("fires dependency-range-admits-broken on apache-tvm 0.25.0's apache-tvm-ffi>=0.1.12 (the newest admitted does not import)", async () => {
    const r = await runCli(['env', 'deps', 'v0.25', '--format', 'json']);
    expect(r.exitCode).toBe(1);
    const deps = JSON.parse(r.stdout) as { pinned: { import: { ok: boolean } }; findings: { rule: string; subject: string; args: Record<string, string> }[] };
    expect(deps.pinned.import.ok).toBe(true);
    const f = deps.findings.find((x) => x.subject === 'apache-tvm-ffi');
    expect(f?.rule).toBe('dependency-range-admits-broken');
    expect(f?.args).toMatchObject({ package: 'apache-tvm', version: '0.25.0', range: '>=0.1.12', working: '0.1.12' });
    expect(f?.args.error).toMatch(/^import tvm: .*undefined symbol/);
    // Only what breaks is a finding: the other declared dependencies at their newest versions work.
    expect(deps.findings).toHaveLength(1);
  });

  it('fires on 0.26: apache-tvm-ffi 0.1.15.post2 imports, but save_json of TIR (which tuning needs) segfaults', async () => {
    const r = await runCli(['env', 'deps', 'v0.26', '--format', 'json']);
    expect(r.exitCode).toBe(1);
    const deps = JSON.parse(r.stdout) as { findings: { rule: string; subject: string; args: Record<string, string> }[] };
    expect(deps.findings).toHaveLength(1);
    expect(deps.findings[0]).toMatchObject({ rule: 'dependency-range-admits-broken', subject: 'apache-tvm-ffi', args: { working: '0.1.14.post0' } });
    expect(deps.findings[0]?.args.error).toBe('tvm.ir.save_json of a TIR Var: killed by signal 11');
  });
});
