/** Bad input: one line naming the file or spec, and the documented exit code. */
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASELINES } from '../../src/baseline/store.js';
import { runCli } from '../helpers/cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tvm-compat-bad-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bad input', () => {
  it('exits 2 naming a corrupt baseline snapshot', async () => {
    const baselines = join(dir, 'baselines');
    await cp(join(DEFAULT_BASELINES, 'v0.27.0'), join(baselines, 'v0.27.0'), { recursive: true });
    const file = join(baselines, 'v0.27.0', 'snapshots', 'shufflenet.llvm.json');
    await writeFile(file, '{"schemaVersion": 1, "truncated');
    const r = await runCli(['check', '--against', 'v0.27', '--baselines', baselines, '--subset', 'ci']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/content does not match its sha256 in .*SHA256SUMS/);
  });

  it('baseline list shows every baseline, the corrupt one with its error, and exits 2', async () => {
    const baselines = join(dir, 'list');
    for (const name of ['v0.25.0', 'v0.27.0']) await cp(join(DEFAULT_BASELINES, name), join(baselines, name), { recursive: true });
    const file = join(baselines, 'v0.25.0', 'manifest.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"probeVersion"', '"probeVersion_"'));
    const r = await runCli(['baseline', 'list', '--baselines', baselines]);
    expect(r.exitCode).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^v0\.25\.0\tunreadable: .*manifest\.json: content does not match its sha256/);
    expect(lines[1]).toMatch(/^v0\.27\.0\tTVM 0\.27\.0/);
    expect(r.stderr).toMatch(/^compat: 1 stored baseline\(s\) do not read: .*v0\.25\.0.*manifest\.json/);
  });

  it('exits 2 naming a hand-edited baseline manifest, before any TVM runs', async () => {
    const baselines = join(dir, 'edited');
    await cp(join(DEFAULT_BASELINES, 'v0.27.0'), join(baselines, 'v0.27.0'), { recursive: true });
    const file = join(baselines, 'v0.27.0', 'manifest.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"probeVersion": "2"', '"probeVersion": "3"'));
    const r = await runCli(['check', '--against', 'v0.27', '--baselines', baselines, '--tvm', 'pip:tvm-compat-no-such-package==0.0.1', '--subset', 'ci']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`compat: ${file}: content does not match its sha256 in ${join(baselines, 'v0.27.0', 'SHA256SUMS')} (edited or truncated after the baseline was written)`);
  });

  it('exits 2 for a second baseline create of one name while the first runs, naming the first', async () => {
    const baselines = join(dir, 'concurrent');
    const args = ['baseline', 'create', '--tvm', 'v0.27', '--only', 'ds_cnn_s_f32', '--no-ir', '--name', 'x', '--baselines', baselines, '--quiet'];
    const first = runCli(args);
    for (let i = 0; i < 1200 && !existsSync(join(baselines, '.x.lock')); i++) await sleep(50);
    const second = await runCli(args);
    const done = await first;
    expect(done.exitCode).toBe(0);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/^compat: baseline "x" in .* is being written by another tvm-compat process \(pid \d+ on .*, since .*\); wait for it to finish or choose another name$/);
    expect(readdirSync(baselines)).toEqual(['x']);
  });

  it('exits 2 listing the stored baselines for an unknown name', async () => {
    const r = await runCli(['check', '--against', 'v0.9']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no baseline matches "v0.9".*stored: .*v0\.19\.0.*v0\.27\.0/);
  });

  it('exits 3 when the candidate cannot be installed', async () => {
    const r = await runCli(['check', '--against', 'v0.27', '--tvm', 'pip:tvm-compat-no-such-package==0.0.1', '--subset', 'ci', '--quiet']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/^compat: .*tvm-compat-no-such-package/m);
  });

  it('exits 3 with the reason and an alternative for a release that does not install here', async () => {
    const r = await runCli(['check', '--against', 'v0.27', '--tvm', 'v0.10', '--quiet']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/v0\.10.*Python.*(docker|python:)/);
  });

  it('exits 2 naming a model file that does not exist, before building any environment', async () => {
    const missing = join(dir, 'no-such-model.onnx');
    const r = await runCli(['check', '--against', 'v0.27', '--tvm', 'pip:tvm-compat-no-such-package==0.0.1', '--model', missing]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`compat: ${missing}: model file cannot be read`);
  });

  it('exits 2 for a spec that does not parse', async () => {
    const r = await runCli(['check', '--against', 'v0.27', '--tvm', 'nonsense']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
