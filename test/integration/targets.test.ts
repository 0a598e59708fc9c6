/**
 * The design's four targets with real TVM v0.19 (its PyPI wheel has llvm and c codegens, no cuda
 * or vulkan): task keys for cuda and vulkan are made on the host with pinned HardwareParams,
 * libraries where the build can make them, "not available in this build" where it cannot, and
 * the C + AOT flow for target c. Same-vs-same is silent on every target.
 */
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';
import { runCli, type JsonReport } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tvm-compat-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface TargetReport extends JsonReport {
  corpus: { targets: string[]; notRun?: { target: string; reason: string }[] };
  targets: { concerns: string[]; rows: { target: string; cells: Record<string, string> }[] };
}

describe('targets: llvm, cuda, vulkan and c with v0.19 and 0.27', () => {
  it('makes 23 SqueezeNet tasks for cuda and vulkan without a GPU, says where a build has no codegen, and is silent on itself', async () => {
    const made = await runCli(['baseline', 'create', '--tvm', 'v0.19', '--name', 'self', '--baselines', dir, '--only', 'squeezenet', '--no-ir', '--artifacts', '--quiet']);
    expect(made.exitCode, made.stderr).toBe(0);
    const snap = (t: string) => JSON.parse(readFileSync(join(dir, 'self', 'snapshots', `squeezenet.${t}.json`), 'utf8')) as { stages: Record<string, Record<string, unknown>> };
    for (const t of ['cuda', 'vulkan']) {
      const tasks = snap(t).stages.hash_keys!.tasks as { weight: number }[];
      // The measured figure (v0.19, TOPHUB_LOCATION=NONE, all HardwareParams given): 23 tasks, as for llvm.
      expect(tasks.length, t).toBe(23);
      expect(snap(t).stages.artifacts).toMatchObject({ status: 'ok', available: false, reason: `not available in this build: no ${t} codegen (target.build.${t} is not registered)` });
    }
    const c = snap('c').stages.artifacts!.c as { aot: { builds: boolean; sources: { compiles: boolean | null }[] } };
    expect(c.aot.builds).toBe(true);
    expect(c.aot.sources.some((s) => s.compiles === true)).toBe(true);
    expect(snap('c').stages.hash_keys).toBeUndefined();

    const r = await runCli(['check', '--against', 'self', '--baselines', dir, '--tvm', 'v0.19', '--only', 'squeezenet', '--no-ir', '--artifacts', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as TargetReport;
    expect(report.verdict).toBe('compatible');
    expect(report.findings).toEqual([]);
    expect(report.corpus.targets).toEqual(['llvm', 'cuda', 'vulkan', 'c']);
    const cell = (t: string, c: string) => report.targets.rows.find((x) => x.target === t)!.cells[c];
    expect(cell('cuda', 'hash-keys')).toBe('compared 1');
    expect(cell('vulkan', 'artifacts')).toMatch(/^not available 1 \(candidate: not available in this build: no vulkan codegen/);
    expect(cell('c', 'hash-keys')).toBe('not collected on this target');
    expect(cell('c', 'artifacts')).toBe('compared 1');
    expect(cell('llvm', 'artifacts')).toBe('compared 1');
  });

  it('runs only the targets a baseline was made for, and names the others', async () => {
    // A baseline made for llvm only (the committed ones carry every target).
    const r = await runCli(['check', '--against', 'v0.19.0-ir', '--baselines', FIXTURE_BASELINES, '--tvm', 'v0.19', '--only', 'ds_cnn_s_f32', '--no-ir', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as TargetReport;
    expect(report.corpus.targets).toEqual(['llvm']);
    expect(report.corpus.notRun?.map((n) => n.target).sort()).toEqual(['c', 'cuda', 'vulkan']);
    expect(report.targets.rows.find((x) => x.target === 'cuda')!.cells['hash-keys']).toBe('not run: baseline v0.19.0-ir was made without it');
  });

  it('fails loudly when task extraction returns too few tasks (TopHub asked while offline: 1 task of 23)', async () => {
    const inspect = await runCli(['env', 'inspect', '--tvm', 'v0.19']);
    expect(inspect.exitCode, inspect.stderr).toBe(0);
    const python = (JSON.parse(inspect.stdout) as { python: string }).python;
    const corpus = JSON.parse(readFileSync(resolve(packageRoot, 'corpus', 'corpus.json'), 'utf8')) as { models: { id: string; file: string }[]; targets: { id: string }[] };
    const model = corpus.models.find((m) => m.id === 'squeezenet')!;
    const job = {
      model: { ...model, path: resolve(packageRoot, 'corpus', model.file) },
      target: corpus.targets.find((t) => t.id === 'cuda'),
      era: 'relay',
      stages: [
        { name: 'frontend', collector: 'frontend/collect.py', needs: [] },
        { name: 'hash_keys', collector: 'hash-keys/collect.py', needs: ['frontend'] },
      ],
    };
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
    // The probe run by hand keeps a TOPHUB_LOCATION it is given (the tool always passes NONE).
    const p = await execa(python, [resolve(packageRoot, 'src', 'probe', 'probe.py'), join(dir, 'job.json'), join(dir, 'out.json')], {
      reject: false,
      env: { TOPHUB_LOCATION: 'https://tophub.invalid' },
    });
    expect(p.exitCode, p.stderr).toBe(0);
    const hk = (JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { stages: Record<string, { status: string; message?: string }> }).stages.hash_keys!;
    expect(hk.status).toBe('error');
    // The cause (TopHub's download, in TVM's worker thread), then what it did to the task list.
    // (The resolver's words differ between machines: "Name or service not known", "Temporary failure …".)
    expect(hk.message).toMatch(
      /^TVM swallowed an exception raised in a worker thread: <urlopen error .+> \(then: auto_scheduler\.extract_tasks returned 1 task occurrence\(s\) for a model with 26 conv2d\/dense calls: extraction is incomplete \(TOPHUB_LOCATION=https:\/\/tophub\.invalid\)\)$/,
    );
  });

  it('0.27 on cuda and vulkan: IR with dlight\'s GPU schedules on both, a cuda library built and kept unrun, no vulkan codegen; silent on itself', async () => {
    const made = await runCli(['baseline', 'create', '--tvm', 'v0.27', '--name', 'gpu27', '--baselines', dir, '--only', 'ds_cnn_s_f32', '--target', 'cuda,vulkan', '--artifacts', '--quiet']);
    expect(made.exitCode, made.stderr).toBe(0);
    const snap = (t: string) => JSON.parse(readFileSync(join(dir, 'gpu27', 'snapshots', `ds_cnn_s_f32.${t}.json`), 'utf8')) as { stages: Record<string, Record<string, unknown>> };
    for (const t of ['cuda', 'vulkan']) {
      const ir = snap(t).stages.ir as { lowering: string; functions: { phase: string; kind: string; textSha: string }[] };
      // Only what depends on the target: the scheduled PrimFuncs (the llvm job has the imported and fused modules).
      expect(ir.lowering, t).toBe('dlight.ApplyDefaultSchedule:Matmul>GEMV>Reduction>GeneralReduction>Fallback');
      expect(new Set(ir.functions.map((f) => `${f.phase}/${f.kind}`)), t).toEqual(new Set(['lowered/tir']));
      expect(ir.functions.length, t).toBe(7);
      // A thread binding is what dlight adds: every scheduled PrimFunc has one.
      const text = (sha: string) => gunzipSync(readFileSync(join(dir, 'gpu27', 'blobs', `${sha}.gz`))).toString('utf8');
      expect(ir.functions.every((f) => /threadIdx\.x/.test(text(f.textSha))), t).toBe(true);
    }
    const cuda = snap('cuda').stages.artifacts as { ran: boolean; notRunReason: string; kernels: { format: string; kernels: number; bytes: number } };
    expect(cuda).toMatchObject({ ran: false, notRunReason: 'no cuda device on this machine', kernels: { format: 'cuda' } });
    expect(cuda.kernels.kernels).toBeGreaterThanOrEqual(7);
    expect(snap('vulkan').stages.artifacts).toMatchObject({ available: false, reason: 'not available in this build: no vulkan codegen (target.build.vulkan is not registered)' });

    const r = await runCli(['check', '--against', 'gpu27', '--baselines', dir, '--tvm', 'v0.27', '--only', 'ds_cnn_s_f32', '--artifacts', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as TargetReport & { models: { target: string; artifacts?: Record<string, string> }[] };
    expect(report.findings).toEqual([]);
    const cell = (t: string, c: string) => report.targets.rows.find((x) => x.target === t)!.cells[c];
    expect(cell('cuda', 'ir-snapshots')).toBe('compared 1');
    expect(cell('vulkan', 'ir-snapshots')).toBe('compared 1');
    expect(cell('cuda', 'artifacts')).toBe('built, not run 1 (no cuda device on this machine)');
    const row = report.models.find((m) => m.target === 'cuda')!.artifacts!;
    expect(row.candidateOnCandidate).toMatch(/^built, not run: no cuda device on this machine; \d+ cuda kernels \([\d.]+ MB of source, the same source as the other side\)$/);
    expect(row.baselineOnCandidate).toBe('not run: no cuda device on this machine');
  });

  it('adds a target to a stored baseline of the same environment, and refuses another environment before running anything', async () => {
    const base = ['--baselines', dir, '--only', 'ds_cnn_s_f32', '--no-ir', '--quiet'];
    expect((await runCli(['baseline', 'create', '--tvm', 'v0.19', '--name', 'grow', '--target', 'llvm', ...base])).exitCode).toBe(0);
    const added = await runCli(['baseline', 'create', '--tvm', 'v0.19', '--name', 'grow', '--add', '--target', 'vulkan', ...base]);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/: 1 added, 2 snapshots/);
    const manifest = JSON.parse(readFileSync(join(dir, 'grow', 'manifest.json'), 'utf8')) as { corpus: { targets: { id: string }[] }; snapshots: { target: string }[] };
    expect(manifest.corpus.targets.map((t) => t.id)).toEqual(['llvm', 'vulkan']);
    expect(manifest.snapshots.map((s) => s.target)).toEqual(['llvm', 'vulkan']);
    const other = await runCli(['baseline', 'create', '--tvm', 'v0.27', '--name', 'grow', '--add', '--target', 'cuda', ...base]);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/grow\/manifest.json: baseline grow was made by another environment \(TVM 0.19.0, v0.19.0\); --add needs the same one/);
  });
});
