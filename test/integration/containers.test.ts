/**
 * docker: and podman: environments with real images made by `compat env build` (no registry):
 * the same verdicts as the venv and checkout runs, a baseline made inside equal to one made
 * outside, and the failure modes of a container runtime. Images are built once for this file;
 * the base rootfs tarball stays in the tool's cache, so a machine that keeps it skips debootstrap.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASELINES, readBaseline } from '../../src/baseline/store.js';
import { packageRoot } from '../../src/paths.js';
import { countByRule, runCli, type CliRun, type JsonReport } from '../helpers/cli.js';

const PATCH = resolve(packageRoot, 'test', 'fixtures', 'patches', 'v0.19-conv2d-nchwc-index-order.patch');

let dir: string;
const images = { docker019: '', docker019Patched: '', podman027: '' };
const seconds: Record<string, number> = {};

async function build(name: string, args: string[]): Promise<string> {
  const started = Date.now();
  const r = await runCli(['env', 'build', ...args]);
  seconds[name] = (Date.now() - started) / 1000;
  if (r.exitCode !== 0) throw new Error(`compat env build ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  const tag = r.stdout.trim();
  expect(tag).toMatch(/^tvm-compat\/tvm:\d+\.\d+\.\d+-[0-9a-f]{12}/);
  return tag;
}

/** Containers this tool started and did not remove, for either CLI. */
/**
 * The tool's probe containers (src/env/container/run.ts names them tvm-compat-<pid>-<hex>). A source
 * build's compile container (tvm-compat-build-…) is not one: source-build.test.ts may run one beside
 * this file.
 */
async function toolContainers(): Promise<string[]> {
  const out: string[] = [];
  for (const cli of ['docker', 'podman']) {
    const r = await execa(cli, ['ps', '--all', '--filter', 'label=tvm-compat', '--format', '{{.ID}} {{.Names}}'], { reject: false });
    for (const line of String(r.stdout).split('\n').filter(Boolean)) {
      const [id, name = ''] = line.split(' ');
      if (!name.startsWith('tvm-compat-build-')) out.push(`${cli}:${id}`);
    }
  }
  return out;
}

/** The probe containers that were not there when this file began (another run of the tool may hold its own). */
let before: Set<string> | undefined;
async function leftovers(): Promise<string[]> {
  before ??= new Set(await toolContainers());
  return (await toolContainers()).filter((c) => !before!.has(c));
}

const json = (r: CliRun): JsonReport => JSON.parse(r.stdout) as JsonReport;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tvm-compat-containers-'));
  // Installs what is missing and starts dockerd if it is not running; fails loudly otherwise.
  await execa('bash', [resolve(packageRoot, 'scripts', 'container-runtime.sh')]);
  await leftovers(); // records what was there before
  images.docker019 = await build('docker v0.19', ['v0.19', '--cli', 'docker']);
  images.docker019Patched = await build('docker v0.19 patched', ['v0.19', '--cli', 'docker', '--patch', PATCH]);
  images.podman027 = await build('podman v0.27', ['v0.27', '--cli', 'podman']);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  // Not an assertion: vitest prints it, and the numbers go into the closing note of the issue.
  console.log(`env build seconds: ${JSON.stringify(seconds)}`);
});

describe('docker: v0.19 image against the v0.19 baseline (squeezenet)', () => {
  // Keys only: what these tests show is the container, not the IR (Relay IR of squeezenet is minutes on 2 busy cores).
  const check = (image: string) => runCli(['check', '--against', 'v0.19', '--tvm', `docker:${image}`, '--only', 'squeezenet', '--target', 'llvm', '--no-ir', '--format', 'json', '--quiet']);

  it('reports nothing for the release image', async () => {
    const r = await check(images.docker019);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(json(r).findings).toEqual([]);
    expect(json(r).models[0]?.keys).toMatchObject({ baselineTasks: 23, candidateTasks: 23, survived: 23, share: 1 });
  });

  it('names the 18 conv2d_NCHWc tasks after the TOPI index-order patch, as the checkout: run does', async () => {
    const r = await check(images.docker019Patched);
    expect(r.exitCode).toBe(1);
    const report = json(r);
    // 18 auto_scheduler + 17 MetaSchedule conv2d_NCHWc keys, and the baseline's records of the tuned conv2d task (relay-checkout.test.ts).
    expect(countByRule(report)).toEqual({ 'task-key-changed': 35, 'tuning-records-no-longer-apply': 1, 'tuning-records-rescuable': 1 });
    const conv = (readBaseline(DEFAULT_BASELINES, 'v0.19.0').snapshots.get('squeezenet/llvm')?.stages.hash_keys?.tasks ?? []).filter((t) =>
      t.text.includes('conv2d_NCHWc'),
    );
    const autoScheduler = report.findings.filter((f) => f.rule === 'task-key-changed' && !f.subject.startsWith('meta_schedule:'));
    expect(autoScheduler.map((f) => f.args.baselineName).sort()).toEqual(conv.map((t) => t.name).sort());
    expect(report.models[0]?.keys).toMatchObject({ baselineTasks: 23, candidateTasks: 23, survived: 5, metaSchedule: { survived: 9 } });
  });

  it("loads and runs the v0.10 baseline's library in the container's runtime (the baseline's files are mounted into it)", async () => {
    const r = await runCli(['check', '--against', 'v0.10', '--tvm', `docker:${images.docker019}`, '--target', 'llvm', '--only', 'ds_cnn_s_f32', '--no-ir', '--artifacts', '--format', 'json', '--quiet']);
    expect(r.exitCode, r.stderr).toBe(1); // the pooling and dense keys moved (v010-baseline.test.ts)
    const report = json(r) as JsonReport & { models: { artifacts?: { baselineOnCandidate: string } }[] };
    // The auto_scheduler keys (MetaSchedule's, the target and the reverse load: v010-baseline.test.ts).
    const keys = report.findings.filter((f) => f.model !== '*' && !f.subject.startsWith('meta_schedule:') && f.rule !== 'library-needs-new-runtime');
    expect(keys.map((f) => f.rule)).toEqual(['task-key-changed', 'task-key-changed']);
    // v0.10's real records, applied by v0.19's relay.build inside the container.
    expect(report.skipped.filter((s) => s.check !== 'artifacts')).toEqual([]);
    expect((report.models[0] as { tuning?: unknown }).tuning).toMatchObject({ stored: 12, applied: 12 });
    // The other direction needs v0.10's own image (its baseline's spec); where it is not here, that is said, not passed.
    for (const s of report.skipped.filter((x) => x.check === 'artifacts')) expect(s).toMatchObject({ model: '*', code: 'not-available' });
    expect(report.models[0]?.artifacts?.baselineOnCandidate).toBe('runs, max abs 0');
  });

  it('reuses the image on a second env build', async () => {
    const started = Date.now();
    const r = await runCli(['env', 'build', 'v0.19', '--cli', 'docker', '--patch', PATCH]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(images.docker019Patched);
    expect(r.stderr).toMatch(/^reused /m);
    expect(r.stderr).not.toMatch(/^building /m);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('attributes a timeout inside the container like a host timeout, and leaves no container behind', async () => {
    const r = await runCli(['check', '--against', 'v0.19', '--tvm', `docker:${images.docker019}`, '--only', 'squeezenet', '--target', 'llvm', '--no-ir', '--timeout', '2', '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(1);
    const findings = json(r).findings;
    expect(findings).toHaveLength(1);
    // Inside, TVM imports in under 2 s (precompiled .pyc), so which stage the kill lands in varies.
    expect(findings[0]?.model).toBe('squeezenet');
    expect(String(findings[0]?.args.error)).toMatch(/^probe process timed out after 2 s during (frontend|hash_keys|ir)$/);
    // Killing the CLI does not stop a container; the runner must have removed it by name.
    expect(await leftovers()).toEqual([]);
  });
  it('removes its running containers when the check is interrupted (SIGINT)', async () => {
    const cli = execa('node', [resolve(packageRoot, 'dist', 'cli.js'), 'check', '--against', 'v0.19', '--tvm', `docker:${images.docker019}`, '--subset', 'ci', '--quiet'], {
      reject: false,
      stdin: 'ignore',
    });
    const deadline = Date.now() + 120_000;
    while ((await leftovers()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await leftovers()).not.toEqual([]);
    cli.kill('SIGINT');
    const r = await cli;
    // The abort path itself ends the run: exit 130, says so, writes no report.
    expect(r.exitCode).toBe(130);
    expect(String(r.stdout)).toBe('');
    expect(String(r.stderr)).toMatch(/interrupted/);
    expect(await leftovers()).toEqual([]);
  });
});

describe('podman: 0.27 image against the v0.25 baseline (ci subset)', () => {
  it('gives the same findings, models and summary as the v0.27 venv', async () => {
    const args = ['check', '--against', 'v0.25', '--subset', 'ci', '--target', 'llvm', '--format', 'json', '--quiet'];
    const [inContainer, inVenv] = [await runCli([...args, '--tvm', `podman:${images.podman027}`]), await runCli([...args, '--tvm', 'v0.27'])];
    expect(inContainer.exitCode).toBe(1);
    expect(inContainer.exitCode).toBe(inVenv.exitCode);
    const [c, v] = [json(inContainer), json(inVenv)];
    expect(c.findings.length).toBeGreaterThan(0);
    // IR diffs are headed with the candidate's label (podman:… or v0.27.0): the only difference allowed.
    const unlabel = (r: JsonReport, label: string) => JSON.parse(JSON.stringify(r.findings).replaceAll(label, '[CANDIDATE]'));
    expect(unlabel(c, `podman:${images.podman027}`)).toEqual(unlabel(v, 'v0.27.0'));
    expect(c.models).toEqual(v.models);
    expect(c.summary).toEqual(v.summary);
  });

  it('makes a baseline equal to the venv baseline: snapshots byte for byte, manifest apart from what names the environment', async () => {
    const create = (tvm: string, into: string) =>
      runCli(['baseline', 'create', '--tvm', tvm, '--name', 'same', '--subset', 'ci', '--baselines', join(dir, into), '--quiet']);
    const [inContainer, inVenv] = [await create(`podman:${images.podman027}`, 'container'), await create('v0.27', 'venv')];
    expect(inContainer.exitCode).toBe(0);
    expect(inVenv.exitCode).toBe(0);
    const snapshots = (into: string) => join(dir, into, 'same', 'snapshots');
    const names = (await readdir(snapshots('venv'))).sort();
    expect(names.length).toBeGreaterThanOrEqual(5);
    expect((await readdir(snapshots('container'))).sort()).toEqual(names);
    for (const name of names) {
      expect(await readFile(join(snapshots('container'), name), 'utf8'), name).toBe(await readFile(join(snapshots('venv'), name), 'utf8'));
    }
    const manifest = async (into: string) => JSON.parse(await readFile(join(dir, into, 'same', 'manifest.json'), 'utf8')) as Record<string, any>;
    const [m, n] = [await manifest('container'), await manifest('venv')];
    expect(m.env.label).toBe(`podman:${images.podman027}`);
    expect(m.fingerprint.tvmPath).toBe('/opt/tvm/lib/python3.11/site-packages/tvm');
    // Debian's python3 in the image and the host's python3 may differ in the patch version only.
    expect(m.fingerprint.python.split('.').slice(0, 2)).toEqual(n.fingerprint.python.split('.').slice(0, 2));
    for (const x of [m, n]) {
      delete x.env;
      delete x.fingerprint.tvmPath;
      delete x.fingerprint.python;
    }
    expect(m).toEqual(n);
  });
});

describe('a container runtime that is not there', () => {
  it('exits 3 with a one-line hint when the docker daemon does not answer', async () => {
    const r = await runCli(['check', '--against', 'v0.19', '--tvm', `docker:${images.docker019}`, '--only', 'squeezenet', '--quiet'], {
      DOCKER_HOST: `unix://${join(dir, 'no-daemon.sock')}`,
    });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/docker cannot run containers .*scripts\/container-runtime\.sh/);
  });

  it('exits 3 with the same hint when the CLI is missing, and 2 for an image that is not there', async () => {
    const missing = await runCli(['env', 'inspect', '--tvm', 'podman:whatever', '--container-cli', join(dir, 'no-such-podman')]);
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toMatch(/not found; install and start one with: bash .*container-runtime\.sh/);
    const noImage = await runCli(['env', 'inspect', '--tvm', 'podman:tvm-compat/tvm:no-such-tag']);
    expect(noImage.exitCode).toBe(2);
    expect(noImage.stderr).toMatch(/has no image "tvm-compat\/tvm:no-such-tag".*compat env build/);
  });

  it('left no container of this tool behind', async () => {
    expect(await leftovers()).toEqual([]);
  });
});
