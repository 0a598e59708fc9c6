/**
 * Verdicts that cannot lie (issue 10): a comparison that could not be made never reads as
 * compatible, a candidate that cannot import TVM is a finding with its real traceback, and an
 * interrupted run ends by its own abort path with nothing written. Real TVM releases throughout.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASELINES } from '../../src/baseline/store.js';
import { packageRoot } from '../../src/paths.js';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';
import { runCli, type JsonReport } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tvm-compat-verdicts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Processes running this checkout's probe worker (a job forked from one carries its command line). */
async function probeWorkers(): Promise<string[]> {
  const ps = await execa('ps', ['-eo', 'pid,args'], { reject: false });
  return String(ps.stdout)
    .split('\n')
    .filter((l) => l.includes(resolve(packageRoot, 'src', 'probe', 'worker.py')));
}

const json = (stdout: string) => JSON.parse(stdout) as JsonReport;

describe('checks that could not run', () => {
  it('make a diff of models the baseline does not have INCOMPLETE, exit 4, not COMPATIBLE', async () => {
    // The issue's own example: it printed "Not compared (2) … COMPATIBLE" and exited 0.
    const r = await runCli(['diff', '--from', 'v0.27.0-timeout-1s', '--to', 'v0.27.0-ir', '--baselines', FIXTURE_BASELINES]);
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toMatch(/^INCOMPLETE: 2 comparisons could not be made/m);
    expect(r.stdout).not.toMatch(/COMPATIBLE/);
    const report = json((await runCli(['diff', '--from', 'v0.27.0-timeout-1s', '--to', 'v0.27.0-ir', '--baselines', FIXTURE_BASELINES, '--format', 'json'])).stdout);
    expect(report.verdict).toBe('incomplete');
    expect(report.skipped.map((s) => s.code)).toEqual(['not-in-baseline', 'not-in-baseline']);
  });

  it('make a comparison with a baseline whose probe failed INCOMPLETE', async () => {
    const both = await mkdtemp(join(dir, 'both-'));
    await cp(join(FIXTURE_BASELINES, 'v0.27.0-timeout-1s'), join(both, 'v0.27.0-timeout-1s'), { recursive: true });
    await cp(join(DEFAULT_BASELINES, 'v0.27.0'), join(both, 'v0.27.0'), { recursive: true });
    const r = await runCli(['diff', '--from', 'v0.27.0-timeout-1s', '--to', 'v0.27.0', '--baselines', both, '--format', 'json']);
    expect(r.exitCode).toBe(4);
    const report = json(r.stdout);
    expect(report.skipped).toContainEqual(expect.objectContaining({ model: 'squeezenet', check: 'all', code: 'baseline-probe-failed' }));
  });

  it('make a check of a model file the baseline never saw INCOMPLETE, exit 4', async () => {
    // A user's own model: the baseline has no model of that id.
    const model = join(dir, 'my_model.tflite');
    await copyFile(resolve(packageRoot, 'corpus', 'models', 'tflite', 'ds_cnn_s_f32.tflite'), model);
    const r = await runCli(['check', '--against', 'v0.27', '--tvm', 'v0.27', '--model', model, '--target', 'llvm', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(4);
    const report = json(r.stdout);
    expect(report.verdict).toBe('incomplete');
    expect(report.skipped).toEqual([expect.objectContaining({ check: 'all', code: 'not-in-baseline' })]);
  });
});

describe('a candidate that provisions but cannot import TVM', () => {
  // apache-tvm 0.25.0 admits apache-tvm-ffi 0.1.15.post2, with which libtvm_runtime.so does not load.
  const spec = 'pip:apache-tvm==0.25.0,apache-tvm-ffi==0.1.15.post2,numpy==2.4.6,ml-dtypes==0.6.0,onnx==1.23.2,protobuf==7.36.2,tflite==2.18.0';

  it('is a breaking finding per model with the real traceback, not exit 3', async () => {
    const r = await runCli(['check', '--against', 'v0.25', '--tvm', spec, '--only', 'ds_cnn_s_f32', '--target', 'llvm', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(1);
    const report = json(r.stdout);
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f).toMatchObject({ rule: 'probe-failed', model: 'ds_cnn_s_f32', subject: 'import' });
    expect(String(f.args.error)).toMatch(/undefined symbol/);
    expect((f as { evidence?: { candidate?: string } }).evidence?.candidate).toMatch(/Traceback/);
  });

  it('cannot be made a baseline: exit 3 naming the import error, nothing written', async () => {
    const r = await runCli(['baseline', 'create', '--tvm', spec, '--only', 'ds_cnn_s_f32', '--baselines', dir, '--name', 'no-tvm', '--quiet']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/cannot import tvm: .*undefined symbol/);
    expect(existsSync(join(dir, 'no-tvm'))).toBe(false);
  });
});

describe('baseline create where every probe fails', () => {
  it('exits 3 and writes no baseline', async () => {
    const r = await runCli(['baseline', 'create', '--tvm', 'v0.27', '--only', 'densenet121', '--target', 'llvm', '--timeout', '1', '--baselines', dir, '--name', 'all-failed', '--quiet']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/crashed or timed out on every job/);
    expect(existsSync(join(dir, 'all-failed'))).toBe(false);
  });
});

describe('an interrupted check', () => {
  for (const target of ['the CLI alone', 'its whole process group'] as const) {
    it(`ends by its own abort path on SIGINT to ${target}: exit 130, says so, no report, no baseline`, async () => {
      const name = `interrupted-${target === 'the CLI alone' ? 'cli' : 'group'}`;
      const workersBefore = await probeWorkers();
      const stored = await mkdtemp(join(dir, 'stored-'));
      await cp(join(DEFAULT_BASELINES, 'v0.27.0'), join(stored, 'v0.27.0'), { recursive: true });
      const cli = execa('node', [resolve(packageRoot, 'dist', 'cli.js'), 'check', '--against', 'v0.27', '--tvm', 'v0.27', '--subset', 'ci', '--target', 'llvm', '--jobs', '1', '--save-candidate-as', name, '--baselines', stored], {
        reject: false,
        stdin: 'ignore',
        detached: true,
        cwd: packageRoot,
      });
      // Wait until a job has finished, so that workers and probes are running when the signal comes.
      let stderr = '';
      await new Promise<void>((done) => {
        cli.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/^\[\s*1\/\d+\]/m.test(stderr)) done();
        });
        void cli.then(() => done());
      });
      if (target === 'the CLI alone') cli.kill('SIGINT');
      else process.kill(-cli.pid!, 'SIGINT');
      const r = await cli;
      expect(r.exitCode).toBe(130);
      expect(String(r.stdout)).toBe('');
      expect(String(r.stderr)).toMatch(/interrupted: no report and no baseline were written/);
      expect(String(r.stderr)).not.toMatch(/probe-failed|SIGKILL during/);
      expect(existsSync(join(stored, name))).toBe(false);
      // No probe worker (nor a job it forked) of that run is left behind.
      expect((await probeWorkers()).length).toBeLessThanOrEqual(workersBefore.length);
    });
  }

  it('by SIGTERM while a long job runs kills that job too (it runs in a process group of its own)', async () => {
    const workersBefore = await probeWorkers();
    // densenet121's IR takes a warm worker well over 10 s: the job is mid-TVM when the signal comes.
    const cli = execa('node', [resolve(packageRoot, 'dist', 'cli.js'), 'check', '--against', 'v0.27', '--tvm', 'v0.27', '--only', 'densenet121', '--jobs', '1'], {
      reject: false,
      stdin: 'ignore',
      cwd: packageRoot,
    });
    let stderr = '';
    await new Promise<void>((done) => {
      cli.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/imported in/.test(stderr)) setTimeout(done, 3000);
      });
      void cli.then(() => done());
    });
    const during = (await probeWorkers()).length;
    cli.kill('SIGTERM');
    const r = await cli;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    expect(during).toBeGreaterThanOrEqual(workersBefore.length + 2); // the worker and its job's fork
    await new Promise((w) => setTimeout(w, 500));
    expect(await probeWorkers()).toHaveLength(workersBefore.length);
  });
});
