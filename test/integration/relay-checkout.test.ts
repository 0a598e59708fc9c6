/**
 * The seed story, Relay era: a TVM developer changes one TOPI compute definition and every
 * auto-scheduler record of the affected tasks silently stops applying. The candidate is a
 * checkout: tree made from the v0.19 package (`compat env checkout`), patched in a temp folder
 * with a real source change kept under test/fixtures/patches.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASELINES, readBaseline } from '../../src/baseline/store.js';
import { packageRoot } from '../../src/paths.js';
import { countByRule, runCli, type JsonReport } from '../helpers/cli.js';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';

const patch = (name: string): string => resolve(packageRoot, 'test', 'fixtures', 'patches', name);

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tvm-compat-checkout-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function patchedCheckout(name: string, patchFile?: string): Promise<string> {
  const tree = join(dir, name);
  const made = await runCli(['env', 'checkout', '--tvm', 'v0.19', tree]);
  expect(made.exitCode).toBe(0);
  if (patchFile) await execa('git', ['apply', '--unsafe-paths', patch(patchFile)], { cwd: tree });
  return tree;
}

// Keys only: squeezenet's Relay IR (relay.optimize) is minutes on a busy 2-core machine; the IR test is below.
const check = (tree: string) => runCli(['check', '--against', 'v0.19', '--tvm', `checkout:${tree}`, '--only', 'squeezenet', '--target', 'llvm', '--no-ir', '--format', 'json', '--quiet']);

const baselineTasks = () => readBaseline(DEFAULT_BASELINES, 'v0.19.0').snapshots.get('squeezenet/llvm')?.stages.hash_keys?.tasks ?? [];

describe('checkout: of v0.19 against the v0.19 baseline (squeezenet)', () => {
  it('reports nothing for the unpatched tree', async () => {
    const r = await check(await patchedCheckout('plain'));
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings).toEqual([]);
    expect(report.models[0]?.keys).toMatchObject({ baselineTasks: 23, candidateTasks: 23, survived: 23, share: 1 });
  });

  it('names exactly the conv2d_NCHWc tasks after an index-order change in TOPI, each with its DAG diff', async () => {
    const r = await check(await patchedCheckout('index-order', 'v0.19-conv2d-nchwc-index-order.patch'));
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    const tasks = baselineTasks();
    const conv = tasks.filter((t) => t.text.includes('conv2d_NCHWc'));
    expect(conv.length).toBe(18);

    // The committed v0.19 baseline also has MetaSchedule-on-Relay keys and real auto_scheduler
    // records on llvm: the same patch moves the conv2d_NCHWc TIR workloads (17 of 26 tasks;
    // measured 2026-12-07) and the records of the tuned conv2d task stop applying.
    const changed = report.findings.filter((f) => f.rule === 'task-key-changed' && !f.subject.startsWith('meta_schedule:'));
    const msChanged = report.findings.filter((f) => f.rule === 'task-key-changed' && f.subject.startsWith('meta_schedule:'));
    expect(countByRule(report)).toEqual({ 'task-key-changed': 35, 'tuning-records-no-longer-apply': 1, 'tuning-records-rescuable': 1 });
    expect(changed.map((f) => f.args.baselineName).sort()).toEqual(conv.map((t) => t.name).sort());
    expect(msChanged).toHaveLength(17);
    for (const f of msChanged) expect(f.subject).toMatch(/^meta_schedule:fused_nn_contrib_conv2d_NCHWc_/);
    expect(report.findings.find((f) => f.rule === 'tuning-records-no-longer-apply')?.args).toMatchObject({ applied: 0, cause: 'key changed' });
    for (const f of changed) {
      expect(f.args.matchedBy).toBe('identity');
      expect(f.evidence?.diff).toMatch(/^-conv2d_NCHWc\(.*\(\(?oh/m);
      expect(f.evidence?.diff).toMatch(/^\+conv2d_NCHWc\(.*\(kh \+ /m);
    }
    expect(report.models[0]?.keys).toMatchObject({ baselineTasks: 23, candidateTasks: 23, survived: 5, metaSchedule: { baselineTasks: 26, candidateTasks: 26, survived: 9 } });
  });

  it('applies the baseline\'s real auto_scheduler records: all in the unpatched tree, none after the index-order change, and every one rescued by replaying its steps', async () => {
    // v0.19.0-tuning: squeezenet's heaviest conv2d_NCHWc task tuned by the v0.19 wheel (capture-fixtures.sh).
    const tuned = (tree: string) => runCli(['check', '--against', 'v0.19.0-tuning', '--baselines', FIXTURE_BASELINES, '--tvm', `checkout:${tree}`, '--only', 'squeezenet', '--no-ir', '--format', 'json', '--quiet']);
    type Tuned = JsonReport & { models: { tuning?: { stored: number; applied: number; cause: string } }[] };
    const same = JSON.parse((await tuned(await patchedCheckout('plain-tuning'))).stdout) as Tuned;
    expect(same.findings).toEqual([]);
    expect(same.models[0]?.tuning?.applied).toBe(same.models[0]?.tuning?.stored);
    expect(same.models[0]?.tuning?.stored).toBeGreaterThan(0);

    const r = await tuned(await patchedCheckout('index-order-tuning', 'v0.19-conv2d-nchwc-index-order.patch'));
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as Tuned;
    const lost = report.findings.find((f) => f.rule === 'tuning-records-no-longer-apply');
    expect(lost?.args).toMatchObject({ applied: 0, stored: same.models[0]?.tuning?.stored, cause: 'key changed' });
    // The explanation is in the same report: the tuned task's key changed, with its ComputeDAG diff.
    expect(countByRule(report)['task-key-changed']).toBe(18);
    const rescue = report.findings.find((f) => f.rule === 'tuning-records-rescuable');
    expect(rescue?.args).toMatchObject({ attached: lost?.args.stored, records: lost?.args.stored });
  });

  it('reports extraction as failed when TVM swallows a schedule error in its worker thread', async () => {
    // Swapping the operands breaks schedule_conv2d_NCHWc (it unpacks input_tensors by position);
    // extract_tasks drops the exception and returns 1 task instead of 23.
    const r = await check(await patchedCheckout('operand-swap', 'v0.19-conv2d-nchwc-operand-swap.patch'));
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    // The baseline's records are applied too, and the build they go into raises the same error.
    expect(countByRule(report)).toEqual({ 'hash-keys-failed': 1, 'tuning-records-no-longer-apply': 1 });
    const failed = report.findings.find((f) => f.rule === 'hash-keys-failed');
    expect(failed).toMatchObject({ model: 'squeezenet' });
    expect(String(failed?.args.error)).toMatch(/swallowed .* not enough values to unpack/);
    expect(String(report.findings.find((f) => f.rule === 'tuning-records-no-longer-apply')?.args.error)).toMatch(/not enough values to unpack/);
  });

  it('with --ir, decides a changed PrimFunc is an IR change: the v0.19 parser reads the baseline\'s TVMScript back and it is not equal', async () => {
    // A plausible TOPI "optimisation": softmax multiplies by the reciprocal instead of dividing.
    const tree = await patchedCheckout('softmax', 'v0.19-softmax-reciprocal.patch');
    const r = await runCli(['check', '--against', 'v0.19.0-ir', '--baselines', FIXTURE_BASELINES, '--tvm', `checkout:${tree}`, '--ir', '--only', 'ds_cnn_s_f32', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport & { models: { ir?: unknown }[] };
    expect(countByRule(report)).toEqual({ 'task-key-changed': 1, 'tir-function-changed': 1 });
    const tir = report.findings.find((f) => f.rule === 'tir-function-changed');
    expect(tir?.subject).toBe('tvmgen_default_fused_nn_softmax');
    expect(tir?.args.decision).toMatch(/^an IR change/);
    expect(tir?.evidence?.diff).toMatch(/^-.*T_softmax_exp_1\[i1\] \/ T_softmax_expsum_1/m);
    // Same TVM build on both sides: the baseline's save_json loads, and equals the candidate's module.
    expect(report.models[0]?.ir).toMatchObject({ irChanged: 1, jsonLoad: { import: 'equal', optimized: 'equal' } });
  });
});
